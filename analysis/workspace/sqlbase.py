"""What both stores do the same way: scenarios with versions, datasets, accounts, audit log.

:class:`SqlStore` holds the SQL of every operation of the store interface
(:class:`analysis.workspace.api.Store`), written once with ``?`` placeholders. A backend
gives the transactions (:meth:`SqlStore._read`: one consistent snapshot; :meth:`SqlStore._write`:
one atomic transaction, writers one at a time) and its :class:`~analysis.workspace.frames.LayerIO`
(placeholder style, layer rows, change stamps): the GeoPackage file
(:class:`analysis.workspace.store.WorkspaceStore`) and PostgreSQL/PostGIS
(:class:`analysis.workspace.postgis.store.PostgisStore`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import pandas as pd

from analysis.plan.scenarios import (
    POINT_LAYERS,
    STATUSES,
    PointLayer,
    Scenario,
    normalise_layer,
    validate_scenario_name,
)
from analysis.plan.solvefacts import SolveFacts, facts_from_json, facts_to_json
from analysis.workspace.records import ScenarioInfo
from analysis.workspace.sqlrecords import SqlRecords
from analysis.workspace.tables import SCENARIO_TABLES, check_layers, later_than, problem

_META = (
    "name, author, created_at, updated_at, dataset_id, description,"
    " owner, published, version, updated_by, solve_facts"
)
_META_COLUMNS = [c.strip() for c in _META.split(",")]
#: What :meth:`SqlStore.list_scenarios` lists: the metadata without the solve facts (read
#: with the scenario, :meth:`SqlStore.load`).
_LISTED = _META_COLUMNS[:-1]
_TOUCHED = ["scenarios", *(s.table for s in SCENARIO_TABLES.values())]


class SqlStore(SqlRecords):
    """The store interface over SQL; subclasses give transactions and a ``LayerIO``."""

    def _after_first_layer(self) -> None:
        """Called inside a save after its first layer is written (tests pause here)."""

    # --- scenarios --------------------------------------------------------------------------

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``name``, ``author``, ``created_at``, ``updated_at``, ``dataset_id``,
            ``description``, ``owner``, ``published``, ``version``, ``updated_by``, then
            ``n_existing``, ``n_proposed``, ``n_moved``, ``n_removed`` (points over all three
            layers).
        """
        q = self.io.q
        with self._read() as conn:
            listed = ", ".join(_LISTED)
            meta = conn.execute(f"SELECT {listed} FROM scenarios ORDER BY created_at, name")
            meta = meta.fetchall()
            counts: dict[tuple[str, str], int] = {}
            for spec in SCENARIO_TABLES.values():
                sql = q(f'SELECT scenario, status, COUNT(*) FROM "{spec.table}" GROUP BY 1, 2')
                for name, status, n in conn.execute(sql).fetchall():
                    counts[(name, status)] = counts.get((name, status), 0) + int(n)
        table = pd.DataFrame([list(r) for r in meta], columns=_LISTED)
        for col in ("author", "description", "owner", "updated_by"):
            table[col] = table[col].fillna("").astype(str)
        table["published"] = table["published"].astype(bool)
        table["version"] = table["version"].astype("int64")
        for status in STATUSES:
            table[f"n_{status}"] = pd.Series(
                [counts.get((name, status), 0) for name in table["name"]], dtype="int64"
            )
        return table

    def exists(self, name: str) -> bool:
        """True when a scenario called ``name`` is saved."""
        with self._read() as conn:
            return self._stored(conn, name) is not None

    def free_name(self, wanted: str) -> str:
        """``wanted`` if no saved scenario has that name, else ``wanted (2)``, ``(3)`` ..."""
        wanted = validate_scenario_name(wanted)
        with self._read() as conn:
            return _free_name(conn, wanted)

    def scenario_info(self, name: str) -> ScenarioInfo | None:
        """Owner, published flag, version ... of the saved ``name`` (its points unread)."""
        with self._read() as conn:
            row = conn.execute(
                self.io.q(f"SELECT {_META} FROM scenarios WHERE name = ?"), (name,)
            ).fetchone()
        if row is None:
            return None
        return ScenarioInfo(
            name=row[0],
            owner=row[6] or "",
            published=bool(row[7]),
            version=int(row[8] or 0),
            updated_at=row[3] or "",
            updated_by=row[9] or "",
            author=row[1] or "",
            dataset_id=row[4] or "",
        )

    def load(self, name: str) -> Scenario:
        """The saved scenario ``name`` (one consistent snapshot, even during a save)."""
        with self._read() as conn:
            row = conn.execute(
                self.io.q(f"SELECT {_META} FROM scenarios WHERE name = ?"), (name,)
            ).fetchone()
            if row is None:
                raise problem(
                    "scenario_not_found", f"No saved scenario is called {name!r}.", value=name
                )
            layers = {
                layer: normalise_layer(self.io.read_rows(conn, spec, name), layer)
                for layer, spec in SCENARIO_TABLES.items()
            }
        return Scenario(
            name=row[0],
            author=row[1] or "",
            created_at=row[2],
            updated_at=row[3],
            dataset_id=row[4],
            description=row[5] or "",
            owner=row[6] or "",
            published=bool(row[7]),
            version=int(row[8] or 0),
            updated_by=row[9] or "",
            solve_facts=_facts(row[10], name),
            **layers,
        )

    def save(
        self,
        scenario: Scenario,
        *,
        expected_updated_at: str | None = None,
        expected_version: int | None = None,
        saved_by: str = "",
    ) -> Scenario:
        """Insert or replace ``scenario`` atomically; return it with its new version and time.

        Parameters
        ----------
        scenario
            Scenario to store under ``scenario.name`` (with its ``owner``, ``published``).
        expected_updated_at, expected_version
            When given, the save fails with code ``scenario_changed_elsewhere`` (carrying
            ``stored_version``, ``stored_updated_at`` and ``saved_by``, who saved it) if the
            stored scenario's ``updated_at`` (``version``) differs: someone else saved it
            meanwhile; ``""`` (``0``): fails if a scenario of that name exists. ``None``:
            last save wins. Pass ``expected_version=scenario.version`` to never overwrite.
        saved_by
            Username of whoever saves (``updated_by``; ``""`` in single-user mode).
        """
        name, layers = self._checked(scenario)
        with self._write() as conn:
            stored = self._stored(conn, name)
            _check_expected(name, stored, expected_updated_at, expected_version)
            updated_at = later_than(None if stored is None else stored[0])
            version = 1 if stored is None else int(stored[1] or 0) + 1
            saved = dataclasses.replace(
                scenario,
                name=name,
                created_at=scenario.created_at or updated_at,
                updated_at=updated_at,
                version=version,
                updated_by=saved_by,
                **layers,
            )
            self._put(conn, saved, layers)
        return saved

    def save_as_copy(
        self,
        scenario: Scenario,
        name: str | None = None,
        *,
        owner: str | None = None,
        saved_by: str = "",
    ) -> Scenario:
        """Save ``scenario`` as a new scenario under a free name; return the copy.

        The name is ``name`` (default the scenario's own) or, when taken, ``name (2)`` ...,
        chosen in the same transaction as the save (two copies never take one name). The
        copy has version 1, is not published and belongs to ``owner`` (default the
        scenario's). The answer to ``scenario_changed_elsewhere``: keep one's changes.
        """
        wanted = validate_scenario_name(scenario.name if name is None else name)
        _, layers = self._checked(dataclasses.replace(scenario, name=wanted))
        with self._write() as conn:
            free = _free_name(conn, wanted)
            now = later_than(None)
            copy = dataclasses.replace(
                scenario,
                name=free,
                owner=scenario.owner if owner is None else owner,
                published=False,
                created_at=now,
                updated_at=now,
                version=1,
                updated_by=saved_by,
                **layers,
            )
            self._put(conn, copy, layers)
        return copy

    def set_published(
        self,
        name: str,
        published: bool,
        *,
        expected_version: int | None = None,
        saved_by: str = "",
    ) -> int:
        """Publish (or withdraw) scenario ``name``; return its new version."""
        return self._change_meta(name, expected_version, saved_by, published=bool(published))

    def delete(self, name: str, *, expected_version: int | None = None) -> bool:
        """Delete scenario ``name``; return False if there was none.

        ``expected_version``: refuse (``scenario_changed_elsewhere``) if it was saved since.
        """
        q = self.io.q
        with self._write() as conn:
            stored = self._stored(conn, name)
            if stored is not None:
                _check_expected(name, stored, None, expected_version)
            gone = conn.execute(q("DELETE FROM scenarios WHERE name = ?"), (name,)).rowcount
            for spec in SCENARIO_TABLES.values():
                conn.execute(q(f'DELETE FROM "{spec.table}" WHERE scenario = ?'), (name,))
            self.io.touch(conn, _TOUCHED)
        return bool(gone)

    def rename(
        self, old: str, new: str, *, expected_version: int | None = None, saved_by: str = ""
    ) -> int:
        """Rename a saved scenario (fails if ``new`` exists or ``old`` does not); new version."""
        new = validate_scenario_name(new)
        return self._change_meta(old, expected_version, saved_by, name=new)

    def restore_scenario(self, scenario: Scenario) -> None:
        """Write ``scenario`` exactly as given (version, times, owner, who saved it).

        For moving a workspace (:mod:`analysis.workspace.migrate`), not for edits: refused
        (``scenario_exists``) when the name is taken.
        """
        name, layers = self._checked(scenario)
        with self._write() as conn:
            if self._stored(conn, name) is not None:
                raise problem(
                    "scenario_exists", f"A scenario called {name!r} already exists.", value=name
                )
            self._put(conn, dataclasses.replace(scenario, name=name, **layers), layers)

    # --- scenario helpers -------------------------------------------------------------------

    def _checked(self, scenario: Scenario) -> tuple[str, dict[PointLayer, gpd.GeoDataFrame]]:
        name = validate_scenario_name(scenario.name)
        if not scenario.dataset_id:
            raise problem("missing_dataset_id", "The scenario has no base dataset id.", value=name)
        layers = {layer: normalise_layer(scenario.layer(layer), layer) for layer in POINT_LAYERS}
        check_layers(layers)
        return name, layers

    def _stored(self, conn: Any, name: str) -> tuple[str, int, str] | None:
        """``(updated_at, version, updated_by)`` of the stored ``name``, or None."""
        sql = self.io.q("SELECT updated_at, version, updated_by FROM scenarios WHERE name = ?")
        row = conn.execute(sql, (name,)).fetchone()
        return None if row is None else (row[0], int(row[1] or 0), row[2] or "")

    def _put(self, conn: Any, s: Scenario, layers: dict[PointLayer, gpd.GeoDataFrame]) -> None:
        """Upsert the metadata row of ``s`` and replace its layers (caller's transaction)."""
        marks = ", ".join("?" * len(_META_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in _META_COLUMNS[1:])
        conn.execute(
            self.io.q(
                f"INSERT INTO scenarios ({_META}) VALUES ({marks})"
                f" ON CONFLICT(name) DO UPDATE SET {updates}"
            ),
            (
                s.name, s.author, s.created_at, s.updated_at, s.dataset_id, s.description,
                s.owner, bool(s.published), int(s.version), s.updated_by,
                facts_to_json(s.solve_facts),
            ),
        )  # fmt: skip
        for i, (layer, spec) in enumerate(SCENARIO_TABLES.items()):
            self.io.write_rows(conn, spec, s.name, layers[layer])
            if i == 0:
                self._after_first_layer()
        self.io.touch(conn, _TOUCHED)

    def _change_meta(
        self, current: str, expected_version: int | None, saved_by: str, **changes: Any
    ) -> int:
        """Change metadata columns of ``current`` (a new ``name`` renames its layers too)."""
        name = current
        q = self.io.q
        with self._write() as conn:
            stored = self._stored(conn, name)
            if stored is None:
                raise problem(
                    "scenario_not_found", f"No saved scenario is called {name!r}.", value=name
                )
            _check_expected(name, stored, None, expected_version)
            new = changes.get("name", name)
            if new != name and self._stored(conn, new) is not None:
                raise problem(
                    "scenario_exists", f"A scenario called {new!r} already exists.", value=new
                )
            version = stored[1] + 1
            values = {**changes, "updated_at": later_than(stored[0]), "version": version}
            values["updated_by"] = saved_by
            sets = ", ".join(f"{c} = ?" for c in values)
            conn.execute(q(f"UPDATE scenarios SET {sets} WHERE name = ?"), (*values.values(), name))
            if new != name:
                for spec in SCENARIO_TABLES.values():
                    sql = q(f'UPDATE "{spec.table}" SET scenario = ? WHERE scenario = ?')
                    conn.execute(sql, (new, name))
            self.io.touch(conn, _TOUCHED)
        return version


def _facts(text: str | None, name: str) -> SolveFacts | None:
    """The stored solve facts of ``name``; unreadable text is a store problem, said once."""
    try:
        return facts_from_json(text)
    except (ValueError, TypeError) as exc:
        raise problem(
            "workspace_error",
            f"The solve facts stored with scenario {name!r} cannot be read ({exc}); the file"
            " was changed by another program: restore it from a backup.",
            value=name,
        ) from None


def _free_name(conn: Any, wanted: str) -> str:
    taken = {r[0] for r in conn.execute("SELECT name FROM scenarios").fetchall()}
    n, name = 1, wanted
    while name in taken:
        n += 1
        name = f"{wanted} ({n})"
    return name


def _check_expected(
    name: str,
    stored: tuple[str, int, str] | None,
    expected_updated_at: str | None,
    expected_version: int | None,
) -> None:
    """Raise ``scenario_changed_elsewhere`` when the stored version is not the expected one."""
    updated_at, version, by = stored if stored is not None else ("", 0, "")
    stale = (expected_updated_at is not None and updated_at != expected_updated_at) or (
        expected_version is not None and version != int(expected_version)
    )
    if not stale:
        return
    who = f" by {by!r}" if by else ""
    raise problem(
        "scenario_changed_elsewhere",
        f"Scenario {name!r} was saved elsewhere in the meantime (version {version}{who}, "
        f"at {updated_at or '-'}); nothing was overwritten: save your changes as a copy.",
        value=name,
        params={
            "stored_updated_at": updated_at or None,
            "stored_version": version,
            "saved_by": by,
            "expected_version": expected_version,
        },
    )
