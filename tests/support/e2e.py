"""Helpers for the dashboard tests: a small seeded synthetic city, a free port, the app.

The synthetic city lets the map tests run without the demo city file; it is built with
the real data-layer validation (``geodata.validate.layers.assemble_city``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

REPO = Path(__file__).resolve().parents[2]
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
    from geodata.validate.layers import assemble_city

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
    port: int,
    extra: list[str] | None = None,
    launcher: bool = True,
    env: dict[str, str] | None = None,
    stderr: Any = subprocess.PIPE,
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
    env
        More environment variables for the app (e.g. ``COVERAGE_PLANNER_WORKSPACE``: a
        temporary workspace, so tests and benchmarks that edit scenarios never touch
        ``workspace/workspace.gpkg``).
    stderr
        Where the server's standard error goes (a file for its timing marks, ``CP_TIMING``).
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_PROXY="*", **(env or {}))
    if launcher:
        entry = ["dashboard.launch"]
    else:
        from dashboard.launch import config_flags

        entry = ["streamlit", "run", str(APP.relative_to(REPO)), *config_flags()]
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
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr)


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


# --- the 方案模拟 simulation page in a browser (tests/test_e2e_sim.py, bench/ui.py) ------

#: The st_folium component's iframe.
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"

#: In the map iframe: what the simulation map shows. ``badges``: contact point and home
#: badges (the scenario's points, st_folium's ``feature_group_to_add``); ``proposed``:
#: those of new points; ``paths``: SVG paths (townships, counties, service radii).
SIM_MAP_COUNTS_JS = """() => ({
    badges: document.querySelectorAll('.leaflet-marker-pane .sim-badge').length,
    proposed: document.querySelectorAll('.leaflet-marker-pane .sim-badge.st-proposed').length,
    paths: document.querySelectorAll('.leaflet-overlay-pane path').length,
    ready: typeof window.map === 'object' && window.map !== null ? 1 : 0,
})"""

#: In the map iframe: where ``[lat, lon]`` is in the map container (CSS pixels) and
#: whether a click there lands on the map itself (a township or the background), not on
#: a point's badge or a map control, well inside the visible map.
_SPOT_JS = """([lat, lon]) => {
    const m = window.map;
    if (!m) { return null; }
    const p = m.latLngToContainerPoint([lat, lon]);
    const box = m.getContainer().getBoundingClientRect();
    const x = box.left + p.x, y = box.top + p.y;
    const inside = p.x > 60 && p.y > 90 && p.x < box.width - 20 && p.y < box.height - 20;
    const el = inside ? document.elementFromPoint(x, y) : null;
    const free = !!el && m.getContainer().contains(el)
        && !el.closest('.leaflet-marker-pane, .leaflet-control-container, .leaflet-tooltip-pane');
    return {x: p.x, y: p.y, ok: inside && free};
}"""


def empty_spots(city: object, n: int, min_sep_deg: float = 0.1) -> list[tuple[float, float]]:
    """Return up to ``n`` places inside the city, far from every point and from each other.

    Township representative points (strictly inside their township), the farthest from
    any contact point, collection site or home first, at least ``min_sep_deg`` apart: a
    click there adds a point (it selects none) and covers people no point reached.
    """
    pts = np.concatenate(
        [
            np.c_[g.geometry.x.to_numpy(), g.geometry.y.to_numpy()]
            for g in (city.contact_points, city.collection_sites, city.homes)  # type: ignore[attr-defined]
        ]
    )
    reps = city.townships.geometry.representative_point()  # type: ignore[attr-defined]
    cand = sorted(
        ((float(np.min(np.hypot(pts[:, 0] - p.x, pts[:, 1] - p.y))), p.x, p.y) for p in reps),
        reverse=True,
    )
    out: list[tuple[float, float]] = []
    for _, x, y in cand:
        if all(np.hypot(x - a, y - b) >= min_sep_deg for a, b in out):
            out.append((float(x), float(y)))
        if len(out) == n:
            break
    return out


def sim_map_frame(page: Any) -> Any:
    """Return the simulation map's iframe (a Playwright ``Frame``), or None."""
    handle = page.query_selector(MAP_FRAME)
    return handle.content_frame() if handle else None


def sim_map_counts(page: Any) -> dict[str, int]:
    """:data:`SIM_MAP_COUNTS_JS` in the map iframe (``{}`` while there is none)."""
    frame = sim_map_frame(page)
    if frame is None:
        return {}
    try:
        return dict(frame.evaluate(SIM_MAP_COUNTS_JS))
    except Exception:  # noqa: BLE001 - the frame may be replaced while we ask
        return {}


def click_xy(page: Any, lon: float, lat: float) -> tuple[float, float] | None:
    """Page coordinates (CSS pixels) of a click on the map at ``lon``/``lat``.

    ``None`` when that place is hidden by a badge or a control, or near the map's edge.
    Scrolls the map into view first (nothing moves between this and the click).
    """
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame = sim_map_frame(page)
    if frame is None:
        return None
    spot = frame.evaluate(_SPOT_JS, [lat, lon])
    inner = frame.locator("#map_div").bounding_box()  # in page coordinates
    if not spot or not spot["ok"] or inner is None:
        return None
    return inner["x"] + spot["x"], inner["y"] + spot["y"]


def wait_idle(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until Streamlit runs no script for this page (no "running" indicator)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon],"
        " [data-testid=stStatusWidgetRunningManIcon]')",
        timeout=timeout_ms,
        polling=100,
    )


def metric_text(page: Any, label: str) -> str:
    """Inner text of the KPI card (``st.metric``) whose label is ``label``; "" if absent."""
    return str(
        page.evaluate(
            """(label) => {
                const card = [...document.querySelectorAll('[data-testid=stMetric]')]
                    .find(e => (e.querySelector('[data-testid=stMetricLabel]') || e)
                        .innerText.trim() === label);
                return card ? card.innerText : '';
            }""",
            label,
        )
    )


def metric_value(page: Any, label: str) -> int | None:
    """The integer value of the KPI card labelled ``label`` (None while absent)."""
    text = str(
        page.evaluate(
            """(label) => {
                const card = [...document.querySelectorAll('[data-testid=stMetric]')]
                    .find(e => (e.querySelector('[data-testid=stMetricLabel]') || e)
                        .innerText.trim() === label);
                const v = card && card.querySelector('[data-testid=stMetricValue]');
                return v ? v.innerText : '';
            }""",
            label,
        )
    )
    digits = text.replace(",", "").strip()
    return int(digits) if digits.lstrip("-").isdigit() else None
