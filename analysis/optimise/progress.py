"""Progress reporting and cancellation shared by every solver.

A long solve takes an optional ``progress(fraction, message)`` callable (fraction in
[0, 1], message in English) and an optional ``cancel`` that is either a
:class:`threading.Event` or a no-argument callable returning ``True`` once the user asked
to stop. Solvers poll it between steps (greedy, swap) or from the HiGHS interrupt
callbacks (MILP).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

ProgressFn = Callable[[float, str], None]
CancelLike = threading.Event | Callable[[], bool] | None


class SolveCancelled(Exception):  # noqa: N818 - a signal, not an error of the input
    """The user cancelled a solve before any usable plan was found."""


def is_cancelled(cancel: CancelLike) -> bool:
    """Return ``True`` when ``cancel`` (an event, a callable or ``None``) asks to stop."""
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


class Reporter:
    """Throttled progress reporting (at most one call per ``min_interval_s``).

    Parameters
    ----------
    progress
        The caller's ``progress(fraction, message)`` or ``None``.
    start, stop
        The sub-range of the overall [0, 1] this stage reports into.
    min_interval_s
        Smallest time between two calls (the first and the final call always pass).
    """

    def __init__(
        self,
        progress: ProgressFn | None,
        start: float = 0.0,
        stop: float = 1.0,
        min_interval_s: float = 0.2,
    ) -> None:
        self._progress = progress
        self._start = start
        self._stop = stop
        self._min_interval_s = min_interval_s
        self._last = -1e9

    @property
    def active(self) -> bool:
        """True when there is a caller to report to."""
        return self._progress is not None

    def __call__(self, fraction: float, message: str, *, force: bool = False) -> None:
        """Report ``fraction`` of this stage done."""
        if self._progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self._min_interval_s:
            return
        self._last = now
        clipped = min(max(fraction, 0.0), 1.0)
        self._progress(self._start + (self._stop - self._start) * clipped, message)

    def sub(self, start: float, stop: float) -> Reporter:
        """Reporter for a sub-stage covering ``[start, stop]`` of this stage."""
        span = self._stop - self._start
        return Reporter(
            self._progress,
            self._start + span * start,
            self._start + span * stop,
            self._min_interval_s,
        )
