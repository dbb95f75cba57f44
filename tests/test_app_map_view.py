"""The one map pipeline (dashboard.map.pipeline): layers once, every view derived from them.

The 地图 page sends a dataset's layers once and then one small view per change of measure
or county; the folium maps get a view's payload (:func:`dashboard.map.pipeline.view_payload`).
These tests check that both carriers show the same view, that a view shows what the city's
tables hold for its county, and that the page's modules stay light.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard.map import cache as mapcache
from dashboard.map import pipeline
from dashboard.map import view as mapview
from dashboard.map.palette import MEASURES
from tests.support.e2e import COUNTIES, REPO, synthetic_city


@pytest.fixture(scope="module")
def city_and_result() -> tuple[object, object]:
    from analysis.coverage.api import compute_coverage

    city = synthetic_city()
    return city, compute_coverage(city)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def layers(city_and_result: tuple[object, object]) -> pipeline.MapLayers:
    city, result = city_and_result
    return mapcache.map_layers("view-test", "zh", True, city, result, {})


@pytest.fixture(scope="module")
def data(layers: pipeline.MapLayers) -> pipeline.MapData:
    return pipeline.page_data(layers, "zh")


def _decode(data_js: str) -> dict:
    return json.loads(data_js)


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("county", ["", COUNTIES[0], COUNTIES[3]])
def test_view_matches_the_per_view_payload(
    layers: pipeline.MapLayers,
    data: pipeline.MapData,
    measure: str,
    county: str,
) -> None:
    payload, scale, summary = pipeline.view_payload(layers, measure, county)
    v_scale, fills, v_summary, bounds = pipeline.map_view(data.figures, measure, county)
    assert v_scale == scale
    assert v_summary == pytest.approx(summary)
    assert bounds == payload.bounds
    sent = _decode(data.data_js)["layers"]
    # The browser keeps the features whose county (k) is the view's: the same features,
    # in the same order, as the per-view payload; townships get the view's colours.
    for name, collection in payload.layers.items():
        kept = [f for f in sent[name]["features"] if not county or f["properties"]["k"] == county]
        assert [f["geometry"] for f in kept] == [
            json.loads(json.dumps(f["geometry"])) for f in collection["features"]
        ], name
    towns = [
        i
        for i, f in enumerate(sent["townships"]["features"])
        if not county or f["properties"]["k"] == county
    ]
    assert [fills[i] for i in towns] == [
        f["properties"]["style"]["fillColor"] for f in payload.layers["townships"]["features"]
    ]


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("county", ["", COUNTIES[0], COUNTIES[3]])
def test_view_shows_the_county_of_the_city_tables(
    city_and_result: tuple[object, object],
    layers: pipeline.MapLayers,
    measure: str,
    county: str,
) -> None:
    """A view, checked against the city and its coverage filtered to the county."""
    import html

    from dashboard.map import data as mapdata
    from dashboard.map.palette import color_scale

    city, result = city_and_result
    towns = mapdata.township_table(city.townships, result.townships)  # type: ignore[attr-defined]
    points = city.contact_points  # type: ignore[attr-defined]
    homes = city.homes  # type: ignore[attr-defined]
    if county:
        towns = towns[towns["county"] == county]
        points = points[points["county"] == county]
        homes = homes[homes["county"] == county]
    villages = city.villages  # type: ignore[attr-defined]
    villages = villages[villages["township_code"].isin(set(towns["code"]))]
    payload, scale, summary = pipeline.view_payload(layers, measure, county)
    shown = payload.layers
    values = mapdata.measure_values(towns, measure).tolist()
    assert scale == color_scale(measure, values)
    assert [f["properties"]["tip"]["h"] for f in shown["townships"]["features"]] == [
        html.escape(str(n)) for n in towns["name"]
    ]
    assert [f["properties"]["style"]["fillColor"] for f in shown["townships"]["features"]] == [
        scale.color(mapdata._num(v)) for v in values
    ]
    assert [f["properties"]["tip"]["h"] for f in shown["contact_points"]["features"]] == [
        html.escape(str(n)) for n in points["name"]
    ]
    assert len(shown["homes"]["features"]) == len(homes)
    assert len(shown["villages"]["features"]) == len(villages)
    assert len(shown["counties"]["features"]) == (1 if county else len(COUNTIES))
    blind = int(towns["is_blind_spot"].fillna(False).astype(bool).sum())
    assert sum(1 for f in shown["townships"]["features"] if f["properties"].get("b")) == blind
    counties = result.counties  # type: ignore[attr-defined]
    coverage = (
        result.kpis.coverage_share  # type: ignore[attr-defined]
        if not county
        else counties.loc[counties["county"] == county, "coverage_share"].iloc[0]
    )
    assert summary == pytest.approx(
        {
            "townships": len(towns),
            "blind": blind,
            "points": len(points),
            "population": float(towns["population"].sum()),
            "coverage": float(coverage),
            "measure": measure,
        }
    )
    assert payload.bounds == mapdata.bounds(towns)


def test_without_coverage_every_view_is_population(
    city_and_result: tuple[object, object],
) -> None:
    city, _ = city_and_result
    data = pipeline.page_data(mapcache.map_layers("view-test-plain", "en", False, city, None), "en")
    scale, _, summary, _ = pipeline.map_view(data.figures, "coverage_share", "")
    assert summary["measure"] == "population" and scale.measure == "population"
    assert summary["coverage"] is None
    # An unknown county (e.g. after switching datasets) shows the whole area.
    assert pipeline.map_view(data.figures, "population", "no such county")[2]["townships"] == len(
        city.townships  # type: ignore[attr-defined]
    )


def test_view_script_is_small_and_names_the_renderer(data: pipeline.MapData) -> None:
    _, fills, _, bounds = pipeline.map_view(data.figures, "population", COUNTIES[1])
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
        "import dashboard.map.view, dashboard.map.cache, dashboard.map.pipeline\n"
        "import dashboard.map.legend, dashboard.styles\n"
        "heavy = [m for m in ('folium', 'branca', 'jinja2', 'pandas', 'geopandas',"
        " 'streamlit_folium') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
