"""The worker process: imports the solver once, then solves the tasks the pool sends.

Started by the pool as ``python -m analysis.optimise.worker IN OUT`` (a fresh interpreter,
not ``multiprocessing``: a process started by ``multiprocessing`` re-runs the parent's
``__main__``, which in a Streamlit server is the app's page script). ``IN`` and ``OUT`` are
the file descriptors of its two pipes.

From the pool (read by a thread, so a cancel arrives while the solver works):
``("solve", task)``, ``("cancel", job_id)``, ``("stop",)``. To the pool:

- ``("ready", pid, import_seconds)`` once the solver modules are imported;
- ``("progress", job_id, fraction, message)`` from the solver's progress callback;
- ``("done", job_id, status, payload, cpu_seconds)``: ``status`` ``"ok"`` (payload the
  result), ``"cancelled"`` or ``"error"`` (payload a :class:`~.protocol.PackedError`),
  pickled by :func:`~.protocol.dump_message` (the solve's city and its layers sent as
  references, resolved by the pool to its own copy);
- ``("failed", job_id, text)`` just before the worker dies of an exception that is not a
  domain error (a bug): the pool reports it and starts a new worker.

A worker keeps the last :data:`CITY_CACHE` cities it was sent, by content key
(:func:`~.protocol.city_key`): the pool sends a city once per worker, then only its key
(the pool keeps the same record of what each worker holds). A cancel names its job id,
and the solver's cancel hook compares it with the running job's id, so a late cancel
never stops the next job. When the server goes away (its end of the
pipe closes) the running solve is cancelled and the worker exits.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import queue
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from analysis.optimise.progress import ProgressFn
from analysis.optimise.worker.protocol import Task, dump_message, pack_error
from analysis.optimise.worker.settings import CITY_CACHE

#: Modules a worker imports before it says it is ready (the solve imports nothing more).
SOLVER_MODULES: tuple[str, ...] = (
    "analysis.optimise.propose",
    "analysis.optimise.tradeoff",
    "analysis.coverage.api",
)
#: Longest time a ``hold:`` test hook waits for its cancel (it never decides a test).
HOLD_MAX_S = 600.0


@dataclass
class _Cancel:
    """The job the pool asked to stop, and the job running (0: none)."""

    job_id: int = 0
    running: int = 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m analysis.optimise.worker IN_FD OUT_FD``."""
    args = sys.argv[1:] if argv is None else argv
    serve(Connection(int(args[0]), writable=False), Connection(int(args[1]), readable=False))
    return 0


def serve(inbox: Connection, outbox: Connection) -> None:
    """Import the solver, say ready, solve tasks until told to stop (or the server is gone).

    Parameters
    ----------
    inbox, outbox
        The worker's ends of its pipes from and to the pool.
    """
    # Ctrl+C in the server's terminal reaches the whole process group: the server stops
    # its workers itself, they should not die mid-message with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.perf_counter()
    for name in SOLVER_MODULES:
        importlib.import_module(name)
    cancel = _Cancel()
    cities: OrderedDict[str, Any] = OrderedDict()
    tasks: queue.Queue[Task | None] = queue.Queue()
    threading.Thread(target=_read, args=(inbox, tasks, cancel), daemon=True).start()
    outbox.send(("ready", os.getpid(), time.perf_counter() - started))
    while (task := tasks.get()) is not None:
        cancel.running = task.job_id
        try:
            city = remember_city(cities, task)
            reply = _solve(task, city, outbox, cancel)
        except BaseException as exc:
            # Not a domain error: a bug. Say what it was, then die (and print the
            # traceback): the pool reports the failure and starts a fresh worker.
            with contextlib.suppress(OSError):
                outbox.send(("failed", task.job_id, f"{type(exc).__name__}: {exc}"))
            raise
        cancel.running = 0
        try:
            outbox.send_bytes(dump_message(reply, city))
        except BrokenPipeError:  # the server is gone
            return


def remember_city(cities: OrderedDict[str, Any], task: Task) -> Any:
    """The city of ``task``: sent with it (then kept under its key, the oldest of more
    than :data:`CITY_CACHE` dropped) or kept from an earlier task (the pool keeps the
    same record, :meth:`SolvePool._dispatch`, so it never sends a key alone for a city
    this worker dropped)."""
    key = task.city_key
    if task.city is not None:
        if key:
            cities[key] = task.city
            cities.move_to_end(key)
            while len(cities) > CITY_CACHE:
                cities.popitem(last=False)
        return task.city
    cities.move_to_end(key)  # KeyError: the pool's record and the worker's differ (a bug)
    return cities[key]


def _read(inbox: Connection, tasks: queue.Queue[Task | None], cancel: _Cancel) -> None:
    """Read the pool's messages (a thread: a cancel must arrive during a solve)."""
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):  # the server is gone: stop the solve, then exit
            cancel.job_id = cancel.running
            tasks.put(None)
            return
        if message[0] == "solve":
            tasks.put(message[1])
        elif message[0] == "cancel":
            cancel.job_id = int(message[1])
        elif message[0] == "stop":
            tasks.put(None)
            return


def _solve(task: Task, city: Any, outbox: Connection, state: _Cancel) -> tuple[Any, ...]:
    from analysis.errors import AnalysisError
    from analysis.optimise.progress import SolveCancelled
    from geodata.errors import GeodataError

    job_id = task.job_id

    def progress(fraction: float, message: str) -> None:
        outbox.send(("progress", job_id, float(fraction), str(message)))

    def cancel() -> bool:
        return state.job_id == job_id

    cpu = time.process_time()
    report: ProgressFn = progress
    if task.hook:  # only a pool made with test_hooks=True sends one
        report = _act_out(task.hook, progress, cancel)
    # Looked up when the job starts, by module: what a test patches in the worker is used.
    if task.kind == "tradeoff":
        solve = importlib.import_module("analysis.optimise.tradeoff").propose_tradeoff
    else:
        solve = importlib.import_module("analysis.optimise.propose").propose
    try:
        result = solve(city, task.standards, task.request, progress=report, cancel=cancel)
    except SolveCancelled:
        return ("done", job_id, "cancelled", None, time.process_time() - cpu)
    except (AnalysisError, GeodataError) as exc:
        return ("done", job_id, "error", pack_error(exc), time.process_time() - cpu)
    return ("done", job_id, "ok", result, time.process_time() - cpu)


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
