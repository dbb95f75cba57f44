"""A solve submitted to the pool, as its caller sees it (:class:`SolveHandle`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from analysis.optimise.progress import ProgressFn
from analysis.optimise.worker.protocol import SolveKind, SolveOutcome, Task
from geodata.city import CityData

_LOG = logging.getLogger(__name__)


@dataclass(eq=False)
class SolveHandle:
    """A solve submitted to the pool: its progress, its outcome, and its cancel.

    ``progress(fraction, message)`` and ``on_done(outcome)`` are called from the pool's
    listener thread; keep them short (set fields, no waiting). ``cancel_fn`` is the pool's
    cancel; ``task`` is dropped once the worker has it.
    """

    job_id: int
    kind: SolveKind
    task: Task | None
    progress_fn: ProgressFn | None = None
    on_done: Callable[[SolveOutcome], None] | None = None
    fraction: float = 0.0
    message: str = ""
    outcome: SolveOutcome | None = None
    submitted: float = field(default_factory=time.monotonic)
    dispatched: float | None = None
    worker_pid: int | None = None
    cancel_requested: bool = False
    cancel_fn: Callable[[SolveHandle], None] | None = field(default=None, repr=False)
    #: The solve's city (the result's references to its layers resolve to it).
    city: CityData | None = field(default=None, repr=False)
    #: Whether the caller still wants the outcome (e.g. its browser session is still
    #: connected); None: always. Called from the pool's thread (:meth:`gone_for`).
    caller_alive: Callable[[], bool] | None = field(default=None, repr=False)
    gone_since: float | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        """The outcome is known."""
        return self._finished.is_set()

    def cancel(self) -> None:
        """Ask the solve to stop: a queued job ends ``"cancelled"``, a running one stops
        at the solver's next cancel check (with its best plan so far, if any)."""
        if self.cancel_fn is not None:
            self.cancel_fn(self)

    def gone_for(self, now: float) -> float:
        """Seconds since ``caller_alive`` first said the caller is gone (0 while it is
        there, for a job without that check, and once the job ends or was cancelled)."""
        if self.caller_alive is None or self.done or self.cancel_requested:
            return 0.0
        if self.caller_alive():
            self.gone_since = None
            return 0.0
        if self.gone_since is None:
            self.gone_since = now
        return now - self.gone_since

    def resolve(self, outcome: SolveOutcome) -> bool:
        """Record the outcome (the pool calls it once); False if it was known already."""
        if self.done:
            return False
        self.outcome, self.task, self.city = outcome, None, None
        self._finished.set()
        return True

    def wait(self, timeout_s: float | None = None) -> SolveOutcome | None:
        """Block until the outcome is known (or ``timeout_s`` passed); return it."""
        self._finished.wait(timeout_s)
        return self.outcome


def cancel_orphans(jobs: Iterable[SolveHandle], grace_s: float) -> list[SolveHandle]:
    """Cancel the jobs whose caller has been gone for ``grace_s`` seconds (the pool's
    thread calls it); return the jobs that have a caller check (still to be watched)."""
    now, watched = time.monotonic(), []
    for handle in jobs:
        if handle.caller_alive is None:
            continue
        watched.append(handle)
        gone_s = handle.gone_for(now)
        if handle.gone_since is not None and gone_s >= grace_s:
            _LOG.info("solve %s cancelled: its caller is gone", handle.job_id)
            handle.cancel()
    return watched
