"""Dashboard speed in a real browser: first map after starting the app, and redraws.

Run from the repository root::

    .venv/bin/python -m bench.ui [--repeat 3] [--starts 3] [--plain] [--province] [--log F]

Starts the app as ``scripts/start.sh`` does (``python -m dashboard.launch``; with
``--plain``, ``streamlit run dashboard/app.py`` for comparison) on a free port, drives
Debian's Chromium with Playwright (every request not to localhost is blocked, as on an
intranet) and prints:

- ``first_map_s``: from starting the app's process to the demo city's township polygons
  drawn in the map (the browser is launched before the clock starts), best of the starts
  after the first; ``first_map_first_start_s`` is the first start's (cold when the demo
  city's disk cache is empty, e.g. after a code or data change); ``first_map_from_page_s``
  is the best of the same starts counted from opening the page's address (the server running)
  to the map, what a planner waits for;
- ``redraw_measure_s`` / ``redraw_county_s``: from choosing another measure / county to
  the redrawn map (a new map document, or the same one drawing other township paths or
  colours; median of ``--repeat`` changes);
- ``click_kpis_s`` / ``click_map_s``: on the 方案模拟 simulation page, from a click on an
  empty spot of the map (inside the city, ``--kind`` chosen in 新增类型 first) to the KPI
  cards showing the new contact point count (and changed coverage) / to the new point's
  badge drawn in the map (the badges of st_folium's ``feature_group_to_add`` layer in the
  map iframe), timed on the browser's clock (mousedown in the map to the DOM change, seen
  by a ``MutationObserver``); median of ``--repeat`` clicks, each at another place;
  ``click_max_s`` is the slowest of either. (Until 2026-12-07 the time included
  streamlit-folium's own 250 ms debounce; the map now sends a click at once.)
  ``click_map_rebuilt`` counts
  clicks after which the map iframe held a new document (0 expected: the base map
  stays, only the points are swapped).
  The app runs on a temporary workspace (``COVERAGE_PLANNER_WORKSPACE``), so the clicks
  never land in ``workspace/workspace.gpkg``;
- ``first_page_ws_kb`` / ``view_change_ws_kb``: bytes the browser received on Streamlit's
  websocket for the first map page / per change of measure or county (median; the map's data
  and code are static files fetched once, not websocket messages);
- ``click_server_cpu_s``: the server's CPU seconds (with its children) per click, from
  before the click to the page idle again (median);
- ``rss_1_session_mb`` / ``rss_5_sessions_mb``: the server's resident memory (with its
  children, e.g. solver processes) after the first session's clicks / with 4 more sessions
  on the map page;
- ``load_avg_1min``: the machine's load when done (figures on a busy machine are slower).

The first map alone, over many starts, with a returning browser (a context whose cache has
seen the app once) and the phases of the page's load: :mod:`bench.first_map`.

``--log FILE`` appends the server's timing marks (``CP_TIMING``) to ``FILE``: each script run
(whole page or fragment) with its thread's CPU time and the process's garbage collection.

``--province`` runs all of it on the fictional province (``COVERAGE_PLANNER_DEMO=province``,
:mod:`geodata.synthetic.province`: 1,500 townships, ~20,100 villages, 300 contact points).

The demo city's map payloads are persisted on disk after the first start (see
``dashboard/map/cache.py``). ``--clicks-only`` skips the start and redraw figures (one
start, the clicks).

Targets on the project's 2-core machine: first map < 4 s, redraw < 1 s, click to updated
KPIs and map < 1.5 s. On the province (issue #16): first map < 2 s, a view change sends only
the view (a few kB), click to the new badge < 0.6 s, server CPU per click < 0.4 s, memory
< 1 GB for 5 sessions.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Frame, Page, sync_playwright

from bench.serverstats import FrameBytes, rss_by_process, server_cpu_s, server_rss_mb
from dashboard import state
from dashboard.i18n import point_type_label, t
from dashboard.map.palette import MEASURES
from tests.support.e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    click_xy,
    empty_spots,
    free_port,
    metric_text,
    metric_value,
    sim_map_counts,
    start_app,
    stop_app,
    wait_healthy,
    wait_idle,
)

REPO = Path(__file__).resolve().parent.parent
#: The app's environment for ``--province`` (see dashboard/services/data.py ``DEMO_ENV``).
PROVINCE_ENV = {"COVERAGE_PLANNER_DEMO": "province"}
#: Sessions whose server memory ``rss_sessions_mb`` reports.
SESSIONS = 5


def map_frame(page: Page) -> Frame | None:
    """Return the st_folium iframe's frame, if any."""
    handle = page.query_selector(MAP_FRAME)
    return handle.content_frame() if handle else None


