"""End to end in headless Chromium with every request outside localhost blocked.

Starts ``streamlit run dashboard/app.py`` on a free port, drives Debian's Chromium with
Playwright (never a downloaded browser) and checks that the demo city's map draws its
township polygons and points offline, that Chinese text renders, and that the KPI and data
pages open. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import state
from dashboard.i18n import t
from tests.e2e_support import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_healthy

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
LOCAL = ("http://127.0.0.1", "http://localhost")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    port = free_port()
    proc = start_app(port)
    try:
        wait_healthy(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page_and_blocked(browser: object) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")  # type: ignore[attr-defined]
    blocked: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(LOCAL):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    yield page, blocked
    context.close()


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
    from geodata.demo import load_demo_city

    city = load_demo_city()
    page, blocked = page_and_blocked
    page.goto(server + "/")  # type: ignore[attr-defined]
    counts = _map_counts(page, min_paths=len(city.townships))
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


def test_redraw_after_measure_and_county_change(
    server: str, page_and_blocked: tuple[object, list[str]], artifacts_dir: Path
) -> None:
    page, blocked = page_and_blocked
    page.goto(server + "/")  # type: ignore[attr-defined]
    _map_counts(page)
    page.locator(f".st-key-{state.MAP_MEASURE} button[aria-haspopup='listbox']").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=t("measure_population", "zh"), exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    counts = _map_counts(page)
    assert counts["paths"] > 0
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
