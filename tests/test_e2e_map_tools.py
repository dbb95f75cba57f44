"""The map in Chromium with every outside request blocked: base maps and way-finding tools.

One server with a local MBTiles file made here (``COVERAGE_PLANNER_TILE_FILE``) and a tile
URL nobody answers (``COVERAGE_PLANNER_TILE_URL``): the tile file shows a base map served by
the app itself, the broken URL is reported on the map, and search, measure, township labels,
county labels and the PNG export work. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from dashboard.i18n import t
from dashboard.map import legibility, search_index, tiles
from dashboard.map.tools import LABEL_ZOOM
from tests.support.e2e import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_healthy
from tests.support.mbtiles import make_mbtiles

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
LOCAL = ("http://127.0.0.1", "http://localhost")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from geodata.demo.load import load_demo_city

    folder = tmp_path_factory.mktemp("e2e_map_tools")
    west, south, east, north = (float(v) for v in load_demo_city().townships.total_bounds)
    src = folder / "demo-base.mbtiles"
    make_mbtiles(src, (west, south, east, north), range(7, 12))
    before = set(tiles.TILES_DIR.iterdir()) if tiles.TILES_DIR.exists() else set()
    lists = search_index.SEARCH_DIR
    before_lists = set(lists.iterdir()) if lists.exists() else set()
    env = {
        tiles.ENV_FILE: str(src),
        tiles.ENV_URL: f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png",  # nobody listens
        tiles.ENV_ATTRIBUTION: "测试瓦片",
        "COVERAGE_PLANNER_WORKSPACE": str(folder / "workspace.gpkg"),
    }
    port = free_port()
    proc = start_app(port, env=env)
    try:
        wait_healthy(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)
        for made in set(tiles.TILES_DIR.iterdir()) - before if tiles.TILES_DIR.exists() else ():
            shutil.rmtree(made, ignore_errors=True)
        for made in set(lists.iterdir()) - before_lists if lists.exists() else ():
            made.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.blocked = blocked
    yield pg
    context.close()
    assert not blocked, blocked


def _frame(page: Any, timeout: float = 90.0) -> Any:
    """The map's iframe once its badges are drawn and its tools are in."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        handle = page.query_selector(MAP_FRAME)
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                if frame.evaluate(
                    "() => document.querySelectorAll('.cp-badge').length > 0"
                    " && !!document.querySelector('.cp-search input')"
                ):
                    return frame
            except playwright.Error:
                pass
        time.sleep(0.2)
    raise AssertionError("the map with its tools did not appear")


