"""A small pool of solver processes with progress, cancel and crash recovery.

The pool starts ``size`` worker processes (``python -m analysis.optimise.worker``,
:mod:`analysis.optimise.worker.serve`) that import the solver once and then wait for tasks;
each has two pipes of its own (a dead worker cannot leave a shared queue locked).
:meth:`SolvePool.submit` queues a solve and returns a :class:`SolveHandle` at once; a
listener thread of the pool receives the workers' progress and results and calls the
handle's callbacks. A worker that dies (an
exception that is not a domain error, ``os._exit``, a segfault) ends only its own job, with
an :class:`~analysis.errors.AnalysisError` coded ``solver_crashed`` or ``solver_failed``;
the pool starts a new worker in its place and the other jobs go on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any

from analysis.errors import AnalysisError
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import ProgressFn
from analysis.optimise.worker.handle import SolveHandle, cancel_orphans
from analysis.optimise.worker.protocol import (
    HOOKS,
    KINDS,
    SolveKind,
    SolveOutcome,
    Task,
    crash_error,
    load_message,
    unpack_error,
)
from analysis.optimise.worker.settings import (
    CALLER_CHECK_S,
    CALLER_GRACE_S,
    CITY_CACHE,
    MAX_FAILED_STARTS,
    default_size,
)
from analysis.standards.load import Standards
from geodata.city import CityData
from geodata.errors import Problem

_LOG = logging.getLogger(__name__)


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: Connection  # to the worker
    conn: Connection  # from the worker
    ready: bool = False
    job: SolveHandle | None = None
    failure: str = ""
    started: float = field(default_factory=time.perf_counter)
    #: Content keys of the cities the worker keeps, oldest first (its own record's twin).
    cities: OrderedDict[str, None] = field(default_factory=OrderedDict)


class SolvePool:
    """Solver processes for the server's sessions.

    Parameters
    ----------
    size
        Number of worker processes (default :func:`default_size`).
    test_hooks
        Let :meth:`submit` pass a test-only ``hook`` (:data:`~.protocol.HOOKS`) to the
        worker; off in the product.
    caller_grace_s
        A job whose ``caller_alive`` says its caller is gone this long is cancelled
        (:data:`~.settings.CALLER_GRACE_S`).
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        test_hooks: bool = False,
        caller_grace_s: float = CALLER_GRACE_S,
    ) -> None:
        self.size = default_size() if size is None else int(size)
        if self.size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self.test_hooks = test_hooks
        self.caller_grace_s = float(caller_grace_s)
        #: Seconds from starting each worker process to its "ready" (solver imported).
        self.start_seconds: list[float] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._queue: deque[SolveHandle] = deque()
        self._workers: list[_Worker] = []
        self._closed = False
        self._broken: str = ""
        self._failed_starts = 0
        self._wake_r, self._wake_w = Pipe(duplex=False)
        with self._lock:
            for _ in range(self.size):
                self._start_worker()
        self._listener = threading.Thread(target=self._listen, name="solver-pool", daemon=True)
        self._listener.start()

    # --- the public side ------------------------------------------------------------

    def submit(
        self,
        kind: SolveKind,
        city: CityData,
        standards: Standards,
        request: ProposalRequest,
        *,
        progress: ProgressFn | None = None,
        on_done: Callable[[SolveOutcome], None] | None = None,
        hook: str | None = None,
        city_key: str = "",
        caller_alive: Callable[[], bool] | None = None,
    ) -> SolveHandle:
        """Queue a solve; return its handle at once.

        Parameters
        ----------
        kind
            ``"propose"`` or ``"tradeoff"``.
        city, standards, request
            As for :func:`analysis.optimise.propose.propose` (sent to the worker).
        progress, on_done
            Called from the pool's thread with each progress message and the outcome.
        hook
            Test-only fault (needs ``test_hooks``).
        city_key
            Content key of ``city`` (:func:`~.protocol.city_key`): a worker that has it
            already is sent only the key. ``""``: sent every time.
        caller_alive
            Whether the caller still wants the outcome (asked from the pool's thread every
            :data:`~.settings.CALLER_CHECK_S`); gone for ``caller_grace_s``, the job is
            cancelled. None: never asked.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if hook is not None and not (self.test_hooks and hook.startswith(HOOKS)):
            raise ValueError(f"test hook {hook!r} refused: the pool's test hooks are off")
        job_id = next(self._ids)
        task = Task(job_id, kind, city, standards, request, hook, city_key)
        handle = SolveHandle(job_id, kind, task, progress, on_done, cancel_fn=self._cancel)
        handle.city, handle.caller_alive = city, caller_alive
        with self._lock:
            refused = self._closed or bool(self._broken)
            if not refused:
                self._queue.append(handle)
                self._dispatch()
        if caller_alive is not None and not refused:
            self._wake_w.send(None)  # the listener starts asking after the callers
        if refused:
            self._finish(handle, SolveOutcome("error", error=self._closed_error()))
        return handle

    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        with self._lock:
            return [int(w.process.pid or 0) for w in self._workers]

    def wait_ready(self, timeout_s: float | None = None) -> bool:
        """Block until every worker has imported the solver (or ``timeout_s`` passed)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            with self._lock:
                if self._workers and all(w.ready for w in self._workers):
                    return True
                if self._closed or self._broken:
                    return False
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Stop every worker (running solves are cancelled) and the listener; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            queued, self._queue = list(self._queue), deque()
            workers = list(self._workers)
            for w in workers:
                with contextlib.suppress(OSError):  # already dead
                    if w.job is not None:
                        w.inbox.send(("cancel", w.job.job_id))
                    w.inbox.send(("stop",))
        self._wake_w.send(None)
        self._listener.join(timeout_s)
        deadline = time.monotonic() + timeout_s
        for w in workers:
            # A worker finishing its (cancelled) job writes its result before it reads
            # "stop": read and drop it, or a result larger than the pipe blocks it.
            while w.process.poll() is None and time.monotonic() < deadline:
                with contextlib.suppress(EOFError, OSError):
                    if w.conn.poll(0.05):
                        w.conn.recv_bytes()  # dropped unread
            if w.process.poll() is None:
                w.process.kill()
            w.process.wait()
            w.inbox.close()
            w.conn.close()
        with self._lock:
            running = [w.job for w in self._workers if w.job is not None]
            self._workers = []
        for handle in queued + running:
            self._finish(handle, SolveOutcome("cancelled"))
        self._wake_r.close()
        self._wake_w.close()

    def __enter__(self) -> SolvePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # --- the workers ---------------------------------------------------------------

    def _start_worker(self) -> None:
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "analysis.optimise.worker", str(to_r), str(from_w)],
                pass_fds=(to_r, from_w),
                stdin=subprocess.DEVNULL,
            )
        except OSError:
            for fd in (to_r, to_w, from_r, from_w):
                os.close(fd)
            raise
        finally:
            with contextlib.suppress(OSError):  # the worker's ends are the worker's
                os.close(to_r)
                os.close(from_w)
        inbox, conn = Connection(to_w, readable=False), Connection(from_r, writable=False)
        self._workers.append(_Worker(process, inbox, conn))

    def _dispatch(self) -> None:
        """Send queued jobs to idle ready workers (call with the lock held)."""
        for w in self._workers:
            if not self._queue:
                return
            if not w.ready or w.job is not None:
                continue
            handle = self._queue.popleft()
            w.job = handle
            handle.dispatched = time.monotonic()
            handle.worker_pid = w.process.pid
            task = handle.task
            assert task is not None  # a queued job still has its task
            key = task.city_key
            if key and key in w.cities:
                task = dataclasses.replace(task, city=None)  # the worker has it
            try:
                w.inbox.send(("solve", task))
            except OSError:  # died just now: the listener replaces it, the job waits
                w.job = None
                self._queue.appendleft(handle)
                continue
            if key:  # the same rule as the worker's (serve.remember_city)
                w.cities[key] = None
                w.cities.move_to_end(key)
                while len(w.cities) > CITY_CACHE:
                    w.cities.popitem(last=False)
            handle.task = None

    def _cancel(self, handle: SolveHandle) -> None:
        with self._lock:
            handle.cancel_requested = True
            if handle in self._queue:
                self._queue.remove(handle)
                queued = True
            else:
                queued = False
                for w in self._workers:
                    if w.job is handle:
                        with contextlib.suppress(OSError):  # died: its job ends anyway
                            w.inbox.send(("cancel", handle.job_id))
        if queued:
            self._finish(handle, SolveOutcome("cancelled"))

    def _finish(self, handle: SolveHandle, outcome: SolveOutcome) -> None:
        now = time.monotonic()
        started = handle.dispatched if handle.dispatched is not None else now
        timed = SolveOutcome(
            outcome.status, outcome.result, outcome.error, handle.worker_pid,
            started - handle.submitted, now - handle.submitted, outcome.cpu_s,
        )  # fmt: skip
        if handle.resolve(timed) and handle.on_done is not None:
            handle.on_done(timed)

    def _closed_error(self) -> AnalysisError:
        reason = self._broken or "the solver pool is shut down"
        return AnalysisError(
            [Problem("solver_unavailable", f"No solver process can run the solve: {reason}.")]
        )

    # --- the listener thread ----------------------------------------------------------

    def _listen(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                workers = list(self._workers)
                jobs = [*self._queue, *(w.job for w in workers if w.job is not None)]
            watched = cancel_orphans(jobs, self.caller_grace_s)
            timeout = CALLER_CHECK_S if watched else None
            # A worker's pipe ends (EOF) when it dies, after its last words ("failed").
            for obj in wait([self._wake_r, *(w.conn for w in workers)], timeout):
                if obj is self._wake_r:
                    while self._wake_r.poll():
                        self._wake_r.recv()
                else:
                    self._receive(next(w for w in workers if w.conn is obj))

    def _receive(self, w: _Worker) -> None:
        try:
            data = w.conn.recv_bytes()
        except (EOFError, OSError):
            self._died(w)
            return
        job = w.job
        # A result refers to the layers of its job's city: resolved to the server's copy.
        self._handle(w, load_message(data, job.city if job is not None else None))

    def _handle(self, w: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            with self._lock:
                w.ready = True
                self._failed_starts = 0
                self.start_seconds.append(time.perf_counter() - w.started)
                self._dispatch()
            return
        handle = w.job
        if handle is None or handle.job_id != message[1]:
            return  # a job that was already ended
        if kind == "progress":
            handle.fraction, handle.message = message[2], message[3]
            if handle.progress_fn is not None:
                handle.progress_fn(message[2], message[3])
        elif kind == "failed":
            w.failure = str(message[2])
        elif kind == "done":
            status, payload, cpu_s = message[2], message[3], float(message[4])
            with self._lock:
                w.job = None
                self._dispatch()
            if status == "error":
                self._finish(
                    handle, SolveOutcome("error", error=unpack_error(payload), cpu_s=cpu_s)
                )
            else:
                self._finish(handle, SolveOutcome(status, result=payload, cpu_s=cpu_s))

    def _died(self, w: _Worker) -> None:
        """A worker ended: end its job with an error, start another in its place."""
        with self._lock:
            if w not in self._workers:
                return
            self._workers.remove(w)
            try:
                code: int | None = w.process.wait(5.0)
            except subprocess.TimeoutExpired:  # closed its pipe but lives on: end it
                w.process.kill()
                code = w.process.wait()
            w.inbox.close()
            w.conn.close()
            handle, w.job = w.job, None
            queued: list[SolveHandle] = []
            if not self._closed:
                self._failed_starts += 0 if w.ready else 1
                try:
                    if self._failed_starts >= MAX_FAILED_STARTS:
                        raise OSError(f"{MAX_FAILED_STARTS} workers in a row died before ready")
                    self._start_worker()
                except OSError as exc:
                    self._broken = str(exc)
                    queued, self._queue = list(self._queue), deque()
        if handle is not None:
            _LOG.error("solver worker %s ended (exit code %s) %s", w.process.pid, code, w.failure)
            self._finish(handle, SolveOutcome("error", error=crash_error(code, w.failure)))
        for job in queued:
            self._finish(job, SolveOutcome("error", error=self._closed_error()))
