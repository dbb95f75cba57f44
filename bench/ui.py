"""Dashboard speed in a real browser: first map after starting the app, and redraws.

Run from the repository root::

    .venv/bin/python bench/ui.py [--repeat 3] [--starts 3] [--plain]

Starts the app as ``scripts/start.sh`` does (``python -m dashboard.launch``; with
``--plain``, ``streamlit run dashboard/app.py`` for comparison) on a free port, drives
Debian's Chromium with Playwright (every request not to localhost is blocked, as on an
intranet) and prints:

- ``first_map_s``: from starting the app's process to the demo city's township polygons
  drawn in the map (the browser is launched before the clock starts), best of the starts
  after the first; ``first_map_first_start_s`` is the first start's (cold when the demo
  city's disk cache is empty, e.g. after a code or data change);
- ``redraw_measure_s`` / ``redraw_county_s``: from choosing another measure / county to
  the redrawn map (median of ``--repeat`` changes);
- ``load_avg_1min``: the machine's load when done (figures on a busy machine are slower).

The demo city's map payloads are persisted on disk after the first start (see
``dashboard/mapcache.py``).

Targets on the project's 2-core machine: first map < 4 s, redraw < 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Frame, Page, sync_playwright  # noqa: E402

from dashboard import state  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.palette import MEASURES  # noqa: E402
from tests.e2e_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
    wait_healthy,
)

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def map_frame(page: Page) -> Frame | None:
    """Return the st_folium iframe's frame, if any."""
    handle = page.query_selector(MAP_FRAME)
    return handle.content_frame() if handle else None


def wait_map(page: Page, min_paths: int, timeout: float = 60.0, fresh: bool = False) -> float:
    """Wait until the map iframe shows at least ``min_paths`` SVG paths; return the time.

    With ``fresh``, wait for a map drawn after :func:`mark_map` (a new iframe document).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = map_frame(page)
        if frame is not None:
            try:
                n = frame.evaluate(
                    "(fresh) => (fresh && window.__cpMark) ? -1 :"
                    " document.querySelectorAll('.leaflet-overlay-pane path').length",
                    fresh,
                )
            except Exception:  # noqa: BLE001 - the frame may be replaced while we ask
                n = -1
            if n >= min_paths:
                return time.monotonic()
        time.sleep(0.02)
    raise TimeoutError("map not drawn")


def mark_map(page: Page) -> None:
    """Mark the current map document so a redraw can be told apart."""
    frame = map_frame(page)
    if frame is not None:
        frame.evaluate("window.__cpMark = true")


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox whose widget key is ``key``."""
    page.locator(f".st-key-{key} button[aria-haspopup='listbox']").click()
    page.get_by_role("option", name=option, exact=True).click()


def _route(blocked: list[str]):  # type: ignore[no-untyped-def]
    def route(r):  # type: ignore[no-untyped-def]
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    return route


def _redraws(page: Page, key: str, options: list[str], repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        mark_map(page)
        start = time.monotonic()
        choose(page, key, options[i % len(options)])
        times.append(wait_map(page, 1, fresh=True) - start)
    return times


def run(repeat: int, starts: int = 2, launcher: bool = True) -> dict[str, float]:
    """Start the app ``starts`` times (cold, then warm) and measure; return the figures.

    With ``launcher`` False, start it with plain ``streamlit run`` (for comparison).
    """
    from geodata.demo import load_demo_city

    city = load_demo_city()
    n_towns = len(city.townships)
    counties = sorted({str(c) for c in city.townships["county"]})
    measures = [t(f"measure_{m}", "zh") for m in (*MEASURES[1:], MEASURES[0])]
    blocked: list[str] = []
    firsts: list[float] = []
    readies: list[float] = []
    m_times: list[float] = []
    c_times: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in range(starts):
                context = browser.new_context(
                    viewport={"width": 1440, "height": 900}, locale="zh-CN"
                )
                context.route("**/*", _route(blocked))
                page = context.new_page()
                port = free_port()
                t0 = time.monotonic()
                proc = start_app(port, launcher=launcher)
                try:
                    wait_healthy(port)
                    readies.append(time.monotonic() - t0)
                    page.goto(f"http://127.0.0.1:{port}/")
                    firsts.append(wait_map(page, n_towns) - t0)
                    print(
                        f"start {n + 1}: server ready {readies[-1]:.2f} s, "
                        f"first map {firsts[-1]:.2f} s, load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
                    if n == starts - 1:
                        m_times = _redraws(page, state.MAP_MEASURE, measures, repeat)
                        c_times = _redraws(page, state.MAP_COUNTY, counties, repeat)
                finally:
                    stop_app(proc)
                    context.close()
        finally:
            browser.close()
    return {
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "townships": n_towns,
        "server_ready_s": min(readies),
        "first_map_first_start_s": firsts[0],
        "first_map_s": min(firsts[1:]) if len(firsts) > 1 else firsts[0],
        "redraw_measure_s": statistics.median(m_times),
        "redraw_county_s": statistics.median(c_times),
        "redraw_max_s": max(m_times + c_times),
        "blocked_requests": len(blocked),
    }


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="redraws per control")
    parser.add_argument("--starts", type=int, default=2, help="app starts (first may be cold)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="start with `streamlit run dashboard/app.py` instead of `python -m dashboard.launch`",
    )
    args = parser.parse_args()
    figures = run(args.repeat, args.starts, launcher=not args.plain)
    for key, value in figures.items():
        print(f"{key:>18}: {value:.2f}" if isinstance(value, float) else f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
