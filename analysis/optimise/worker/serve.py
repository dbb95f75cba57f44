"""The worker process: imports the solver once, then solves the tasks the pool sends.

Runs in a process started with ``spawn`` (or ``forkserver``), never ``fork``: the server it
serves has threads. Messages to the pool, over the worker's own pipe (a dead worker
cannot leave a shared queue locked):

- ``("ready", pid, import_seconds)`` once the solver modules are imported;
- ``("progress", job_id, fraction, message)`` from the solver's progress callback;
- ``("done", job_id, status, payload)``: ``status`` ``"ok"`` (payload the result),
  ``"cancelled"`` or ``"error"`` (payload a :class:`~.protocol.PackedError`);
- ``("failed", job_id, text)`` just before the worker dies of an exception that is not a
  domain error (a bug): the pool reports it and starts a new worker.

The cancel is a shared integer: the job id the pool wants stopped. The solver's cancel
hook compares it with the running job's id, so a late cancel never stops the next job.
"""

from __future__ import annotations

import importlib
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from analysis.optimise.progress import ProgressFn
from analysis.optimise.worker.protocol import Task, pack_error

#: Modules a worker imports before it says it is ready (the solve imports nothing more).
SOLVER_MODULES: tuple[str, ...] = (
    "analysis.optimise.propose",
    "analysis.optimise.tradeoff",
    "analysis.coverage.api",
)
#: Longest time a ``hold:`` test hook waits for its cancel (it never decides a test).
HOLD_MAX_S = 600.0


class SharedInt(Protocol):
    """A ``multiprocessing`` shared integer (``RawValue("q")``)."""

    value: int


def serve(conn: Connection, cancel_id: SharedInt) -> None:
    """Worker main loop: import the solver, say ready, solve tasks until told to stop.

    Parameters
    ----------
    conn
        The worker's end of its pipe to the pool.
    cancel_id
        The id of the job the pool asks to stop (0: none).
    """
    # Ctrl+C in the server's terminal reaches the whole process group: the server stops
    # its workers itself, they should not die mid-message with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.perf_counter()
    for name in SOLVER_MODULES:
        importlib.import_module(name)
    conn.send(("ready", os.getpid(), time.perf_counter() - started))
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the server is gone
            return
        if message[0] == "stop":
            return
        task: Task = message[1]
        try:
            reply = _solve(task, conn, cancel_id)
        except BaseException as exc:
            # Not a domain error: a bug. Say what it was, then die (and print the
            # traceback): the pool reports the failure and starts a fresh worker.
            conn.send(("failed", task.job_id, f"{type(exc).__name__}: {exc}"))
            raise
        conn.send(reply)


def _solve(task: Task, conn: Connection, cancel_id: SharedInt) -> tuple:
    from analysis.errors import AnalysisError
    from analysis.optimise.progress import SolveCancelled
    from geodata.errors import GeodataError

    job_id = task.job_id

    def progress(fraction: float, message: str) -> None:
        conn.send(("progress", job_id, float(fraction), str(message)))

    def cancel() -> bool:
        return bool(cancel_id.value == job_id)

    report: ProgressFn = progress
    if task.hook:  # only a pool made with test_hooks=True sends one
        report = _act_out(task.hook, progress, cancel)
    # Looked up when the job starts, by module: what a test patches in the worker is used.
    if task.kind == "tradeoff":
        solve = importlib.import_module("analysis.optimise.tradeoff").propose_tradeoff
    else:
        solve = importlib.import_module("analysis.optimise.propose").propose
    try:
        result: Any = solve(task.city, task.standards, task.request, progress=report, cancel=cancel)
    except SolveCancelled:
        return ("done", job_id, "cancelled", None)
    except (AnalysisError, GeodataError) as exc:
        return ("done", job_id, "error", pack_error(exc))
    return ("done", job_id, "ok", result)


def _act_out(hook: str, progress: ProgressFn, cancel: Callable[[], bool]) -> ProgressFn:
    """A test-only fault: now (``raise``, ``exit``, ``segfault``) or at a progress message."""
    if hook == "raise":
        raise RuntimeError("test hook: an exception in the solve")
    if hook == "exit":
        os._exit(3)
    if hook == "segfault":
        import ctypes

        ctypes.string_at(0)  # reads address 0: SIGSEGV
    if not hook.startswith("hold:"):
        raise ValueError(f"unknown test hook {hook!r}")
    prefix, held = hook[len("hold:") :], [False]

    def hold(fraction: float, message: str) -> None:
        progress(fraction, message)
        if not held[0] and message.startswith(prefix):
            held[0] = True
            deadline = time.monotonic() + HOLD_MAX_S
            while not cancel() and time.monotonic() < deadline:
                time.sleep(0.01)

    return hold