def _wait_in_map(page: Any, js: str, timeout: float = 60.0) -> tuple[Any, Any]:
    """The map's iframe and the value of ``js`` in it, once truthy (the iframe may be replaced
    while the page redraws: it is looked up again)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = _frame(page)
        try:
            value = frame.evaluate(js)
        except playwright.Error:
            value = None
        if value:
            return frame, value
        time.sleep(0.3)
    raise AssertionError(f"not in the map within {timeout} s: {js}")


def _open(page: Any, server: str) -> Any:
    page.goto(server + "/")
    frame = _frame(page)
    page.wait_for_timeout(800)
    return frame


def test_local_tile_file_is_the_base_map(server: str, page: Any, artifacts_dir: Path) -> None:
    served: list[str] = []
    page.on(
        "response",
        lambda r: served.append(r.url) if "/app/static/tiles/" in r.url and r.ok else None,
    )
    frame = _open(page, server)
    value = page.locator(f".st-key-{state.MAP_BASEMAP} input").input_value()
    assert value == t("basemap_local", "zh")  # a configured tile file is the default
    frame.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile-pane img')]"
        ".filter(i => i.complete && i.naturalWidth === 256).length >= 4",
        timeout=60000,
    )
    page.screenshot(path=str(artifacts_dir / "e2e_map_tiles_local.png"))
    assert len(served) >= 4
    assert frame.evaluate("() => window.cpTileErrors || 0") == 0
    assert frame.locator(".cp-tile-notice").count() == 0
    # The file's own attribution, shown as text (its markup stays letters).
    assert frame.locator(".cp-attribution").inner_text() == "测试底图 <b>test</b>"


def test_unreachable_tile_url_is_reported(server: str, page: Any, artifacts_dir: Path) -> None:
    _open(page, server)
    page.locator(f".st-key-{state.MAP_BASEMAP} button[aria-haspopup='listbox']").click()
    page.get_by_role("option", name=t("basemap_custom", "zh"), exact=True).click()
    frame, failed = _wait_in_map(page, "() => window.cpTileErrors")
    assert failed > 0
    notice = frame.locator(".cp-tile-notice")
    page.screenshot(path=str(artifacts_dir / "e2e_map_tiles_broken.png"))
    head = t("maptool_tiles_failed", "zh", n=0).split("0")[0]
    assert notice.inner_text().startswith(head)


def _unique_village() -> tuple[str, float, float]:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    names = list(city.townships["name"].astype(str)) + list(city.villages["name"].astype(str))
    for row in city.villages.itertuples():
        name = str(row.name)
        if names.count(name) == 1 and not any(n != name and n.startswith(name) for n in names):
            return name, float(row.geometry.y), float(row.geometry.x)
    raise AssertionError("no village with a unique name")


def test_search_flies_to_a_village(server: str, page: Any, artifacts_dir: Path) -> None:
    name, lat, lon = _unique_village()
    frame = _open(page, server)
    box = frame.locator(".cp-search input")
    box.fill(name[:2])
    frame.locator(".cp-search-list div").first.wait_for(timeout=10000)
    box.fill(name)
    rows = frame.locator(".cp-search-list div")
    assert rows.first.inner_text().startswith(name)
    rows.first.click()
    frame.wait_for_function(
        "() => window.cpSearchTarget && map_div.getZoom() === 15", timeout=20000
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "e2e_map_search.png"))
    center = frame.evaluate("() => map_div.getCenter()")
    assert abs(center["lat"] - lat) < 1e-3 and abs(center["lng"] - lon) < 1e-3
    assert frame.evaluate("() => window.cpSearchTarget.name") == name
    # Township names are drawn at this zoom, the found village is ringed.
    assert frame.locator(".cp-town-label").count() > 0


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_measure_a_distance(server: str, page: Any, artifacts_dir: Path) -> None:
    frame = _open(page, server)
    frame.locator(".cp-tool a", has_text=t("maptool_measure", "zh")).click()
    inner = frame.locator("#map_div").bounding_box()
    spots = [(420, 260), (700, 300), (760, 520)]
    latlngs = []
    for x, y in spots:
        page.mouse.click(inner["x"] + x, inner["y"] + y)
        page.wait_for_timeout(250)
        ll = frame.evaluate(f"() => map_div.containerPointToLatLng([{x}, {y}])")
        latlngs.append((ll["lat"], ll["lng"]))
    km = frame.evaluate("() => window.cpMeasureKm")
    expected = sum(_haversine_km(latlngs[i], latlngs[i + 1]) for i in range(2))
    assert km == pytest.approx(expected, rel=0.01)
    tip = frame.locator(".cp-measure-tip").inner_text()
    assert tip == t("maptool_total", "zh", km=f"{km:.2f}")
    # While measuring, a click on a township opens no popup.
    assert frame.locator(".leaflet-popup").count() == 0
    page.screenshot(path=str(artifacts_dir / "e2e_map_measure.png"))


def test_labels_by_zoom_and_county_labels_clear_of_badges(
    server: str, page: Any, artifacts_dir: Path
) -> None:
    frame = _open(page, server)
    assert frame.evaluate("() => map_div.getZoom()") < LABEL_ZOOM
    assert frame.locator(".cp-town-label").count() == 0
    frame.wait_for_timeout(600)  # labels are placed again once the font is in
    overlapping = frame.evaluate(
        """() => {
            const pane = document.querySelector('.leaflet-marker-pane');
            const badges = [...pane.querySelectorAll('.cp-badge')]
                .map(e => e.getBoundingClientRect());
            return [...pane.querySelectorAll('.cp-county-label span')].filter(s => {
                const r = s.getBoundingClientRect();
                return badges.some(b => b.left < r.right && r.left < b.right
                    && b.top < r.bottom && r.top < b.bottom);
            }).map(s => s.textContent);
        }"""
    )
    assert overlapping == []
    frame.evaluate(f"() => map_div.setZoom({LABEL_ZOOM})")
    frame.wait_for_function("() => window.cpTownLabels > 0", timeout=10000)
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts_dir / "e2e_map_town_labels.png"))
    labels = frame.locator(".cp-town-label span").all_inner_texts()
    assert labels and all(label.strip() for label in labels)


def test_save_the_map_view_as_png(server: str, page: Any, artifacts_dir: Path) -> None:
    frame = _open(page, server)
    frame.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile-pane img')]"
        ".some(i => i.complete && i.naturalWidth === 256)",
        timeout=60000,
    )
    with page.expect_download(timeout=60000) as info:
        frame.locator(".cp-tool a", has_text=t("maptool_export", "zh")).click()
    path = artifacts_dir / "e2e_map_export.png"
    info.value.save_as(str(path))
    assert info.value.suggested_filename.startswith(t("maptool_file", "zh"))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    from PIL import Image

    with Image.open(path) as img:
        width, height = img.size
        box = frame.locator("#map_div").bounding_box()
        # Twice the map's size, plus the title above and the legend beside it.
        assert width > 2 * box["width"] and height > 2 * box["height"]
        # The base map's tiles are in the image (their land colour).
        from tests.support.mbtiles import TILE_RGB

        colours = img.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(c == TILE_RGB and n > 1000 for n, c in colours)


def test_reference_base_map_draws_roads_and_seats(
    server: str, page: Any, artifacts_dir: Path
) -> None:
    from geodata.demo.load import load_demo_city

    _open(page, server)
    page.locator(f".st-key-{state.MAP_BASEMAP} button[aria-haspopup='listbox']").click()
    page.get_by_role("option", name=t("basemap_reference", "zh"), exact=True).click()
    frame, roads = _wait_in_map(page, "() => window.cpReferenceRoads")
    page.wait_for_timeout(500)
    assert roads >= len(load_demo_city().roads)
    # Zoomed out only the major roads are drawn; the others from the label zoom on.
    few = frame.evaluate("() => map_div.getPane('cpRef').querySelectorAll('path').length")
    frame.evaluate(f"() => map_div.setZoom({LABEL_ZOOM})")
    page.wait_for_timeout(800)
    more = frame.evaluate("() => map_div.getPane('cpRef').querySelectorAll('path').length")
    assert 0 < few < more
    assert frame.locator(".cp-seat").count() == len(load_demo_city().townships["county"].unique())
    page.screenshot(path=str(artifacts_dir / "e2e_map_reference.png"))


def _pinyin_village() -> tuple[str, str, str, float, float]:
    """A village whose full pinyin and initials start no other place's keys."""
    from dashboard.map.search import pinyin_keys
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    names = [
        *city.townships["name"].astype(str),
        *city.villages["name"].astype(str),
        *city.townships["county"].astype(str).unique(),
    ]
    keys = [pinyin_keys(n) for n in names]
    for row in city.villages.itertuples():
        name = str(row.name)
        full, initials = pinyin_keys(name)
        if names.count(name) == 1 and all(
            sum(1 for f, i in keys if f.startswith(k) or i.startswith(k)) == 1
            for k in (full, initials)
        ):
            return name, full, initials, float(row.geometry.y), float(row.geometry.x)
    raise AssertionError("no village with unique pinyin")


