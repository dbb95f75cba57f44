"""The 地图 page's data and views (dashboard.map.cache.dataset_map / map_view).

The page sends a dataset's layers once and then one small view per change of measure or
county; these tests check that every view shows what the per-view payload
(:func:`dashboard.map.cache.map_payload`) showed, and that the page's modules stay light.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard.map import cache as mapcache
from dashboard.map import view as mapview
from dashboard.map.palette import MEASURES
from tests.support.e2e import COUNTIES, REPO, synthetic_city


@pytest.fixture(scope="module")
def city_and_result() -> tuple[object, object]:
    from analysis.coverage.api import compute_coverage

    city = synthetic_city()
    return city, compute_coverage(city)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def data(city_and_result: tuple[object, object]) -> mapcache.MapData:
    city, result = city_and_result
    return mapcache._build_map_data("view-test", "zh", True, city, result, {})


def _decode(data_js: str) -> dict:
    return json.loads(data_js)


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("county", ["", COUNTIES[0], COUNTIES[3]])
def test_view_matches_the_per_view_payload(
    city_and_result: tuple[object, object],
    data: mapcache.MapData,
    measure: str,
    county: str,
) -> None:
    city, result = city_and_result
    payload, scale, summary = mapcache.map_payload.__wrapped__(
        "view-test", measure, county, "zh", True, city, result, {}
    )
    v_scale, fills, v_summary, bounds = mapcache.map_view(data, measure, county)
    assert v_scale == scale
    assert v_summary == pytest.approx(summary)
    assert bounds == payload.bounds
    layers = _decode(data.data_js)["layers"]
    # The browser keeps the features whose county (k) is the view's: the same features,
    # in the same order, as the per-view payload; townships get the view's colours.
    for name, collection in payload.layers.items():
        kept = [f for f in layers[name]["features"] if not county or f["properties"]["k"] == county]
        assert [f["geometry"] for f in kept] == [
            json.loads(json.dumps(f["geometry"])) for f in collection["features"]
        ], name
    towns = [
        i
        for i, f in enumerate(layers["townships"]["features"])
        if not county or f["properties"]["k"] == county
    ]
    assert [fills[i] for i in towns] == [
        f["properties"]["style"]["fillColor"] for f in payload.layers["townships"]["features"]
    ]


def test_without_coverage_every_view_is_population(
    city_and_result: tuple[object, object],
) -> None:
    city, _ = city_and_result
    data = mapcache._build_map_data("view-test-plain", "en", False, city, None, {})
    scale, _, summary, _ = mapcache.map_view(data, "coverage_share", "")
    assert summary["measure"] == "population" and scale.measure == "population"
    assert summary["coverage"] is None
    # An unknown county (e.g. after switching datasets) shows the whole area.
    assert mapcache.map_view(data, "population", "no such county")[2]["townships"] == len(
        city.townships  # type: ignore[attr-defined]
    )


def test_view_script_is_small_and_names_the_renderer(data: mapcache.MapData) -> None:
    _, fills, _, bounds = mapcache.map_view(data, "population", COUNTIES[1])
    view = mapview.view_data({"counties", "contact_points"}, COUNTIES[1], fills, bounds)
    script = mapview.view_script(view)
    assert script.startswith("window.cpView(window.map, ")
    assert len(script) < 4000  # the view travels on every change; the data does not
    assert json.loads(script[len("window.cpView(window.map, ") : -3])["shown"] == [
        "counties",
        "contact_points",
    ]


def test_map_page_modules_import_neither_folium_nor_pandas() -> None:
    """The first map needs neither (they cost 1-2 s to import on the 2-core machine)."""
    code = (
        "import sys; import streamlit\n"
        "import dashboard.map.view, dashboard.map.cache, dashboard.map.legend, dashboard.styles\n"
        "heavy = [m for m in ('folium', 'branca', 'jinja2', 'pandas', 'geopandas',"
        " 'streamlit_folium') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
