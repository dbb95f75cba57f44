"""Sessions, failed logins and upload quotas in a store: the SQL behind those store methods.

Kept in the store (not in a server's memory) so that every app server of one store shares
them: a session token issued by one server is valid on the other, and failed logins count
across servers. Functions work inside a transaction of
:class:`analysis.workspace.sqlbase.SqlStore` through its
:class:`~analysis.workspace.frames.LayerIO`; times are seconds since the epoch. The rules
(expiry, waits, quota) are :mod:`analysis.accounts`'; this module only keeps records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.workspace.frames import LayerIO
from analysis.workspace.records import LoginFailures, SessionRecord, UploadRecord

_SESSION_SELECT = "SELECT token_hash, username, started_at, last_seen_at FROM sessions"
_FAILURE_SELECT = "SELECT login_key, failures, last_failed_at, blocked_until FROM login_failures"


def _session(row: Any) -> SessionRecord:
    return SessionRecord(str(row[0]), str(row[1]), float(row[2]), float(row[3]))


def _failures(row: Any) -> LoginFailures:
    return LoginFailures(str(row[0]), int(row[1]), float(row[2]), float(row[3] or 0.0))


# --- sessions -------------------------------------------------------------------------------


def save_session(io: LayerIO, conn: Any, record: SessionRecord) -> None:
    """Insert ``record``, or update the session of the same token hash."""
    conn.execute(
        io.q(
            "INSERT INTO sessions (token_hash, username, started_at, last_seen_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(token_hash) DO UPDATE SET"
            " username = excluded.username, started_at = excluded.started_at,"
            " last_seen_at = excluded.last_seen_at"
        ),
        (record.token_hash, record.username, record.started_at, record.last_seen_at),
    )


def get_session(io: LayerIO, conn: Any, token_hash: str) -> SessionRecord | None:
    """The session of ``token_hash``, or None."""
    row = conn.execute(io.q(_SESSION_SELECT + " WHERE token_hash = ?"), (token_hash,)).fetchone()
    return None if row is None else _session(row)


def list_sessions(io: LayerIO, conn: Any) -> list[SessionRecord]:
    """Every session, oldest first."""
    rows = conn.execute(_SESSION_SELECT + " ORDER BY started_at, token_hash").fetchall()
    return [_session(r) for r in rows]


def delete_sessions(
    io: LayerIO,
    conn: Any,
    *,
    token_hash: str | None = None,
    username: str | None = None,
    last_seen_before: float | None = None,
    started_before: float | None = None,
) -> int:
    """Delete the sessions matching any of the given conditions; return how many."""
    where: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("token_hash = ?", token_hash),
        ("username = ?", username),
        ("last_seen_at < ?", last_seen_before),
        ("started_at < ?", started_before),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    if not where:
        return 0
    sql = "DELETE FROM sessions WHERE " + " OR ".join(where)
    return int(conn.execute(io.q(sql), params).rowcount or 0)


# --- failed logins --------------------------------------------------------------------------


def login_failures(io: LayerIO, conn: Any, keys: Sequence[str]) -> list[LoginFailures]:
    """The failure counts of ``keys`` that have any."""
    if not keys:
        return []
    marks = ", ".join("?" * len(keys))
    sql = io.q(f"{_FAILURE_SELECT} WHERE login_key IN ({marks}) ORDER BY login_key")
    return [_failures(r) for r in conn.execute(sql, list(keys)).fetchall()]


def add_login_failure(
    io: LayerIO, conn: Any, key: str, at: float, forget_before: float
) -> LoginFailures:
    """Count one failure of ``key`` at ``at`` (a count last raised before ``forget_before``
    starts again at one); return the new count. Atomic in the caller's write transaction."""
    row = conn.execute(io.q(_FAILURE_SELECT + " WHERE login_key = ?"), (key,)).fetchone()
    before = None if row is None else _failures(row)
    failures = 1 if before is None or before.last_failed_at < forget_before else before.failures + 1
    blocked = 0.0 if before is None else before.blocked_until
    conn.execute(
        io.q(
            "INSERT INTO login_failures (login_key, failures, last_failed_at, blocked_until)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(login_key) DO UPDATE SET"
            " failures = excluded.failures, last_failed_at = excluded.last_failed_at"
        ),
        (key, failures, at, blocked),
    )
    return LoginFailures(key, failures, at, blocked)


def block_login(io: LayerIO, conn: Any, key: str, until: float) -> None:
    """Make ``key`` wait until ``until`` (never shortens a longer wait another server set)."""
    sql = io.q(
        "UPDATE login_failures SET blocked_until = ? WHERE login_key = ? AND blocked_until < ?"
    )
    conn.execute(sql, (until, key, until))


def undo_login_failure(
    io: LayerIO, conn: Any, key: str, held_until: float = 0.0, previous_until: float = 0.0
) -> None:
    """Take back one counted failure of ``key``; a wait the attempt set for itself
    (``held_until``) goes back to ``previous_until`` unless a longer one replaced it."""
    sql = (
        "UPDATE login_failures SET failures = failures - 1,"
        " blocked_until = CASE WHEN ? > 0 AND blocked_until = ? THEN ? ELSE blocked_until END"
        " WHERE login_key = ? AND failures > 0"
    )
    conn.execute(io.q(sql), (held_until, held_until, previous_until, key))


def clear_login_failures(io: LayerIO, conn: Any, key: str) -> None:
    """Forget the failures of ``key`` (after a right password)."""
    conn.execute(io.q("DELETE FROM login_failures WHERE login_key = ?"), (key,))


# --- uploads --------------------------------------------------------------------------------


def upload_bytes(io: LayerIO, conn: Any, username: str, since: float) -> int:
    """Bytes ``username`` uploaded after ``since``."""
    row = conn.execute(
        io.q("SELECT COALESCE(SUM(size_bytes), 0) FROM uploads WHERE username = ? AND at > ?"),
        (username, since),
    ).fetchone()
    return int(row[0] or 0)


def charge_upload(
    io: LayerIO, conn: Any, record: UploadRecord, since: float, limit_bytes: int
) -> tuple[bool, int]:
    """Count ``record`` unless it would take its user past ``limit_bytes`` after ``since``.

    The same digest within the window counts once. The user's rows of ``since`` or older
    are dropped.
    Returns ``(accepted, bytes used before this upload)``.
    """
    conn.execute(
        io.q("DELETE FROM uploads WHERE username = ? AND at <= ?"), (record.username, since)
    )
    seen = conn.execute(
        io.q("SELECT 1 FROM uploads WHERE username = ? AND digest = ?"),
        (record.username, record.digest),
    ).fetchone()
    used = upload_bytes(io, conn, record.username, since)
    if seen is not None:
        return True, used
    if used + record.size_bytes > limit_bytes:
        return False, used
    conn.execute(
        io.q("INSERT INTO uploads (username, digest, size_bytes, at) VALUES (?, ?, ?, ?)"),
        (record.username, record.digest, record.size_bytes, record.at),
    )
    return True, used
