"""Names that are Jinja templates stay text in every folium map (server side).

branca compiles each folium element's rendered script as a Jinja template again, and a full
figure render (``st_folium``'s default) evaluates it: a township called
``{{ cycler.__init__.__globals__.os.getcwd() }}`` ran on the server, and one called
``{% if %}`` stopped the page with a ``TemplateSyntaxError``
(:mod:`dashboard.map.inert`). Every map the dashboard builds with folium is rendered here
both ways st_folium renders it, on a city whose every name is such a template.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import streamlit_folium

import tests.support.hostile as hostile
from dashboard.map import cache as mapcache
from dashboard.map import folium_map as mapfolium
from dashboard.map import pipeline
from dashboard.map import view as mapview
from dashboard.map.inert import inert_json, inert_text
from dashboard.simulate import map as sim_map
from dashboard.widgets.boundaries import boundary_map

#: Evaluated, it would write the server's working folder into the page.
CODE = "{{ cycler.__init__.__globals__.os.getcwd() ~ '-EVALUATED' }}"
#: Compiled, it would raise ``TemplateSyntaxError``.
BROKEN = "村{% if %}{{"
NAMES = (CODE, BROKEN, "{#注释", "{{7*7}}")
RADII = {"urban_community": 3000.0, "rural": 10000.0, "enterprise": 5000.0, "association": 5000.0}


@pytest.fixture(scope="module")
def city() -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hostile, "HOSTILE_NAMES", NAMES)
        return hostile.hostile_city()


@pytest.fixture(scope="module")
def result(city: Any) -> Any:
    from analysis.coverage.api import compute_coverage

    return compute_coverage(city)


def _render_as_st_folium_does(m: Any) -> str:
    """``render=False`` renders the map, ``render=True`` the whole figure; then the parts."""
    m.render()
    page = m.get_root().render()
    return page + streamlit_folium._get_map_string(m)


def _assert_inert(m: Any) -> None:
    text = _render_as_st_folium_does(m)
    assert f"{os.getcwd()}-EVALUATED" not in text
    assert "getcwd()" in text  # the name arrived, as text
    assert "{{ cycler" not in text and "{% if %}" not in text  # braces written as \u007b


def test_inert_json_round_trips_and_hides_every_template_opening() -> None:
    value = {"names": [*NAMES, "{{{", "{ {", "}}"], "nested": {"k": "{%"}}
    text = inert_json(value, ensure_ascii=False)
    assert json.loads(text) == value
    for opening in ("{{", "{%", "{#"):
        assert opening not in text
    assert inert_text('{"a":{"b":1}}') == '{"a":{"b":1}}'  # structure untouched


def test_the_map_pages_renderer(city: Any, result: Any) -> None:
    whole = mapcache.map_layers("templates", "zh", True, city, result, RADII)
    payload, _, _ = pipeline.view_payload(whole, "coverage_share", "")
    _assert_inert(mapfolium.build_map(payload, set(mapview.LAYERS)))


def test_simulation_and_comparison_maps(city: Any, result: Any) -> None:
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario

    scn = baseline_scenario(city, "templates", author=CODE)
    x, y = city.townships.geometry.iloc[0].representative_point().coords[0]
    scn = add_point(scn, "contact_points", lon=x, lat=y, type="rural", name=CODE, county=BROKEN)
    payload = sim_map.base_payload(
        type("D", (), {"id": "templates", "city": city})(), result, RADII, "zh"
    )
    features = sim_map.point_features(scn, RADII, "", "zh")
    _assert_inert(sim_map.base_map(payload, 500))
    base = sim_map.base_map(payload, 500)
    base.add_child(sim_map.scenario_group(features))
    _assert_inert(base)
    _assert_inert(sim_map.small_map(payload, features, 300))


def test_the_data_pages_boundary_map(city: Any) -> None:
    """Overlapping townships (each grown by 300 m) are drawn with their names."""
    towns = city.townships.to_crs(3857)
    towns["geometry"] = towns.geometry.buffer(300)
    _assert_inert(boundary_map("templates", towns.to_crs(4326), "zh"))
