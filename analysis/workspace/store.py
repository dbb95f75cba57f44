"""The workspace: one GeoPackage file holding every saved scenario and uploaded dataset.

Layout (all readable by QGIS/GDAL):

``scenarios`` (attributes)       name, author, created_at, updated_at, dataset_id, description
``scenario_contact_points``      points of every scenario, column ``scenario`` = its name
``scenario_collection_sites``    idem
``scenario_homes``               idem
``datasets`` (attributes)        dataset_id, name, is_demo, has_villages, created_at, ...
``dataset_townships`` ...        base layers of uploaded datasets, column ``dataset_id``
                                 (also villages, contact_points, collection_sites, homes)

Each save replaces one scenario's (dataset's) rows in a single SQLite transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``): a process killed mid-save leaves the previous version;
processes saving at the same time wait for each other (busy timeout) and all succeed. The
file is in WAL mode; see the README for backups
(:meth:`WorkspaceStore.backup`). Table layout: :mod:`analysis.workspace.tables`.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis.plan.scenarios import (
    DEMO_DATASET_ID,
    POINT_LAYERS,
    STATUSES,
    Scenario,
    normalise_layer,
    utc_now_iso,
    validate_scenario_name,
)
from analysis.workspace import datasets as ds
from analysis.workspace import gpkg as gp
from analysis.workspace.tables import (
    ALL_TABLES,
    SCENARIO_TABLES,
    check_layers,
    later_than,
)
from analysis.workspace.tables import problem as _problem
from geodata.city import CityData

#: The checkout (or installation) root: analysis/workspace/store.py is two folders down.
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Environment variable naming the workspace file.
WORKSPACE_ENV_VAR = "COVERAGE_PLANNER_WORKSPACE"
#: Workspace used when the environment variable is not set.
DEFAULT_WORKSPACE_PATH = REPO_ROOT / "workspace" / "workspace.gpkg"


def default_workspace_path() -> Path:
    """``$COVERAGE_PLANNER_WORKSPACE`` if set (``~`` expanded), else the default path."""
    value = os.environ.get(WORKSPACE_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else DEFAULT_WORKSPACE_PATH


class WorkspaceStore:
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

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection on a workspace whose schema is current; errors become AnalysisError."""
        conn: sqlite3.Connection | None = None
        try:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._schema_ok = False
            conn = gp.connect(self.path, self.timeout_s)
            if not self._schema_ok:
                if not gp.schema_is_current(conn, ALL_TABLES):
                    gp.ensure_schema(conn, ALL_TABLES)
                self._schema_ok = True
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

    # --- scenarios --------------------------------------------------------------------------

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``name``, ``author``, ``created_at``, ``updated_at``, ``dataset_id``,
            ``description``, then ``n_existing``, ``n_proposed``, ``n_moved``, ``n_removed``
            (points over all three layers).
        """
        with self._read() as conn:
            meta = conn.execute(
                "SELECT name, author, created_at, updated_at, dataset_id, description"
                " FROM scenarios ORDER BY created_at, name"
            ).fetchall()
            counts: dict[tuple[str, str], int] = {}
            for spec in SCENARIO_TABLES.values():
                sql = f'SELECT scenario, status, COUNT(*) FROM "{spec.table}" GROUP BY 1, 2'
                for name, status, n in conn.execute(sql):
                    counts[(name, status)] = counts.get((name, status), 0) + int(n)
        cols = ["name", "author", "created_at", "updated_at", "dataset_id", "description"]
        table = pd.DataFrame(meta, columns=cols)
        for status in STATUSES:
            table[f"n_{status}"] = pd.Series(
                [counts.get((name, status), 0) for name in table["name"]], dtype="int64"
            )
        return table

    def exists(self, name: str) -> bool:
        """True when a scenario called ``name`` is saved."""
        with self._read() as conn:
            return (
                conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (name,)).fetchone()
                is not None
            )

    def free_name(self, wanted: str) -> str:
        """``wanted`` if no saved scenario has that name, else ``wanted (2)``, ``(3)`` ..."""
        wanted = validate_scenario_name(wanted)
        with self._read() as conn:
            taken = {r[0] for r in conn.execute("SELECT name FROM scenarios")}
        n, name = 1, wanted
        while name in taken:
            n += 1
            name = f"{wanted} ({n})"
        return name

    def load(self, name: str) -> Scenario:
        """The saved scenario ``name`` (one consistent snapshot, even during a save)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT name, author, created_at, updated_at, dataset_id, description"
                " FROM scenarios WHERE name = ?",
                (name,),
            ).fetchone()
            if row is None:
                raise _problem(
                    "scenario_not_found", f"No saved scenario is called {name!r}.", value=name
                )
            layers = {
                layer: normalise_layer(gp.read_rows(conn, spec, name), layer)
                for layer, spec in SCENARIO_TABLES.items()
            }
        return Scenario(
            name=row[0],
            author=row[1] or "",
            created_at=row[2],
            updated_at=row[3],
            dataset_id=row[4],
            description=row[5] or "",
            **layers,
        )

    def save(self, scenario: Scenario, *, expected_updated_at: str | None = None) -> Scenario:
        """Insert or replace ``scenario`` atomically; return it with the new ``updated_at``.

        Parameters
        ----------
        scenario
            Scenario to store under ``scenario.name``.
        expected_updated_at
            When given, the save fails with code ``scenario_changed_elsewhere`` if the stored
            scenario's ``updated_at`` differs (someone else saved it meanwhile) or, for
            ``""``, if a scenario of that name already exists. ``None``: last save wins.
        """
        name = validate_scenario_name(scenario.name)
        if not scenario.dataset_id:
            raise _problem("missing_dataset_id", "The scenario has no base dataset id.", value=name)
        layers = {layer: normalise_layer(scenario.layer(layer), layer) for layer in POINT_LAYERS}
        check_layers(layers)
        with self._write() as conn:
            row = conn.execute(
                "SELECT updated_at FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
            stored = None if row is None else row[0]
            if expected_updated_at is not None and (stored or "") != expected_updated_at:
                raise _problem(
                    "scenario_changed_elsewhere",
                    f"Scenario {name!r} was saved by someone else in the meantime (at {stored}).",
                    value=name,
                    params={"stored_updated_at": stored},
                )
            updated_at = later_than(stored)
            conn.execute(
                "INSERT INTO scenarios"
                " (name, author, created_at, updated_at, dataset_id, description)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET author = excluded.author,"
                " created_at = excluded.created_at, updated_at = excluded.updated_at,"
                " dataset_id = excluded.dataset_id, description = excluded.description",
                (
                    name,
                    scenario.author,
                    scenario.created_at or updated_at,
                    updated_at,
                    scenario.dataset_id,
                    scenario.description,
                ),
            )
            for layer, spec in SCENARIO_TABLES.items():
                gp.write_rows(conn, spec, name, layers[layer])
            gp.touch_contents(conn, ["scenarios", *(s.table for s in SCENARIO_TABLES.values())])
        return dataclasses.replace(scenario, name=name, updated_at=updated_at, **layers)

    def delete(self, name: str) -> bool:
        """Delete scenario ``name``; return False if there was none."""
        with self._write() as conn:
            gone = conn.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount
            for spec in SCENARIO_TABLES.values():
                conn.execute(f'DELETE FROM "{spec.table}" WHERE scenario = ?', (name,))
            gp.touch_contents(conn, ["scenarios", *(s.table for s in SCENARIO_TABLES.values())])
        return bool(gone)

    def rename(self, old: str, new: str) -> None:
        """Rename a saved scenario (fails if ``new`` exists or ``old`` does not)."""
        new = validate_scenario_name(new)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (old,)).fetchone() is None:
                raise _problem(
                    "scenario_not_found", f"No saved scenario is called {old!r}.", value=old
                )
            if (
                new != old
                and conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (new,)).fetchone()
            ):
                raise _problem(
                    "scenario_exists", f"A scenario called {new!r} already exists.", value=new
                )
            conn.execute(
                "UPDATE scenarios SET name = ?, updated_at = ? WHERE name = ?",
                (new, utc_now_iso(), old),
            )
            for spec in SCENARIO_TABLES.values():
                conn.execute(
                    f'UPDATE "{spec.table}" SET scenario = ? WHERE scenario = ?', (new, old)
                )
            gp.touch_contents(conn, ["scenarios", *(s.table for s in SCENARIO_TABLES.values())])

    # --- datasets ---------------------------------------------------------------------------

    # --- datasets (analysis.workspace.datasets) ------------------------------------------

    def list_datasets(self) -> pd.DataFrame:
        """Stored datasets: ``dataset_id``, ``name``, ``created_at``, ``updated_at`` (not demo)."""
        with self._read() as conn:
            return ds.list_datasets(conn)

    def has_dataset(self, dataset_id: str) -> bool:
        """True for ``"demo"`` and for every stored dataset."""
        if dataset_id == DEMO_DATASET_ID:
            return True
        with self._read() as conn:
            return ds.has_dataset(conn, dataset_id)

    def save_dataset(self, dataset_id: str, city: CityData) -> None:
        """Store (or replace) the base layers of an uploaded dataset, atomically.

        ``"demo"`` is refused (code ``reserved_dataset_id``): the demo city ships with the app.
        """
        ds.check_dataset_id(dataset_id)
        with self._write() as conn:
            ds.save_dataset(conn, dataset_id, city)

    def load_dataset(self, dataset_id: str) -> CityData:
        """The base dataset ``dataset_id`` (``"demo"``: the built-in demo city)."""
        if dataset_id == DEMO_DATASET_ID:
            from geodata.demo.load import load_demo_city  # lazy: read the demo file only when asked

            return load_demo_city()
        with self._read() as conn:
            return ds.load_dataset(conn, dataset_id)

    def delete_dataset(self, dataset_id: str) -> bool:
        """Delete a stored dataset; refused (``dataset_in_use``) while a scenario uses it."""
        with self._write() as conn:
            return ds.delete_dataset(conn, dataset_id)

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