def test_search_by_pinyin_flies_to_a_village(server: str, page: Any, artifacts_dir: Path) -> None:
    name, full, initials, lat, lon = _pinyin_village()
    frame = _open(page, server)
    box = frame.locator(".cp-search input")
    rows = frame.locator(".cp-search-list div")
    box.fill(initials.upper())  # initials, typed in capitals
    frame.wait_for_function(
        "(n) => (document.querySelector('.cp-search-list div') || {}).textContent?.startsWith(n)",
        arg=name,
        timeout=30000,
    )
    box.fill(full[:-2])  # the full pinyin, not quite typed out
    frame.wait_for_function(
        "(n) => (document.querySelector('.cp-search-list div') || {}).textContent?.startsWith(n)",
        arg=name,
        timeout=10000,
    )
    assert rows.first.inner_text().startswith(name)
    page.screenshot(path=str(artifacts_dir / "e2e_map_search_pinyin.png"))
    box.press("Enter")
    frame.wait_for_function(
        "() => window.cpSearchTarget && map_div.getZoom() === 15", timeout=20000
    )
    center = frame.evaluate("() => map_div.getCenter()")
    assert abs(center["lat"] - lat) < 1e-3 and abs(center["lng"] - lon) < 1e-3
    assert frame.evaluate("() => window.cpSearchTarget.name") == name


