"""The generated map loads nothing from outside the server (no http:// or https:// link)."""

from __future__ import annotations

import re

import folium
import pytest
import streamlit_folium

from dashboard.adapters import streamlit_internals
from dashboard.map import assets, pipeline
from dashboard.map import cache as mapcache
from dashboard.map import folium_map as mapfolium
from dashboard.map import view as mapview
from dashboard.map.palette import MEASURES
from tests.support.e2e import synthetic_city

URL = re.compile(r"https?://", re.IGNORECASE)


def _coverage(city: object) -> object:
    from analysis.coverage.api import compute_coverage

    return compute_coverage(city)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def city_and_result() -> tuple[object, object]:
    city = synthetic_city()
    return city, _coverage(city)


def _map(
    city: object, result: object, measure: str, layers: set[str], basemap: str = "none"
) -> folium.Map:
    whole = mapcache.map_layers("test", "zh", "villages" in layers, city, result, {})
    payload, _, _ = pipeline.view_payload(whole, measure, "")
    return mapfolium.build_map(payload, layers, basemap=basemap)


def _links(m: folium.Map) -> list[str]:
    """Every js/css link st_folium would hand to its iframe (its own walk)."""
    links: list[str] = []

    def walk(el: object) -> None:
        links.extend(href for _, href in getattr(el, "default_js", []))
        links.extend(href for _, href in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return links


@pytest.mark.parametrize("measure", MEASURES)
def test_map_html_has_no_outside_link(city_and_result: tuple[object, object], measure: str) -> None:
    city, result = city_and_result
    m = _map(city, result, measure, set(mapview.LAYERS))
    html = m.get_root().render()
    assert not URL.findall(html), URL.findall(html)[:5]
    # What st_folium actually sends to the browser: script, header and html parts.
    script = streamlit_folium._get_map_string(m)
    header = streamlit_folium._get_header(m)
    body = streamlit_folium._get_html(m)
    for part in (script, header, body):
        assert not URL.search(part)


def test_map_assets_are_relative_and_vendored(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    m = _map(city, result, "coverage_share", set(mapview.LAYERS))
    links = _links(m)
    assert links, "the map must list its Leaflet files"
    for link in links:
        assert link.startswith(assets.IFRAME_STATIC_BASE + "/"), link
        assert not URL.search(link)
        assert (assets.STATIC_DIR / link.removeprefix(assets.IFRAME_STATIC_BASE + "/")).is_file()
    for path in assets.vendored_files():
        assert path.is_file()


def test_folium_class_defaults_are_untouched(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    _map(city, result, "population", set())
    # Offline links are set on the map instance, not on folium's classes.
    assert any("cdn" in href for _, href in folium.Map.default_js)


def test_no_attribution_and_no_tiles_by_default(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    m = _map(city, result, "coverage_share", set(mapview.LAYERS))
    assert (
        m.options.get("attribution_control") is False
        or m.options.get("attributionControl") is False
    )
    assert not any(isinstance(c, folium.TileLayer) for c in m._children.values())


def test_tiles_only_on_request(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    m = _map(city, result, "coverage_share", set(), basemap="osm")
    assert any(isinstance(c, folium.TileLayer) for c in m._children.values())


def test_user_text_is_escaped_in_tooltips(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    whole = mapcache.map_layers("test", "zh", False, city, result, {})
    payload, _, _ = pipeline.view_payload(whole, "coverage_share", "")
    titles = [f["properties"]["tip"]["h"] for f in payload.layers["townships"]["features"]]
    assert "&lt;b&gt;第0镇&amp;" in titles
    assert not any("<" in title for title in titles)
    # folium encodes <, > and & in the embedded JSON: the name stays escaped text.
    script = streamlit_folium._get_map_string(mapfolium.build_map(payload, set()))
    assert "\\u0026lt;b\\u0026gt;\\u7b2c0" in script
    assert "\\u003cb\\u003e\\u7b2c0" not in script


# --- the 地图 page: streamlit-folium's component called directly (dashboard.map.view.draw) ---


def _page_args(city: object, result: object, basemap: str = "none", lang: str = "zh") -> dict:
    """What the map page hands the component: base script (dataset) and one view."""
    whole = mapcache.map_layers("test", lang, True, city, result, {})  # type: ignore[arg-type]
    data = pipeline.page_data(whole, lang)  # type: ignore[arg-type]
    _, fills, _, bounds = pipeline.map_view(data.figures, "coverage_share", "")
    view = mapview.view_data(set(mapview.LAYERS), fills=fills, bounds=bounds)
    return mapview.component_args(data.data_js, view, basemap=basemap, tianditu_key="k")


def test_map_page_sends_no_outside_link(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    args = _page_args(city, result)
    for name in ("script", "header", "html", "feature_group"):
        assert not URL.search(args[name]), (name, URL.findall(args[name])[:5])
    links = [*args["js_links"], *args["css_links"]]
    assert links
    for link in links:
        assert link.startswith(assets.IFRAME_STATIC_BASE + "/"), link
        assert (assets.STATIC_DIR / link.removeprefix(assets.IFRAME_STATIC_BASE + "/")).is_file()
    # The same vendored files as folium's maps use (dashboard.map.assets, which imports folium).
    assert list(args["js_links"]) == [href for _, href in assets.offline_js()]
    assert list(args["css_links"]) == [href for _, href in assets.offline_css()]
    # No tiles and no attribution unless a base map is chosen.
    assert "tileLayer" not in args["script"]
    assert "attributionControl: false" in args["script"]
    assert "tileLayer" in _page_args(city, result, basemap="osm")["script"]


def test_map_page_escapes_user_text(city_and_result: tuple[object, object]) -> None:
    city, result = city_and_result
    script = _page_args(city, result)["script"]
    assert "\\u0026lt;b\\u0026gt;\\u7b2c0" in script
    assert "\\u003cb\\u003e\\u7b2c0" not in script
    assert "<b>第0镇" not in script


def test_map_page_args_are_the_ones_st_folium_sends(
    city_and_result: tuple[object, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arguments match streamlit-folium's own call of its component (version drift)."""
    city, result = city_and_result
    sent: dict[str, object] = {}

    def capture(**kwargs: object) -> dict[str, object]:
        sent.update(kwargs)
        return {}

    monkeypatch.setattr(streamlit_folium, "_component_func", capture)
    streamlit_folium.st_folium(
        _map(city, result, "coverage_share", set(mapview.LAYERS)), key="k", returned_objects=[]
    )
    ours = _page_args(city, result)
    assert set(ours) | {"key", "default", "on_change"} == set(sent)
    assert ours["id"] == "map_div" and "var map_div = L.map(" in ours["script"]
    # Only values Streamlit sends without looking for a data frame (a list or a dict
    # argument would make it import pandas on the way to the first map).
    for name, value in ours.items():
        assert value is None or isinstance(value, (str, int, bool, tuple)), name


def test_map_page_registers_streamlit_folium_component() -> None:
    """Same name and files as ``import streamlit_folium`` declares (same iframe)."""
    component = streamlit_internals.folium_component()
    assert component.name == "streamlit_folium.st_folium"
    assert component == streamlit_folium._component_func


def test_folium_maps_that_return_nothing_send_nothing(
    city_and_result: tuple[object, object],
) -> None:
    """The data page's preview and the comparison's small maps cause no rerun of their own.

    streamlit-folium's frontend starts with ``previous_data`` None and sends ``{}`` once per
    new iframe, which reruns the page (a select list opened at that moment closes): the
    maps' scripts say their last sent value was already ``{}``.
    """
    from analysis.plan.scenarios import baseline_scenario
    from dashboard.simulate import map as sim_map

    city, result = city_and_result
    whole = mapcache.map_layers("test", "zh", False, city, result, {})
    payload, _, _ = pipeline.view_payload(whole, "coverage_share", "")
    no_value = streamlit_internals.folium_no_value_js().strip()
    preview = streamlit_folium._get_map_string(mapfolium.build_map(payload, set()))
    dataset = type("D", (), {"id": "test", "city": city})()
    base = sim_map.base_payload(dataset, result, {}, "zh")
    features = sim_map.point_features(baseline_scenario(city, "test"), {}, None, "zh")
    small = streamlit_folium._get_map_string(sim_map.small_map(base, features, 300))
    assert no_value in preview
    assert no_value in small
