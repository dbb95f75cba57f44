"""Datasets, accounts, audit log, sessions, login limits, uploads of a SQL store.

:class:`SqlRecords` is the part of :class:`analysis.workspace.sqlbase.SqlStore` (the
scenarios) that wraps :mod:`analysis.workspace.datasets`, :mod:`analysis.workspace.userlog`
and :mod:`analysis.workspace.logins` in transactions;
its ``restore_*`` methods write records exactly as given (times, versions), for
:mod:`analysis.workspace.migrate`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd

from analysis.plan.scenarios import DEMO_DATASET_ID
from analysis.workspace import datasets as ds
from analysis.workspace import logins, userlog
from analysis.workspace.frames import LayerIO
from analysis.workspace.records import (
    AuditEvent,
    LoginFailures,
    SessionRecord,
    UploadRecord,
    UserRecord,
)
from geodata.city import CityData


class SqlRecords(ABC):
    """Datasets, accounts and audit log over SQL; subclasses give transactions and ``io``."""

    io: LayerIO

    @abstractmethod
    def _read(self) -> AbstractContextManager[Any]:
        """A connection in one read transaction (every SELECT sees one snapshot)."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]:
        """A connection in one write transaction (committed at the end, else rolled back)."""

    # --- datasets (analysis.workspace.datasets) ---------------------------------------------

    def list_datasets(self) -> pd.DataFrame:
        """Stored datasets: ``dataset_id``, ``name``, ``created_at``, ``updated_at`` (not demo)."""
        with self._read() as conn:
            return ds.list_datasets(self.io, conn)

    def has_dataset(self, dataset_id: str) -> bool:
        """True for ``"demo"`` and for every stored dataset."""
        if dataset_id == DEMO_DATASET_ID:
            return True
        with self._read() as conn:
            return ds.has_dataset(self.io, conn, dataset_id)

    def save_dataset(self, dataset_id: str, city: CityData) -> None:
        """Store (or replace) a dataset's layers (roads, raster demand cells too), atomically.

        ``"demo"`` is refused (code ``reserved_dataset_id``): the demo city ships with the app.
        """
        ds.check_dataset_id(dataset_id)
        with self._write() as conn:
            ds.save_dataset(self.io, conn, dataset_id, city)

    def restore_dataset(
        self, dataset_id: str, city: CityData, created_at: str, updated_at: str
    ) -> None:
        """Store a dataset with the times it had elsewhere (moving a workspace)."""
        ds.check_dataset_id(dataset_id)
        with self._write() as conn:
            ds.save_dataset(self.io, conn, dataset_id, city, times=(created_at, updated_at))

    def load_dataset(self, dataset_id: str) -> CityData:
        """The base dataset ``dataset_id`` (``"demo"``: the built-in demo city)."""
        if dataset_id == DEMO_DATASET_ID:
            from geodata.demo.load import load_demo_city  # lazy: read the demo file only when asked

            return load_demo_city()
        with self._read() as conn:
            return ds.load_dataset(self.io, conn, dataset_id)

    def delete_dataset(self, dataset_id: str) -> bool:
        """Delete a stored dataset; refused (``dataset_in_use``) while a scenario uses it."""
        with self._write() as conn:
            return ds.delete_dataset(self.io, conn, dataset_id)

    # --- accounts and audit log (analysis.workspace.userlog) --------------------------------

    def list_users(self) -> list[UserRecord]:
        """Every account, by username."""
        with self._read() as conn:
            return userlog.list_users(self.io, conn)

    def get_user(self, username: str) -> UserRecord | None:
        """The account ``username``, or None."""
        with self._read() as conn:
            return userlog.get_user(self.io, conn, username)

    def save_user(self, record: UserRecord, expected_version: int | None = None) -> UserRecord:
        """Create or change an account; return it with its new version and times.

        ``expected_version`` (default ``record.version``): the stored version this change
        is based on, 0 for a new account. A mismatch fails (``user_exists`` for a new
        account whose name is taken, else ``user_changed_elsewhere`` or ``user_not_found``).
        """
        userlog.check_user(record)
        expected = record.version if expected_version is None else expected_version
        with self._write() as conn:
            return userlog.save_user(self.io, conn, record, expected)

    def restore_user(self, record: UserRecord) -> None:
        """Store an account exactly as given (version, times): moving a workspace.

        Refused (``user_exists``) when the username is taken.
        """
        userlog.check_user(record)
        with self._write() as conn:
            userlog.restore_user(self.io, conn, record)

    def delete_user(self, username: str) -> bool:
        """Delete the account ``username``; False if there was none."""
        with self._write() as conn:
            return userlog.delete_user(self.io, conn, username)

    def append_audit(self, event: AuditEvent) -> AuditEvent:
        """Add one line to the audit log (``at`` now when empty); return it as stored."""
        with self._write() as conn:
            return userlog.append_audit(self.io, conn, event)

    def restore_audit(self, events: Sequence[AuditEvent]) -> None:
        """Append ``events`` in one transaction, in order (moving a workspace)."""
        with self._write() as conn:
            for event in events:
                userlog.append_audit(self.io, conn, event)

    def list_audit(
        self,
        since: str | None = None,
        until: str | None = None,
        username: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The audit log, newest first (see :func:`analysis.workspace.userlog.list_audit`)."""
        with self._read() as conn:
            return userlog.list_audit(self.io, conn, since, until, username, limit)

    # --- sessions, failed logins, uploads (analysis.workspace.logins) -----------------------

    def save_session(self, record: SessionRecord) -> None:
        """Store a session (new, or its ``last_seen_at`` moved on; also moving a workspace)."""
        with self._write() as conn:
            logins.save_session(self.io, conn, record)

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The session of ``token_hash``, or None."""
        with self._read() as conn:
            return logins.get_session(self.io, conn, token_hash)

    def list_sessions(self) -> list[SessionRecord]:
        """Every session, oldest first."""
        with self._read() as conn:
            return logins.list_sessions(self.io, conn)

    def delete_sessions(
        self,
        *,
        token_hash: str | None = None,
        username: str | None = None,
        last_seen_before: float | None = None,
        started_before: float | None = None,
    ) -> int:
        """Delete the sessions matching any given condition (none given: none); how many."""
        with self._write() as conn:
            return logins.delete_sessions(
                self.io,
                conn,
                token_hash=token_hash,
                username=username,
                last_seen_before=last_seen_before,
                started_before=started_before,
            )

    def login_failures(self, keys: Sequence[str]) -> list[LoginFailures]:
        """The failed-login counts of ``keys`` (``user:...``/``addr:...``) that have any."""
        with self._read() as conn:
            return logins.login_failures(self.io, conn, keys)

    def add_login_failure(self, key: str, at: float, forget_before: float) -> LoginFailures:
        """Count one failed login of ``key`` atomically (every server adds to one count)."""
        with self._write() as conn:
            return logins.add_login_failure(self.io, conn, key, at, forget_before)

    def block_login(self, key: str, until: float) -> None:
        """``key`` waits until ``until`` (a longer wait already set stays)."""
        with self._write() as conn:
            logins.block_login(self.io, conn, key, until)

    def undo_login_failure(
        self, key: str, held_until: float = 0.0, previous_until: float = 0.0
    ) -> None:
        """Take back one counted failure of ``key`` (and the wait it held, if still its)."""
        with self._write() as conn:
            logins.undo_login_failure(self.io, conn, key, held_until, previous_until)

    def clear_login_failures(self, key: str) -> None:
        """Forget the failed logins of ``key``."""
        with self._write() as conn:
            logins.clear_login_failures(self.io, conn, key)

    def upload_bytes(self, username: str, since: float) -> int:
        """Bytes ``username`` uploaded since ``since`` (seconds since the epoch)."""
        with self._read() as conn:
            return logins.upload_bytes(self.io, conn, username, since)

    def charge_upload(
        self, record: UploadRecord, since: float, limit_bytes: int
    ) -> tuple[bool, int]:
        """Count an upload unless over ``limit_bytes``; ``(accepted, bytes used before)``."""
        with self._write() as conn:
            return logins.charge_upload(self.io, conn, record, since, limit_bytes)
