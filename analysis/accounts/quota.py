"""Per-user upload quota: how many megabytes one account may upload per day.

Each distinct file (by content digest) counts once per window, so rereading the same upload
on every page run costs nothing; a new file over the quota is refused with
``upload_quota_exceeded``. Counted in the store (:class:`analysis.workspace.records.UploadRecord`),
check and count in one transaction, so the quota holds across every app server of the
store; the single-user mode (username ``""``) has no quota.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from analysis.errors import AnalysisError, Problem
from analysis.workspace.records import UploadRecord

if TYPE_CHECKING:
    from analysis.workspace.api import Store

QUOTA_ENV_VAR = "COVERAGE_PLANNER_UPLOAD_QUOTA_MB"
#: Default quota per user and window (MB): three whole-province boundary files.
DEFAULT_QUOTA_MB = 300.0
#: Length of the window (seconds).
WINDOW_S = 24 * 3600.0


def quota_mb() -> float:
    """The quota in MB (``$COVERAGE_PLANNER_UPLOAD_QUOTA_MB`` or the default)."""
    value = os.environ.get(QUOTA_ENV_VAR, "").strip()
    try:
        return float(value) if value else DEFAULT_QUOTA_MB
    except ValueError:
        return DEFAULT_QUOTA_MB


class UploadQuota:
    """Bytes uploaded per user within a sliding window.

    Parameters
    ----------
    store
        The store shared by every server (:class:`analysis.workspace.api.Store`).
    limit_mb
        Quota per user (default :func:`quota_mb`, read at each upload).
    clock
        Seconds since the epoch; injectable for tests.
    """

    def __init__(
        self,
        store: Store,
        limit_mb: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._limit_mb = limit_mb
        self._clock = clock

    @property
    def limit_mb(self) -> float:
        """The quota in MB."""
        return quota_mb() if self._limit_mb is None else self._limit_mb

    def used_bytes(self, username: str) -> int:
        """Bytes ``username`` uploaded within the window."""
        return self.store.upload_bytes(username, self._clock() - WINDOW_S)

    def charge(self, username: str, digest: str, size: int) -> None:
        """Count one upload; raise ``upload_quota_exceeded`` when it does not fit."""
        if not username:
            return
        now = self._clock()
        limit_mb = self.limit_mb
        limit = int(limit_mb * 1024 * 1024)
        record = UploadRecord(username, digest, int(size), now)
        accepted, used = self.store.charge_upload(record, now - WINDOW_S, limit)
        if not accepted:
            raise AnalysisError(
                [
                    Problem(
                        "upload_quota_exceeded",
                        f"Uploading {size / 1e6:.1f} MB more would exceed the quota of "
                        f"{limit_mb:g} MB per user and day ({used / 1e6:.1f} MB used).",
                        params={"quota_mb": f"{limit_mb:g}"},
                    )
                ]
            )
