"""Per-user upload quota: how many megabytes one account may upload per day.

Each distinct file (by content digest) counts once per window, so rereading the same upload
on every page run costs nothing; a new file over the quota is refused with
``upload_quota_exceeded``. Counted in the server process's memory (each of several app
servers counts its own); the single-user mode (username ``""``) has no quota.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from analysis.errors import AnalysisError, Problem

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
    limit_mb
        Quota per user (default :func:`quota_mb`).
    clock
        Seconds; injectable for tests.
    """

    def __init__(
        self, limit_mb: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit_mb = quota_mb() if limit_mb is None else limit_mb
        self._clock = clock
        self._seen: dict[str, dict[str, tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def used_bytes(self, username: str) -> int:
        """Bytes ``username`` uploaded within the window."""
        now = self._clock()
        with self._lock:
            return sum(
                size for at, size in self._seen.get(username, {}).values() if now - at < WINDOW_S
            )

    def charge(self, username: str, digest: str, size: int) -> None:
        """Count one upload; raise ``upload_quota_exceeded`` when it does not fit."""
        if not username:
            return
        now = self._clock()
        limit = int(self.limit_mb * 1024 * 1024)
        with self._lock:
            files = self._seen.setdefault(username, {})
            for key in [k for k, (at, _) in files.items() if now - at >= WINDOW_S]:
                del files[key]
            if digest in files:
                return
            used = sum(s for _, s in files.values())
            if used + size > limit:
                raise AnalysisError(
                    [
                        Problem(
                            "upload_quota_exceeded",
                            f"Uploading {size / 1e6:.1f} MB more would exceed the quota of "
                            f"{self.limit_mb:g} MB per user and day ({used / 1e6:.1f} MB used).",
                            params={"quota_mb": f"{self.limit_mb:g}"},
                        )
                    ]
                )
            files[digest] = (now, size)
