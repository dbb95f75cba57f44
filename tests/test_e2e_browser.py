"""End to end in headless Chromium with every request outside localhost blocked.

Starts ``streamlit run dashboard/app.py`` on a free port, drives Debian's Chromium with
Playwright (never a downloaded browser) and checks that the demo city's map draws its
township polygons and points offline, that Chinese text renders, and that the KPI and data
pages open. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from dashboard.i18n import t
from tests.support.browser import blocked_context, chromium, need_chromium, running_app
from tests.support.e2e import wait_idle

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


#: A saved plan in the test workspace: 4 rural points in 黄川县 (12 -> 16 contact points).
PLAN = "农村加密方案"


def _workspace(folder: Path) -> Path:
    """A workspace with :data:`PLAN` (tests never touch ``workspace/workspace.gpkg``)."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    path = folder / "workspace.gpkg"
    city = load_demo_city()
    scn = copy_scenario(baseline_scenario(city, "demo"), PLAN, "李四")
    towns = city.townships[city.townships["county"] == "黄川县"]
    for geom in towns.geometry.representative_point().iloc[:4]:
        scn = add_point(scn, "contact_points", lon=geom.x, lat=geom.y, type="rural")
    WorkspaceStore(path).save(scn)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_chromium()
    root = tmp_path_factory.mktemp("e2e_browser")
    _workspace(root)  # the app's workspace file under root: one saved plan
    with running_app(root) as a:
        yield a.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def _context(browser: object, width: int, height: int) -> tuple[object, list[str]]:
    """A browser context of that viewport with every request outside localhost aborted."""
    return blocked_context(browser, width, height)


@pytest.fixture()
def page_and_blocked(browser: object) -> Iterator[tuple[object, list[str]]]:
    context, blocked = _context(browser, 1440, 1000)
    page = context.new_page()  # type: ignore[attr-defined]
    yield page, blocked
    context.close()  # type: ignore[attr-defined]


def _map_counts(page: object, timeout: float = 90.0, min_paths: int = 1) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        handle = page.query_selector(MAP_FRAME)  # type: ignore[attr-defined]
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                counts = frame.evaluate(
                    "() => ({paths: document.querySelectorAll('.leaflet-overlay-pane path').length,"
                    " badges: document.querySelectorAll('.leaflet-marker-pane .cp-badge').length,"
                    " leaflet: typeof window.L === 'object' ? 1 : 0,"
                    " tiles: document.querySelectorAll('.leaflet-tile').length,"
                    " attribution:"
                    " document.querySelectorAll('.leaflet-control-attribution').length})"
                )
            except playwright.Error:
                counts = {}
            if counts.get("paths", 0) >= min_paths and counts.get("badges", 0) > 0:
                return counts
        time.sleep(0.2)
    raise AssertionError(f"map not drawn in {timeout} s: {counts}")


def test_map_page_draws_offline(
    server: str, page_and_blocked: tuple[object, list[str]], artifacts_dir: Path
) -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    page, blocked = page_and_blocked
    served: list[tuple[str, int]] = []
    page.on("response", lambda r: served.append((r.url, r.status)))  # type: ignore[attr-defined]
    page.goto(server + "/")  # type: ignore[attr-defined]
    counts = _map_counts(page, min_paths=len(city.townships))
    # The map's data and code come from content-hashed static files of the app itself.
    static = [(u, s) for u, s in served if "/app/static/mapdata/" in u]
    names = {re.sub(r".*/app/static/mapdata/", "", u) for u, _ in static}
    assert {s for _, s in static} == {200}, static
    assert any(re.fullmatch(r"[0-9a-f]{32}\.json", n) for n in names), names
    assert any(re.fullmatch(r"[0-9a-f]{32}\.js", n) for n in names), names
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / "e2e_map_zh.png"))  # type: ignore[attr-defined]
    assert counts["leaflet"] == 1
    assert counts["paths"] >= len(city.townships)  # every township polygon is an SVG path
    assert counts["badges"] >= len(city.contact_points)  # the contact point layer is drawn
    assert counts["tiles"] == 0 and counts["attribution"] == 0
    heading = page.locator("h1").first  # type: ignore[attr-defined]
    assert heading.inner_text().strip() == t("map_title", "zh")
    # Chinese glyphs really render (a CJK font is installed): with the heading's font, two
    # different characters must draw differently (missing glyphs all draw the same box).
    family = heading.evaluate("(el) => getComputedStyle(el).fontFamily")
    differs = page.evaluate(  # type: ignore[attr-defined]
        """(family) => {
            const draw = (ch) => {
                const c = document.createElement('canvas'); c.width = 64; c.height = 64;
                const g = c.getContext('2d'); g.font = '48px ' + family; g.fillText(ch, 4, 52);
                return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
            };
            return [draw('覆') !== draw('盖'), draw('覆') !== draw('\\uE000')];
        }""",
        family,
    )
    assert differs == [True, True]
    assert not blocked, blocked


