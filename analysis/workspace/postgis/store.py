"""``PostgisStore``: the store interface over PostgreSQL + PostGIS, shared by several servers.

The operations are those of the GeoPackage workspace (:class:`analysis.workspace.sqlbase.SqlStore`);
this module gives the transactions and the layer rows:

- a read is one ``REPEATABLE READ READ ONLY`` transaction: one consistent snapshot even while
  another server saves;
- a write is one ``READ COMMITTED`` transaction that first takes a transaction-scoped advisory
  lock (waiting at most ``timeout_s``, then ``workspace_busy``): saves of all servers happen
  one at a time, like the GeoPackage's single writer, and the version check sees the last
  committed save. A server killed mid-save loses its connection; PostgreSQL rolls the
  transaction back and frees the lock, so the scenario stays at its previous version;
- layer rows go in with ``COPY`` (geometries as EWKB), and come back as WKB.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely

from analysis.workspace.frames import (
    EXTRA_COLUMN,
    SRS_ID,
    TableSpec,
    frame_columns,
    frame_from_columns,
)
from analysis.workspace.geom import promote_to_multi
from analysis.workspace.postgis import schema
from analysis.workspace.postgis.connection import Pool
from analysis.workspace.sqlbase import SqlStore
from analysis.workspace.tables import ALL_TABLES


class PgIO:
    """:class:`analysis.workspace.frames.LayerIO` of PostgreSQL (``%s`` placeholders)."""

    def q(self, sql: str) -> str:
        """``sql`` with ``?`` placeholders turned into ``%s`` (our SQL has no other ``?``)."""
        return sql.replace("?", "%s")

    def write_rows(self, conn: Any, spec: TableSpec, key_value: str, gdf: pd.DataFrame) -> None:
        """Replace the rows of ``key_value`` in ``spec.table`` by ``gdf`` (one ``COPY``)."""
        conn.execute(f'DELETE FROM "{spec.table}" WHERE "{spec.key}" = %s', (key_value,))
        n = len(gdf)
        if n == 0:
            return
        names = [c for c, _ in spec.columns]
        columns, extra_json = frame_columns(spec, gdf)
        geoms = promote_to_multi(gdf.geometry.to_numpy(), spec.geometry_type)
        ewkb = shapely.to_wkb(
            shapely.set_srid(geoms, SRS_ID), hex=True, include_srid=True, flavor="extended"
        )
        quoted = ", ".join(f'"{c}"' for c in [spec.key, "geom", *names, EXTRA_COLUMN])
        rows = zip([key_value] * n, ewkb, *columns, extra_json, strict=True)
        with conn.cursor() as cur, cur.copy(f'COPY "{spec.table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def read_rows(self, conn: Any, spec: TableSpec, key_value: str) -> gpd.GeoDataFrame:
        """The rows of ``key_value`` in ``spec.table`` (EPSG:4326), in the order written."""
        names = [c for c, _ in spec.columns]
        quoted = ", ".join(f'"{c}"' for c in [*names, EXTRA_COLUMN])
        rows = conn.execute(
            f'SELECT ST_AsBinary(geom), {quoted} FROM "{spec.table}"'
            f' WHERE "{spec.key}" = %s ORDER BY fid',
            (key_value,),
        ).fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [()] * (len(names) + 2)
        wkbs = [None if b is None else bytes(b) for b in cols[0]]
        geoms = np.asarray(shapely.from_wkb(wkbs), dtype=object) if wkbs else np.empty(0, object)
        return frame_from_columns(spec, geoms, cols[1:-1], cols[-1])

    def touch(self, conn: Any, tables: Iterable[str]) -> None:
        """Nothing to record (PostgreSQL has no GeoPackage registry)."""


class PostgisStore(SqlStore):
    """Scenarios, datasets, accounts and the audit log in a PostgreSQL/PostGIS database.

    One object per server process; thread-safe (each operation borrows its own connection).

    Parameters
    ----------
    url
        ``postgresql://user@host:port/database`` (libpq; a password preferably from
        ``~/.pgpass`` or ``PGPASSWORD``, not in the URL).
    timeout_s
        How long a save waits for another server's save before failing (``workspace_busy``).
    connect_timeout_s
        How long to wait for the server to answer.
    """

    def __init__(
        self, url: str, *, timeout_s: float = 30.0, connect_timeout_s: float = 5.0
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.pool = Pool(url, connect_timeout_s=connect_timeout_s)
        self.io = PgIO()
        self._schema_ok = False

    @property
    def location(self) -> str:
        """The database URL without its password."""
        return self.pool.location

    def close(self) -> None:
        """Close the idle connections (the store opens new ones when used again)."""
        self.pool.close()

    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        with self.pool.connection() as conn:
            if not self._schema_ok:
                if not schema.schema_is_current(conn, ALL_TABLES):
                    schema.ensure_schema(conn, ALL_TABLES, self.location)
                self._schema_ok = True
            yield conn

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection[Any]]:
        with self._connect() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                schema.rollback(conn)  # nothing to keep: ends the snapshot

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Any]]:
        with self._connect() as conn:
            conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            try:
                conn.execute(f"SET LOCAL lock_timeout = {int(self.timeout_s * 1000)}")
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", schema.WRITE_LOCK)
                yield conn
            except BaseException:
                schema.rollback(conn)
                raise
            conn.execute("COMMIT")
