"""The first map only, many starts: from the server's start, from the page, a returning browser.

Run from the repository root::

    .venv/bin/python -m bench.first_map --province --starts 6

Each start launches the app as ``scripts/start.sh`` does (``python -m dashboard.launch``, a
fresh process, warm disk cache) and, in Debian's Chromium with outside requests blocked
(as :mod:`bench.ui`), measures:

- ``first_map_s``: from starting the process to the townships drawn, in a fresh browser
  context (nothing cached: Streamlit's ~2.5 MB frontend is fetched);
- ``from_page_s``: the same map counted from opening the page's address (the server answering
  its health check), what a planner waits for on a running server with a fresh browser;
- ``from_page_warm_s``: a fresh browser context on the same server a few seconds later (the
  launcher's warm-up done), from opening the address;
- ``returning_s``: a browser that has seen the app once (a context whose cache holds the
  frontend's files and the map's, as a planner's browser on the second visit): the page
  opened again in a new tab of that context, counted from opening the address;
- ``phases``: where the fresh page's time went, from the page's resource timings (seconds
  from opening the address): the frontend's last script received, the map's iframe document
  requested, streamlit-folium's bundle received, the map's code file and data file
  requested and received (the data by the page, ``static_data.prefetch_js``, or by the map),
  the townships drawn. ``ready_cpu_s`` is the server's CPU when it first answers.

Prints every start and the median / worst of each figure (all starts: the first start is
cold only after a change of data or display code) with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

from bench.serverstats import server_cpu_s
from bench.ui import PROVINCE_ENV, _route, map_frame, wait_map
from tests.support.e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
    wait_healthy,
)

#: In a frame: the resource timings (absolute ms on the shared clock) of the files whose
#: URL contains each needle: [request start, response end] of the last such file.
_RESOURCES_JS = """(needles) => {
    const out = {};
    const t0 = performance.timeOrigin;
    for (const e of performance.getEntriesByType('resource')) {
        for (const n of needles) {
            if (e.name.includes(n)) { out[n] = [t0 + e.startTime, t0 + e.responseEnd]; }
        }
    }
    return out;
}"""


def _phases(page: Page, nav_ms: float, drawn_ms: float) -> dict[str, float]:
    """Seconds from opening the address to each phase's end (see the module docstring)."""
    main = page.evaluate(_RESOURCES_JS, ["/static/js/", "/component/"])
    out: dict[str, float] = {}
    if "/static/js/" in main:
        out["frontend"] = (main["/static/js/"][1] - nav_ms) / 1000
    if "/component/" in main:
        out["iframe"] = (main["/component/"][0] - nav_ms) / 1000
    frame = map_frame(page)
    if frame is not None:
        inner = frame.evaluate(_RESOURCES_JS, ["/static/js/main."])
        for needle, name in (("/static/js/main.", "folium_bundle"),):
            if needle in inner:
                out[name] = (inner[needle][1] - nav_ms) / 1000
        js = page.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('mapdata/') && e.name.endsWith('.json'))"
            ".map(e => ['page.json', performance.timeOrigin + e.startTime,"
            " performance.timeOrigin + e.responseEnd])"
        ) + frame.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('mapdata/'))"
            ".map(e => [e.name.slice(-5), performance.timeOrigin + e.startTime,"
            " performance.timeOrigin + e.responseEnd])"
        )
        for suffix, start, end in js:
            kind = "code" if suffix.endswith(".js") else "data"
            out[f"{kind}_start"] = (start - nav_ms) / 1000
            out[f"{kind}_end"] = (end - nav_ms) / 1000
    out["drawn"] = (drawn_ms - nav_ms) / 1000
    return out


def _now_ms(page: Page) -> float:
    return float(page.evaluate("() => performance.timeOrigin + performance.now()"))


def _open(context: BrowserContext, url: str, n_towns: int) -> tuple[Page, float, float, float]:
    """Open ``url`` in a new tab; return the page, seconds to the map, nav and drawn ms."""
    page = context.new_page()
    page.goto("about:blank")
    nav_ms = _now_ms(page)
    t_nav = time.monotonic()
    page.goto(url)
    drawn = wait_map(page, n_towns, timeout=180)
    drawn_ms = nav_ms + (drawn - t_nav) * 1000
    return page, drawn - t_nav, nav_ms, drawn_ms


