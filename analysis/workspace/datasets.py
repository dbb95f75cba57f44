"""Base datasets in the workspace: an uploaded city's layers, kept across server restarts.

Functions here work inside a transaction opened by :class:`analysis.workspace.store.WorkspaceStore`
(which wraps them as methods); the built-in demo city (``"demo"``) is never copied.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3

import geopandas as gpd
import pandas as pd

from analysis.errors import Problem
from analysis.plan.scenarios import DEMO_DATASET_ID, utc_now_iso
from analysis.workspace import gpkg as gp
from analysis.workspace.tables import DATASET_TABLES, problem
from geodata.city import CityData

_TOUCHED = ["datasets", *(s.table for s in DATASET_TABLES.values())]


def list_datasets(conn: sqlite3.Connection) -> pd.DataFrame:
    """Stored datasets: ``dataset_id``, ``name``, ``created_at``, ``updated_at``."""
    rows = conn.execute(
        "SELECT dataset_id, name, created_at, updated_at FROM datasets ORDER BY created_at"
    ).fetchall()
    return pd.DataFrame(rows, columns=["dataset_id", "name", "created_at", "updated_at"])


def has_dataset(conn: sqlite3.Connection, dataset_id: str) -> bool:
    """True when ``dataset_id`` is stored."""
    sql = "SELECT 1 FROM datasets WHERE dataset_id = ?"
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


def save_dataset(conn: sqlite3.Connection, dataset_id: str, city: CityData) -> None:
    """Insert or replace every layer of ``city`` under ``dataset_id`` (caller's transaction)."""
    warnings = json.dumps(
        [dataclasses.asdict(p) for p in city.warnings], ensure_ascii=False, default=str
    )
    now = utc_now_iso()
    conn.execute(
        "INSERT INTO datasets (dataset_id, name, is_demo, has_villages, created_at, updated_at,"
        " warnings_json) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dataset_id) DO UPDATE SET"
        " name = excluded.name, is_demo = excluded.is_demo,"
        " has_villages = excluded.has_villages, updated_at = excluded.updated_at,"
        " warnings_json = excluded.warnings_json",
        (
            dataset_id,
            city.name,
            int(city.is_demo),
            int(city.villages is not None),
            now,
            now,
            warnings,
        ),
    )
    for layer, spec in DATASET_TABLES.items():
        frame = getattr(city, layer)
        if frame is None:
            frame = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=4326)
        elif frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        gp.write_rows(conn, spec, dataset_id, frame)
    gp.touch_contents(conn, _TOUCHED)


def load_dataset(conn: sqlite3.Connection, dataset_id: str) -> CityData:
    """The stored dataset ``dataset_id`` (read in the caller's snapshot)."""
    row = conn.execute(
        "SELECT name, is_demo, has_villages, warnings_json FROM datasets WHERE dataset_id = ?",
        (dataset_id,),
    ).fetchone()
    if row is None:
        raise problem(
            "dataset_not_found", f"No stored dataset has the id {dataset_id!r}.", value=dataset_id
        )
    frames = {layer: gp.read_rows(conn, spec, dataset_id) for layer, spec in DATASET_TABLES.items()}
    return CityData(
        townships=frames["townships"],
        villages=frames["villages"] if row[2] else None,
        contact_points=frames["contact_points"],
        collection_sites=frames["collection_sites"],
        homes=frames["homes"],
        roads=frames["roads"] if len(frames["roads"]) else None,
        name=row[0] or "",
        is_demo=bool(row[1]),
        warnings=tuple(Problem(**p) for p in json.loads(row[3] or "[]")),
    )


def delete_dataset(conn: sqlite3.Connection, dataset_id: str) -> bool:
    """Delete ``dataset_id``; refused while a saved scenario is built on it."""
    users = [
        r[0] for r in conn.execute("SELECT name FROM scenarios WHERE dataset_id = ?", (dataset_id,))
    ]
    if users:
        raise problem(
            "dataset_in_use",
            f"Dataset {dataset_id!r} is used by scenario(s): {', '.join(users)}.",
            value=dataset_id,
            params={"scenarios": users},
        )
    gone = conn.execute("DELETE FROM datasets WHERE dataset_id = ?", (dataset_id,)).rowcount
    for spec in DATASET_TABLES.values():
        conn.execute(f'DELETE FROM "{spec.table}" WHERE dataset_id = ?', (dataset_id,))
    gp.touch_contents(conn, _TOUCHED)
    return bool(gone)
