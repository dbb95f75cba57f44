"""A solve submitted to the pool, as its caller sees it (:class:`SolveHandle`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.optimise.progress import ProgressFn
from analysis.optimise.worker.protocol import SolveKind, SolveOutcome, Task
from geodata.city import CityData


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