def run(starts: int, province: bool, width: int = 1440, height: int = 900) -> dict[str, Any]:
    """Start the app ``starts`` times; return every start's figures (module docstring)."""
    if province:
        from geodata.synthetic.province import load_province

        n_towns = len(load_province().townships)
    else:
        from geodata.demo.load import load_demo_city

        n_towns = len(load_demo_city().townships)
    env = dict(PROVINCE_ENV) if province else {}
    rows: list[dict[str, Any]] = []
    blocked: list[str] = []
    viewport = {"width": width, "height": height}
    with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp, sync_playwright() as pw:
        env["COVERAGE_PLANNER_WORKSPACE"] = str(Path(tmp) / "workspace.gpkg")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in range(starts):
                load0 = os.getloadavg()[0]
                fresh = browser.new_context(viewport=viewport, locale="zh-CN")
                fresh.route("**/*", _route(blocked))
                fresh.new_page().goto("about:blank")  # the browser's side ready first
                port = free_port()
                url = f"http://127.0.0.1:{port}/"
                t0 = time.monotonic()
                proc = start_app(port, env=env)
                try:
                    wait_healthy(port)
                    ready = time.monotonic() - t0
                    ready_cpu = server_cpu_s(proc.pid)
                    page, from_page, nav_ms, drawn_ms = _open(fresh, url, n_towns)
                    first = ready + from_page
                    phases = _phases(page, nav_ms, drawn_ms)
                    cpu = server_cpu_s(proc.pid)
                    page.wait_for_timeout(1500)
                    # A returning browser: a context that has seen the app once.
                    back = browser.new_context(viewport=viewport, locale="zh-CN")
                    back.route("**/*", _route(blocked))
                    seen, _, _, _ = _open(back, url, n_towns)
                    seen.wait_for_timeout(1000)
                    seen.close()
                    again, returning, nav2, drawn2 = _open(back, url, n_towns)
                    phases2 = _phases(again, nav2, drawn2)
                    back.close()
                    # A fresh browser on a server running for a while (warm-up done).
                    other = browser.new_context(viewport=viewport, locale="zh-CN")
                    other.route("**/*", _route(blocked))
                    _, warm, _, _ = _open(other, url, n_towns)
                    other.close()
                finally:
                    stop_app(proc)
                    fresh.close()
                row = {
                    "ready_s": ready,
                    "first_map_s": first,
                    "from_page_s": from_page,
                    "returning_s": returning,
                    "from_page_warm_s": warm,
                    "ready_cpu_s": ready_cpu,
                    "server_cpu_s": cpu,
                    "load": (load0 + os.getloadavg()[0]) / 2,
                    "phases": phases,
                    "phases_returning": phases2,
                }
                rows.append(row)
                print(
                    f"start {n + 1}: ready {ready:.2f} s (CPU {ready_cpu:.2f} s), first map "
                    f"{first:.2f} s, from the page {from_page:.2f} s, returning {returning:.2f} s,"
                    f" fresh on the running server {warm:.2f} s, server CPU to the map "
                    f"{cpu:.2f} s, load {row['load']:.1f}\n  phases "
                    + " ".join(f"{k} {v:.2f}" for k, v in phases.items())
                    + "\n  returning "
                    + " ".join(f"{k} {v:.2f}" for k, v in phases2.items()),
                    flush=True,
                )
        finally:
            browser.close()
    return {"rows": rows, "blocked": len(blocked)}


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Median and worst of each figure over ``rows``."""
    out: dict[str, float] = {}
    keys = ("ready_s", "ready_cpu_s", "first_map_s", "from_page_s", "returning_s")
    for key in (*keys, "from_page_warm_s", "server_cpu_s"):
        values = [r[key] for r in rows]
        out[f"{key}_median"] = statistics.median(values)
        out[f"{key}_worst"] = max(values)
    out["load_min"] = min(r["load"] for r in rows)
    out["load_max"] = max(r["load"] for r in rows)
    return out


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=6, help="app starts")
    parser.add_argument("--province", action="store_true", help="the fictional province")
    parser.add_argument("--viewport", default="1440x900", help="browser window, WxH")
    args = parser.parse_args()
    width, height = (int(v) for v in args.viewport.split("x"))
    result = run(args.starts, args.province, width, height)
    for key, value in summary(result["rows"]).items():
        print(f"{key:>22}: {value:.2f}")
    print(f"{'blocked_requests':>22}: {result['blocked']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
