"""Per-layer validation and assemble_city's cross-layer checks (geodata.validate.layers)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geodata import GeodataError, assemble_city, read_layer, validate_layer

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture(scope="module")
def towns() -> gpd.GeoDataFrame:
    return read_layer(GOOD / "townships.geojson", "townships").gdf


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return read_layer(GOOD / "villages_gbk.csv", "villages").gdf


def points(layer: str, rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    geoms = [Point(r.pop("lon"), r.pop("lat")) for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def codes(exc: pytest.ExceptionInfo[GeodataError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def test_assemble_good_city(towns: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> None:
    cps = read_layer(GOOD / "contact_points.csv", "contact_points").gdf
    sites = read_layer(GOOD / "collection_sites_utf8_bom.csv", "collection_sites").gdf
    homes = read_layer(GOOD / "homes.kmz", "homes").gdf
    city = assemble_city(towns, villages, cps, sites, homes, name="样例", is_demo=False)
    assert city.name == "样例"
    assert city.warnings == ()
    # County filled from the township each point falls in.
    assert list(city.contact_points["county"]) == ["示范区", "示范县", "示范区", "示范县"]
    assert list(city.homes["county"]) == ["示范区", "示范县"]
    assert city.townships["population"].sum() == 21500


def test_absent_point_layers_are_empty_not_none(towns: gpd.GeoDataFrame) -> None:
    city = assemble_city(towns)
    assert city.villages is None
    assert len(city.contact_points) == 0
    assert "type" in city.contact_points.columns
    assert city.homes.crs.to_epsg() == 4326


def test_points_outside_study_area_listed(towns: gpd.GeoDataFrame) -> None:
    cps = points(
        "contact_points",
        [
            {"id": "IN", "name": "a", "type": "rural", "lon": 104.55, "lat": 35.55},
            {"id": "OUT1", "name": "b", "type": "rural", "lon": 104.95, "lat": 35.55},
            {"id": "OUT2", "name": "c", "type": "企业", "lon": 104.55, "lat": 35.95},
        ],
    )
    with pytest.raises(GeodataError) as exc:
        assemble_city(towns, contact_points=cps)
    (problem,) = exc.value.problems
    assert problem.code == "outside_study_area"
    assert problem.params["ids"] == ["OUT1", "OUT2"]


def test_unknown_township_code_and_population_mismatch(
    towns: gpd.GeoDataFrame, villages: gpd.GeoDataFrame
) -> None:
    bad = villages.copy()
    bad.loc[0, "township_code"] = "620199999"
    with pytest.raises(GeodataError) as exc:
        assemble_city(towns, bad)
    assert "unknown_township_code" in codes(exc)
    assert exc.value.errors[0].params["codes"] == ["620199999"]

    more = villages.copy()
    more.loc[0, "population"] = more.loc[0, "population"] + 1000  # 8000 -> 9000: +12.5%
    city = assemble_city(towns, more)
    assert [w.code for w in city.warnings] == ["population_mismatch"]
    assert city.warnings[0].params == {"code": "620102001", "township": 8000, "villages": 9000}
    less = villages.copy()
    less.loc[0, "population"] = less.loc[0, "population"] + 300  # +3.75%: within 5%
    assert assemble_city(towns, less).warnings == ()


def test_unknown_contact_point_reference_warns(towns: gpd.GeoDataFrame) -> None:
    sites = points(
        "collection_sites",
        [{"id": "S1", "name": "a", "contact_point_id": "NOPE", "lon": 104.55, "lat": 35.55}],
    )
    city = assemble_city(towns, collection_sites=sites)
    assert [w.code for w in city.warnings] == ["unknown_contact_point"]


def test_derived_columns() -> None:
    towns = gpd.GeoDataFrame(
        {
            "code": ["1", "2"],
            "name": ["a", "b"],
            "county": ["c", "c"],
            "population": [100, 200],
            "kind": ["街道", "镇"],
        },
        geometry=[box(104.5, 35.5, 104.6, 35.6), box(104.6, 35.5, 104.7, 35.6)],
        crs=4326,
    )
    clean, problems = validate_layer(towns, "townships")
    assert problems == []
    assert list(clean["kind"]) == ["urban", "rural"]
    assert list(clean["rural_population"]) == [0, 200]
    assert clean["county_code"].tolist() == ["", ""]
    from_rural = towns.drop(columns="kind").assign(rural_population=[10, 150])
    clean, _ = validate_layer(from_rural, "townships")
    assert list(clean["kind"]) == ["urban", "rural"]


def test_every_problem_collected_at_once() -> None:
    gdf = points(
        "contact_points",
        [
            {
                "id": "A",
                "name": "",
                "type": "政府",
                "opinions_collected": -1,
                "lon": 104.5,
                "lat": 35.5,
            },
            {"id": "A", "name": "x", "type": "rural", "staff": "two", "lon": 10.0, "lat": 35.5},
            {"id": "B", "name": "y", "type": "rural", "area_m2": "inf", "lon": 104.5, "lat": 35.5},
        ],
    )
    _clean, problems = validate_layer(gdf, "contact_points")
    assert sorted(p.code for p in problems) == [
        "duplicate_id",
        "infinite_value",
        "missing_value",
        "negative_value",
        "not_a_number",
        "outside_china",
        "unknown_type",
    ]


def test_rounded_and_adopted_warnings() -> None:
    gdf = points(
        "contact_points",
        [
            {
                "id": "A",
                "name": "x",
                "type": "rural",
                "opinions_collected": "10.4",
                "opinions_adopted": 12,
                "lon": 104.5,
                "lat": 35.5,
            }
        ],
    )
    clean, problems = validate_layer(gdf, "contact_points")
    assert sorted(p.code for p in problems) == ["adopted_exceeds_collected", "rounded_value"]
    assert all(p.severity == "warning" for p in problems)
    assert clean["opinions_collected"].iloc[0] == 10


def test_multipoint_of_one_becomes_point_and_int_codes_become_text() -> None:
    from shapely.geometry import MultiPoint

    gdf = gpd.GeoDataFrame(
        {"id": [7.0], "name": ["x"]}, geometry=[MultiPoint([(104.5, 35.5)])], crs=4326
    )
    clean, problems = validate_layer(gdf, "homes")
    assert problems == []
    assert clean.geom_type.iloc[0] == "Point"
    assert clean["id"].iloc[0] == "7"


def test_validate_is_idempotent(towns: gpd.GeoDataFrame) -> None:
    again, problems = validate_layer(towns, "townships")
    assert problems == []
    assert again.drop(columns="geometry").equals(towns.drop(columns="geometry"))
    assert np.array_equal(again.geometry.to_numpy(), towns.geometry.to_numpy())


def test_m_values_dropped_with_warning() -> None:
    import shapely

    gdf = gpd.GeoDataFrame(
        {"id": ["1"], "name": ["x"]},
        geometry=[shapely.from_wkt("POINT M (104.5 35.5 7)")],
        crs=4326,
    )
    clean, problems = validate_layer(gdf, "homes")
    assert [p.code for p in problems] == ["dropped_z_m"]
    assert not shapely.has_m(clean.geometry.to_numpy()).any()
