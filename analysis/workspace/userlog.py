"""Accounts and the audit log in a store: the SQL behind the store's user and audit methods.

Functions work inside a transaction opened by :class:`analysis.workspace.sqlbase.SqlStore`,
through its :class:`~analysis.workspace.frames.LayerIO` (placeholders). They keep records
(:class:`~analysis.workspace.records.UserRecord`, :class:`~analysis.workspace.records.AuditEvent`)
and check only their shape; who may do what is :mod:`analysis.accounts`' business.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pandas as pd

from analysis.errors import AnalysisError, Problem
from analysis.plan.scenarios import utc_now_iso
from analysis.workspace.frames import LayerIO
from analysis.workspace.records import ROLES, AuditEvent, UserRecord
from analysis.workspace.tables import AUDIT_TABLE, USERS_TABLE, problem

_USER_COLUMNS = [c for c, _ in USERS_TABLE.columns]
_USER_SELECT = "SELECT " + ", ".join(_USER_COLUMNS) + " FROM users"
#: Columns of :func:`list_audit`'s table (``extra``: a JSON object as text).
AUDIT_COLUMNS = [c for c, _ in AUDIT_TABLE.columns]
MAX_USERNAME_LENGTH = 64


def check_user(record: UserRecord) -> None:
    """Raise ``invalid_user`` (every problem at once) for a record no store should keep."""
    problems: list[Problem] = []
    name = record.username
    if not name.strip() or name != name.strip() or len(name) > MAX_USERNAME_LENGTH:
        problems.append(
            Problem(
                "invalid_user",
                f"The username must be 1 to {MAX_USERNAME_LENGTH} characters without leading"
                " or trailing spaces.",
                column="username",
                value=name[:40],
            )
        )
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        problems.append(
            Problem(
                "invalid_user",
                "The username holds control characters.",
                column="username",
                value=repr(name[:40]),
            )
        )
    if record.role not in ROLES:
        problems.append(
            Problem(
                "invalid_user",
                f"Unknown role {record.role!r}; expected one of {', '.join(ROLES)}.",
                column="role",
                value=str(record.role),
            )
        )
    if problems:
        raise AnalysisError(problems)


def _user(row: Any) -> UserRecord:
    values = dict(zip(_USER_COLUMNS, row, strict=True))
    return UserRecord(
        username=values["username"],
        display_name=values["display_name"] or "",
        role=values["role"],
        password_hash=values["password_hash"] or "",
        counties=tuple(json.loads(values["counties"] or "[]")),
        active=bool(values["active"]),
        version=int(values["version"] or 0),
        created_at=values["created_at"] or "",
        updated_at=values["updated_at"] or "",
    )


def list_users(io: LayerIO, conn: Any) -> list[UserRecord]:
    """Every account, by username."""
    return [_user(r) for r in conn.execute(_USER_SELECT + " ORDER BY username").fetchall()]


def get_user(io: LayerIO, conn: Any, username: str) -> UserRecord | None:
    """The account ``username``, or None."""
    row = conn.execute(io.q(_USER_SELECT + " WHERE username = ?"), (username,)).fetchone()
    return None if row is None else _user(row)


def save_user(io: LayerIO, conn: Any, record: UserRecord, expected_version: int) -> UserRecord:
    """Insert or update ``record`` if the stored version is ``expected_version`` (0: new)."""
    stored = get_user(io, conn, record.username)
    version = 0 if stored is None else stored.version
    if version != expected_version:
        if stored is None:
            code, what = "user_not_found", "does not exist (deleted meanwhile?)"
        elif expected_version == 0:
            code, what = "user_exists", "already exists"
        else:
            code, what = "user_changed_elsewhere", f"was changed meanwhile (version {version})"
        raise problem(
            code,
            f"The account {record.username!r} {what}; nothing was overwritten.",
            value=record.username,
            params={"stored_version": version, "expected_version": expected_version},
        )
    now = utc_now_iso()
    saved = dataclasses.replace(
        record,
        counties=tuple(record.counties),
        active=bool(record.active),
        version=version + 1,
        created_at=stored.created_at if stored is not None else (record.created_at or now),
        updated_at=now,
    )
    _upsert(io, conn, saved)
    return saved


def restore_user(io: LayerIO, conn: Any, record: UserRecord) -> None:
    """Insert ``record`` as given; refused (``user_exists``) when its username is taken."""
    if get_user(io, conn, record.username) is not None:
        raise problem(
            "user_exists",
            f"The account {record.username!r} already exists; nothing was overwritten.",
            value=record.username,
        )
    _upsert(io, conn, record)


def _upsert(io: LayerIO, conn: Any, saved: UserRecord) -> None:
    values = [
        saved.username, saved.display_name, saved.role, saved.password_hash,
        json.dumps(list(saved.counties), ensure_ascii=False), saved.active, saved.version,
        saved.created_at, saved.updated_at,
    ]  # fmt: skip
    marks = ", ".join("?" * len(values))
    updates = ", ".join(f"{c} = excluded.{c}" for c in _USER_COLUMNS[1:])
    conn.execute(
        io.q(
            f"INSERT INTO users ({', '.join(_USER_COLUMNS)}) VALUES ({marks})"
            f" ON CONFLICT(username) DO UPDATE SET {updates}"
        ),
        values,
    )


def delete_user(io: LayerIO, conn: Any, username: str) -> bool:
    """Delete the account ``username``; False if there was none."""
    return bool(conn.execute(io.q("DELETE FROM users WHERE username = ?"), (username,)).rowcount)


def append_audit(io: LayerIO, conn: Any, event: AuditEvent) -> AuditEvent:
    """Add ``event`` to the log (``at``: now when empty); return it as stored."""
    stored = event if event.at else AuditEvent(**{**event.__dict__, "at": utc_now_iso()})
    values = [
        stored.at, stored.username, stored.action, stored.object_type, stored.object_name,
        stored.detail, json.dumps(dict(stored.extra), ensure_ascii=False, sort_keys=True),
    ]  # fmt: skip
    marks = ", ".join("?" * len(values))
    conn.execute(
        io.q(f"INSERT INTO audit_log ({', '.join(AUDIT_COLUMNS)}) VALUES ({marks})"), values
    )
    return stored


def list_audit(
    io: LayerIO,
    conn: Any,
    since: str | None = None,
    until: str | None = None,
    username: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log, newest first: columns :data:`AUDIT_COLUMNS` (all text).

    Parameters
    ----------
    since, until
        ISO 8601 UTC times (as :func:`~analysis.plan.scenarios.utc_now_iso` writes them):
        events at or after ``since`` and before ``until``.
    username
        Only this user's events.
    limit
        At most this many (the newest).
    """
    where: list[str] = []
    params: list[Any] = []
    for clause, value in (("at >= ?", since), ("at < ?", until), ("username = ?", username)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY at DESC, fid DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = [list(r) for r in conn.execute(io.q(sql), params).fetchall()]
    table = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    return table.fillna("").astype(str) if len(table) else table.astype(str)
