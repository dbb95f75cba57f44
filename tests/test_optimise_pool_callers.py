"""The solver pool cancels a job whose caller is gone (a browser tab closed mid-solve),
and only that one: a job whose caller is there, or that has no caller check, runs on.

Real worker processes on the demo city. No clock decides a test: the jobs hold in their
worker (``hold:HiGHS``) until cancelled, the caller's presence is a flag the test sets,
and the waits are bounded only so that a broken pool fails instead of hanging.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.worker import SolvePool
from analysis.optimise.worker.handle import SolveHandle, cancel_orphans
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city

WAIT_S = 600.0
RELAXED = ProposalRequest(relaxed=True, method="milp", time_limit_s=300)


@pytest.fixture(scope="module")
def pool() -> Iterator[SolvePool]:
    # grace 0: a caller found gone at a check is gone for good (no clock in the test)
    with SolvePool(2, test_hooks=True, caller_grace_s=0.0) as p:
        assert p.wait_ready(WAIT_S)
        yield p


def _held(pool: SolvePool, alive: object = None) -> SolveHandle:
    reached = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("HiGHS"):
            reached.set()

    handle = pool.submit(
        "propose", load_demo_city(), load_standards(), RELAXED,
        progress=progress, hook="hold:HiGHS", caller_alive=alive,  # type: ignore[arg-type]
    )  # fmt: skip
    assert reached.wait(WAIT_S), "the solve never reached its exact stage"
    return handle


def test_a_job_whose_caller_left_is_cancelled_and_the_others_run_on(pool: SolvePool) -> None:
    here = {"gone": threading.Event(), "asked": threading.Event()}

    def gone_caller() -> bool:
        here["asked"].set()
        return not here["gone"].is_set()

    left = _held(pool, gone_caller)
    stays = _held(pool, lambda: True)
    assert here["asked"].wait(WAIT_S)  # the pool asks after the callers while they run
    assert not left.done and not stays.done
    here["gone"].set()  # the tab is closed
    outcome = left.wait(WAIT_S)
    assert outcome is not None and outcome.status == "ok"
    assert outcome.result.status == "cancelled"  # stopped by the cancel, best plan so far
    assert not stays.done  # its caller is there: it holds on
    stays.cancel()
    assert stays.wait(WAIT_S) is not None


def test_cancel_orphans_asks_only_jobs_with_a_caller_check() -> None:
    calls: list[str] = []
    cancelled: list[int] = []

    def handle(job_id: int, alive: object) -> SolveHandle:
        h = SolveHandle(job_id, "propose", None, cancel_fn=lambda h: cancelled.append(h.job_id))
        h.caller_alive = alive  # type: ignore[assignment]
        return h

    there = handle(1, lambda: calls.append("there") or True)
    gone = handle(2, lambda: calls.append("gone") and False)
    unwatched = handle(3, None)
    watched = cancel_orphans([there, gone, unwatched], grace_s=0.0)
    assert watched == [there, gone] and cancelled == [2] and calls == ["there", "gone"]
    # gone for less than its grace: asked, not cancelled
    cancelled.clear()
    late = handle(4, lambda: False)
    assert cancel_orphans([late], grace_s=3600.0) == [late] and cancelled == []
    assert late.gone_since is not None
