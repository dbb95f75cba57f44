"""Workspace stores (analysis.workspace): round trips, names, datasets, GIS validity.

Tests taking ``store`` run against both stores (a GeoPackage file and a PostGIS database,
``any_store`` in conftest.py); those taking ``gpkg_store`` are about the GeoPackage file.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from analysis.errors import AnalysisError
from analysis.plan.edits import add_point, move_point, remove_point
from analysis.plan.scenarios import (
    POINT_LAYERS,
    Scenario,
    apply_scenario,
    baseline_scenario,
    compare_scenarios,
)
from analysis.workspace import gpkg as workspace_gpkg
from analysis.workspace import store as workspace
from analysis.workspace.api import Store
from analysis.workspace.store import WorkspaceStore, default_workspace_path
from geodata.city import CityData
from tests.support.scenario_city import HOSTILE, make_city


def assert_layers_equal(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    """Same columns (any order), values, dtypes and geometries."""
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")),
        pd.DataFrame(b.drop(columns="geometry"))[list(a.columns.drop("geometry"))],
    )
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


def assert_scenarios_equal(a: Scenario, b: Scenario) -> None:
    for field in ("name", "author", "created_at", "dataset_id", "description"):
        assert getattr(a, field) == getattr(b, field), field
    for layer in POINT_LAYERS:
        assert_layers_equal(a.layer(layer), b.layer(layer))


def edited(base: Scenario) -> Scenario:
    s = add_point(base, "contact_points", lon=116.2, lat=39.2, type="rural", name="新增<点>")
    s = move_point(s, "contact_points", "C1", 116.3, 39.3)
    s = remove_point(s, "homes", "H1")
    return dataclasses.replace(s, name="方案A", description="第一稿")


@pytest.fixture
def city() -> CityData:
    return make_city()


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def gpkg_store(tmp_path: Path) -> WorkspaceStore:
    return WorkspaceStore(tmp_path / "sub" / "ws.gpkg", timeout_s=5)


def test_save_load_round_trip(store: Store, city: CityData) -> None:
    base = baseline_scenario(city, "t1", author="张三")
    scenario = edited(base)
    saved = store.save(scenario)
    assert saved.updated_at > scenario.updated_at and saved.created_at == scenario.created_at
    loaded = store.load("方案A")
    assert_scenarios_equal(loaded, scenario)
    assert loaded.updated_at == saved.updated_at
    assert store.exists("方案A") and not store.exists("方案B")
    assert store.free_name("方案B") == "方案B" and store.free_name(" 方案A ") == "方案A (2)"


def test_extra_columns_and_missing_values_survive(store: Store, city: CityData) -> None:
    cp = city.contact_points.assign(remark=["甲", None, "丙", "丁"], score=[1.5, 2.0, np.nan, 4.0])
    cp.loc[1, "county"] = None
    base = baseline_scenario(dataclasses.replace(city, contact_points=cp), "t1")
    store.save(base)
    loaded = store.load(base.name).contact_points
    assert loaded["remark"].iloc[0] == "甲" and loaded["remark"].isna().tolist()[1]
    assert loaded["score"].tolist()[:2] == [1.5, 2.0] and pd.isna(loaded["score"].tolist()[2])
    assert pd.isna(loaded.loc[1, "county"])


def test_list_scenarios_counts_by_status(store: Store, city: CityData) -> None:
    assert store.list_scenarios().empty
    base = store.save(baseline_scenario(city, "t1", "甲"))
    store.save(edited(base))
    table = store.list_scenarios()
    assert list(table.columns) == [
        "name",
        "author",
        "created_at",
        "updated_at",
        "dataset_id",
        "description",
        "owner",
        "published",
        "version",
        "updated_by",
        "n_existing",
        "n_proposed",
        "n_moved",
        "n_removed",
    ]
    row = table.set_index("name").loc["方案A"]
    assert (row["n_existing"], row["n_proposed"], row["n_moved"], row["n_removed"]) == (10, 1, 1, 1)
    assert table.set_index("name").loc["基线方案", "n_existing"] == 12
    assert table["updated_at"].str.endswith("Z").all()


def test_upsert_replaces_rows_and_updated_at_increases(store: Store, city: CityData) -> None:
    first = store.save(edited(baseline_scenario(city, "t1")))
    smaller = remove_point(first, "contact_points", "NEW-001")
    second = store.save(smaller)
    assert second.updated_at > first.updated_at
    assert len(store.load("方案A").contact_points) == 4
    assert len(store.list_scenarios()) == 1


def test_optimistic_save_detects_a_concurrent_edit(store: Store, city: CityData) -> None:
    base = baseline_scenario(city, "t1")
    mine = store.save(base, expected_updated_at="")  # "" = must not exist yet
    with pytest.raises(AnalysisError) as err:
        store.save(base, expected_updated_at="")
    assert err.value.problems[0].code == "scenario_changed_elsewhere"
    theirs = store.save(add_point(mine, "homes", lon=116.1, lat=39.1))
    with pytest.raises(AnalysisError):
        store.save(mine, expected_updated_at=mine.updated_at)
    store.save(mine, expected_updated_at=theirs.updated_at)


def test_hostile_names_are_stored_verbatim(store: Store, city: CityData) -> None:
    names = [HOSTILE, "a'b\"c", "%_*?", "名称 with spaces", "Robert'); DROP TABLE scenarios;--"]
    for name in names:
        store.save(baseline_scenario(city, "t1", name=name))
    assert sorted(store.list_scenarios()["name"]) == sorted(names)
    assert store.load(HOSTILE).contact_points.iloc[0]["name"] == HOSTILE
    assert store.delete("%_*?") and not store.delete("%_*?")
    assert not store.exists("%_*?") and store.exists("a'b\"c")


def test_delete_and_rename(store: Store, city: CityData) -> None:
    store.save(baseline_scenario(city, "t1", name="甲"))
    store.save(baseline_scenario(city, "t1", name="乙"))
    store.rename("甲", "丙")
    assert set(store.list_scenarios()["name"]) == {"乙", "丙"}
    assert len(store.load("丙").contact_points) == 4
    with pytest.raises(AnalysisError) as err:
        store.rename("丙", "乙")
    assert err.value.problems[0].code == "scenario_exists"
    with pytest.raises(AnalysisError) as err:
        store.rename("无", "丁")
    assert err.value.problems[0].code == "scenario_not_found"
    with pytest.raises(AnalysisError) as err:
        store.load("甲")
    assert err.value.problems[0].code == "scenario_not_found"
    assert store.delete("丙")
    assert list(store.list_scenarios()["name"]) == ["乙"]
    assert list(store.list_scenarios()["n_existing"]) == [12]


def test_invalid_scenarios_are_refused(store: Store, city: CityData) -> None:
    base = baseline_scenario(city, "t1")
    bad_status = base.with_layer("homes", base.homes.assign(status="gone"))
    dup = base.with_layer("homes", base.homes.assign(id="H0"))
    for scenario, code in [
        (dataclasses.replace(base, name="  "), "empty_scenario_name"),
        (dataclasses.replace(base, dataset_id=""), "missing_dataset_id"),
        (bad_status, "invalid_status"),
        (dup, "duplicate_id"),
    ]:
        with pytest.raises(AnalysisError) as err:
            store.save(scenario)
        assert err.value.problems[0].code == code
    assert store.list_scenarios().empty


def test_dataset_round_trip(store: Store, city: CityData) -> None:
    villages = gpd.GeoDataFrame(
        {
            "code": ["110102001001", "110102001002"],
            "name": ["一村", "二村"],
            "township_code": ["110102001"] * 2,
            "population": [800, 1200],
            "kind": ["rural", "rural"],
            "is_township_seat": [True, False],
        },
        geometry=gpd.points_from_xy([116.6, 116.7], [39.1, 39.2]),
        crs=4326,
    )
    full = dataclasses.replace(city, villages=villages)
    store.save_dataset("up-1", full)
    store.save_dataset("up-2", city)
    loaded = store.load_dataset("up-1")
    assert loaded.name == "测试市" and not loaded.is_demo and loaded.villages is not None
    assert loaded.villages["is_township_seat"].tolist() == [True, False]
    for layer in ("contact_points", "collection_sites", "homes", "villages"):
        assert_layers_equal(getattr(full, layer), getattr(loaded, layer))
    pd.testing.assert_frame_equal(
        pd.DataFrame(full.townships.drop(columns="geometry")),
        pd.DataFrame(loaded.townships.drop(columns="geometry")),
    )
    assert loaded.townships.geometry.geom_equals(full.townships.geometry).all()
    assert store.load_dataset("up-2").villages is None
    assert list(store.list_datasets()["dataset_id"]) == ["up-1", "up-2"]
    assert store.has_dataset("up-1") and store.has_dataset("demo") and not store.has_dataset("x")
    with pytest.raises(AnalysisError) as err:
        store.save_dataset("demo", city)
    assert err.value.problems[0].code == "reserved_dataset_id"
    with pytest.raises(AnalysisError) as err:
        store.load_dataset("nope")
    assert err.value.problems[0].code == "dataset_not_found"
    store.save(baseline_scenario(loaded, "up-1"))
    with pytest.raises(AnalysisError) as err:
        store.delete_dataset("up-1")
    assert err.value.problems[0].code == "dataset_in_use"
    assert store.delete_dataset("up-2") and not store.has_dataset("up-2")


def test_file_is_a_valid_geopackage_gis_can_read(
    gpkg_store: WorkspaceStore, city: CityData
) -> None:
    gpkg_store.save(edited(baseline_scenario(city, "t1")))
    gpkg_store.save_dataset("up-1", city)
    assert gpkg_store.integrity_check() == ["ok"]
    layers = dict(pyogrio.list_layers(gpkg_store.path))
    assert layers["scenario_contact_points"] == "Point"
    assert layers["dataset_townships"] == "MultiPolygon"
    assert layers["scenarios"] is None
    for name in layers:
        pyogrio.read_dataframe(gpkg_store.path, layer=name)  # every layer reads
    cps = pyogrio.read_dataframe(gpkg_store.path, layer="scenario_contact_points")
    assert cps.crs.to_epsg() == 4326 and len(cps) == 5 and set(cps["scenario"]) == {"方案A"}
    meta = pyogrio.read_dataframe(gpkg_store.path, layer="scenarios")
    assert meta.loc[0, "name"] == "方案A" and meta.loc[0, "description"] == "第一稿"
    info = pyogrio.read_info(gpkg_store.path, layer="scenario_contact_points")
    assert info["features"] == 5
    with sqlite3.connect(gpkg_store.path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_backup_is_a_single_self_contained_file(
    gpkg_store: WorkspaceStore, city: CityData, tmp_path: Path
) -> None:
    gpkg_store.save(edited(baseline_scenario(city, "t1")))
    dest = gpkg_store.backup(tmp_path / "bak" / "copy.gpkg")
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert_scenarios_equal(WorkspaceStore(dest).load("方案A"), gpkg_store.load("方案A"))


def test_writes_work_with_rtree_triggers_added_by_a_gis(
    gpkg_store: WorkspaceStore, city: CityData
) -> None:
    """QGIS/GDAL add R-tree triggers calling ST_* functions plain SQLite lacks."""
    gpkg_store.save(baseline_scenario(city, "t1"))
    with sqlite3.connect(gpkg_store.path) as conn:
        conn.execute(
            "CREATE VIRTUAL TABLE rtree_scenario_homes_geom USING rtree(id, minx, maxx, miny, maxy)"
        )
        conn.execute(
            "CREATE TRIGGER rtree_scenario_homes_geom_insert AFTER INSERT ON scenario_homes"
            " WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN"
            " INSERT OR REPLACE INTO rtree_scenario_homes_geom VALUES (NEW.fid,"
            " ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END"
        )
    gpkg_store.save(baseline_scenario(city, "t1", name="乙"))
    with sqlite3.connect(gpkg_store.path) as conn:
        rows = conn.execute("SELECT minx, maxx FROM rtree_scenario_homes_geom").fetchall()
    assert len(rows) == 2 and all(abs(a - b) < 1e-4 for a, b in rows)  # rtree stores float32


def test_old_workspace_gains_new_schema_columns(
    tmp_path: Path, city: CityData, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.gpkg"
    WorkspaceStore(path).save(baseline_scenario(city, "t1"))
    spec = workspace.SCENARIO_TABLES["homes"]
    grown = dataclasses.replace(spec, columns=(*spec.columns, ("rating", "int")))
    monkeypatch.setitem(workspace.SCENARIO_TABLES, "homes", grown)
    monkeypatch.setattr(workspace, "ALL_TABLES", (*workspace.ALL_TABLES, grown))
    loaded = WorkspaceStore(path).load("基线方案")  # opening migrates the table
    assert len(loaded.homes) == 2
    with sqlite3.connect(path) as conn:
        assert "rating" in {r[1] for r in conn.execute("PRAGMA table_info(scenario_homes)")}


def test_default_workspace_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(workspace.WORKSPACE_ENV_VAR, raising=False)
    assert default_workspace_path() == workspace.DEFAULT_WORKSPACE_PATH
    assert workspace.DEFAULT_WORKSPACE_PATH == workspace.REPO_ROOT / "workspace" / "workspace.gpkg"
    monkeypatch.setenv(workspace.WORKSPACE_ENV_VAR, str(tmp_path / "x.gpkg"))
    assert default_workspace_path() == tmp_path / "x.gpkg"
    assert WorkspaceStore().path == tmp_path / "x.gpkg"


def test_unreadable_file_gives_a_domain_error(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(AnalysisError) as err:
        WorkspaceStore(path).list_scenarios()
    assert err.value.problems[0].code == "workspace_error"


def test_demo_city_plan_round_trip_and_kpis(store: Store) -> None:
    """Integration with the demo city and the coverage engine (skipped if either is missing)."""
    demo = pytest.importorskip("geodata.demo.load")
    coverage = pytest.importorskip("analysis.coverage.api")
    city = demo.load_demo_city()
    base = baseline_scenario(city, "demo", author="张三")
    village = city.villages.geometry.iloc[0]
    plan = add_point(base, "contact_points", lon=village.x, lat=village.y, type="rural")
    plan = dataclasses.replace(plan, name="方案A")
    store.save(base)
    store.save(plan)
    assert store.load_dataset("demo").name == city.name
    loaded = store.load("方案A")
    assert_scenarios_equal(loaded, plan)
    before = coverage.compute_coverage(city).kpis.to_dict()
    baseline_kpis = coverage.compute_coverage(apply_scenario(city, store.load(base.name))).kpis
    after = coverage.compute_coverage(apply_scenario(city, loaded)).kpis
    assert baseline_kpis.to_dict() == before  # status columns change nothing
    table = compare_scenarios({base.name: baseline_kpis, "方案A": after})
    assert table.loc["contact_points_total", "Δ 方案A"] == 1


def test_geometry_blob_codec_round_trip() -> None:
    from shapely.geometry import MultiPolygon, Point, Polygon

    from analysis.workspace.geom import ST_FUNCTIONS, decode_geometries, encode_geometries

    square = Polygon([(0, 0), (2, 0), (2, 1), (0, 1)])
    geoms = [Point(116.1, 39.2), square, MultiPolygon([square]), Point()]
    blobs = encode_geometries(geoms)
    assert all(b[:2] == b"GP" for b in blobs)
    back = decode_geometries([*blobs, None])
    assert back[0].equals(geoms[0]) and back[1].equals(square) and back[3].is_empty
    assert back[4] is None
    promoted = decode_geometries(encode_geometries([square], multipolygon=True))[0]
    assert promoted.geom_type == "MultiPolygon" and promoted.equals(square)
    envelope = [ST_FUNCTIONS[f](blobs[1]) for f in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")]
    assert envelope == [0, 2, 0, 1]
    assert ST_FUNCTIONS["ST_IsEmpty"](blobs[3]) == 1 and ST_FUNCTIONS["ST_IsEmpty"](blobs[0]) == 0
    assert ST_FUNCTIONS["ST_MinX"](blobs[0]) == 116.1 and ST_FUNCTIONS["ST_MinX"](None) is None


def test_failed_save_keeps_previous_version(
    gpkg_store: WorkspaceStore, city: CityData, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = gpkg_store.save(edited(baseline_scenario(city, "t1")))
    real = workspace_gpkg.write_rows
    calls = []

    def fail_on_second_layer(*args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace_gpkg, "write_rows", fail_on_second_layer)
    with pytest.raises(RuntimeError):
        gpkg_store.save(remove_point(first, "contact_points", "NEW-001"))
    monkeypatch.undo()
    assert_scenarios_equal(gpkg_store.load("方案A"), first)
    assert gpkg_store.load("方案A").updated_at == first.updated_at


def test_disk_full_is_a_domain_error_and_loses_nothing(
    gpkg_store: WorkspaceStore, city: CityData, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = gpkg_store.save(edited(baseline_scenario(city, "t1")))
    real_connect = workspace_gpkg.connect

    def small_disk(path: Path, timeout_s: float) -> sqlite3.Connection:
        conn = real_connect(path, timeout_s)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        return conn

    monkeypatch.setattr(workspace_gpkg, "connect", small_disk)
    big = make_city(n_cp=4, n_sites=3000, seed=5)
    with pytest.raises(AnalysisError) as err:
        gpkg_store.save(dataclasses.replace(baseline_scenario(big, "t1"), name="方案A"))
    assert err.value.problems[0].code == "workspace_error"
    monkeypatch.undo()
    assert_scenarios_equal(gpkg_store.load("方案A"), first)
    assert gpkg_store.integrity_check() == ["ok"]
