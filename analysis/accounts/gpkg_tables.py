"""Users, audit log and scenario access in a GeoPackage workspace file (embedded store).

Interim implementation of :class:`analysis.accounts.protocol.AccountStore` and
:class:`~analysis.accounts.protocol.ScenarioAccessStore` for the GeoPackage workspace,
until the shared store of #15 carries users, the audit log and the owner/published columns
of scenarios itself. Plain SQLite tables beside the workspace's layers (GIS software ignores
them); each call opens its own short connection, writes are ``BEGIN IMMEDIATE`` like the
workspace's, so several sessions and processes may share the file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import cast

import pandas as pd

from analysis.accounts.policy import ScenarioAccess
from analysis.errors import AnalysisError, Problem
from analysis.plan.scenarios import utc_now_iso
from analysis.workspace.records import AuditEvent, Role, UserRecord

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS accounts_users (
        username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
        password_hash TEXT NOT NULL, counties TEXT NOT NULL, active INTEGER NOT NULL,
        version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS accounts_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
        action TEXT NOT NULL, object_type TEXT NOT NULL, object_name TEXT NOT NULL,
        detail TEXT NOT NULL, extra TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS accounts_audit_at ON accounts_audit (at)",
    """CREATE TABLE IF NOT EXISTS accounts_scenario_access (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, published INTEGER NOT NULL,
        counties TEXT NOT NULL)""",
)
AUDIT_COLUMNS = ("at", "username", "action", "object_type", "object_name", "detail", "extra")


def _problem(code: str, message: str, **kwargs: object) -> AnalysisError:
    return AnalysisError([Problem(code, message, **kwargs)])  # type: ignore[arg-type]


class GpkgAccountTables:
    """Account tables in the workspace file ``path`` (created on first use).

    Parameters
    ----------
    path
        The workspace GeoPackage (shared with :class:`analysis.workspace.store.WorkspaceStore`).
    timeout_s
        How long a write waits for another process's write.
    """

    def __init__(self, path: str | Path, *, timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise _problem(
                "workspace_error", f"The workspace {self.path} cannot be opened: {exc}."
            ) from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                conn.execute(statement)
            if write:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if write:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _problem(
                "workspace_error", f"The workspace {self.path} cannot be read or written: {exc}."
            ) from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # --- users ------------------------------------------------------------------------------

    @staticmethod
    def _user(row: tuple[object, ...]) -> UserRecord:
        return UserRecord(
            username=str(row[0]),
            display_name=str(row[1]),
            role=cast(Role, str(row[2])),
            password_hash=str(row[3]),
            counties=tuple(json.loads(str(row[4]))),
            active=bool(row[5]),
            version=int(cast(int, row[6])),
            created_at=str(row[7]),
            updated_at=str(row[8]),
        )

    _USER_COLS = (
        "username, display_name, role, password_hash, counties, active, version, "
        "created_at, updated_at"
    )

    def list_users(self) -> list[UserRecord]:
        """Every account, by username."""
        if not self.path.exists():  # reading never creates the workspace
            return []
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {self._USER_COLS} FROM accounts_users ORDER BY username"
            ).fetchall()
        return [self._user(r) for r in rows]

    def get_user(self, username: str) -> UserRecord | None:
        """One account, ``None`` when there is none of that name."""
        if not self.path.exists():
            return None
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {self._USER_COLS} FROM accounts_users WHERE username = ?", (username,)
            ).fetchone()
        return None if row is None else self._user(row)

    def save_user(self, record: UserRecord, expected_version: int | None) -> UserRecord:
        """Store ``record``; return it with its new version (see the protocol)."""
        with self._connect(write=True) as conn:
            row = conn.execute(
                "SELECT version, created_at FROM accounts_users WHERE username = ?",
                (record.username,),
            ).fetchone()
            stored = 0 if row is None else int(row[0])
            if expected_version is not None and stored != expected_version:
                raise _problem(
                    "user_changed_elsewhere",
                    f"The account {record.username!r} was changed by someone else "
                    f"(version {stored}, expected {expected_version}); reload it and retry.",
                    value=record.username,
                )
            now = utc_now_iso()
            saved = replace(
                record,
                version=stored + 1,
                created_at=now if row is None else str(row[1]),
                updated_at=now,
            )
            conn.execute(
                f"INSERT OR REPLACE INTO accounts_users ({self._USER_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    saved.username,
                    saved.display_name,
                    saved.role,
                    saved.password_hash,
                    json.dumps(list(saved.counties), ensure_ascii=False),
                    int(saved.active),
                    saved.version,
                    saved.created_at,
                    saved.updated_at,
                ),
            )
        return saved

    def delete_user(self, username: str) -> bool:
        """Remove one account; True when it existed."""
        with self._connect(write=True) as conn:
            return (
                conn.execute("DELETE FROM accounts_users WHERE username = ?", (username,)).rowcount
                > 0
            )

    # --- audit log --------------------------------------------------------------------------

    def append_audit(self, event: AuditEvent) -> None:
        """Add one line to the audit log."""
        with self._connect(write=True) as conn:
            conn.execute(
                f"INSERT INTO accounts_audit ({', '.join(AUDIT_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event.at or utc_now_iso(),
                    event.username,
                    event.action,
                    event.object_type,
                    event.object_name,
                    event.detail,
                    json.dumps(event.extra, ensure_ascii=False),
                ),
            )

    def list_audit(
        self,
        since: str | None = None,
        until: str | None = None,
        username: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Audit lines, newest first; ``since``/``until`` are ISO UTC times (inclusive)."""
        where, params = [], []
        for clause, value in (("at >= ?", since), ("at <= ?", until), ("username = ?", username)):
            if value is not None:
                where.append(clause)
                params.append(value)
        sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM accounts_audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if not self.path.exists():
            return pd.DataFrame(columns=list(AUDIT_COLUMNS))
        with self._connect() as conn:
            rows = conn.execute(sql, params).fetchall()
        return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS)).astype(str)

    # --- scenario access --------------------------------------------------------------------

    def get_access(self, name: str) -> ScenarioAccess | None:
        """The access record of scenario ``name``."""
        if not self.path.exists():
            return None
        with self._connect() as conn:
            row = conn.execute(
                "SELECT name, owner, published, counties FROM accounts_scenario_access "
                "WHERE name = ?",
                (name,),
            ).fetchone()
        return None if row is None else _access(row)

    def list_access(self) -> list[ScenarioAccess]:
        """Every access record."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, owner, published, counties FROM accounts_scenario_access"
            ).fetchall()
        return [_access(r) for r in rows]

    def set_access(self, access: ScenarioAccess) -> None:
        """Store a scenario's access record."""
        with self._connect(write=True) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO accounts_scenario_access VALUES (?, ?, ?, ?)",
                (
                    access.name,
                    access.owner,
                    int(access.published),
                    json.dumps(list(access.counties), ensure_ascii=False),
                ),
            )

    def drop_access(self, name: str) -> None:
        """Forget the access record of a deleted scenario."""
        with self._connect(write=True) as conn:
            conn.execute("DELETE FROM accounts_scenario_access WHERE name = ?", (name,))

    def rename_access(self, old: str, new: str) -> None:
        """Move an access record to a renamed scenario."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE accounts_scenario_access SET name = ? WHERE name = ?", (new, old))


def _access(row: tuple[object, ...]) -> ScenarioAccess:
    return ScenarioAccess(
        name=str(row[0]),
        owner=str(row[1]),
        published=bool(row[2]),
        counties=tuple(json.loads(str(row[3]))),
    )
