"""Helpers for the dashboard tests: a small seeded synthetic city, a free port, the app.

The synthetic city lets the map tests run without the demo city file; it is built with
the real data-layer validation (``geodata.validate.assemble_city``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "dashboard" / "app.py"
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COUNTIES = ("东城区", "西城区", "南山县", "北岭县")
TYPES = ("urban_community", "rural", "enterprise", "association")


def synthetic_city(seed: int = 7) -> object:
    """Return a validated :class:`geodata.city.CityData` of 4 counties x 6 townships.

    Names include characters that must be escaped in HTML (``<b>``, ``&``) to test
    tooltip escaping.
    """
    from geodata.validate import assemble_city

    rng = np.random.default_rng(seed)
    rows, vrows, prows, srows, hrows = [], [], [], [], []
    x0, y0, step = 117.0, 36.0, 0.1
    n = 0
    for ci, county in enumerate(COUNTIES):
        for k in range(6):
            gx, gy = (ci % 2) * 3 + k % 3, (ci // 2) * 2 + k // 3
            poly = box(x0 + gx * step, y0 + gy * step, x0 + (gx + 1) * step, y0 + (gy + 1) * step)
            code = f"37010{ci}{k:03d}"
            rural = ci >= 2 or k >= 4
            name = f"<b>第{n}镇&" if n == 0 else f"第{n}{'镇' if rural else '街道'}"
            rows.append((code, name, county, f"37010{ci}", 0, "rural" if rural else "urban", poly))
            total = 0
            for v in range(4):
                p = Point(
                    poly.bounds[0] + rng.uniform(0.01, 0.09),
                    poly.bounds[1] + rng.uniform(0.01, 0.09),
                )
                pop = int(rng.integers(800, 6000))
                total += pop
                vrows.append(
                    (f"{code}{v:03d}", f"村{n}-{v}", code, pop, "rural" if rural else "urban", p)
                )
            rows[-1] = (*rows[-1][:4], total, *rows[-1][5:])
            n += 1
    for i in range(12):
        t = rows[int(rng.integers(0, len(rows)))]
        c = t[6].centroid
        prows.append(
            (
                f"P{i:02d}",
                f"联系点{i}",
                TYPES[i % 4],
                t[2],
                int(rng.integers(5, 60)),
                int(rng.integers(0, 5)),
                c,
            )
        )
    for i in range(40):
        p = prows[i % 12]
        g = Point(p[6].x + rng.uniform(-0.03, 0.03), p[6].y + rng.uniform(-0.03, 0.03))
        srows.append(
            (
                f"S{i:03d}",
                f"采集点{i}",
                p[0] if i < 36 else "",
                "village",
                int(rng.integers(1, 6)),
                g,
            )
        )
    for i in range(4):
        t = rows[i * 6]
        hrows.append((f"H{i}", f"代表之家{i}", t[2], 60.0, 1, 2, 12, t[6].centroid))
    towns = gpd.GeoDataFrame(
        rows,
        columns=["code", "name", "county", "county_code", "population", "kind", "geometry"],
        crs=4326,
    )
    villages = gpd.GeoDataFrame(
        vrows, columns=["code", "name", "township_code", "population", "kind", "geometry"], crs=4326
    )
    points = gpd.GeoDataFrame(
        prows,
        columns=[
            "id",
            "name",
            "type",
            "county",
            "opinions_collected",
            "opinions_adopted",
            "geometry",
        ],
        crs=4326,
    )
    sites = gpd.GeoDataFrame(
        srows,
        columns=["id", "name", "contact_point_id", "site_type", "informants", "geometry"],
        crs=4326,
    )
    homes = gpd.GeoDataFrame(
        hrows,
        columns=[
            "id",
            "name",
            "county",
            "area_m2",
            "administrators",
            "volunteers",
            "activities_last_year",
            "geometry",
        ],
        crs=4326,
    )
    return assemble_city(towns, villages, points, sites, homes, name="测试市")


def free_port() -> int:
    """Return a TCP port that is free on localhost right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(
    port: int, extra: list[str] | None = None, launcher: bool = True
) -> subprocess.Popen[bytes]:
    """Start the app from the repo root on ``port`` the way the README does.

    Parameters
    ----------
    port
        Port to listen on (127.0.0.1 only).
    extra
        More ``streamlit run`` options.
    launcher
        ``python -m dashboard.launch`` (the README's and ``scripts/start.sh``'s command,
        default) or, when False, plain ``python -m streamlit run dashboard/app.py``
        (for comparisons in ``bench/ui.py --plain``).
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_PROXY="*")
    entry = ["dashboard.launch"] if launcher else ["streamlit", "run", str(APP.relative_to(REPO))]
    cmd = [
        PYTHON,
        "-m",
        *entry,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *(extra or []),
    ]
    return subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_healthy(port: int, timeout: float = 60.0) -> None:
    """Wait until the Streamlit server answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"streamlit did not start on port {port}")


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    """Stop the app started by :func:`start_app`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
