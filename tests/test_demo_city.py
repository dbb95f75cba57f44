"""Invariants of the built-in demo city (issue 2, items 7 and 9).

The committed GeoPackage must tile without gaps or overlaps, add up, and reproduce the
speech's numbers; the seeded generator must rebuild exactly the committed file. How long
loading and rebuilding take is measured by ``python -m bench.demo``, not asserted here.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geodata.city import CityData
from geodata.demo.load import DEMO_DATASET_ID, DEMO_GPKG, load_demo_city, load_demo_records
from geodata.schema import LAYER_NAMES, SCHEMAS
from geodata.validate.layers import assemble_city

METRIC = "EPSG:32648"  # UTM 48N: the demo city's zone
REL_TOL = 1e-6
# The analysis's default service radii (analysis/standards/standards.toml), in metres.
RADIUS_M = {
    "urban_community": 3000.0,
    "rural": 10000.0,
    "enterprise": 5000.0,
    "association": 5000.0,
}
AGRICULTURAL_COUNTY = "丰塬县"


@pytest.fixture(scope="module")
def city() -> CityData:
    return load_demo_city()


@pytest.fixture(scope="module")
def towns_m(city: CityData) -> gpd.GeoDataFrame:
    return city.townships.to_crs(METRIC)


def _villages(city: CityData) -> gpd.GeoDataFrame:
    assert city.villages is not None
    return city.villages


def _xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    g = gdf.to_crs(METRIC).geometry
    return np.column_stack([g.x, g.y])


def test_load_is_labelled() -> None:
    # How fast it loads is measured by ``python -m bench.demo`` (no clock in the tests).
    city = load_demo_city()
    assert city.is_demo and city.name == "示例市（虚构）"
    assert DEMO_DATASET_ID == "demo"
    assert city.villages is not None


def test_file_layers_crs_and_dtypes(city: CityData) -> None:
    # the point and polygon layers, the road lines (#13), the points' records table (#17)
    assert tuple(pyogrio.list_layers(DEMO_GPKG)[:, 0]) == (*LAYER_NAMES, "roads", "records")
    for layer in LAYER_NAMES:
        gdf = getattr(city, layer)
        assert gdf.crs.to_epsg() == 4326
        assert list(gdf.columns) == [c.name for c in SCHEMAS[layer].columns] + ["geometry"]
        for col in SCHEMAS[layer].columns:
            if col.kind == "int":
                assert gdf[col.name].dtype == np.int64, (layer, col.name)
            if col.name in ("code", "county_code", "township_code", "id", "contact_point_id"):
                assert all(isinstance(v, str) for v in gdf[col.name]), (layer, col.name)


def test_same_as_validated(city: CityData) -> None:
    checked = assemble_city(
        city.townships,
        city.villages,
        city.contact_points,
        city.collection_sites,
        city.homes,
        name=city.name,
        is_demo=True,
    )
    assert checked.warnings == ()
    for layer in LAYER_NAMES:
        pd.testing.assert_frame_equal(
            pd.DataFrame(getattr(city, layer)).drop(columns="geometry"),
            pd.DataFrame(getattr(checked, layer)).drop(columns="geometry"),
        )


def test_counties_and_townships(city: CityData) -> None:
    t = city.townships
    counties = t.groupby("county")["county_code"].unique()
    assert len(counties) == 8
    assert sum(n.endswith("区") for n in counties.index) == 2
    assert sum(n.endswith("县") for n in counties.index) == 6
    assert all(len(c) == 1 and len(c[0]) == 6 and c[0].startswith("99") for c in counties)
    assert 100 <= len(t) <= 130
    assert t["code"].is_unique and (t["code"].str.len() == 9).all()
    assert (t["code"].str[:6] == t["county_code"]).all()
    street = t["name"].str.endswith("街道")
    assert ((t["kind"] == "urban") == street).all()
    for county, grp in t.groupby("county"):
        streets = grp["name"].str.endswith("街道").sum()
        if county.endswith("区"):
            assert streets > len(grp) / 2
        else:
            assert 1 <= streets <= 2


def test_townships_tile_counties_and_city(towns_m: gpd.GeoDataFrame) -> None:
    assert towns_m.is_valid.all()
    assert set(towns_m.geom_type) == {"Polygon"}
    for _, grp in towns_m.groupby("county"):
        union = shapely.union_all(grp.geometry.values)
        assert union.geom_type == "Polygon"  # one piece per county
        assert abs(grp.area.sum() - union.area) <= REL_TOL * union.area  # no overlap
    city = shapely.union_all(towns_m.geometry.values)
    assert abs(towns_m.area.sum() - city.area) <= REL_TOL * city.area
    # One polygon without holes: counties leave no gap between them.
    assert city.geom_type == "Polygon" and len(city.interiors) == 0
    assert 15_000 <= city.area / 1e6 <= 20_000
    lon, lat = shapely.centroid(shapely.union_all(towns_m.to_crs(4326).geometry.values)).xy
    assert abs(lon[0] - 104.6) < 0.3 and abs(lat[0] - 35.6) < 0.3


def test_population_adds_up(city: CityData) -> None:
    t, v = city.townships, _villages(city)
    assert 2_400_000 <= t["population"].sum() <= 2_600_000
    by_town = v.groupby("township_code")["population"].sum()
    assert (t.set_index("code")["population"] == by_town.reindex(t["code"])).all()
    rural = v[v["kind"] == "rural"].groupby("township_code")["population"].sum()
    expected = rural.reindex(t["code"]).fillna(0).astype(np.int64)
    assert (t.set_index("code")["rural_population"] == expected).all()
    # Concentrated in urban cores: districts are far denser than counties.
    area = city.townships.to_crs(METRIC).area / 1e6
    dens = t.assign(area=area).groupby("county")[["population", "area"]].sum()
    dens = dens["population"] / dens["area"]
    assert dens[dens.index.str.endswith("区")].min() > 3 * dens[dens.index.str.endswith("县")].max()


def test_villages(city: CityData, towns_m: gpd.GeoDataFrame) -> None:
    v = _villages(city)
    assert 1_800 <= len(v) <= 2_200
    assert v["code"].is_unique and (v["code"].str.len() == 12).all()
    assert (v["code"].str[:9] == v["township_code"]).all()
    assert (v["population"] > 0).all() and v["population"].mean() > v["population"].median()
    kind_of_town = city.townships.set_index("code")["kind"]
    assert (v["kind"] == v["township_code"].map(kind_of_town)).all()
    assert (v["name"].str.endswith("社区") == (v["kind"] == "urban")).all()
    towns = towns_m[["code", "geometry"]].rename(columns={"code": "town_code"})
    joined = gpd.sjoin(v.to_crs(METRIC), towns, predicate="within")
    assert len(joined) == len(v) and (joined["township_code"] == joined["town_code"]).all()
    seats = v[v["is_township_seat"]]
    assert seats["township_code"].is_unique and len(seats) == len(city.townships)
    top = v.loc[v.groupby("township_code")["population"].idxmax(), "code"]
    assert set(top) == set(seats["code"])


def test_speech_counts(city: CityData) -> None:
    cp, t = city.contact_points, city.townships
    assert len(cp) == 12 and cp["id"].is_unique
    assert cp["type"].value_counts().to_dict() == {
        "urban_community": 6,
        "rural": 4,
        "enterprise": 1,
        "association": 1,
    }
    assert cp["opinions_collected"].sum() == 326 and cp["opinions_adopted"].sum() == 89
    assert (cp["opinions_adopted"] <= cp["opinions_collected"]).all()
    assert (cp["area_m2"] < 30).any() and (cp["staff"] == 0).any()
    assert set(cp["county"]) == set(t["county"])  # the 12 points reach all 8 counties
    agri = t[t["county"] == AGRICULTURAL_COUNTY]
    assert abs(agri["rural_population"].sum() / agri["population"].sum() - 0.75) <= 0.01
    agri_pts = cp[cp["county"] == AGRICULTURAL_COUNTY]
    assert (agri_pts["type"] == "rural").sum() == 1
    per = cp.groupby("county")["type"]
    rural = per.apply(lambda s: (s == "rural").sum()).reindex(t["county"].unique(), fill_value=0)
    ent = per.apply(lambda s: (s == "enterprise").sum()).reindex(rural.index, fill_value=0)
    assert ((rural < 2) | (ent < 1)).sum() >= 4  # several counties fail the speech's rule


def test_points_in_their_county(city: CityData, towns_m: gpd.GeoDataFrame) -> None:
    for layer in ("contact_points", "collection_sites", "homes"):
        pts = getattr(city, layer)
        joined = gpd.sjoin(
            pts.to_crs(METRIC),
            towns_m[["county", "kind", "geometry"]],
            predicate="within",
            lsuffix="p",
            rsuffix="t",
        )
        assert len(joined) == len(pts), layer  # every point inside the study area
        if "county_p" in joined:
            assert (joined["county_p"] == joined["county_t"]).all(), layer
        if layer == "contact_points":
            urban = joined["kind"] == "urban"
            assert (joined.loc[joined["type"] == "rural", "kind"] == "rural").all()
            assert urban.sum() >= 7  # 重城区、轻农村


def test_collection_sites_within_reach(city: CityData) -> None:
    cp, sites, v = city.contact_points, city.collection_sites, _villages(city)
    assert 24 <= len(sites) <= 60 and sites["id"].is_unique
    assert set(sites["contact_point_id"]) <= set(cp["id"])
    assert set(sites["site_type"]) <= {"village", "community", "enterprise", "school"}
    at_village = sites.geometry.apply(lambda g: (g.x, g.y)).isin(
        set(v.geometry.apply(lambda g: (g.x, g.y)))
    )
    assert at_village.all()
    dist = np.linalg.norm(_xy(cp)[:, None] - _xy(sites)[None], axis=2)
    inside = dist <= np.array([RADIUS_M[k] for k in cp["type"]])[:, None]
    own = sites["contact_point_id"].to_numpy()[None, :] == cp["id"].to_numpy()[:, None]
    # Every site is in reach of its own point or of none: both ways of counting agree.
    assert (inside.sum(axis=1) == (inside & own).sum(axis=1)).all()
    for counts in (inside.sum(axis=1), (inside & own).sum(axis=1)):
        assert (counts < 3).sum() >= 3  # several points below the 3-5 rule
        assert (counts > 5).sum() >= 1


def test_rural_blind_spots(city: CityData) -> None:
    v = _villages(city)
    dist = np.linalg.norm(_xy(v)[:, None] - _xy(city.contact_points)[None], axis=2)
    radius = np.array([RADIUS_M[k] for k in city.contact_points["type"]])
    reached = v.assign(hit=(dist <= radius[None, :]).any(axis=1))
    rural_towns = city.townships.loc[city.townships["kind"] == "rural", "code"]
    hit = reached.groupby("township_code")["hit"].any().reindex(rural_towns)
    assert (~hit).sum() > len(rural_towns) / 2


def test_homes(city: CityData) -> None:
    h = city.homes
    assert 15 <= len(h) <= 25 and h["id"].is_unique
    assert (h["area_m2"] < 50).any() and (h["area_m2"] >= 50).any()
    assert (h["activities_last_year"] == 12).sum() >= 1
    assert set(h["county"]) == set(city.townships["county"])


def test_generator_rebuilds_committed_file(tmp_path: Path) -> None:
    from geodata.demo.build import main

    out = tmp_path / "demo.gpkg"
    assert main(["--out", str(out)]) == 0  # its time: ``python -m bench.demo``
    fresh, committed = load_demo_city(out), load_demo_city()
    for layer in LAYER_NAMES:
        a, b = getattr(fresh, layer), getattr(committed, layer)
        pd.testing.assert_frame_equal(
            pd.DataFrame(a).drop(columns="geometry"), pd.DataFrame(b).drop(columns="geometry")
        )
        assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=1e-9).all()
    pd.testing.assert_frame_equal(load_demo_records(out), load_demo_records())


def test_records_tell_the_speech(city: CityData) -> None:
    """Two years of records; their opinions add up to the layer's (326 / 89)."""
    rec = load_demo_records()
    cps = rec[rec["point_layer"] == "contact_points"]
    assert set(cps["point_id"]) == set(city.contact_points["id"])
    assert cps["period"].nunique() == 8 and rec["period"].str.startswith(("2024", "2025")).all()
    per_point = cps.groupby("point_id")[["opinions_collected", "opinions_adopted"]].sum()
    layer = city.contact_points.set_index("id")[["opinions_collected", "opinions_adopted"]]
    pd.testing.assert_frame_equal(per_point.sort_index(), layer.sort_index(), check_names=False)
    assert per_point.sum().tolist() == [326, 89]
    home = rec[(rec["point_id"] == "DBZJ01") & rec["period"].str.startswith("2025")]
    assert home.filter(like="activities_").sum().sum() == 12
    assert (home["activities_study"].sum(), home["activities_governance"].sum()) == (8, 2)
    homes = rec[(rec["point_layer"] == "homes") & rec["period"].str.startswith("2025")]
    acts = homes.groupby("point_id")[[c for c in rec if c.startswith("activities_")]].sum()
    last_year = city.homes.set_index("id")["activities_last_year"]
    assert (acts.sum(axis=1).reindex(last_year.index) == last_year).all()


