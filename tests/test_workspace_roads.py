"""A dataset's road layer survives a save and a restart of the workspace (#13)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from shapely.geometry import LineString, MultiLineString

from analysis.workspace.store import WorkspaceStore
from tests.support.scenario_city import make_city


def _roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["G107", "X031 乡道", ""],
            "road_class": ["national", "county", "village"],
            "speed_kmh": [80.0, np.nan, 15.0],
            "oneway": [0, 1, -1],
            "level": [0, 1, 0],
        },
        geometry=[
            LineString([(116.60, 39.10), (116.70, 39.20)]),
            MultiLineString(
                [[(116.61, 39.11), (116.62, 39.12)], [(116.63, 39.13), (116.64, 39.1)]]
            ),
            LineString([(116.65, 39.15), (116.66, 39.16), (116.67, 39.15)]),
        ],
        crs=4326,
    )


def test_roads_round_trip_and_a_dataset_without_roads(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    city = make_city()
    with_roads = dataclasses.replace(city, roads=_roads())
    WorkspaceStore(path).save_dataset("up-roads", with_roads)
    WorkspaceStore(path).save_dataset("up-plain", city)
    # A new store on the same file: what a restarted server reads.
    again = WorkspaceStore(path)
    loaded = again.load_dataset("up-roads").roads
    assert loaded is not None and loaded.crs.to_epsg() == 4326
    assert loaded["name"].tolist() == ["G107", "X031 乡道", ""]
    assert loaded["road_class"].tolist() == ["national", "county", "village"]
    assert loaded["oneway"].tolist() == [0, 1, -1] and loaded["level"].tolist() == [0, 1, 0]
    np.testing.assert_array_equal(loaded["speed_kmh"].to_numpy(), [80.0, np.nan, 15.0])
    assert loaded.geometry.geom_equals(with_roads.roads.geometry).all()
    assert again.load_dataset("up-plain").roads is None
    # GIS software reads the table too.
    table = pyogrio.read_dataframe(path, layer="dataset_roads")
    assert len(table) == 3 and set(table["dataset_id"]) == {"up-roads"}


def test_saving_again_without_roads_removes_them(tmp_path: Path) -> None:
    store = WorkspaceStore(tmp_path / "ws.gpkg")
    city = make_city()
    store.save_dataset("up-1", dataclasses.replace(city, roads=_roads()))
    store.save_dataset("up-1", city)
    assert store.load_dataset("up-1").roads is None
    store.save_dataset("up-1", dataclasses.replace(city, roads=_roads()))
    assert store.delete_dataset("up-1")
    assert not store.has_dataset("up-1")
    assert len(pyogrio.read_dataframe(store.path, layer="dataset_roads")) == 0
