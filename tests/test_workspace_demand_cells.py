"""A dataset's population raster cells used as demand (``CityData.demand_cells``) survive a
save and a restart of the workspace, on both stores (GeoPackage, PostGIS), and a workspace
written before they were kept still opens.

The raster of tests/support/raster.py: 4 x 4 cells, two townships (see
tests/test_coverage_raster_demand.py).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pyogrio
import pytest
from shapely.geometry import Point

from analysis.__main__ import main
from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.workspace.api import Store
from analysis.workspace.postgis.store import PostgisStore
from analysis.workspace.store import WorkspaceStore
from analysis.workspace.tables import DEMAND_CELLS_TABLE
from geodata.city import CityData
from geodata.raster.population import (
    apply_raster_population,
    raster_demand_grid,
    raster_population,
)
from geodata.validate.layers import assemble_city
from tests.support.postgres import Cluster
from tests.support.raster import two_townships, write_tif

BEFORE_ACCOUNTS = Path(__file__).resolve().parent / "data" / "workspace" / "before_accounts.gpkg"


def _city(tmp_path: Path) -> CityData:
    """Two townships without villages, their people on the raster's cells, one point.

    Assembled (validated, canonical columns) like an upload, so that the store gives back
    the same layers and only the cells can make a difference.
    """
    tif = write_tif(tmp_path / "pop.tif")
    towns = two_townships()
    towns = apply_raster_population(towns, raster_population(tif, towns))
    point = gpd.GeoDataFrame(
        {"id": ["P0"], "name": ["联系点"], "type": ["rural"], "county": [towns["county"][0]],
         "area_m2": [60.0], "staff": [2]},
        geometry=[Point(104.625, 35.675)],
        crs=4326,
    )  # fmt: skip
    city = assemble_city(towns, contact_points=point, name="栅格市")
    return dataclasses.replace(city, demand_cells=raster_demand_grid(tif, towns))


def _reopened(store: Store) -> Store:
    """A new store object on the same file/database: what a restarted server reads."""
    if isinstance(store, WorkspaceStore):
        return WorkspaceStore(store.path)
    assert isinstance(store, PostgisStore)
    return PostgisStore(store.url)


def _same_coverage(a: CoverageResult, b: CoverageResult) -> None:
    assert a.kpis.to_dict() == b.kpis.to_dict()
    assert (a.demand_source, a.grid_cell_size_m) == (b.demand_source, b.grid_cell_size_m)
    pd.testing.assert_frame_equal(a.townships, b.townships)
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.demand).reset_index(drop=True), pd.DataFrame(b.demand).reset_index(drop=True)
    )


def test_cells_round_trip_and_the_coverage_after_reopening_is_the_one_before(
    any_store: Store, tmp_path: Path
) -> None:
    city = _city(tmp_path)
    assert city.demand_cells is not None
    cells = city.demand_cells.assign(note=["甲'"] + [None] * (len(city.demand_cells) - 1))
    city = dataclasses.replace(city, demand_cells=cells)
    before = compute_coverage(city)
    assert before.demand_source == "raster_grid"
    any_store.save_dataset("up-cells", city)
    any_store.save_dataset("up-plain", dataclasses.replace(city, demand_cells=None))
    again = _reopened(any_store)
    loaded = again.load_dataset("up-cells").demand_cells
    assert loaded is not None
    assert list(loaded.columns) == ["township_code", "lon", "lat", "population", "note"]
    assert loaded["township_code"].tolist() == cells["township_code"].astype(str).tolist()
    for col in ("lon", "lat", "population"):  # doubles come back bit for bit
        np.testing.assert_array_equal(loaded[col].to_numpy(), cells[col].to_numpy(dtype=float))
    assert loaded["note"].iloc[0] == "甲'" and loaded["note"].iloc[1:].isna().all()
    _same_coverage(before, compute_coverage(again.load_dataset("up-cells")))
    # Without cells: None, and the coverage falls back to the uniform grid as before.
    plain = again.load_dataset("up-plain")
    assert plain.demand_cells is None
    assert compute_coverage(plain).demand_source == "township_grid"


def test_no_cells_empty_cells_and_saving_again_without_them(
    any_store: Store, tmp_path: Path
) -> None:
    city = _city(tmp_path)
    assert city.demand_cells is not None
    empty = city.demand_cells.iloc[:0]
    any_store.save_dataset("up-1", dataclasses.replace(city, demand_cells=empty))
    back = any_store.load_dataset("up-1").demand_cells
    assert back is not None and back.empty  # "no cells" is not "none kept"
    assert list(back.columns) == ["township_code", "lon", "lat", "population"]
    any_store.save_dataset("up-1", city)
    any_store.save_dataset("up-1", dataclasses.replace(city, demand_cells=None))
    assert any_store.load_dataset("up-1").demand_cells is None
    any_store.save_dataset("up-1", city)
    assert any_store.delete_dataset("up-1") and not any_store.has_dataset("up-1")
    assert isinstance(any_store, WorkspaceStore | PostgisStore)
    with any_store._read() as conn:
        assert any_store.io.read_rows(conn, DEMAND_CELLS_TABLE, "up-1").empty


def test_the_cells_open_in_gis_software(tmp_path: Path) -> None:
    store = WorkspaceStore(tmp_path / "ws.gpkg")
    city = _city(tmp_path)
    store.save_dataset("up-1", city)
    table = pyogrio.read_dataframe(store.path, layer="dataset_demand_cells")
    assert city.demand_cells is not None and len(table) == len(city.demand_cells)
    assert set(table["dataset_id"]) == {"up-1"} and table.crs.to_epsg() == 4326
    assert table["population"].sum() == pytest.approx(city.demand_cells["population"].sum())


def test_a_workspace_file_written_before_the_cells_were_kept_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    shutil.copy(BEFORE_ACCOUNTS, path)
    with sqlite3.connect(path) as conn:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(datasets)")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "has_demand_cells" not in cols and "dataset_demand_cells" not in tables
    store = WorkspaceStore(path)
    old = store.load_dataset("up-1")
    assert old.name == "测试市" and old.demand_cells is None
    store.save_dataset("up-2", _city(tmp_path))
    assert WorkspaceStore(path).load_dataset("up-2").demand_cells is not None
    assert WorkspaceStore(path).load_dataset("up-1").demand_cells is None
    assert store.integrity_check() == ["ok"]


def test_a_postgis_store_written_before_the_cells_were_kept_opens(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_store_url("cells")
    city = _city(tmp_path)
    first = PostgisStore(url)
    first.save_dataset("up-1", dataclasses.replace(city, demand_cells=None))
    first.close()
    with psycopg.connect(url, autocommit=True) as conn:  # the layout of the earlier version
        conn.execute("DROP TABLE dataset_demand_cells")
        conn.execute("ALTER TABLE datasets DROP COLUMN has_demand_cells")
    store = PostgisStore(url)
    try:
        assert store.load_dataset("up-1").demand_cells is None
        store.save_dataset("up-2", city)
        _same_coverage(compute_coverage(city), compute_coverage(store.load_dataset("up-2")))
    finally:
        store.close()


def test_propose_with_raster_demand_saves_the_cells_with_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = Path(__file__).resolve().parent / "data" / "good"
    villages = tmp_path / "villages.csv"  # villages in the first township only
    villages.write_text(
        "编码,名称,乡镇编码,人口,类型,经度,纬度\n"
        "620102001001,东风一社区,620102001,4000,社区居委会,104.52,35.56\n"
        "620102001002,东风二社区,620102001,2400,社区居委会,104.54,35.57\n",
        encoding="utf-8",
    )
    tif = write_tif(tmp_path / "pop.tif")
    ws = tmp_path / "ws.gpkg"
    argv = ["propose", "--townships", str(good / "townships.geojson"), "--villages",
            str(villages), "--points", str(good / "contact_points.csv"),
            "--population-raster", str(tif), "--rural", "1", "--enterprise", "0",
            "--association", "0", "--no-site-rules", "--preview", "--relaxed",
            "--workspace", str(ws)]  # fmt: skip
    for name, flag in (("栅格方案", ["--raster-demand"]), ("均匀方案", [])):
        out = tmp_path / name
        assert main([*argv, *flag, "--save-as", name, "--out", str(out)]) == 0
    before = json.loads((tmp_path / "栅格方案" / "kpis_before.json").read_text(encoding="utf-8"))
    assert before["demand_source"] == "villages+raster_grid"
    # Another process, later: the workspace alone gives the same coverage.
    store = WorkspaceStore(ws)
    with_cells = store.load_dataset(store.load("栅格方案").dataset_id)
    assert with_cells.demand_cells is not None
    reopened = compute_coverage(with_cells).kpis.to_dict()
    assert json.loads(json.dumps(reopened, ensure_ascii=False)) == before
    # The same files without --raster-demand are another dataset, without cells.
    plain_id = store.load("均匀方案").dataset_id
    assert plain_id != store.load("栅格方案").dataset_id
    assert store.load_dataset(plain_id).demand_cells is None
    capsys.readouterr()
    files = argv[1:7]  # --townships, --villages, --points: no raster
    assert main(["propose", *files, "--raster-demand", "--out", str(tmp_path / "o")]) == 2
    assert "--raster-demand uses the cells of --population-raster" in capsys.readouterr().err
    assert main(["propose", "--demo", "--population-raster", str(tif), "--out",
                 str(tmp_path / "o")]) == 2  # fmt: skip
    assert "--demo cannot be combined with --population-raster" in capsys.readouterr().err
