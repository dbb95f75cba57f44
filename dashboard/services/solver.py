"""The server's solver processes: one :class:`~analysis.optimise.worker.SolvePool` per
server, started on first use (or by the launcher's warm-up) and stopped at exit.

Every session's exact solve and trade-off goes through :func:`submit`; the sessions share
the pool's workers (``COVERAGE_PLANNER_SOLVER_WORKERS``, default ``min(2, cores)``), so a
busy session no longer slows the others' solves through the server's GIL, and a crash in a
solve ends a worker, not the server.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.optimise.model.request import ProposalRequest
    from analysis.optimise.progress import ProgressFn
    from analysis.optimise.worker import SolveHandle, SolveOutcome, SolvePool
    from analysis.optimise.worker.protocol import SolveKind
    from analysis.standards.load import Standards
    from geodata.city import CityData

_lock = threading.Lock()
_pool: list[SolvePool] = []


def pool() -> SolvePool:
    """The server's pool (started on the first call; its workers import the solver)."""
    from analysis.optimise.worker import SolvePool

    with _lock:
        if not _pool:
            _pool.append(SolvePool())
            atexit.register(shutdown)
        return _pool[0]


def shutdown() -> None:
    """Stop the pool's workers (at the server's exit; a later :func:`pool` starts anew)."""
    with _lock:
        running = list(_pool)
        _pool.clear()
    for p in running:
        p.shutdown()


def submit(
    kind: SolveKind,
    city: CityData,
    standards: Standards,
    request: ProposalRequest,
    *,
    progress: ProgressFn,
    on_done: Callable[[SolveOutcome], None],
    base_key: str = "",
    caller_alive: Callable[[], bool] | None = None,
) -> SolveHandle:
    """Queue a solve on the server's pool (see :meth:`SolvePool.submit`).

    ``base_key``: a content key of the data set's fixed layers (its id); with it the
    workers keep the city (keyed by it and the city's points), so the next solves on the
    same plan do not send it again. ``caller_alive``: whether the session still wants the
    outcome (its browser is connected); gone for the pool's grace, the solve is cancelled.
    """
    from analysis.optimise.worker.protocol import city_key

    key = city_key(city, base_key) if base_key else ""
    return pool().submit(
        kind, city, standards, request, progress=progress, on_done=on_done, city_key=key,
        caller_alive=caller_alive,
    )  # fmt: skip
