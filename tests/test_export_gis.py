"""GIS exports read back with pyogrio: same points, coordinates, statuses and KPIs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest

from analysis.coverage.api import compute_coverage
from analysis.errors import AnalysisError
from analysis.export import build_bundle, export_bundle, export_scenario
from analysis.export.reimport import city_from_gpkg
from analysis.export.shpfields import SHP_FIELDS, shapefile_names
from analysis.plan.scenarios import POINT_LAYERS
from geodata.coords import wgs84_to_gcj02
from tests.support.export_fixtures import Case, make_case

TOL = 1e-6


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


@pytest.fixture(scope="module")
def gis_files(case: Case, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("gis")
    return {
        fmt: export_scenario(case.city, case.scenario, case.before, case.after, fmt, out)
        for fmt in ("gpkg", "shp", "geojson", "kml", "kmz")
    }


def _assert_same_points(read: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    """Same ids, statuses and coordinates (within 1e-6 degrees) as the scenario layer."""
    got = read.set_index(read["id"].astype(str)).sort_index()
    want = expected.set_index(expected["id"].astype(str)).sort_index()
    assert list(got.index) == list(want.index)
    assert list(got["status"]) == list(want["status"])
    np.testing.assert_allclose(got.geometry.x, want.geometry.x, atol=TOL, rtol=0)
    np.testing.assert_allclose(got.geometry.y, want.geometry.y, atol=TOL, rtol=0)


def test_gpkg_has_every_layer_and_point(case: Case, gis_files: dict[str, list[Path]]) -> None:
    (path,) = gis_files["gpkg"]
    names = [str(n) for n, _ in pyogrio.list_layers(path)]
    assert names == ["townships", "villages", "contact_points", "collection_sites", "homes"]
    for layer in POINT_LAYERS:
        _assert_same_points(pyogrio.read_dataframe(path, layer=layer), case.scenario.layer(layer))
    cps = pyogrio.read_dataframe(path, layer="contact_points").set_index("id")
    assert cps.loc["CP003", "status"] == "removed"
    assert cps.loc["N001", "township"] == "东城街道"
    assert cps.loc["CP004", "orig_lon"] == pytest.approx(113.84)
    np.testing.assert_allclose(cps["lon"], cps.geometry.x, atol=1e-7)
    towns = pyogrio.read_dataframe(path, layer="townships").set_index("code")
    expected = case.after.townships.set_index("code")
    for code, row in towns.iterrows():
        assert row["covered_population"] == expected.loc[code, "covered_population"]
        assert row["coverage_share"] == pytest.approx(expected.loc[code, "coverage_share"])
        before = case.before.townships.set_index("code").loc[code, "coverage_share"]
        assert row["coverage_share_before"] == pytest.approx(before)


def test_gpkg_newly_covered_population_adds_up(case: Case, gis_files: dict) -> None:
    (path,) = gis_files["gpkg"]
    cps = pyogrio.read_dataframe(path, layer="contact_points").set_index("id")
    before = case.before.demand.set_index("code")["covered_by_point"]
    after = case.after.demand.set_index("code")
    gained = after[after["covered_by_point"] & ~before.reindex(after.index).astype(bool)]
    assert cps["newly_covered_population"].sum() == gained["population"].sum()
    assert cps.loc[["CP001", "CP002", "CP003"], "newly_covered_population"].eq(0).all()
    assert cps.loc[["N001", "CP004"], "newly_covered_population"].gt(0).all()


def test_gpkg_imported_again_gives_same_kpis(case: Case, gis_files: dict) -> None:
    (path,) = gis_files["gpkg"]
    city = city_from_gpkg(path)
    assert len(city.contact_points) == 5  # the removed point is left out
    assert compute_coverage(city).kpis.to_dict() == case.after.kpis.to_dict()


def test_shapefile_zip_cpg_prj_short_fields(case: Case, gis_files: dict) -> None:
    (path,) = gis_files["shp"]
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for layer in ("townships", "villages", *POINT_LAYERS):
            for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                assert f"{layer}.{ext}" in names
            assert zf.read(f"{layer}.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
            assert "WGS" in zf.read(f"{layer}.prj").decode()
        mapping = zf.read("fields.csv").decode("utf-8-sig").splitlines()
    assert mapping[0] == "layer,field,column,label_zh"
    assert "contact_points,new_cv_pop,newly_covered_population,新增覆盖人口（按顺序）" in mapping
    assert "contact_points,new_alone,newly_covered_alone,单独新增覆盖人口" in mapping
    cps = pyogrio.read_dataframe(f"/vsizip/{path}/contact_points.shp")
    assert all(len(c) <= 10 for c in cps.columns)
    _assert_same_points(cps, case.scenario.contact_points)
    assert set(cps["name"]) >= {"城关社区联系点", "南湖乡农村联系点"}  # UTF-8 survives
    towns = pyogrio.read_dataframe(f"/vsizip/{path}/townships.shp")
    assert {"cov_pop", "cov_share", "cov_before", "blind_spot"} <= set(towns.columns)


def test_shapefile_names_are_unique_and_short() -> None:
    names = shapefile_names([*SHP_FIELDS, "a_very_long_column_1", "a_very_long_column_2"])
    assert all(len(v) <= 10 for v in names.values())
    assert len({v.lower() for v in names.values()}) == len(names)
    assert names["a_very_long_column_2"] == "a_very_lo1"


def test_geojson_per_layer(case: Case, gis_files: dict) -> None:
    paths = {p.stem.split("_", 1)[1]: p for p in gis_files["geojson"]}
    assert set(paths) == {"townships", "villages", *POINT_LAYERS}
    for layer in POINT_LAYERS:
        _assert_same_points(pyogrio.read_dataframe(paths[layer]), case.scenario.layer(layer))
    towns = pyogrio.read_dataframe(paths["townships"])
    assert sorted(towns["code"]) == sorted(case.city.townships["code"])


@pytest.mark.parametrize("fmt", ["kml", "kmz"])
def test_kml_and_kmz_read_back(case: Case, gis_files: dict, fmt: str) -> None:
    (path,) = gis_files[fmt]
    layers = [str(n) for n, _ in pyogrio.list_layers(path)]
    assert layers == ["乡镇(街道)", "村(社区)", "基层立法联系点", "立法信息采集点", "代表之家"]
    cps = pyogrio.read_dataframe(path, layer="基层立法联系点")
    assert "id" in cps.columns and "status" in cps.columns  # ExtendedData fields
    _assert_same_points(cps, case.scenario.contact_points)
    assert set(cps["Name"] if "Name" in cps else cps["name"]) >= {"乙区农村联系点"}


def test_kml_is_offline_and_chinese(gis_files: dict) -> None:
    (path,) = gis_files["kml"]
    text = path.read_text(encoding="utf-8")
    assert "<Icon>" not in text and "<href>" not in text  # no icon to download
    assert "<styleUrl>#status_proposed</styleUrl>" in text
    assert "状态：拟新增" in text and "坐标系：WGS84" in text


def test_gcj02_differs_by_the_expected_offset(case: Case, tmp_path: Path) -> None:
    points = {name: case.scenario.layer(name) for name in POINT_LAYERS}
    bundle = build_bundle(case.city, points, case.after, case.before, coords="gcj02", title="g")
    (path,) = export_bundle(bundle, "gpkg", tmp_path)
    got = pyogrio.read_dataframe(path, layer="contact_points").set_index("id").sort_index()
    wgs = case.scenario.contact_points.set_index("id").sort_index()
    lon, lat = wgs84_to_gcj02(wgs.geometry.x.to_numpy(), wgs.geometry.y.to_numpy())
    np.testing.assert_allclose(got.geometry.x, lon, atol=TOL, rtol=0)
    np.testing.assert_allclose(got.geometry.y, lat, atol=TOL, rtol=0)
    # in central China the shift is a few hundred metres: ~0.005-0.007 degrees
    shift = np.hypot(got.geometry.x - wgs.geometry.x, got.geometry.y - wgs.geometry.y)
    assert ((shift > 0.002) & (shift < 0.01)).all()
    np.testing.assert_allclose(got["lon"], lon, atol=TOL, rtol=0)
    moved_lon, _ = wgs84_to_gcj02(np.array([113.84]), np.array([34.74]))
    assert got.loc["CP004", "orig_lon"] == pytest.approx(moved_lon[0], abs=TOL)
    towns = pyogrio.read_dataframe(path, layer="townships")
    assert towns.total_bounds[0] > case.city.townships.total_bounds[0] + 0.002


def test_unknown_coords_and_format_are_analysis_errors(case: Case, tmp_path: Path) -> None:
    with pytest.raises(AnalysisError) as err:
        export_scenario(case.city, case.scenario, None, case.after, "gpkg", tmp_path, "bd09")
    assert err.value.problems[0].code == "unknown_coords"
    with pytest.raises(AnalysisError) as err:
        export_scenario(case.city, case.scenario, None, case.after, "dwg", tmp_path)
    assert err.value.problems[0].code == "unknown_format"


def test_empty_point_layers_still_export(case: Case, tmp_path: Path) -> None:
    scenario = case.scenario.with_layer("homes", case.scenario.homes.iloc[0:0])
    written = export_scenario(case.city, scenario, case.before, case.after, "all", tmp_path)
    assert len(written) == 22  # 20 + the overview and site-warning CSV files
    (gpkg,) = [p for p in written if p.suffix == ".gpkg"]
    homes = pyogrio.read_dataframe(gpkg, layer="homes")
    assert len(homes) == 0 and {"id", "status", "lon", "lat"} <= set(homes.columns)


def test_gpkg_of_a_point_without_room_data_reimports_to_the_same_kpis(
    case: Case, tmp_path: Path
) -> None:
    """A hand-added point has no room yet (待建): empty figures in the file, its status read
    back, so the re-imported plan does not count it below the room standard."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import apply_scenario

    scenario = add_point(case.scenario, "contact_points", lon=113.65, lat=34.85, type="rural")
    after = compute_coverage(apply_scenario(case.city, scenario))
    (path,) = export_scenario(case.city, scenario, case.before, after, "gpkg", tmp_path)
    cps = pyogrio.read_dataframe(path, layer="contact_points").set_index("id")
    new = cps[cps["status"] == "proposed"].loc[lambda f: f["area_m2"].isna()]
    assert len(new) == 1 and new["staff"].isna().all() and (new["room_status"] == "pending").all()
    city = city_from_gpkg(path)
    assert compute_coverage(city).kpis.to_dict() == after.kpis.to_dict()