def test_check_command_accepts_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    from geodata.__main__ import main

    assert main(["check", str(DEMO_GPKG)]) == 0
    out = capsys.readouterr().out
    assert "12 contact_points" in out and "ERROR" not in out and "WARNING" not in out


def test_loading_the_demo_city_does_not_import_the_readers() -> None:
    """The dashboard's first start loads the demo city; the readers (openpyxl) can wait."""
    import subprocess
    import sys

    code = (
        "import sys, geodata.demo.load; geodata.demo.load.load_demo_city(); "
        "print('geodata.io.readers' in sys.modules, 'openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- The demo city's roads (issue 13, item 5) -------------------------------------------------

ROAD_COLUMNS = ["name", "road_class", "speed_kmh", "oneway", "level", "geometry"]


@pytest.fixture(scope="module")
def roads() -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(DEMO_GPKG, layer="roads")


@pytest.fixture(scope="module")
def roads_m(roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return roads.to_crs(METRIC)


@pytest.fixture(scope="module")
def rebuilt() -> tuple[dict[str, gpd.GeoDataFrame], object]:
    from geodata.demo.build import build_city_with_terrain

    return build_city_with_terrain()


def _vertex_keys(gdf: gpd.GeoDataFrame) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in shapely.get_coordinates(g)] for g in gdf.geometry]


