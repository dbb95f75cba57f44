"""Low-level GeoPackage access over :mod:`sqlite3`, used by :mod:`analysis.workspace.store`.

Why not GDAL for the writes: a GeoPackage is an SQLite database, and only SQLite's own
transactions give what the workspace needs: one scenario replaced atomically (a ``kill -9``
mid-save leaves the previous committed version) and several processes saving at once
(``BEGIN IMMEDIATE`` + busy timeout serialises writers). So tables, the GeoPackage
registry (``gpkg_spatial_ref_sys``, ``gpkg_contents``, ``gpkg_geometry_columns``) and the
geometry blobs (GeoPackage binary header + ISO WKB from shapely) are written here directly;
GDAL/pyogrio/QGIS read the result as ordinary layers.

No R-tree spatial index is created (optional in the standard; the layers are small). If a
GIS later adds one, its triggers call ``ST_IsEmpty``/``ST_MinX``..., which plain SQLite
lacks; :func:`connect` registers them so our writes keep working on such a file.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.workspace.frames import (
    EXTRA_COLUMN,
    SRS_ID,
    Kind,
    TableSpec,
    frame_columns,
    frame_from_columns,
)
from analysis.workspace.geom import ST_FUNCTIONS, decode_geometries, encode_geometries

__all__ = ["EXTRA_COLUMN", "Kind", "TableSpec", "connect", "read_rows", "write_rows"]

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3
WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
_SQL_TYPES: dict[Kind, str] = {"str": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "BOOLEAN"}


def connect(path: Path, timeout_s: float) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (transactions are explicit), WAL, full sync.

    WAL because readers (dashboard sessions listing or loading scenarios) then never wait
    for a writer, and a killed writer leaves an uncommitted WAL tail that SQLite discards
    on the next open. ``synchronous=FULL`` also survives a power cut, not only a crash.
    """
    conn = sqlite3.connect(str(path), timeout=timeout_s, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for name, func in ST_FUNCTIONS.items():
        conn.create_function(name, 1, func, deterministic=True)
    return conn


def begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the write lock now (waiting up to the busy timeout), not at the first write.

    A deferred transaction that reads and then writes can fail at once with
    ``SQLITE_BUSY`` under WAL when another writer committed in between; IMMEDIATE waits.
    """
    conn.execute("BEGIN IMMEDIATE")


# --- schema -------------------------------------------------------------------------------

_REGISTRY_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
        organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
        definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
        identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL,
        geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
)
_SRS_ROWS = (
    (
        "Undefined cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined cartesian coordinate reference system",
    ),
    (
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system",
    ),
    (
        "WGS 84 geodetic",
        SRS_ID,
        "EPSG",
        SRS_ID,
        WGS84_WKT,
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
    ),
)


def schema_is_current(conn: sqlite3.Connection, specs: Sequence[TableSpec]) -> bool:
    """True when every table and column of ``specs`` exists (read-only check)."""
    try:
        rows = conn.execute("SELECT table_name FROM gpkg_contents").fetchall()
    except sqlite3.OperationalError:
        return False
    registered = {r[0] for r in rows}
    for spec in specs:
        if spec.table not in registered:
            return False
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{spec.table}")')}
        if not {c for c, _ in spec.columns} <= have:
            return False
    return True


def ensure_schema(conn: sqlite3.Connection, specs: Sequence[TableSpec]) -> None:
    """Create (or extend with new columns) the GeoPackage registry and ``specs``' tables.

    Runs in one IMMEDIATE transaction, so two processes opening a new workspace at the same
    moment do not race; everything is ``IF NOT EXISTS``/``OR IGNORE``.
    """
    begin_immediate(conn)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != GPKG_APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
        for ddl in _REGISTRY_DDL:
            conn.execute(ddl)
        conn.executemany(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _SRS_ROWS
        )
        for spec in specs:
            _ensure_table(conn, spec)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _ensure_table(conn: sqlite3.Connection, spec: TableSpec) -> None:
    cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if spec.geometry_type:
        cols.append(f"geom {spec.geometry_type}")
    if spec.key:
        cols.append(f'"{spec.key}" TEXT NOT NULL')
    for name, kind in spec.columns:
        cols.append(spec.column_sql(name, _SQL_TYPES[kind]))
    if spec.key:
        cols.append(f'"{EXTRA_COLUMN}" TEXT')
    conn.execute(f'CREATE TABLE IF NOT EXISTS "{spec.table}" ({", ".join(cols)})')
    # A column added to the layer schemas after the workspace was created: add it too.
    have = {r[1] for r in conn.execute(f'PRAGMA table_info("{spec.table}")')}
    for name, kind in spec.columns:
        if name not in have:  # no UNIQUE here: SQLite cannot add a unique column
            column = dataclasses.replace(spec, unique="").column_sql(name, _SQL_TYPES[kind])
            conn.execute(f'ALTER TABLE "{spec.table}" ADD COLUMN {column}')
    if spec.key:
        index = f"idx_{spec.table}_{spec.key}"
        conn.execute(f'CREATE INDEX IF NOT EXISTS "{index}" ON "{spec.table}" ("{spec.key}")')
    data_type = "features" if spec.geometry_type else "attributes"
    srs = SRS_ID if spec.geometry_type else None
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents"
        " (table_name, data_type, identifier, description, srs_id) VALUES (?, ?, ?, ?, ?)",
        (spec.table, data_type, spec.table, spec.description, srs),
    )
    if spec.geometry_type:
        conn.execute(
            "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
            (spec.table, spec.geometry_type, SRS_ID),
        )


def touch_contents(conn: sqlite3.Connection, tables: Iterable[str]) -> None:
    """Record a change of ``tables`` (``last_change``) inside the caller's transaction.

    GDAL keeps a cached feature count in ``gpkg_ogr_contents`` when it has written the
    file; we reset it to NULL (= "count again") because our rows bypass GDAL.
    """
    tables = list(tables)
    conn.executemany(
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
        " WHERE table_name = ?",
        [(t,) for t in tables],
    )
    has_ogr = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
    ).fetchone()
    if has_ogr:
        conn.executemany(
            "UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE lower(table_name) = lower(?)",
            [(t,) for t in tables],
        )


# --- rows <-> frames ----------------------------------------------------------------------


def write_rows(
    conn: sqlite3.Connection, spec: TableSpec, key_value: str, gdf: pd.DataFrame
) -> None:
    """Replace the rows of ``key_value`` in ``spec.table`` by ``gdf`` (caller's transaction)."""
    conn.execute(f'DELETE FROM "{spec.table}" WHERE "{spec.key}" = ?', (key_value,))
    n = len(gdf)
    if n == 0:
        return
    names = [c for c, _ in spec.columns]
    columns, extra_json = frame_columns(spec, gdf)
    blobs = encode_geometries(gdf.geometry.to_numpy(), multi=spec.geometry_type)
    rows = zip([key_value] * n, blobs, *columns, extra_json, strict=True)
    quoted = ", ".join(f'"{c}"' for c in [spec.key, "geom", *names, EXTRA_COLUMN])
    marks = ", ".join("?" * (len(names) + 3))
    conn.executemany(f'INSERT INTO "{spec.table}" ({quoted}) VALUES ({marks})', rows)


def read_rows(conn: sqlite3.Connection, spec: TableSpec, key_value: str) -> gpd.GeoDataFrame:
    """The rows of ``key_value`` in ``spec.table`` as a GeoDataFrame (EPSG:4326), in fid order."""
    names = [c for c, _ in spec.columns]
    quoted = ", ".join(f'"{c}"' for c in ["geom", *names, EXTRA_COLUMN])
    rows = conn.execute(
        f'SELECT {quoted} FROM "{spec.table}" WHERE "{spec.key}" = ? ORDER BY fid', (key_value,)
    ).fetchall()
    cols = list(zip(*rows, strict=True)) if rows else [()] * (len(names) + 2)
    geoms = decode_geometries(list(cols[0]))
    return frame_from_columns(spec, geoms, cols[1:-1], cols[-1])


class GpkgIO:
    """:class:`analysis.workspace.frames.LayerIO` of a GeoPackage (``?`` placeholders)."""

    def q(self, sql: str) -> str:
        """``sql`` unchanged (SQLite takes ``?``)."""
        return sql

    def write_rows(
        self, conn: sqlite3.Connection, spec: TableSpec, key_value: str, gdf: pd.DataFrame
    ) -> None:
        """:func:`write_rows` (looked up at call time: tests replace it to inject faults)."""
        write_rows(conn, spec, key_value, gdf)

    def read_rows(
        self, conn: sqlite3.Connection, spec: TableSpec, key_value: str
    ) -> gpd.GeoDataFrame:
        """:func:`read_rows`."""
        return read_rows(conn, spec, key_value)

    def touch(self, conn: sqlite3.Connection, tables: Iterable[str]) -> None:
        """:func:`touch_contents`."""
        touch_contents(conn, tables)
