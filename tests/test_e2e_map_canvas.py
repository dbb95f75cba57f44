"""The map's renderer at a province's scale, in Chromium without the app (no server).

A page holds the vendored Leaflet and the map's code (``CODE_JS``) and draws a made-up
dataset in the data shape ``cpInit`` takes: a grid of square townships (every fifth a blind
spot), contact points with service radii, collection sites. From
:data:`dashboard.map.legibility.CANVAS_TOWNSHIPS` townships on, the polygons and their
hatching are drawn on one canvas (no SVG path per township); fewer stay SVG. Checked: the
renderer used, the hatching and fill colours on screen and in the exported PNG, a township's
tooltip on hover, and the detail layers (circles, links) built only once the map is zoomed
in to them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.i18n import t
from dashboard.map import legibility
from dashboard.map.palette import badge_styles
from dashboard.map.tools import tool_texts
from dashboard.map.view import CODE_JS, CSS, LEAFLET_CSS, LEAFLET_JS
from tests.support.browser import chromium, need_chromium

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

STATIC = Path(__file__).resolve().parents[1] / "dashboard" / "static"
#: Township fill colours of the made-up data (blue, yellow) and the blind spots' fill (red).
FILLS = ("#2166ac", "#fee090")
BLIND_FILL = "#d73027"
SIDE_DEG = 0.1


def _data(rows: int, cols: int) -> dict[str, Any]:
    """``cpInit``'s data: ``rows`` x ``cols`` square townships, points, radii, sites, links."""
    towns, points, radii, sites, links = [], [], [], [], []
    x0, y0 = 113.0, 30.0
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            w, s = x0 + c * SIDE_DEG, y0 + r * SIDE_DEG
            ring = [[w, s], [w + SIDE_DEG, s], [w + SIDE_DEG, s + SIDE_DEG], [w, s + SIDE_DEG]]
            blind = i % 5 == 2
            props: dict[str, Any] = {
                "k": f"县{c // 5}",
                "tip": {"h": f"乡镇{i}", "r": [[0, f"县{c // 5}"]]},
                "style": {
                    "fillColor": BLIND_FILL if blind else FILLS[i % 2],
                    "fillOpacity": 1,
                    "color": "#ffffff",
                    "weight": 0.8,
                    "opacity": 1,
                },
            }
            if blind:
                props["b"] = 1
            towns.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                    "properties": props,
                }
            )
            if i % 7 == 0:
                at = [w + SIDE_DEG / 2, s + SIDE_DEG / 2]
                k = {"k": f"县{c // 5}"}
                point = {"type": "Point", "coordinates": at}
                points.append(
                    {"type": "Feature", "geometry": point, "properties": {"t": "rural", **k}}
                )
                radii.append(
                    {
                        "type": "Feature",
                        "geometry": point,
                        "properties": {"t": "rural", "r": 4000, **k},
                    }
                )
                site = [at[0] + 0.02, at[1] + 0.02]
                sites.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": site},
                        "properties": {"o": 0, **k},
                    }
                )
                links.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": [at, site]},
                        "properties": k,
                    }
                )

    def fc(features: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": features}

    return {
        "layers": {
            "townships": fc(towns),
            "contact_points": fc(points),
            "radii": fc(radii),
            "collection_sites": fc(sites),
            "site_links": fc(links),
        },
        "labels": ["县"],
        "badges": badge_styles("zh"),
        "bounds": [[y0, x0], [y0 + rows * SIDE_DEG, x0 + cols * SIDE_DEG]],
        "tools": tool_texts("zh"),
    }


VIEW = {
    "county": "",
    "shown": ["blind_spots", "radii", "site_links", "collection_sites", "contact_points"],
    "fills": None,
    "palette": [],
    "bounds": None,
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_chromium()
    with chromium() as b:
        yield b


def _page(browser: Any, tmp_path: Path, data: dict[str, Any]) -> Any:
    """A page drawing ``data`` in a 1100 x 640 map (``map_div``), outside requests refused."""
    html = tmp_path / "map.html"
    html.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(STATIC / LEAFLET_CSS).as_uri()}">{CSS}
<style>html, body {{ margin: 0; }} #map_div {{ width: 1100px; height: 640px; }}</style>
</head><body><div id="map_div"></div>
<script src="{(STATIC / LEAFLET_JS).as_uri()}"></script></body></html>""",
        encoding="utf-8",
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 720}, locale="zh-CN", accept_downloads=True
    )
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    page = context.new_page()
    page.goto(html.as_uri())
    page.add_script_tag(content=CODE_JS)
    page.evaluate(
        """([d, v]) => {
            window.map_div = L.map('map_div', {center: [0, 0], zoom: 1, zoomSnap: 0.25,
                minZoom: 4, maxZoom: 17, attributionControl: false});
            window.cpInit(map_div, d);
            window.cpTools(map_div, d, '');
            window.cpView(map_div, v);
        }""",
        [data, VIEW],
    )
    page.wait_for_function("() => window.cpDrawn && window.cpLegible")
    page.wait_for_timeout(300)  # the canvas draws in the next animation frame
    return page


def _pixels(page: Any, lon: float, lat: float, half: int = 6) -> set[tuple[int, int, int]]:
    """The colours on screen in a small square around ``(lon, lat)``."""
    from PIL import Image

    x, y = page.evaluate(
        "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]);"
        " const b = map_div.getContainer().getBoundingClientRect();"
        " return [b.left + p.x, b.top + p.y]; }",
        [lat, lon],
    )
    clip = {"x": x - half, "y": y - half, "width": 2 * half, "height": 2 * half}
    img = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    return {colour for _, colour in img.getcolors(maxcolors=4 * half * half)}


def _centre(index: int, cols: int) -> tuple[float, float]:
    r, c = divmod(index, cols)
    return 113.0 + (c + 0.5) * SIDE_DEG, 30.0 + (r + 0.5) * SIDE_DEG


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_many_townships_are_drawn_on_a_canvas_with_their_hatching(
    browser: Any, tmp_path: Path, artifacts_dir: Path
) -> None:
    rows, cols = 20, 25  # 500 townships
    assert rows * cols >= legibility.CANVAS_TOWNSHIPS
    page = _page(browser, tmp_path, _data(rows, cols))
    drawn = page.evaluate("() => window.cpDrawn")
    assert drawn["renderer"] == "canvas" and drawn["townships"] == rows * cols
    # No SVG path per township: the overlay pane holds one canvas for them.
    assert (
        page.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length") == 0
    )
    assert (
        page.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane canvas').length") == 1
    )
    page.screenshot(path=str(artifacts_dir / "e2e_map_canvas_full.png"))
    # A plain township shows its fill; a blind spot its red fill crossed by white lines.
    plain = _pixels(page, *_centre(1, cols))  # township 0 has a contact point: 1 has none
    assert plain == {_rgb(FILLS[1])}
    hatched = _pixels(page, *_centre(2, cols))
    assert _rgb(BLIND_FILL) in hatched
    assert any(p[1] > 2 * _rgb(BLIND_FILL)[1] for p in hatched), hatched  # light lines
    # Hovering a township shows its tooltip (the canvas finds the polygon under the mouse).
    x, y = page.evaluate(
        "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]);"
        " const b = map_div.getContainer().getBoundingClientRect();"
        " return [b.left + p.x, b.top + p.y]; }",
        [_centre(26, cols)[1], _centre(26, cols)[0]],
    )
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_selector(".leaflet-tooltip", timeout=10000)
    assert "乡镇26" in page.locator(".leaflet-tooltip").inner_text()
    # New colours restyle the canvas in place.
    page.evaluate(
        "([n, shown]) => window.cpView(map_div, {county: '', shown: shown,"
        " palette: ['#1a9850'], fills: Array(n).fill(0), bounds: null})",
        [rows * cols, VIEW["shown"]],
    )
    page.mouse.move(2, 2)  # the tooltip away
    page.wait_for_timeout(300)
    assert _pixels(page, *_centre(3, cols)) == {(0x1A, 0x98, 0x50)}
    # The exported picture holds the canvas: fills and hatching.
    with page.expect_download(timeout=60000) as info:
        page.locator(".cp-export a").click()
    path = artifacts_dir / "e2e_map_canvas_export.png"
    info.value.save_as(str(path))
    from PIL import Image

    picture = Image.open(path).convert("RGB")
    colours = {c for _, c in picture.getcolors(maxcolors=picture.width * picture.height)}
    assert (0x1A, 0x98, 0x50) in colours
    page.context.close()


def test_measuring_over_canvas_townships_opens_no_popup(browser: Any, tmp_path: Path) -> None:
    page = _page(browser, tmp_path, _data(20, 25))
    page.locator(".cp-tool a", has_text=t("maptool_measure", "zh")).click()
    box = page.locator("#map_div").bounding_box()
    for x, y in ((300, 300), (700, 420)):
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(200)
    assert page.evaluate("() => window.cpMeasureKm") > 0
    assert page.locator(".leaflet-popup").count() == 0
    page.context.close()


def test_few_townships_stay_svg_paths(browser: Any, tmp_path: Path) -> None:
    rows, cols = 6, 10
    assert rows * cols < legibility.CANVAS_TOWNSHIPS
    page = _page(browser, tmp_path, _data(rows, cols))
    assert page.evaluate("() => window.cpDrawn.renderer") == "svg"
    paths = page.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length")
    assert paths >= rows * cols  # one path per township, plus the hatched copies
    assert _pixels(page, *_centre(1, cols)) == {_rgb(FILLS[1])}
    page.context.close()


def test_detail_layers_are_built_only_once_zoomed_in(browser: Any, tmp_path: Path) -> None:
    rows, cols = 20, 25
    page = _page(browser, tmp_path, _data(rows, cols))
    rules = page.evaluate("() => window.cpZoomRules")
    assert page.evaluate("() => map_div.getZoom()") < rules["detail"]
    in_detail = "() => map_div.getPane('cpDetail').querySelectorAll('path').length"
    # At the full view the circles and links are not even made (their pane is hidden there).
    assert page.evaluate(in_detail) == 0
    page.evaluate("(z) => { map_div.setZoom(z, {animate: false}); }", rules["detail"] + 0.25)
    page.wait_for_function("() => window.cpLegible.detail")
    assert page.evaluate(in_detail) > 0
    # The circles' pane above the canvas leaves the townships their tooltips.
    x, y = page.evaluate(
        "() => { const c = map_div.getCenter(), p = map_div.latLngToContainerPoint(c);"
        " const b = map_div.getContainer().getBoundingClientRect();"
        " return [b.left + p.x + 37, b.top + p.y + 23]; }"
    )
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_selector(".leaflet-tooltip", timeout=10000)
    assert page.locator(".leaflet-tooltip").inner_text().startswith("乡镇")
    page.context.close()
