"""Base datasets in the workspace: an uploaded city's layers, kept across server restarts.

Functions here work inside a transaction opened by a store
(:class:`analysis.workspace.sqlbase.SqlStore`, which wraps them as methods), through its
:class:`~analysis.workspace.frames.LayerIO`; the built-in demo city (``"demo"``) is never copied.
A dataset's road lines (``CityData.roads``) and its population raster cells used as demand
(``CityData.demand_cells``, table ``dataset_demand_cells``: a point per cell), when the city
has them, are kept too; ``has_roads``/``has_demand_cells`` tell "none" from "an empty layer".
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.errors import Problem
from analysis.plan.scenarios import DEMO_DATASET_ID, utc_now_iso
from analysis.workspace.frames import LayerIO
from analysis.workspace.tables import DATASET_TABLES, DEMAND_CELLS_TABLE, ROADS_TABLE, problem
from geodata.city import CityData

_MORE_TABLES = (ROADS_TABLE, DEMAND_CELLS_TABLE)
_TOUCHED = [
    "datasets",
    *(s.table for s in DATASET_TABLES.values()),
    *(s.table for s in _MORE_TABLES),
]


def list_datasets(io: LayerIO, conn: Any) -> pd.DataFrame:
    """Stored datasets: ``dataset_id``, ``name``, ``created_at``, ``updated_at``."""
    rows = conn.execute(
        "SELECT dataset_id, name, created_at, updated_at FROM datasets"
        " ORDER BY created_at, dataset_id"
    ).fetchall()
    rows = [list(r) for r in rows]
    return pd.DataFrame(rows, columns=["dataset_id", "name", "created_at", "updated_at"])


def has_dataset(io: LayerIO, conn: Any, dataset_id: str) -> bool:
    """True when ``dataset_id`` is stored."""
    sql = io.q("SELECT 1 FROM datasets WHERE dataset_id = ?")
    return conn.execute(sql, (dataset_id,)).fetchone() is not None


def check_dataset_id(dataset_id: str) -> None:
    """Refuse an empty id and the reserved demo id (before any transaction starts)."""
    if not str(dataset_id).strip():
        raise problem("missing_dataset_id", "The dataset id is empty.")
    if dataset_id == DEMO_DATASET_ID:
        raise problem(
            "reserved_dataset_id",
            f"Dataset id {DEMO_DATASET_ID!r} is the built-in demo city; it is never copied.",
            value=dataset_id,
        )


def save_dataset(
    io: LayerIO,
    conn: Any,
    dataset_id: str,
    city: CityData,
    times: tuple[str, str] | None = None,
) -> None:
    """Insert or replace every layer of ``city`` under ``dataset_id`` (caller's transaction).

    ``times``: ``(created_at, updated_at)`` to keep (a moved workspace), else now.
    """
    warnings = json.dumps(
        [dataclasses.asdict(p) for p in city.warnings], ensure_ascii=False, default=str
    )
    now = utc_now_iso()
    created_at, updated_at = times if times is not None else (now, now)
    roads, cells = city.roads, city.demand_cells
    conn.execute(
        io.q(
            "INSERT INTO datasets (dataset_id, name, is_demo, has_villages, created_at,"
            " updated_at, warnings_json, has_roads, has_demand_cells)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(dataset_id) DO UPDATE SET name = excluded.name,"
            " is_demo = excluded.is_demo, has_villages = excluded.has_villages,"
            " updated_at = excluded.updated_at, warnings_json = excluded.warnings_json,"
            " has_roads = excluded.has_roads, has_demand_cells = excluded.has_demand_cells"
        ),
        (
            dataset_id,
            city.name,
            bool(city.is_demo),
            city.villages is not None,
            created_at,
            updated_at,
            warnings,
            roads is not None,
            cells is not None,
        ),
    )
    layers = [(spec, getattr(city, layer)) for layer, spec in DATASET_TABLES.items()]
    more = [
        (ROADS_TABLE, roads),
        (DEMAND_CELLS_TABLE, None if cells is None else cell_points(cells)),
    ]
    for spec, frame in [*layers, *more]:
        if frame is None:
            frame = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=4326)
        elif frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        io.write_rows(conn, spec, dataset_id, frame)
    io.touch(conn, _TOUCHED)


def load_dataset(io: LayerIO, conn: Any, dataset_id: str) -> CityData:
    """The stored dataset ``dataset_id`` (read in the caller's snapshot)."""
    row = conn.execute(
        io.q(
            "SELECT name, is_demo, has_villages, warnings_json, has_roads, has_demand_cells"
            " FROM datasets WHERE dataset_id = ?"
        ),
        (dataset_id,),
    ).fetchone()
    if row is None:
        raise problem(
            "dataset_not_found", f"No stored dataset has the id {dataset_id!r}.", value=dataset_id
        )
    frames = {layer: io.read_rows(conn, spec, dataset_id) for layer, spec in DATASET_TABLES.items()}
    more: dict[str, Any] = {}
    if row[4]:
        roads = io.read_rows(conn, ROADS_TABLE, dataset_id)
        more["roads"] = roads if len(roads) else None
    if row[5]:
        more["demand_cells"] = cells_of_points(io.read_rows(conn, DEMAND_CELLS_TABLE, dataset_id))
    return CityData(
        townships=frames["townships"],
        villages=frames["villages"] if row[2] else None,
        contact_points=frames["contact_points"],
        collection_sites=frames["collection_sites"],
        homes=frames["homes"],
        name=row[0] or "",
        is_demo=bool(row[1]),
        warnings=tuple(Problem(**p) for p in json.loads(row[3] or "[]")),
        **more,
    )


def delete_dataset(io: LayerIO, conn: Any, dataset_id: str) -> bool:
    """Delete ``dataset_id``; refused while a saved scenario is built on it."""
    sql = io.q("SELECT name FROM scenarios WHERE dataset_id = ?")
    users = [r[0] for r in conn.execute(sql, (dataset_id,)).fetchall()]
    if users:
        raise problem(
            "dataset_in_use",
            f"Dataset {dataset_id!r} is used by scenario(s): {', '.join(users)}.",
            value=dataset_id,
            params={"scenarios": users},
        )
    sql = io.q("DELETE FROM datasets WHERE dataset_id = ?")
    gone = conn.execute(sql, (dataset_id,)).rowcount
    for spec in [*DATASET_TABLES.values(), *_MORE_TABLES]:
        conn.execute(io.q(f'DELETE FROM "{spec.table}" WHERE dataset_id = ?'), (dataset_id,))
    io.touch(conn, _TOUCHED)
    return bool(gone)


def cell_points(cells: pd.DataFrame) -> gpd.GeoDataFrame:
    """``CityData.demand_cells`` as stored: a point per cell at its ``lon``/``lat``.

    The coordinates go into the geometry (doubles, given back bit for bit); any column
    besides the canonical ones is kept by the store as an extra.
    """
    lon, lat = (
        pd.to_numeric(cells[c], errors="coerce").to_numpy(dtype="float64")
        if c in cells
        else np.full(len(cells), np.nan)  # checked (and refused) by the coverage, not here
        for c in ("lon", "lat")
    )
    rest = pd.DataFrame(cells.drop(columns=["lon", "lat"], errors="ignore"))
    return gpd.GeoDataFrame(
        rest.reset_index(drop=True), geometry=shapely.points(lon, lat), crs=4326
    )


def cells_of_points(stored: gpd.GeoDataFrame) -> pd.DataFrame:
    """The stored cell points as ``CityData.demand_cells`` (``township_code``, ``lon``,
    ``lat``, ``population``, then any extra column)."""
    geoms = np.asarray(stored.geometry.array, dtype=object)
    frame = pd.DataFrame(stored.drop(columns=stored.geometry.name))
    frame.insert(1, "lon", shapely.get_x(geoms) if len(geoms) else np.empty(0))
    frame.insert(2, "lat", shapely.get_y(geoms) if len(geoms) else np.empty(0))
    return frame