def _legible(frame: Any, zoom: float) -> dict[str, Any]:
    """Zoom the map (no animation) and return what the zoom rules drew."""
    frame.evaluate(f"() => map_div.setZoom({zoom}, {{animate: false}})")
    frame.wait_for_function(f"() => window.cpLegible && window.cpLegible.zoom === {zoom}")
    return dict(frame.evaluate("() => window.cpLegible"))


def test_badges_grouped_when_zoomed_out_and_split_when_zoomed_in(
    server: str, page: Any, artifacts_dir: Path
) -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    frame = _open(page, server)
    far = _legible(frame, 7)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "e2e_map_bubbles.png"))
    bubbles = frame.locator(".leaflet-marker-pane .cp-cluster")
    assert far["bubbles"] > 0 and bubbles.count() == far["bubbles"]
    # Each bubble counts its badges; together they and the single badges are every point.
    counts = [int(n) for n in bubbles.all_inner_texts()]
    assert all(n >= 2 for n in counts)
    assert sum(counts) + far["badges"] == len(city.contact_points) + len(city.homes)
    # No contact point's badge or bubble is left hidden under another: centres are apart.
    gap = frame.evaluate(
        """() => {
            const c = [...document.querySelectorAll('.leaflet-marker-pane .cp-badge')]
                .filter(e => !e.classList.contains('cp-home'))
                .map(e => e.getBoundingClientRect())
                .map(b => [b.left + b.width / 2, b.top + b.height / 2]);
            let gap = Infinity;
            c.forEach((a, i) => c.forEach((b, j) => {
                if (i < j) { gap = Math.min(gap, Math.hypot(a[0] - b[0], a[1] - b[1])); }
            }));
            return gap;
        }"""
    )
    assert gap >= legibility.CLUSTER_PX - 1
    # A click on a bubble zooms in on its badges.
    frame.locator(".leaflet-marker-pane .cp-cluster:not(.cp-home)").first.click()
    frame.wait_for_function(
        "() => map_div.getZoom() > 7 && !map_div._animatingZoom && window.cpLegible.zoom > 7",
        timeout=10000,
    )
    near = _legible(frame, legibility.CLUSTER_MAX_ZOOM)
    assert near["bubbles"] == 0 and bubbles.count() == 0
    assert near["badges"] == len(city.contact_points) + len(city.homes)


def test_circles_only_from_a_zoom_on(server: str, page: Any, artifacts_dir: Path) -> None:
    frame = _open(page, server)
    rules = frame.evaluate("() => window.cpZoomRules")
    start = frame.evaluate("() => window.cpLegible")
    # The demo city at its initial view shows its circles and outlines as before.
    assert start["detail"] and not start["thin"] and start["zoom"] >= rules["detail"]
    circles = "document.querySelectorAll('.leaflet-cpDetail-pane path').length"
    shown = "getComputedStyle(map_div.getPane('cpDetail')).display !== 'none'"
    assert frame.evaluate(f"() => {circles}") > 0 and frame.evaluate(f"() => {shown}")
    low = _legible(frame, 7)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "e2e_map_low_zoom.png"))
    assert not low["detail"] and low["thin"]
    assert not frame.evaluate(f"() => {shown}")
    high = _legible(frame, 10)
    assert high["detail"] and not high["thin"] and frame.evaluate(f"() => {shown}")


def test_save_the_map_view_as_pdf(server: str, page: Any, artifacts_dir: Path) -> None:
    frame = _open(page, server)
    with page.expect_download(timeout=60000) as info:
        frame.locator(".cp-tool a", has_text=t("maptool_export_pdf", "zh")).click()
    path = artifacts_dir / "e2e_map_export.pdf"
    info.value.save_as(str(path))
    assert info.value.suggested_filename.startswith(t("maptool_file", "zh"))
    assert info.value.suggested_filename.endswith(".pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    title = frame.evaluate("() => window.cpExportedPdf.title")
    assert title.startswith(t("demo_city_name", "zh"))
    title_hex = "FEFF" + "".join(f"{ord(c):04X}" for c in title)
    assert f"/Title <{title_hex}>".encode() in data
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert t("demo_city_name", "zh") in text
        assert t("legend_blind_spot", "zh") in text  # the legend's lines too
