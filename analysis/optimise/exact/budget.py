"""The time left and the cancel of one exact solve, handed to every HiGHS call.

HiGHS checks its ``time_limit`` against the run time its instance has accumulated over
all its ``run()`` calls (a node LP re-solved 300 times has spent the sum), so the limit of
each call is that run time plus the time the solve has left. The same instance also gets
an interrupt callback (simplex, interior point, MILP: HiGHS calls it about once per
iteration) that stops it when the user cancels or the solve's own clock passes the
deadline: a cancel is honoured within one simplex iteration, not at the end of an LP.

The clock can be injected (tests pass a counter, so a time limit is hit at a known step
and no test depends on the machine's speed).

Not every step polls: building a model in Python, HiGHS' MILP solver until its first poll
(its presolve and setup: ~0.1 s of CPU on 650,000 nonzeros, whatever its time limit). On a
loaded machine such a step takes many times its CPU time in wall time (a solve got 3-5 % of
a core with 20 processes on 2 cores: 0.17 s of CPU took 3.5 s). :meth:`Budget.fits` tells
whether a step of some CPU seconds still ends before the deadline at the load seen so far
(the solving thread's wall time per CPU second since the budget began), so that such a step
is not started when it cannot end in time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import highspy

from analysis.optimise.progress import CancelLike, is_cancelled

Clock = Callable[[], float]

#: Share of the time left given to HiGHS' MILP solver as its own limit: it does not check
#: its limit or the interrupt in every procedure (presolve, the root LP of a large model:
#: up to 6 s late on the dense generated city of the request family under load).
MILP_SHARE = 0.85

#: CPU seconds per nonzero of the constraint matrix that building a MILP, passing it to
#: HiGHS and HiGHS' MILP solver up to its first poll take together (the dense generated
#: city's full models, 650,000 nonzeros: 0.055 s to build, 0.015 s to pass, 0.09-0.13 s
#: to the first poll even with a 1 ms limit; 2026-12-07, highspy 1.16).
MILP_SETUP_CPU_PER_NNZ = 2.6e-7
#: CPU seconds of a step below which the load estimate is not used (too few to tell).
_MIN_CPU_FOR_LOAD = 0.02
#: Seconds :meth:`Budget.run` waits for a HiGHS MILP once the solve is stopped (deadline or
#: cancel) before it goes on without it. HiGHS' MILP solver polls neither its limit nor the
#: interrupt in its presolve, setup and (apparently) root LP: the met-units MILP of a demo
#: request (47,000 nonzeros) ran 5.8 s without a poll at 3-5 % of a core (0.28 s of CPU).
ABANDON_AFTER_S = 0.2
#: How often :meth:`Budget.run` looks at the deadline and the cancel while HiGHS runs.
_WAIT_S = 0.02

#: ``user_data`` tag of the budget's interrupt handlers (one budget per instance at a time).
_TAG = "coverage-planner-budget"


class Budget:
    """Deadline and cancel of one solve.

    Parameters
    ----------
    time_limit_s
        Seconds the whole solve may take from the budget's creation.
    cancel
        Event or callable (:func:`analysis.optimise.progress.is_cancelled`).
    clock
        Seconds from any origin (default :func:`time.perf_counter`).
    """

    def __init__(
        self, time_limit_s: float, cancel: CancelLike = None, clock: Clock | None = None
    ) -> None:
        self.time_limit_s = float(time_limit_s)
        self.cancel = cancel
        self.clock: Clock = clock if clock is not None else time.perf_counter
        self.start = self.clock()
        # the load is measured on the real clocks only (an injected clock is a test's)
        self._real = clock is None
        self._origin = (time.perf_counter(), time.thread_time())

    def elapsed(self) -> float:
        """Seconds since the start."""
        return self.clock() - self.start

    def left(self) -> float:
        """Seconds left (never negative)."""
        return max(self.time_limit_s - self.elapsed(), 0.0)

    def cancelled(self) -> bool:
        """The user asked to stop."""
        return is_cancelled(self.cancel)

    def stopped(self) -> bool:
        """Cancelled, or no time left."""
        return self.cancelled() or self.left() <= 0.0

    def sub(self, share: float) -> Budget:
        """A budget for a stage: ``share`` of the time left, the same cancel and clock."""
        out = Budget(self.left() * share, self.cancel, self.clock)
        out._real, out._origin = self._real, self._origin
        return out

    def slowdown(self) -> float:
        """Wall seconds per CPU second of the calling thread since the budget began (>= 1).

        1 with an injected clock, or before the thread has used enough CPU to tell.
        """
        if not self._real:
            return 1.0
        wall0, cpu0 = self._origin
        cpu = time.thread_time() - cpu0
        if cpu < _MIN_CPU_FOR_LOAD:
            return 1.0
        return max((time.perf_counter() - wall0) / cpu, 1.0)

    def fits(self, cpu_s: float) -> bool:
        """Whether a step of ``cpu_s`` CPU seconds that does not poll the deadline would
        still end before it, at the load seen so far (and the solve is not stopped)."""
        return not self.stopped() and self.left() >= cpu_s * self.slowdown()

    def attach(self, highs: highspy.Highs, share: float = 1.0) -> None:
        """Give ``highs`` the time left (on top of its run time so far) and the interrupt.

        Call before every ``run()``: the limit is recomputed each time. Replaces the
        handlers of an earlier budget on the same instance. ``share``: HiGHS' own limit is
        that share of the time left (its MILP solver does not check the limit, or call the
        interrupt, in every procedure: :data:`MILP_SHARE`); the interrupt keeps the full
        deadline.
        """
        left = max(self.left() * share, 1e-3)
        highs.setOptionValue("time_limit", float(highs.getRunTime() + left))
        for event in (highs.cbSimplexInterrupt, highs.cbIpmInterrupt, highs.cbMipInterrupt):
            event.unsubscribe_by_data(_TAG)
            event.subscribe(self._interrupt, _TAG)

    def run(self, highs: highspy.Highs, share: float = 1.0) -> bool:
        """Attach (:meth:`attach`) and run ``highs`` in a thread of its own, waiting until it
        returns, or until the solve has been stopped for :data:`ABANDON_AFTER_S`.

        For HiGHS' MILP solver, which does not poll everywhere: the solve goes on (returns)
        without it. ``run()`` releases the GIL; the abandoned run stops at its next poll
        (the budget is stopped by then). Returns whether the run ended: when ``False``,
        do not touch ``highs`` again, and callbacks of the run must not report (check
        :meth:`stopped` first).
        """
        self.attach(highs, share)
        done = threading.Event()

        def target() -> None:
            try:
                highs.run()
            finally:
                done.set()

        threading.Thread(target=target, name="highs-run", daemon=True).start()
        stopped_at: float | None = None
        while not done.wait(_WAIT_S):
            if stopped_at is None:
                if self.stopped():
                    stopped_at = time.perf_counter()
            elif time.perf_counter() - stopped_at >= ABANDON_AFTER_S:
                return False
        return True

    def _interrupt(self, event: Any) -> None:
        if self.stopped():
            event.interrupt()
