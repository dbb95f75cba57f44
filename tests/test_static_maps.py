"""The 数据 page's preview and the 方案比较 maps fetch their base layers from static files.

Their component arguments (re-sent whenever Streamlit's message cache has forgotten them:
coming back to the page) carry the file's URL, not the dataset's geometry. Bytes per page
before/after on the province: bench/README.md ("Preview and comparison maps").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import streamlit_folium

from analysis.coverage.api import compute_coverage
from analysis.plan.scenarios import baseline_scenario
from analysis.standards.load import load_standards
from dashboard.map import static_data
from dashboard.map.preview import preview_args
from dashboard.simulate import map as sim_map
from dashboard.simulate.compare_files import scenario_base
from geodata.demo.load import load_demo_city


@pytest.fixture(scope="module")
def city() -> Any:
    return load_demo_city()


def _file(url: str) -> Path:
    return static_data.MAPDATA_DIR / url.rsplit("/", 1)[1]


def test_preview_arguments_carry_the_url_not_the_data(city: Any) -> None:
    town = str(city.townships["name"].iloc[0])
    args = preview_args("test-preview", "zh", {"rural": 3000.0}, city, 460)
    script = args["script"]
    assert town not in script and "window.cpLoad(" in script
    assert len(script) + len(args["feature_group"]) < 20_000  # the view (whole-area fit)
    url = next(u for u in script.split('"') if "/mapdata/" in u and u.endswith(".json"))
    data = json.loads(_file(url).read_text(encoding="utf-8"))
    assert len(data["layers"]["townships"]["features"]) == len(city.townships)
    assert town in json.dumps(data, ensure_ascii=False)  # the data is in the file
    assert args["js_links"][-1].endswith(".js") and args["height"] == 460
    # The same dataset again: the same file, nothing rebuilt.
    again = preview_args("test-preview", "zh", {"rural": 3000.0}, city, 460)
    assert again["script"] == script


def test_comparison_map_fetches_its_base_layers(city: Any) -> None:
    result = compute_coverage(city, load_standards())
    dataset = type("D", (), {"id": "test-compare", "city": city})()
    payload, base_json = scenario_base("test-compare", "zh", (), "v1", "radius", dataset, result)
    assert scenario_base("test-compare", "zh", (), "v1", "radius", dataset, result)[1] is base_json
    town = str(city.townships["name"].iloc[0])
    layers = json.loads(base_json)
    assert len(layers["townships"]["features"]) == len(city.townships)
    assert town in json.dumps(layers, ensure_ascii=False)
    url = static_data.publish(base_json)
    features = sim_map.point_features(baseline_scenario(city, "test"), {}, None, "zh")
    fetched = streamlit_folium._get_map_string(
        sim_map.small_map(payload, features, 300, data_url=url)
    )
    inline = streamlit_folium._get_map_string(sim_map.small_map(payload, features, 300))
    assert url in fetched and "window.cpLoad(" in fetched
    geometry = json.dumps(payload.layers["townships"]["features"][0]["geometry"])[:60]
    assert geometry.replace(" ", "") not in fetched.replace(" ", "")
    assert len(fetched) < len(inline) / 3  # the townships are no longer in the script
    assert _file(url).read_text(encoding="utf-8") == base_json


def test_comparison_points_travel_as_a_file_too(city: Any) -> None:
    from dashboard.simulate.compare_files import compare_points

    result = compute_coverage(city, load_standards())
    dataset = type("D", (), {"id": "test-points", "city": city})()
    payload, base_json = scenario_base("test-points", "zh", (), "v1", "radius", dataset, result)
    scenario = baseline_scenario(city, "test")
    features = sim_map.point_features(scenario, {}, None, "zh")
    points_json = compare_points("test-points", "zh", (), "v1", "radius", lambda: features)
    assert json.loads(points_json)["points"] == json.loads(json.dumps(features["points"]))
    data_url, points_url = static_data.publish(base_json), static_data.publish(points_json)
    html = streamlit_folium._get_map_string(
        sim_map.small_map(payload, {}, 300, data_url=data_url, points_url=points_url)
    )
    assert data_url in html and points_url in html
    for name in ("radii", "sites", "homes", "points"):
        assert f"L.geoJson(d.{name}" in html
    name = str(city.contact_points["name"].iloc[0])
    assert name not in html and json.dumps(name)[1:-1] not in html  # the points are not inline


def test_comparison_map_height_follows_the_areas_shape() -> None:
    """A wide area gets a low map (it fills it), a tall one the full 380 px, never under 240;
    two maps in a row are wider, so taller."""
    province = [[28.55, 109.92], [31.35, 114.0]]
    assert 240 <= sim_map.small_map_height(province) < 300
    assert sim_map.small_map_height(province, 2) > sim_map.small_map_height(province, 3)
    assert sim_map.small_map_height([[28.0, 110.0], [34.0, 112.0]]) == 380
    assert sim_map.small_map_height([[30.0, 100.0], [30.5, 120.0]]) == 240
    assert sim_map.small_map_height([[30.0, 110.0], [30.0, 110.0]]) == 380  # one point
