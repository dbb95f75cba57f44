"""The store methods the account logic needs (users, audit log, scenario access).

Both stores (the embedded GeoPackage and PostgreSQL/PostGIS) provide the users and audit
methods; until the shared store lands, :mod:`analysis.accounts.gpkg_tables` provides all of
them for a GeoPackage workspace file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from analysis.workspace.records import AuditEvent, UserRecord

if TYPE_CHECKING:
    import pandas as pd

    from analysis.accounts.policy import ScenarioAccess


class AccountStore(Protocol):
    """Users and the audit log."""

    def list_users(self) -> list[UserRecord]:
        """Every account, by username."""
        ...

    def get_user(self, username: str) -> UserRecord | None:
        """One account, ``None`` when there is none of that name."""
        ...

    def save_user(self, record: UserRecord, expected_version: int | None) -> UserRecord:
        """Store ``record``; return it with its new version.

        ``expected_version``: the version last read (``0``: the name must be free); the
        save fails with ``user_changed_elsewhere`` when the stored one differs. ``None``:
        last save wins.
        """
        ...

    def delete_user(self, username: str) -> bool:
        """Remove one account; True when it existed."""
        ...

    def append_audit(self, event: AuditEvent) -> None:
        """Add one line to the audit log."""
        ...

    def list_audit(
        self,
        since: str | None = None,
        until: str | None = None,
        username: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Audit lines, newest first (columns of :class:`AuditEvent`, ``extra`` as JSON)."""
        ...


class ScenarioAccessStore(Protocol):
    """Owner and published flag of every scenario (columns of the scenario records)."""

    def get_access(self, name: str) -> ScenarioAccess | None:
        """The access record of scenario ``name`` (``None``: none kept)."""
        ...

    def set_access(self, access: ScenarioAccess) -> None:
        """Store a scenario's access record."""
        ...

    def drop_access(self, name: str) -> None:
        """Forget the access record of a deleted scenario."""
        ...

    def rename_access(self, old: str, new: str) -> None:
        """Move an access record to a renamed scenario."""
        ...

    def list_access(self) -> list[ScenarioAccess]:
        """Every access record."""
        ...