def test_the_page_starts_the_map_data_fetch_and_the_map_takes_it(
    server: str, page_and_blocked: tuple[object, list[str]]
) -> None:
    """The 地图 page fetches the map's data file before the map's iframe exists
    (static_data.prefetch_js); the map draws from that fetch and asks for no second copy."""
    page, blocked = page_and_blocked
    fetched: list[tuple[str, bool]] = []

    def request(r: Any) -> None:
        if "/app/static/mapdata/" in r.url and r.url.endswith(".json"):
            fetched.append((r.url, r.frame == page.main_frame))  # type: ignore[attr-defined]

    page.on("request", request)  # type: ignore[attr-defined]
    page.goto(server + "/")  # type: ignore[attr-defined]
    _map_counts(page)
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    assert len(fetched) == 1 and fetched[0][1], fetched  # once, by the page itself
    handle = page.query_selector(MAP_FRAME)  # type: ignore[attr-defined]
    assert handle.content_frame().evaluate("() => window.cpPrefetch || {}") == {}
    taken = page.evaluate("() => Object.keys(window.cpPrefetch || {})")  # type: ignore[attr-defined]
    assert taken == []  # the map took the page's fetch
    assert not blocked, blocked


def test_redraw_after_measure_and_county_change(
    server: str, page_and_blocked: tuple[object, list[str]], artifacts_dir: Path
) -> None:
    page, blocked = page_and_blocked
    received = [0]
    data_bytes = [0]

    def socket(ws: Any) -> None:
        ws.on("framereceived", lambda p: received.__setitem__(0, received[0] + len(p)))

    def response(r: Any) -> None:
        if "/app/static/mapdata/" in r.url and r.url.endswith(".json") and r.ok:
            data_bytes[0] = max(data_bytes[0], len(r.body()))

    page.on("websocket", socket)  # type: ignore[attr-defined]
    page.on("response", response)  # type: ignore[attr-defined]
    page.goto(server + "/")  # type: ignore[attr-defined]
    _map_counts(page)
    wait_idle(page)
    before = received[0]
    page.locator(f".st-key-{state.MAP_MEASURE} button[aria-haspopup='listbox']").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=t("measure_population", "zh"), exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    counts = _map_counts(page)
    wait_idle(page)
    assert counts["paths"] > 0
    # A view change sends the view, not the dataset: far less than the data file.
    assert data_bytes[0] > 100_000
    assert 0 < received[0] - before < data_bytes[0] // 3, (received[0] - before, data_bytes)
    page.locator(f".st-key-{state.MAP_COUNTY} button[aria-haspopup='listbox']").click()  # type: ignore[attr-defined]
    page.get_by_role("option").nth(1).click()  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    _map_counts(page)
    page.screenshot(path=str(artifacts_dir / "e2e_map_county.png"))  # type: ignore[attr-defined]
    assert not blocked, blocked


def test_english_switch_keeps_the_map(
    server: str, page_and_blocked: tuple[object, list[str]], artifacts_dir: Path
) -> None:
    page, blocked = page_and_blocked
    page.goto(server + "/")  # type: ignore[attr-defined]
    _map_counts(page)
    page.locator(f".st-key-{state.LANG} label").filter(has_text="English").click()  # type: ignore[attr-defined]
    page.wait_for_timeout(2000)  # type: ignore[attr-defined]
    page.locator("h1").filter(has_text=t("map_title", "en")).wait_for(timeout=30000)  # type: ignore[attr-defined]
    page.locator(f".st-key-{state.MAP_MEASURE} button[aria-haspopup='listbox']").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=t("measure_rural_share", "en"), exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    _map_counts(page)
    value = page.locator(f".st-key-{state.MAP_MEASURE} input").input_value()  # type: ignore[attr-defined]
    assert value == t("measure_rural_share", "en")
    page.screenshot(path=str(artifacts_dir / "e2e_map_en.png"))  # type: ignore[attr-defined]
    assert not blocked, blocked


def test_kpi_and_data_pages(
    server: str, page_and_blocked: tuple[object, list[str]], artifacts_dir: Path
) -> None:
    page, blocked = page_and_blocked
    page.goto(server + "/kpis")  # type: ignore[attr-defined]
    page.locator("h1").filter(has_text=t("kpi_title", "zh")).wait_for(timeout=60000)  # type: ignore[attr-defined]
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=60000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    assert page.locator("[data-testid='stMetric']").count() >= 8  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / "e2e_kpis.png"), full_page=True)  # type: ignore[attr-defined]
    page.locator(f".st-key-{state.KPI_PRESENTATION_TOGGLE} label").click()  # type: ignore[attr-defined]
    page.locator(f".st-key-{state.KPI_EXIT_PRESENTATION}").wait_for(timeout=30000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / "e2e_kpis_presentation.png"))  # type: ignore[attr-defined]
    page.locator(f".st-key-{state.KPI_EXIT_PRESENTATION} button").click()  # type: ignore[attr-defined]
    page.goto(server + "/data")  # type: ignore[attr-defined]
    page.locator("h1").filter(has_text=t("data_title", "zh")).wait_for(timeout=60000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / "e2e_data.png"))  # type: ignore[attr-defined]
    assert not blocked, blocked


