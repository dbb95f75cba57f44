"""Hold a running solve at a known point, so a test cancels it without racing the clock.

Every stage of the optimiser reports through the documented ``progress(fraction, message)``
callback (:mod:`analysis.optimise.progress`), from the thread that solves. A
:class:`SolveHold` wraps that callback: the first report whose message starts with
:attr:`SolveHold.at` (``"HiGHS"``: the exact solve has begun, the preview plan exists) sets
:attr:`SolveHold.reached` and blocks the solver's thread until the test calls
:meth:`SolveHold.release`. The test presses cancel in between, so the solver always meets
the cancel at the same point of the same solve, however loaded the machine is.

The product has no test-only path: the hold is an ordinary progress callback, put in by
:meth:`SolveHold.wrap` (a direct call) or :meth:`SolveHold.patch_propose` (a thread that
looks ``propose`` up when it starts a solve). A solve in the dashboard's solver pool
(:meth:`SolveHold.patch_pool`) runs in another process: there the worker holds itself at
the message (the pool's test-only ``hold:`` hook, refused unless the pool's
``test_hooks`` is on) until the job is cancelled, and the server's side of the progress
callback is held as above.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from analysis.optimise.progress import ProgressFn

#: Bound of every wait (seconds): it only stops a broken test from hanging, it is never
#: what a test asserts on. Generous: the demo city's preview on a loaded 2-core machine.
WAIT_S = 600.0


@dataclass
class SolveHold:
    """A progress callback that stops the solver at the first message starting with ``at``.

    Parameters
    ----------
    at
        Start of the progress message to stop at (``"HiGHS"``: the exact solve).
    """

    at: str = "HiGHS"
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    messages: list[str] = field(default_factory=list)

    def wrap(self, progress: ProgressFn | None = None) -> ProgressFn:
        """Return ``progress`` (if any) with the hold in front of it."""

        def held(fraction: float, message: str) -> None:
            self.messages.append(message)
            if progress is not None:
                progress(fraction, message)
            if message.startswith(self.at) and not self.reached.is_set():
                self.reached.set()
                if not self.released.wait(WAIT_S):
                    raise AssertionError(f"the solve was held {WAIT_S:.0f} s and never released")

        return held

    def wait_reached(self) -> None:
        """Block the test until the solver stands at the hold (fail if it never gets there)."""
        assert self.reached.wait(WAIT_S), f"no progress message {self.at!r}: {self.messages}"

    def release(self) -> None:
        """Let the held solver go on."""
        self.released.set()

    def patch_propose(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Hold every ``analysis.optimise.propose.propose`` started while the patch lasts."""
        # by its full name: the package's attribute ``propose`` is the function, not the module
        module = importlib.import_module("analysis.optimise.propose")
        real: Callable[..., Any] = module.propose

        def propose(*args: Any, progress: ProgressFn | None = None, **kwargs: Any) -> Any:
            return real(*args, progress=self.wrap(progress), **kwargs)

        monkeypatch.setattr(module, "propose", propose)

    def patch_pool(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Hold every solve the dashboard submits to its solver pool while the patch lasts.

        The worker stops at the first message starting with :attr:`at` until the job is
        cancelled; the message reaching the server sets :attr:`reached` (and holds the
        pool's listener until :meth:`release`).
        """
        module = importlib.import_module("dashboard.services.solver")
        monkeypatch.setattr(module.pool(), "test_hooks", True)
        real: Callable[..., Any] = module.pool().submit

        def submit(*args: Any, progress: ProgressFn | None = None, **kwargs: Any) -> Any:
            return real(*args, progress=self.wrap(progress), hook=f"hold:{self.at}", **kwargs)

        monkeypatch.setattr(module.pool(), "submit", submit)