def test_roads_layer_columns_and_classes(roads: gpd.GeoDataFrame) -> None:
    from geodata.schema import ROAD_CLASSES

    assert "roads" in set(pyogrio.list_layers(DEMO_GPKG)[:, 0])
    assert list(roads.columns) == ROAD_COLUMNS and roads.crs.to_epsg() == 4326
    assert set(roads.geom_type) == {"LineString"} and roads.is_valid.all()
    assert 500 <= len(roads) <= 5_000  # small enough for the demo
    assert set(roads["road_class"]) == set(ROAD_CLASSES) - {"urban_expressway"}
    assert roads["speed_kmh"].isna().all()  # every line at its class's default speed
    assert (roads["name"].str.len() > 0).all()
    assert set(roads["oneway"]) == {0, 1} and set(roads["level"]) == {0, 1}
    oneway = roads[roads["oneway"] == 1]
    assert 1 <= len(oneway) <= 10 and set(oneway["road_class"]) <= {"secondary", "branch"}
    names = roads.groupby("road_class")["name"]
    assert names.apply(lambda s: s.str.match(r"^G\d+").all())[["expressway", "national"]].all()
    assert names.apply(lambda s: s.str.match(r"^S\d+省道$").all())["provincial"]
    assert names.apply(lambda s: s.str.match(r"^县道X\d{3}$").all())["county"]
    assert names.apply(lambda s: s.str.match(r"^乡道Y\d{3}$").all())["township"]
    assert names.apply(lambda s: s.str.endswith(("村道", "社区道路")).all())["village"]