#: In the map iframe: a signature of what the map draws, to tell a redraw in place from the
#: map drawn before: the SVG paths (number, fill colours, outlines) and the renderer's count of
#: views drawn (``window.cpDrawn.seq``: the province's townships are on a canvas, no paths).
_DRAWN_JS = """() => {
    const paths = document.querySelectorAll('.leaflet-overlay-pane path');
    let h = 0;
    for (const p of paths) {
        const d = p.getAttribute('d') || '';
        const s = (p.getAttribute('fill') || '') + d.length + d.slice(0, 40);
        for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; }
    }
    return paths.length + ':' + h + ':' + ((window.cpDrawn || {}).seq || 0);
}"""
#: In the map iframe: the township polygons drawn, SVG paths or on a canvas (``cpDrawn``).
_TOWNS_JS = (
    "Math.max(document.querySelectorAll('.leaflet-overlay-pane path').length,"
    " (window.cpDrawn || {}).townships || 0)"
)


def wait_map(page: Page, min_paths: int, timeout: float = 60.0, fresh: bool = False) -> float:
    """Wait until the map iframe shows at least ``min_paths`` townships; return the time.

    Townships are counted as SVG paths or, drawn on a canvas (a province), as the renderer
    reports them (``window.cpDrawn``). With ``fresh``, wait for a map drawn after
    :func:`mark_map`: a new iframe document, or the same document drawing something else
    (the map page redraws in place).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = map_frame(page)
        if frame is not None:
            try:
                n = frame.evaluate(
                    "([fresh, drawn]) => (fresh && window.__cpMark"
                    f" && window.__cpMark === eval(drawn)()) ? -1 : {_TOWNS_JS}",
                    [fresh, _DRAWN_JS],
                )
            except Exception:  # noqa: BLE001 - the frame may be replaced while we ask
                n = -1
            if n >= min_paths:
                return time.monotonic()
        time.sleep(0.02)
    raise TimeoutError("map not drawn")


def mark_map(page: Page) -> None:
    """Remember the current map document and what it draws, so a redraw can be told apart."""
    frame = map_frame(page)
    if frame is not None:
        frame.evaluate(
            "(drawn) => { window.__cpMark = eval(drawn)(); window.__cpDoc = true; }", _DRAWN_JS
        )


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox whose widget key is ``key``."""
    box = page.locator(f".st-key-{key} button[aria-haspopup='listbox']")
    # Scroll first: a list opened while the page scrolls (to a box below the fold) closes.
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box.click()
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


def _redraws(
    page: Page, key: str, options: list[str], repeat: int, frames: FrameBytes
) -> tuple[list[float], list[int]]:
    """Change ``key`` ``repeat`` times; return the times to the redrawn map and the bytes
    the browser received for each change (the rerun's messages, read once it is idle)."""
    times, sizes = [], []
    for i in range(repeat):
        mark_map(page)
        wait_idle(page)
        before = frames.received
        start = time.monotonic()
        choose(page, key, options[i % len(options)])
        times.append(wait_map(page, 1, fresh=True) - start)
        time.sleep(0.3)
        wait_idle(page)
        sizes.append(frames.received - before)
    return times, sizes


def _sim_kind_label(kind: str) -> str:
    """The 新增类型 option shown for a contact point type (zh)."""
    return point_type_label(kind, "zh") + t("sim_point_suffix", "zh")


