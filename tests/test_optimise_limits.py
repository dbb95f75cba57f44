"""The time limit and the cancel reach every HiGHS call of a request, by steps not by a clock.

The request (preview, then the exact solve: :func:`analysis.optimise.propose.solve_reduced`)
runs on instances that take column generation and the branch and bound naturally
(:func:`tests.support.optimise_problems.clustered_problem`). Its clock is injected and
advances only inside HiGHS (each ``run()`` costs :data:`STEP` seconds of it), so the limit
falls at a known HiGHS call, every run and every machine alike. Checked: every HiGHS call is
given at most the time the request has left, none starts once the deadline has passed or the
cancel is set, and the stopped solve still returns a plan that keeps the rules with a proven
bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pytest

from analysis.optimise.exact import search
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.heuristics import preview
from analysis.optimise.model.problem import CoverageProblem, Solution
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import CancelLike
from analysis.optimise.propose import solve_reduced
from tests.support.optimise_problems import clustered_problem

#: Seconds of the injected clock one HiGHS ``run()`` takes: so many that HiGHS, given
#: the injected time left as real seconds, never meets its own limit first.
STEP = 100.0
#: A preview that is not optimal: the exact solve goes through its trees (a search over
#: the restricted master, then the proof tree).
SEED = 4
#: Stages, by the function that starts them: the preview's column generation, the trees.
STAGES = {"preview LP": (preview, "lp_bound"), "tree": (search, "branch_and_bound")}


@dataclass
class HighsLog:
    """The injected clock, and every HiGHS run: when it started and the time it was given."""

    now: float = 0.0
    starts: list[float] = field(default_factory=list)
    given: list[float] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=dict)

    def clock(self) -> float:
        return self.now


@pytest.fixture
def highs_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[HighsLog]:
    log = HighsLog()
    original = highspy.Highs.run

    def run(self: highspy.Highs) -> highspy.HighsStatus:
        limit = self.getOptionValue("time_limit")
        limit = limit[1] if isinstance(limit, tuple) else limit  # highspy >= 1.16: (status, v)
        log.starts.append(log.now)
        log.given.append(float(limit) - self.getRunTime())
        out = original(self)
        log.now += STEP
        return out

    monkeypatch.setattr(highspy.Highs, "run", run)
    for stage, (module, name) in STAGES.items():
        monkeypatch.setattr(module, name, _marking(log, stage, getattr(module, name)))
    yield log


def _marking(log: HighsLog, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def marked(*args: Any, **kwargs: Any) -> Any:
        log.stages.setdefault(stage, len(log.starts))
        return fn(*args, **kwargs)

    return marked


def _problem() -> CoverageProblem:
    return reduce_rows(clustered_problem(SEED))[0]


def _solve(log: HighsLog, limit_s: float, cancel: CancelLike = None) -> Solution:
    request = ProposalRequest(counts={}, time_limit_s=limit_s)
    return solve_reduced(_problem(), request, cancel=cancel, clock=log.clock)


def _stage_run(log: HighsLog, stage: str) -> int:
    """Index of the first HiGHS run of ``stage`` in an unlimited solve (the same every run);
    ``log`` is emptied afterwards."""
    sol = solve_reduced(_problem(), ProposalRequest(counts={}, time_limit_s=1e6))
    assert sol.status == "optimal"
    assert stage in log.stages, f"the instance no longer takes the {stage!r} path"
    k = log.stages[stage]
    log.now, log.starts, log.given, log.stages = 0.0, [], [], {}
    return k


def _optimum() -> float:
    return solve_milp(_problem(), reduce_columns=False, time_limit_s=120).objective


def _check_given(log: HighsLog, deadline: float) -> None:
    for start, given in zip(log.starts, log.given, strict=True):
        assert start < deadline  # no HiGHS call once the time is up
        assert given <= deadline - start + 1e-6  # and none given more than the time left


@pytest.mark.parametrize(
    ("stage", "after"),
    [("preview LP", 1), ("tree", 0), ("tree", 2), ("tree", 9), ("tree", 30)],
)
def test_every_highs_call_gets_at_most_the_time_left(
    highs_log: HighsLog, stage: str, after: int
) -> None:
    # the deadline falls inside the ``after``-th HiGHS run of the stage
    k = _stage_run(highs_log, stage) + after
    limit = (k + 0.5) * STEP
    sol = _solve(highs_log, limit)
    assert sol.status == "time_limit"
    _check_given(highs_log, limit)
    assert len(highs_log.starts) == k + 1  # stopped inside the run the deadline fell in
    p = _problem()
    assert not p.violations(sol.columns)
    assert sol.objective <= _optimum() + 1e-6 <= sol.bound + 2e-6
    if stage == "tree":
        # the column-generation LP was solved: the gap shown is a proven one
        assert np.isfinite(sol.bound) and sol.gap < 0.1


def test_a_limit_spent_by_the_preview_leaves_no_exact_solve(highs_log: HighsLog) -> None:
    # the preview's column generation meets the deadline: the exact solve does not start
    # (it used to round the LP, search swaps and solve the LP again, all past the limit)
    k = _stage_run(highs_log, "preview LP")
    limit = (k + 0.5) * STEP  # inside the preview's first LP
    sol = _solve(highs_log, limit)
    assert sol.status == "time_limit"
    assert len(highs_log.starts) == k + 1
    _check_given(highs_log, limit)
    assert not _problem().violations(sol.columns)


@pytest.mark.parametrize("after", [0, 3, 12])
def test_a_cancel_stops_the_tree_within_the_highs_call_it_falls_in(
    highs_log: HighsLog, after: int
) -> None:
    # the cancel is set as the ``after``-th HiGHS run of the branch and bound starts: that
    # run is interrupted and no further HiGHS call is made (strong branching included)
    k = _stage_run(highs_log, "tree") + after
    cancel: Callable[[], bool] = lambda: len(highs_log.starts) > k  # noqa: E731
    sol = _solve(highs_log, 1e6, cancel=cancel)
    assert sol.status == "cancelled"
    assert len(highs_log.starts) == k + 1
    p = _problem()
    assert not p.violations(sol.columns)
    assert sol.objective <= _optimum() + 1e-6 <= sol.bound + 2e-6
    assert np.isfinite(sol.bound)


class _Event:
    def subscribe(self, fn: Callable[..., Any], tag: object = None) -> None:
        pass

    def unsubscribe_by_data(self, tag: object) -> None:
        pass


class _SilentHighs:
    """A HiGHS that polls nothing until the test lets it return (its MILP setup)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.cbSimplexInterrupt = self.cbIpmInterrupt = self.cbMipInterrupt = _Event()

    def setOptionValue(self, name: str, value: object) -> None:  # noqa: N802 (HiGHS API)
        pass

    def getRunTime(self) -> float:  # noqa: N802 (HiGHS API)
        return 0.0

    def run(self) -> None:
        self.release.wait()


def test_a_cancel_does_not_wait_for_a_highs_run_that_does_not_poll() -> None:
    # HiGHS' MILP solver polls neither the interrupt nor its limit in its setup: the
    # solve goes on without the run once it is stopped (the run ends only when the test
    # lets it, after the budget has given up on it: no race)
    stop = threading.Event()
    stop.set()
    highs = _SilentHighs()
    try:
        assert not Budget(1e6, stop).run(highs)  # type: ignore[arg-type]
        assert not highs.release.is_set()
    finally:
        highs.release.set()
    ended = _SilentHighs()
    ended.release.set()
    assert Budget(1e6).run(ended)  # type: ignore[arg-type]