def test_county_seats_on_the_trunk_network(city: CityData, roads_m: gpd.GeoDataFrame) -> None:
    """Expressway, national roads and the towns' streets form one connected network (joined
    at shared vertices; a motorway only at its ends) that reaches every county seat."""
    import networkx as nx

    urban = ["arterial", "secondary", "branch"]
    trunk = roads_m[roads_m["road_class"].isin(["expressway", "national", *urban])]
    graph = nx.Graph()
    for i, (keys, cls) in enumerate(zip(_vertex_keys(trunk), trunk["road_class"], strict=True)):
        if cls == "expressway":  # interior vertices of a motorway join nothing
            keys = [keys[0], *[(i, k) for k in range(1, len(keys) - 1)], keys[-1]]
        nx.add_path(graph, keys)
    assert nx.number_connected_components(graph) == 1
    nodes = np.array([k for k in graph.nodes if isinstance(k[0], float)])
    v = _villages(city)
    seat_towns = city.townships.loc[city.townships["code"].str.endswith("001"), "code"]
    seats = v[v["is_township_seat"] & v["township_code"].isin(seat_towns)]
    assert len(seats) == 8
    dist = np.min(np.linalg.norm(_xy(seats)[:, None] - nodes[None], axis=2), axis=1)
    assert (dist < 500).all(), dist