#: In the page: note (browser clock, ms) when the KPI card labelled ``label`` first shows
#: ``want`` (the DOM change; the paint follows within a frame. ``requestAnimationFrame``
#: is no help here: Chromium runs it late in the map's iframe).
_WATCH_KPI_JS = """([label, want]) => {
    const now = () => performance.timeOrigin + performance.now();
    window.__cpKpiAt = null;
    const check = () => {
        if (window.__cpKpiAt) { return; }
        const card = [...document.querySelectorAll('[data-testid=stMetric]')]
            .find(e => (e.querySelector('[data-testid=stMetricLabel]') || e)
                .innerText.trim() === label);
        const v = card && card.querySelector('[data-testid=stMetricValue]');
        if (v && parseInt(v.innerText.replace(/,/g, '')) === want) {
            window.__cpKpiAt = now();
            obs.disconnect();
        }
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
#: In the map iframe: note the click (mousedown) and when a badge more than ``before`` is
#: in the marker pane.
_WATCH_MAP_JS = """(before) => {
    const now = () => performance.timeOrigin + performance.now();
    window.__cpClickAt = null; window.__cpMapAt = null;
    document.addEventListener('mousedown', () => { window.__cpClickAt ||= now(); },
        {capture: true, once: true});
    const obs = new MutationObserver(() => {
        if (window.__cpMapAt) { return; }
        if (document.querySelectorAll('.leaflet-marker-pane .sim-badge').length > before) {
            window.__cpMapAt = now();
            obs.disconnect();
        }
    });
    obs.observe(document.body, {subtree: true, childList: true});
}"""


def _sim_clicks(
    page: Page, base_url: str, city: object, repeat: int, kind: str, pid: int = 0
) -> tuple[list[float], list[float], int, list[float]]:
    """Click ``repeat`` empty spots of the simulation map; return the KPI and map times.

    Returns ``(kpi_times, map_times, rebuilt)``: seconds from each click to the KPI card
    "基层立法联系点" showing one point more and to one badge more in the map, both on the
    browser's clock (mousedown in the map to the DOM change, seen by a
    ``MutationObserver``, so the polling from here adds nothing); ``rebuilt`` counts
    clicks after which the map iframe held a new document (then the map time is taken
    here, by polling). With the server's ``pid``, also the server CPU seconds of each click
    (from before the click to the page idle again).
    """
    cp_label = t("kpi_contact_points_total", "zh")
    cov_label = t("kpi_coverage_share", "zh")
    page.goto(f"{base_url}/simulate")
    deadline = time.monotonic() + 120
    while metric_value(page, cp_label) is None or not sim_map_counts(page).get("badges"):
        if time.monotonic() > deadline:
            raise TimeoutError("simulation page not drawn")
        time.sleep(0.1)
    wait_idle(page)
    choose(page, state.SIM_ADD_KIND, _sim_kind_label(kind))
    time.sleep(0.5)
    wait_idle(page)
    kpi_times: list[float] = []
    map_times: list[float] = []
    cpu: list[float] = []
    rebuilt = 0
    for lon, lat in empty_spots(city, 3 * repeat):
        if len(kpi_times) == repeat:
            break
        xy = click_xy(page, lon, lat)
        frame = map_frame(page)
        if xy is None or frame is None:  # hidden by a badge or outside the visible map
            continue
        n0 = metric_value(page, cp_label)
        cov0 = metric_text(page, cov_label)
        badges0 = sim_map_counts(page)["badges"]
        mark_map(page)
        page.evaluate(_WATCH_KPI_JS, [cp_label, (n0 or 0) + 1])
        frame.evaluate(_WATCH_MAP_JS, badges0)
        before_at = page.evaluate("() => performance.timeOrigin + performance.now()")
        cpu0 = server_cpu_s(pid) if pid else 0.0
        t0 = time.monotonic()
        page.mouse.click(*xy)
        kpi_at = map_at = click_at = None
        t_map_polled = None
        deadline = t0 + 60
        while (kpi_at is None or (map_at is None and t_map_polled is None)) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.05)
            kpi_at = page.evaluate("() => window.__cpKpiAt")
            frame = map_frame(page)
            try:
                click_at, map_at = frame.evaluate(  # type: ignore[union-attr]
                    "() => [window.__cpClickAt, window.__cpMapAt]"
                )
            except Exception:  # noqa: BLE001 - no frame, or a new one: poll the count
                click_at = map_at = None
            if (
                map_at is None
                and sim_map_counts(page).get("badges", 0) > badges0
                and (frame is None or not frame.evaluate("() => window.__cpDoc === true"))
            ):
                t_map_polled = time.monotonic() - t0  # the map was rebuilt: no observer
        if kpi_at is None or (map_at is None and t_map_polled is None):
            raise TimeoutError(f"click at {lon:.4f}, {lat:.4f}: KPIs {kpi_at}, map {map_at}")
        frame = map_frame(page)
        if frame is None or not frame.evaluate("() => window.__cpDoc === true"):
            rebuilt += 1
        if click_at is None:  # the click's document is gone: the moment before the click
            click_at = before_at
        changed = metric_text(page, cov_label) != cov0
        kpi_times.append((kpi_at - click_at) / 1000)
        map_times.append((map_at - click_at) / 1000 if map_at is not None else t_map_polled)
        print(
            f"click {len(kpi_times)} at {lon:.3f}, {lat:.3f}: KPIs {kpi_times[-1]:.2f} s, "
            f"map {map_times[-1]:.2f} s, coverage changed {changed}, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        time.sleep(0.3)
        wait_idle(page)
        if pid:
            cpu.append(server_cpu_s(pid) - cpu0)
            print(f"  server CPU {cpu[-1]:.2f} s", flush=True)
    if len(kpi_times) < repeat:
        raise RuntimeError(f"only {len(kpi_times)} of {repeat} clicks found an empty spot")
    return kpi_times, map_times, rebuilt, cpu


def _sessions(browser, url: str, n_towns: int, pid: int, n: int) -> float:  # type: ignore[no-untyped-def]
    """Open ``n`` more sessions of the map page (one context each); return the server's RSS."""
    contexts = []
    try:
        for _ in range(n):
            context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
            context.route("**/*", _route([]))
            page = context.new_page()
            page.goto(url)
            wait_map(page, n_towns, timeout=120)
            contexts.append(context)
        time.sleep(1.0)
        parts = rss_by_process(pid)
        print(
            "server RSS, MB: "
            + ", ".join(f"{'server' if p == pid else 'child'} {mb:.0f}" for p, mb in parts.items()),
            flush=True,
        )
        return sum(parts.values())
    finally:
        for context in contexts:
            context.close()


