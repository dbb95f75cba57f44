"""The store interface, and the one setting that picks a store.

Two stores implement :class:`Store`: the GeoPackage workspace file
(:class:`analysis.workspace.store.WorkspaceStore`, embedded, the default, one server) and
PostgreSQL/PostGIS (:class:`analysis.workspace.postgis.store.PostgisStore`, several servers
behind one address). ``COVERAGE_PLANNER_STORE`` is a file path or a ``postgresql://`` URL;
:func:`open_store` opens it. Both stores raise only
:class:`~analysis.errors.AnalysisError` (``workspace_busy``, ``workspace_error``,
``store_unavailable`` ...), never a driver's exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from analysis.plan.scenarios import Scenario
from analysis.workspace.records import (
    AuditEvent,
    LoginFailures,
    ScenarioInfo,
    SessionRecord,
    UploadRecord,
    UserRecord,
)
from analysis.workspace.setting import (  # noqa: F401 - the store's setting, named here too
    POSTGRES_SCHEMES,
    STORE_ENV_VAR,
    is_postgres_url,
    store_setting,
)
from geodata.city import CityData


@runtime_checkable
class Store(Protocol):
    """What every store offers: scenarios, datasets, accounts, the audit log, sessions,
    failed-login counts and upload quotas (all shared by every server of the store).

    Scenarios carry ``owner``, ``published`` and ``version`` (+1 per save); a save with
    ``expected_version`` (or ``expected_updated_at``) that is not the stored one fails with
    ``scenario_changed_elsewhere`` (params ``stored_version``, ``stored_updated_at``,
    ``saved_by``), and :meth:`save_as_copy` keeps one's changes under a free name.
    ``restore_*`` write records exactly as given (versions, times): for moving a workspace
    (:mod:`analysis.workspace.migrate`), never for edits.
    """

    @property
    def location(self) -> str:
        """Where the store is (a file path, or the database URL without its password)."""
        ...

    # scenarios
    def list_scenarios(self) -> pd.DataFrame: ...
    def exists(self, name: str) -> bool: ...
    def scenario_info(self, name: str) -> ScenarioInfo | None: ...
    def free_name(self, wanted: str) -> str: ...
    def load(self, name: str) -> Scenario: ...
    def save(
        self,
        scenario: Scenario,
        *,
        expected_updated_at: str | None = None,
        expected_version: int | None = None,
        saved_by: str = "",
    ) -> Scenario: ...
    def save_as_copy(
        self,
        scenario: Scenario,
        name: str | None = None,
        *,
        owner: str | None = None,
        saved_by: str = "",
    ) -> Scenario: ...
    def set_published(
        self, name: str, published: bool, *, expected_version: int | None = None, saved_by: str = ""
    ) -> int: ...
    def delete(self, name: str, *, expected_version: int | None = None) -> bool: ...
    def rename(
        self, old: str, new: str, *, expected_version: int | None = None, saved_by: str = ""
    ) -> int: ...
    def restore_scenario(self, scenario: Scenario) -> None: ...

    # datasets
    def list_datasets(self) -> pd.DataFrame: ...
    def has_dataset(self, dataset_id: str) -> bool: ...
    def save_dataset(self, dataset_id: str, city: CityData) -> None: ...
    def load_dataset(self, dataset_id: str) -> CityData: ...
    def delete_dataset(self, dataset_id: str) -> bool: ...
    def restore_dataset(
        self, dataset_id: str, city: CityData, created_at: str, updated_at: str
    ) -> None: ...

    # accounts and the audit log (records only; permissions are analysis.accounts')
    def list_users(self) -> list[UserRecord]: ...
    def get_user(self, username: str) -> UserRecord | None: ...
    def save_user(self, record: UserRecord, expected_version: int | None = None) -> UserRecord: ...
    def delete_user(self, username: str) -> bool: ...
    def restore_user(self, record: UserRecord) -> None: ...
    def append_audit(self, event: AuditEvent) -> AuditEvent: ...
    def restore_audit(self, events: Sequence[AuditEvent]) -> None: ...
    def list_audit(
        self,
        since: str | None = None,
        until: str | None = None,
        username: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame: ...

    # sessions, failed logins, upload quotas (shared by every server of the store; the
    # rules are analysis.accounts'; times in seconds since the epoch)
    def save_session(self, record: SessionRecord) -> None: ...
    def get_session(self, token_hash: str) -> SessionRecord | None: ...
    def list_sessions(self) -> list[SessionRecord]: ...
    def delete_sessions(
        self,
        *,
        token_hash: str | None = None,
        username: str | None = None,
        last_seen_before: float | None = None,
        started_before: float | None = None,
    ) -> int: ...
    def login_failures(self, keys: Sequence[str]) -> list[LoginFailures]: ...
    def add_login_failure(self, key: str, at: float, forget_before: float) -> LoginFailures: ...
    def block_login(self, key: str, until: float) -> None: ...
    def undo_login_failure(
        self, key: str, held_until: float = 0.0, previous_until: float = 0.0
    ) -> None: ...
    def clear_login_failures(self, key: str) -> None: ...
    def upload_bytes(self, username: str, since: float) -> int: ...
    def charge_upload(
        self, record: UploadRecord, since: float, limit_bytes: int
    ) -> tuple[bool, int]: ...


def open_store(setting: str | Path | None = None) -> Store:
    """Open the store ``setting`` names (default :func:`store_setting`).

    Parameters
    ----------
    setting
        A ``postgresql://user@host:port/db`` URL (libpq's, password from ``~/.pgpass`` or
        ``PGPASSWORD`` preferably) or the path of a GeoPackage workspace file (``~``
        expanded; created on first use).
    """
    value = store_setting() if setting is None else str(setting).strip()
    if is_postgres_url(value):
        from analysis.workspace.postgis.store import PostgisStore

        return PostgisStore(value)
    from analysis.workspace.store import WorkspaceStore

    return WorkspaceStore(Path(value).expanduser())
