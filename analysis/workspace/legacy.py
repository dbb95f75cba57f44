"""Workspace files written while accounts lived in their interim tables: move them over.

Before accounts were part of the store, a GeoPackage workspace kept them in three plain
tables of its own: ``accounts_users``, ``accounts_audit`` and ``accounts_scenario_access``
(owner and published flag per scenario name). Opening such a file moves their rows into the
store's ``users`` and ``audit_log`` tables and into the ``owner``/``published`` columns of
``scenarios``, then drops the interim tables, all in one transaction: a second open finds
nothing to move (idempotent), and a crash half-way leaves the file as it was.

Rules: an account already in ``users`` (same username) is kept, the interim one skipped;
audit lines are appended in their order; a scenario takes the interim owner when it has
none yet and the interim published flag; an access row of a scenario that no longer exists
is dropped. PostgreSQL stores never had the interim tables.
"""

from __future__ import annotations

import sqlite3

from analysis.workspace.gpkg import begin_immediate

#: The interim tables, in the order they are moved.
INTERIM_TABLES = ("accounts_users", "accounts_audit", "accounts_scenario_access")
_USER_COLUMNS = (
    "username, display_name, role, password_hash, counties, active, version, created_at, updated_at"
)
_AUDIT_COLUMNS = "at, username, action, object_type, object_name, detail, extra"


def interim_tables(conn: sqlite3.Connection) -> list[str]:
    """The interim account tables present in the file."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
        INTERIM_TABLES,
    ).fetchall()
    present = {r[0] for r in rows}
    return [t for t in INTERIM_TABLES if t in present]


def move_interim_tables(conn: sqlite3.Connection) -> dict[str, int]:
    """Move the interim tables' rows into the store's tables; return rows moved per table.

    The store's tables must exist (:func:`analysis.workspace.gpkg.ensure_schema` first).
    """
    moved = {table: 0 for table in INTERIM_TABLES}
    begin_immediate(conn)
    try:
        present = interim_tables(conn)
        if "accounts_users" in present:
            moved["accounts_users"] = conn.execute(
                f"INSERT INTO users ({_USER_COLUMNS}) SELECT {_USER_COLUMNS} FROM accounts_users"
                " WHERE true ON CONFLICT(username) DO NOTHING"
            ).rowcount
        if "accounts_audit" in present:
            moved["accounts_audit"] = conn.execute(
                f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) SELECT {_AUDIT_COLUMNS}"
                " FROM accounts_audit ORDER BY id"
            ).rowcount
        if "accounts_scenario_access" in present:
            moved["accounts_scenario_access"] = conn.execute(
                "UPDATE scenarios SET"
                " owner = CASE WHEN COALESCE(scenarios.owner, '') = '' THEN a.owner"
                " ELSE scenarios.owner END, published = a.published"
                " FROM accounts_scenario_access AS a WHERE a.name = scenarios.name"
            ).rowcount
        for table in present:
            conn.execute(f'DROP TABLE "{table}"')  # our constant names
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return moved
