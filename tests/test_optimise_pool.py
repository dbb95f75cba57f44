"""The solver pool (``analysis.optimise.worker``): solves in worker processes.

Real processes, the real solver on the demo city. No clock decides a test: the cancels
are made at a known point (the worker holds at a progress message until the cancel comes,
or the job is still queued behind a held one), and every wait is bounded only so that a
broken pool fails instead of hanging.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import RuleConflictError, propose
from analysis.optimise.worker import SIZE_ENV, SolveOutcome, SolvePool, default_size
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city

#: Bound of every wait (seconds): never asserted on; generous for a loaded 2-core machine.
WAIT_S = 600.0
#: The speech's 16 points, county minimums relaxed: the demo solve of the panel's tests.
RELAXED = ProposalRequest(relaxed=True, method="milp", time_limit_s=120)


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return load_demo_city()


@pytest.fixture(scope="module")
def std():  # type: ignore[no-untyped-def]
    return load_standards()


@pytest.fixture(scope="module")
def pool() -> Iterator[SolvePool]:
    with SolvePool(2, test_hooks=True) as p:
        assert p.wait_ready(WAIT_S)
        yield p


def _done(handle) -> SolveOutcome:  # type: ignore[no-untyped-def]
    outcome = handle.wait(WAIT_S)
    assert outcome is not None, "the pool never answered"
    return outcome


def _held(pool, city, std):  # type: ignore[no-untyped-def]
    """Submit a solve that holds in its worker at the exact solve; return once it does."""
    reached = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("HiGHS"):
            reached.set()

    handle = pool.submit("propose", city, std, RELAXED, progress=progress, hook="hold:HiGHS")
    assert reached.wait(WAIT_S), "the solve never reached its exact stage"
    return handle


def _points(proposal) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(p.type, p.site_id) for p in proposal.proposed]


def test_the_pool_returns_the_plan_of_an_in_process_solve(pool, city, std) -> None:  # type: ignore[no-untyped-def]
    messages: list[tuple[float, str]] = []
    handle = pool.submit(
        "propose", city, std, RELAXED, progress=lambda f, m: messages.append((f, m))
    )
    outcome = _done(handle)
    assert outcome.status == "ok" and outcome.error is None
    here = propose(city, std, RELAXED)
    there = outcome.result
    assert _points(there) == _points(here)
    assert there.status == here.status == "optimal"
    assert there.kpis_after == here.kpis_after
    assert outcome.worker_pid in pool.pids() and outcome.worker_pid != os.getpid()
    # progress crossed the boundary, from the first stage to the end
    assert messages[0] == (0.0, "coverage before") and messages[-1] == (1.0, "done")
    assert any(m.startswith("HiGHS") for _, m in messages)
    assert handle.fraction == 1.0 and handle.message == "done"


def test_a_domain_error_crosses_the_boundary_whole(pool, city, std) -> None:  # type: ignore[no-untyped-def]
    strict = ProposalRequest(method="milp")  # the speech's numbers break a county minimum
    with pytest.raises(RuleConflictError) as here:
        propose(city, std, strict)
    outcome = _done(pool.submit("propose", city, std, strict))
    assert outcome.status == "error" and isinstance(outcome.error, RuleConflictError)
    assert outcome.error.problems == here.value.problems
    assert outcome.error.report.conflicts == here.value.report.conflicts
    assert str(outcome.error) == str(here.value)


def test_cancel_from_a_progress_message_stops_with_the_preview_plan(pool, city, std) -> None:  # type: ignore[no-untyped-def]
    """The worker holds at its first exact-solve message until the cancel arrives: the
    cancel always meets a running exact solve, whatever the machine's load."""
    handles = []

    def progress(fraction: float, message: str) -> None:
        if message.startswith("HiGHS"):
            handles[0].cancel()

    handles.append(pool.submit("propose", city, std, RELAXED, progress=progress, hook="hold:HiGHS"))
    outcome = _done(handles[0])
    # "cancelled", not "time_limit" (120 s) nor "optimal": the cancel ended it, at once
    assert outcome.status == "ok" and outcome.result.status == "cancelled"
    assert len(outcome.result.proposed) == 16  # the preview's plan


def test_a_queued_job_cancelled_never_runs(city, std) -> None:  # type: ignore[no-untyped-def]
    with SolvePool(1, test_hooks=True) as one:
        held = _held(one, city, std)
        queued = one.submit("propose", city, std, RELAXED)
        queued.cancel()
        outcome = _done(queued)
        assert outcome.status == "cancelled" and outcome.worker_pid is None
        held.cancel()
        assert _done(held).result.status == "cancelled"
        after = _done(one.submit("propose", city, std, RELAXED))  # the worker is free again
        assert after.status == "ok" and after.result.status == "optimal"


@pytest.mark.parametrize(
    ("hook", "code"),
    [("exit", "solver_crashed"), ("segfault", "solver_crashed"), ("raise", "solver_failed")],
)
def test_a_crash_is_an_error_of_its_job_only(pool, city, std, hook: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Another session's solve, running on the other worker, goes on; the next solve works."""
    assert pool.wait_ready(WAIT_S)
    other = _held(pool, city, std)
    crashed = _done(pool.submit("propose", city, std, RELAXED, hook=hook))
    assert crashed.status == "error" and isinstance(crashed.error, AnalysisError)
    assert [p.code for p in crashed.error.problems] == [code]
    assert crashed.worker_pid not in pool.pids()  # replaced
    assert len(pool.pids()) == pool.size
    assert not other.done  # still held in its own worker
    other.cancel()
    assert _done(other).result.status == "cancelled"
    assert pool.wait_ready(WAIT_S)
    after = _done(pool.submit("propose", city, std, RELAXED))
    assert after.status == "ok" and after.result.status == "optimal"


def test_test_hooks_are_refused_unless_turned_on(pool, city, std, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pool, "test_hooks", False)
    with pytest.raises(ValueError, match="test hook"):
        pool.submit("propose", city, std, RELAXED, hook="exit")


def test_shutdown_leaves_no_process_behind(city, std) -> None:  # type: ignore[no-untyped-def]
    p = SolvePool(2, test_hooks=True)
    assert p.wait_ready(WAIT_S)
    held = _held(p, city, std)  # running at shutdown
    queued = [p.submit("propose", city, std, RELAXED) for _ in range(2)]
    pids = p.pids()
    p.shutdown()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), f"worker {pid} left behind"
    assert held.done and all(q.done for q in queued)
    assert not p._listener.is_alive()
    late = _done(p.submit("propose", city, std, RELAXED))
    assert late.status == "error" and late.error.problems[0].code == "solver_unavailable"


def test_pool_size_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SIZE_ENV, "3")
    assert default_size() == 3
    monkeypatch.delenv(SIZE_ENV)
    assert default_size() == min(2, len(os.sched_getaffinity(0)))
    for bad in ("0", "two", "-1", "99"):
        monkeypatch.setenv(SIZE_ENV, bad)
        with pytest.raises(AnalysisError) as info:
            default_size()
        assert info.value.problems[0].code == "solver_workers_invalid"