def run(
    repeat: int,
    starts: int = 2,
    launcher: bool = True,
    kind: str = "rural",
    clicks_only: bool = False,
    province: bool = False,
    log: Path | None = None,
) -> dict[str, float]:
    """Start the app ``starts`` times (cold, then warm) and measure; return the figures.

    With ``launcher`` False, start it with plain ``streamlit run`` (for comparison). The
    last start also measures the redraws and the bytes each sends (unless
    ``clicks_only``), ``repeat`` clicks adding a ``kind`` contact point on the simulation
    page with the server's CPU per click, and the server's memory with :data:`SESSIONS`
    sessions. With ``province``, on the fictional province (``COVERAGE_PLANNER_DEMO``).
    With ``log``, the server's timing marks (``CP_TIMING``: each script run's CPU and
    garbage collection) are written to that file.
    """
    if province:
        from geodata.synthetic.province import load_province

        city = load_province()
    else:
        from geodata.demo.load import load_demo_city

        city = load_demo_city()
    n_towns = len(city.townships)
    counties = sorted({str(c) for c in city.townships["county"]})
    measures = [t(f"measure_{m}", "zh") for m in (*MEASURES[1:], MEASURES[0])]
    blocked: list[str] = []
    firsts: list[float] = []
    navs: list[float] = []
    readies: list[float] = []
    m_times: list[float] = []
    c_times: list[float] = []
    m_bytes: list[int] = []
    c_bytes: list[int] = []
    k_times: list[float] = []
    p_times: list[float] = []
    cpu: list[float] = []
    first_bytes = 0
    rss_one = rss_many = 0.0
    rebuilt = 0
    if clicks_only:
        starts = 1
    workspace = tempfile.TemporaryDirectory(prefix="bench-ui-")
    env = {"COVERAGE_PLANNER_WORKSPACE": str(Path(workspace.name) / "workspace.gpkg")}
    if province:
        env.update(PROVINCE_ENV)
    if log is not None:
        env["CP_TIMING"] = "1"
    with workspace, sync_playwright() as pw, contextlib.ExitStack() as stack:
        server_err = stack.enter_context(log.open("ab")) if log is not None else subprocess.PIPE
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in range(starts):
                context = browser.new_context(
                    viewport={"width": 1440, "height": 900}, locale="zh-CN"
                )
                context.route("**/*", _route(blocked))
                page = context.new_page()
                frames = FrameBytes(page)
                port = free_port()
                t0 = time.monotonic()
                proc = start_app(port, launcher=launcher, env=env, stderr=server_err)
                try:
                    wait_healthy(port)
                    readies.append(time.monotonic() - t0)
                    t_nav = time.monotonic()
                    page.goto(f"http://127.0.0.1:{port}/")
                    drawn = wait_map(page, n_towns, timeout=180)
                    firsts.append(drawn - t0)
                    navs.append(drawn - t_nav)
                    print(
                        f"start {n + 1}: server ready {readies[-1]:.2f} s, "
                        f"first map {firsts[-1]:.2f} s ({navs[-1]:.2f} s from the page's address),"
                        f" load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
                    if n == starts - 1 and not clicks_only:
                        wait_idle(page)
                        first_bytes = frames.received
                        rss_one = server_rss_mb(proc.pid)
                        m_times, m_bytes = _redraws(
                            page, state.MAP_MEASURE, measures, repeat, frames
                        )
                        c_times, c_bytes = _redraws(
                            page, state.MAP_COUNTY, counties, repeat, frames
                        )
                        print(f"view change bytes: measure {m_bytes}, county {c_bytes}", flush=True)
                    if n == starts - 1:
                        k_times, p_times, rebuilt, cpu = _sim_clicks(
                            page, f"http://127.0.0.1:{port}", city, repeat, kind, proc.pid
                        )
                        if not clicks_only:
                            rss_many = _sessions(
                                browser, f"http://127.0.0.1:{port}/", n_towns, proc.pid,
                                SESSIONS - 1,
                            )  # fmt: skip
                finally:
                    stop_app(proc)
                    context.close()
        finally:
            browser.close()
    figures: dict[str, float] = {
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "townships": n_towns,
        "server_ready_s": min(readies),
        "first_map_first_start_s": firsts[0],
        "first_map_s": min(firsts[1:]) if len(firsts) > 1 else firsts[0],
        "first_map_from_page_s": min(navs[1:]) if len(navs) > 1 else navs[0],
    }
    if m_times:
        figures["redraw_measure_s"] = statistics.median(m_times)
        figures["redraw_county_s"] = statistics.median(c_times)
        figures["redraw_max_s"] = max(m_times + c_times)
        figures["first_page_ws_kb"] = round(first_bytes / 1024, 1)
        figures["view_change_ws_kb"] = round(statistics.median(m_bytes + c_bytes) / 1024, 1)
        figures["view_change_ws_max_kb"] = round(max(m_bytes + c_bytes) / 1024, 1)
    figures["click_kpis_s"] = statistics.median(k_times)
    figures["click_map_s"] = statistics.median(p_times)
    figures["click_max_s"] = max(k_times + p_times)
    figures["click_map_rebuilt"] = rebuilt
    if cpu:
        figures["click_server_cpu_s"] = statistics.median(cpu)
        figures["click_server_cpu_max_s"] = max(cpu)
    if rss_many:
        figures["rss_1_session_mb"] = round(rss_one, 1)
        figures[f"rss_{SESSIONS}_sessions_mb"] = round(rss_many, 1)
    figures["blocked_requests"] = len(blocked)
    return figures


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=3, help="redraws per control, clicks on the simulation map"
    )
    parser.add_argument("--starts", type=int, default=2, help="app starts (first may be cold)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="start with `streamlit run dashboard/app.py` instead of `python -m dashboard.launch`",
    )
    parser.add_argument(
        "--kind",
        default="rural",
        choices=("rural", "enterprise", "association", "urban_community", "school", "other"),
        help="contact point type the clicks add (新增类型)",
    )
    parser.add_argument(
        "--clicks-only",
        action="store_true",
        help="one start, only the simulation page's clicks (no start or redraw figures)",
    )
    parser.add_argument(
        "--province",
        action="store_true",
        help="on the fictional province (1,500 townships; COVERAGE_PLANNER_DEMO=province)",
    )
    parser.add_argument(
        "--log", type=Path, help="append the server's timing marks (CP_TIMING) to this file"
    )
    args = parser.parse_args()
    figures = run(
        args.repeat,
        args.starts,
        launcher=not args.plain,
        kind=args.kind,
        clicks_only=args.clicks_only,
        province=args.province,
        log=args.log,
    )
    for key, value in figures.items():
        print(f"{key:>24}: {value:.2f}" if isinstance(value, float) else f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