def test_interchange_ramps_join_expressway_and_national_road(roads: gpd.GeoDataFrame) -> None:
    ramps = roads[roads["name"].str.endswith("匝道")]
    main = roads[(roads["road_class"] == "expressway") & ~roads["name"].str.endswith("匝道")]
    national = roads[roads["road_class"] == "national"]
    main_ends = {k for keys in _vertex_keys(main) for k in (keys[0], keys[-1])}
    national_vertices = {k for keys in _vertex_keys(national) for k in keys}
    assert len(ramps) >= 3 and set(ramps["road_class"]) == {"expressway"}
    for keys in _vertex_keys(ramps):
        assert keys[0] in main_ends and keys[-1] in national_vertices


def test_bridges_and_viaducts(roads_m: gpd.GeoDataFrame) -> None:
    on_level = roads_m[roads_m["level"] == 1]
    bridges = on_level[on_level["road_class"] != "expressway"]
    assert len(bridges) >= 10 and (bridges.length < 1_500).all()
    assert (on_level["road_class"] == "expressway").sum() >= 10  # viaducts
    # A bridge continues its road at both ends: its end vertices are shared with level-0 lines.
    ground = {k for keys in _vertex_keys(roads_m[roads_m["level"] == 0]) for k in keys}
    for keys in _vertex_keys(bridges):
        assert keys[0] in ground and keys[-1] in ground


def test_most_villages_on_a_road_some_far_from_any(
    city: CityData, roads_m: gpd.GeoDataFrame
) -> None:
    v = _villages(city).to_crs(METRIC)
    tree = shapely.STRtree(roads_m.geometry.values)
    dist = tree.query_nearest(v.geometry.values, return_distance=True, all_matches=False)[1]
    assert (dist <= 500).mean() >= 0.95
    far = v[dist > 2_000]
    assert 3 <= len(far) <= 30  # "not on the road network" happens in the demo
    assert (far["kind"] == "rural").all() and not far["is_township_seat"].any()


def test_roads_rebuild_identically_and_keep_to_the_ridges(
    rebuilt: tuple[dict[str, gpd.GeoDataFrame], object], roads: gpd.GeoDataFrame
) -> None:
    from geodata.demo.build import to_wgs84

    layers, road_layer = rebuilt
    fresh = layers["roads"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(fresh).drop(columns="geometry"), pd.DataFrame(roads).drop(columns="geometry")
    )
    assert shapely.equals_exact(fresh.geometry.values, roads.geometry.values, tolerance=1e-9).all()
    terrain = road_layer.terrain  # type: ignore[attr-defined]
    metric = road_layer.roads  # type: ignore[attr-defined]
    assert len(terrain.lines) >= 20 and (terrain.order == 0).sum() >= 5  # gullies with branches
    # Ground roads cross ravines only on bridges; no village or point sits in a ravine.
    ground = metric[(metric["level"] == 0) & (metric["road_class"] != "expressway")]
    assert not shapely.intersects(np.asarray(ground["geometry"]), terrain.outline).any()
    outline = to_wgs84([terrain.outline])[0]
    for layer in ("villages", "contact_points", "collection_sites", "homes"):
        g = layers[layer].geometry
        assert not shapely.intersects_xy(outline, g.x, g.y).any(), layer
