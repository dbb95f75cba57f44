"""The workspace: one GeoPackage file holding every saved scenario and uploaded dataset.

Layout (all readable by QGIS/GDAL):

``scenarios`` (attributes)       name, author, created_at, updated_at, dataset_id, description,
                                 owner, published, version, updated_by, solve_facts
``scenario_contact_points``      points of every scenario, column ``scenario`` = its name
``scenario_collection_sites``    idem
``scenario_homes``               idem
``datasets`` (attributes)        dataset_id, name, is_demo, has_villages, created_at, ...
``dataset_townships`` ...        base layers of uploaded datasets, column ``dataset_id``
                                 (also villages, contact_points, collection_sites, homes,
                                 roads, demand_cells: population raster cells as demand)
``users``, ``audit_log``         accounts and the audit log (:mod:`analysis.workspace.userlog`)
``sessions``, ``login_failures``, logins, failed-login counts, upload quota
``uploads``                      (:mod:`analysis.workspace.logins`)

Each save replaces one scenario's (dataset's) rows in a single SQLite transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``): a process killed mid-save leaves the previous version;
processes saving at the same time wait for each other (busy timeout) and all succeed. The
file is in WAL mode; see docs/operations.md#backups-and-restore for backups
(:meth:`WorkspaceStore.backup`). Table layout: :mod:`analysis.workspace.tables`; the
operations (the same for the PostGIS store): :mod:`analysis.workspace.sqlbase`. A workspace
written by an older version gains the new tables and columns when opened (and its interim
account tables are moved into the store's: :mod:`analysis.workspace.legacy`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.workspace import gpkg as gp
from analysis.workspace import legacy

# The workspace's setting lives in a module without the store's libraries (the launcher
# reads it before the server starts); named here too.
from analysis.workspace.setting import (  # noqa: F401
    DEFAULT_WORKSPACE_PATH,
    REPO_ROOT,
    WORKSPACE_ENV_VAR,
    default_workspace_path,
)
from analysis.workspace.sqlbase import SqlStore
from analysis.workspace.tables import ALL_TABLES, SCENARIO_TABLES
from analysis.workspace.tables import problem as _problem

__all__ = ["SCENARIO_TABLES", "WorkspaceStore", "default_workspace_path"]


class WorkspaceStore(SqlStore):
    """Scenarios and datasets in one GeoPackage file; safe across threads and processes.

    Every method opens its own short-lived SQLite connection, so one store object can be
    shared by all dashboard sessions and several server processes can use the same file.

    Parameters
    ----------
    path
        Workspace file (created with its folder on first use); default
        :func:`default_workspace_path`.
    timeout_s
        How long a save waits for another process's save to finish before failing.
    """

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_workspace_path()
        self.timeout_s = timeout_s
        self._schema_ok = False
        self._setup_lock = threading.Lock()
        self.io = gp.GpkgIO()

    @property
    def location(self) -> str:
        """The workspace file, as shown in messages."""
        return str(self.path)

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection on a workspace whose schema is current; errors become AnalysisError."""
        conn: sqlite3.Connection | None = None
        try:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._schema_ok = False
            if not self._schema_ok:
                # One thread sets the file up (WAL, schema) before the others connect: a
                # journal-mode switch fails silently while another connection has the file
                # open, and a connection left in rollback mode makes writers wait on readers.
                with self._setup_lock:
                    if not self._schema_ok:
                        first = gp.connect(self.path, self.timeout_s)
                        try:
                            if not gp.schema_is_current(first, ALL_TABLES):
                                gp.ensure_schema(first, ALL_TABLES)
                            if legacy.interim_tables(first):  # accounts of before the store
                                legacy.move_interim_tables(first)
                        finally:
                            first.close()
                        self._schema_ok = True
            conn = gp.connect(self.path, self.timeout_s)
            yield conn
        except sqlite3.Error as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            raise _problem(
                "workspace_busy" if busy else "workspace_error",
                (
                    f"The workspace {self.path} is busy "
                    f"(another save took over {self.timeout_s:g} s)."
                    if busy
                    else f"The workspace {self.path} cannot be read or written: {exc}."
                ),
                source=str(self.path),
                value=str(exc),
            ) from exc
        except OSError as exc:
            raise _problem(
                "workspace_error",
                f"The workspace {self.path} cannot be opened: {exc}.",
                source=str(self.path),
            ) from exc
        finally:
            if conn is not None:
                conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed if the block ends normally, else rolled back."""
        with self._connect() as conn:
            gp.begin_immediate(conn)
            try:
                yield conn
            except BaseException:
                # SQLite may already have rolled back (disk full, I/O error): do not mask that.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every SELECT inside sees the same committed snapshot."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    # --- scenarios, datasets, accounts, audit log: analysis.workspace.sqlbase -------------

    # --- maintenance ------------------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` lines (``["ok"]`` for a sound file)."""
        with self._connect() as conn:
            return [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]

    def backup(self, dest: str | Path) -> Path:
        """Copy the workspace to ``dest`` consistently, even while others save.

        Uses SQLite's online backup, then switches the copy to a plain rollback journal so
        it is one self-contained file (no ``-wal``/``-shm`` companions) to archive or mail.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            target = sqlite3.connect(str(dest), isolation_level=None)
            try:
                conn.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error as exc:
                raise _problem(
                    "backup_failed", f"Backup to {dest} failed: {exc}.", value=str(dest)
                ) from exc
            finally:
                target.close()
        return dest