#: The county table's rows, each row's box, and whether the table or anything around it
#: (up to the page's own scroll container) scrolls on its own.
_TABLE_GEOMETRY = """() => {
    const table = document.querySelector('table.cp-county');
    table.scrollIntoView({block: 'center'});
    const rows = Array.from(table.querySelectorAll('tbody tr')).map(tr => {
        const r = tr.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                text: tr.innerText};
    });
    const inner = [];
    for (let el = table; el && el.getAttribute('data-testid') !== 'stMain';
         el = el.parentElement) {
        const oy = getComputedStyle(el).overflowY;
        if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight + 1) {
            inner.push(el.className || el.tagName);
        }
        if (el.scrollHeight > el.clientHeight + 1 && el !== table && oy === 'hidden') {
            inner.push('clipped:' + (el.className || el.tagName));
        }
    }
    const cell = table.querySelector('tbody td');
    return {rows, inner, width: innerWidth, height: innerHeight,
            font: parseFloat(getComputedStyle(cell).fontSize)};
}"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_presentation_shows_a_plan_and_every_county(
    server: str, browser: object, artifacts_dir: Path, size: tuple[int, int]
) -> None:
    """Presentation mode with a saved plan next to the base: all 8 county rows on screen at
    once, no inner scroll bar, large type; the plan's figures shown before -> after."""
    width, height = size
    context, blocked = _context(browser, width, height)
    page = context.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(server + "/kpis")
        page.locator("[data-testid='stMetric']").first.wait_for(timeout=90000)
        page.locator(f".st-key-{state.KPI_SCENARIO} button[aria-haspopup='listbox']").click()
        page.get_by_role("option", name=PLAN, exact=True).click()
        before_after = t("kpi_before_after", "zh", before="12", after="16")
        page.get_by_text(before_after).first.wait_for(timeout=60000)
        page.locator(f".st-key-{state.KPI_PRESENTATION_TOGGLE} label").click()
        page.locator(f".st-key-{state.KPI_EXIT_PRESENTATION}").wait_for(timeout=60000)
        page.locator("table.cp-county").wait_for(timeout=60000)
        page.get_by_text(before_after).first.wait_for(timeout=60000)  # still the plan
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        page.wait_for_timeout(800)
        geometry = page.evaluate(_TABLE_GEOMETRY)
        page.wait_for_timeout(300)
        geometry = page.evaluate(_TABLE_GEOMETRY)  # after the scroll has settled
        page.screenshot(path=str(artifacts_dir / f"e2e_presentation_{width}x{height}.png"))
        rows = geometry["rows"]
        assert len(rows) == 8
        for row in rows:  # every county on screen at once
            assert row["top"] >= 0 and row["bottom"] <= geometry["height"], row
            assert row["left"] >= 0 and row["right"] <= geometry["width"], row
        assert geometry["inner"] == []  # no inner scroll bar, nothing cut off
        assert geometry["font"] >= 18  # readable from the back of the room
        huangchuan = next(r["text"] for r in rows if r["text"].startswith("黄川县"))
        assert "4 / 2" in huangchuan  # the plan's rural points, not the base's
        # Red with what is missing: the plan adds rural points only.
        assert huangchuan.split("\t")[1].strip() == "✗ " + t("kpi_status_fail", "zh") + " · 缺企业1"
        assert not blocked, blocked
    finally:
        context.close()  # type: ignore[attr-defined]


def test_tables_offer_no_csv_download(
    server: str, page_and_blocked: tuple[object, list[str]]
) -> None:
    """Streamlit's own "Download as CSV" exports raw cells (live formulas): not offered."""
    page, blocked = page_and_blocked
    page.goto(server + "/compare")  # type: ignore[attr-defined]
    table = page.locator("[data-testid='stDataFrame']").first  # type: ignore[attr-defined]
    table.wait_for(timeout=90000)
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar'] button:visible")  # type: ignore[attr-defined]
    toolbar.first.wait_for(timeout=30000)
    labels = [toolbar.nth(i).get_attribute("aria-label") for i in range(toolbar.count())]
    assert "Search" in labels  # the toolbar is shown ...
    assert "Download as CSV" not in labels  # ... without the download
    assert not blocked, blocked
