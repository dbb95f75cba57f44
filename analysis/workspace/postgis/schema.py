"""The store's tables in PostgreSQL: the GeoPackage layout with PostGIS geometry columns.

Same tables and columns as the workspace file (:mod:`analysis.workspace.tables`), geometries
in ``geometry(Point|MultiPolygon|MultiLineString, 4326)`` columns, so QGIS opens them as
layers. Created (or extended with new columns) on first use, under an advisory lock so that
two servers starting together do not race.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.workspace.frames import EXTRA_COLUMN, Kind, TableSpec
from analysis.workspace.tables import problem

_PG_TYPES: dict[Kind, str] = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
}
_GEOMETRY_TYPES = {
    "POINT": "Point",
    "MULTIPOLYGON": "MultiPolygon",
    "MULTILINESTRING": "MultiLineString",
}
#: Advisory lock keys (any two 32-bit numbers of ours): schema changes, and saves.
SCHEMA_LOCK = (0x43505354, 1)  # "CPST"
WRITE_LOCK = (0x43505354, 2)


def _create_table(spec: TableSpec) -> str:
    cols = ["fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
    if spec.geometry_type:
        cols.append(f"geom geometry({_GEOMETRY_TYPES[spec.geometry_type]}, 4326)")
    if spec.key:
        cols.append(f'"{spec.key}" text NOT NULL')
    cols += [spec.column_sql(name, _PG_TYPES[kind]) for name, kind in spec.columns]
    if spec.key:
        cols.append(f'"{EXTRA_COLUMN}" text')
    return f'CREATE TABLE IF NOT EXISTS "{spec.table}" ({", ".join(cols)})'


def schema_is_current(conn: Any, specs: Sequence[TableSpec]) -> bool:
    """True when every table and column of ``specs`` exists (read-only check)."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    ).fetchall()
    have: dict[str, set[str]] = {}
    for table, column in rows:
        have.setdefault(table, set()).add(column)
    return all({c for c, _ in s.columns} <= have.get(s.table, set()) for s in specs)


def ensure_schema(conn: Any, specs: Sequence[TableSpec], location: str) -> None:
    """Create PostGIS (if allowed) and every table and column of ``specs``, in one transaction."""
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", SCHEMA_LOCK)
        if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
            _create_postgis(conn, location)
        for spec in specs:
            conn.execute(_create_table(spec))
            for name, kind in spec.columns:
                column = spec.column_sql(name, _PG_TYPES[kind]).replace(" UNIQUE", "")
                conn.execute(f'ALTER TABLE "{spec.table}" ADD COLUMN IF NOT EXISTS {column}')
            if spec.key:
                conn.execute(
                    f'CREATE INDEX IF NOT EXISTS "idx_{spec.table}_{spec.key}"'
                    f' ON "{spec.table}" ("{spec.key}")'
                )
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def rollback(conn: Any) -> None:
    """Roll back the open transaction, if the connection still has one."""
    import psycopg

    if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.execute("ROLLBACK")


def _create_postgis(conn: Any, location: str) -> None:
    import psycopg  # the driver: only this package imports it

    try:
        conn.execute("SAVEPOINT postgis")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.execute("RELEASE SAVEPOINT postgis")
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.FeatureNotSupported,
            psycopg.errors.UndefinedFile) as exc:  # fmt: skip
        rollback(conn)
        raise problem(
            "postgis_missing",
            f"The database {location} has no PostGIS and this account may not add it: ask its"
            " administrator to install PostGIS (Debian: postgresql-15-postgis-3) and to run"
            f" CREATE EXTENSION postgis; in it ({str(exc).strip().splitlines()[0]}).",
            source=location,
        ) from None
