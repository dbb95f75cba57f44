"""The exact solve against plain HiGHS on instances large enough for its own path.

The instances (:func:`tests.support.optimise_problems.clustered_problem`, 480 columns) take
column generation, reduced-cost fixing and the branch and bound naturally (no threshold
lowered): the progress messages show it. Cancel and time limit are triggered at a known
step (from the progress callback, or by a clock the test controls), never by racing the
solver, and every stopped solve must still return a plan that keeps the rules and a bound
no smaller than the true optimum.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from analysis.optimise.exact import milp
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import build_arrays, max_met_units, met_units_of
from analysis.optimise.heuristics.preview import preview_with_lp
from analysis.optimise.model.problem import CoverageProblem, Solution
from analysis.optimise.model.reduce import reduce_rows
from tests.support.optimise_problems import clustered_problem

#: Seeds whose preview is not optimal, so the tree has work to do.
TREE_SEEDS = (0, 1, 4)


def _problem(seed: int, relaxed: bool = False) -> CoverageProblem:
    p = reduce_rows(clustered_problem(seed, must_cover=1 if relaxed else 0))[0]
    if relaxed:  # more minimums than points of the type: some must stay unmet
        minimum = p.minimum_new.copy()
        minimum[:, 0] = 3
        p = CoverageProblem(**{**p.__dict__, "minimum_new": minimum})
    return p


def _feasible(p: CoverageProblem, sol: Solution, relaxed: bool) -> bool:
    if not relaxed:
        return not p.violations(sol.columns)
    met = max_met_units(p)
    arrays = build_arrays(p, True, met_units=met)
    kept = not p.violations(sol.columns, rules=False)
    return kept and met is not None and met_units_of(arrays, p.n_columns, sol.columns) >= met


def _ours(
    p: CoverageProblem, relaxed: bool, **kwargs: object
) -> tuple[Solution, Solution, list[str]]:
    messages: list[str] = []
    preview, lp = preview_with_lp(p, relaxed=relaxed)
    progress = kwargs.pop("progress", None)

    def record(fraction: float, message: str) -> None:
        messages.append(message)
        if callable(progress):
            progress(fraction, message)

    sol = solve_milp(
        p, warm_start=preview, lp=lp, relaxed=relaxed, progress=record,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return preview, sol, messages


@pytest.mark.parametrize("seed", TREE_SEEDS)
@pytest.mark.parametrize("relaxed", [False, True])
def test_exact_path_equals_plain_highs(seed: int, relaxed: bool) -> None:
    p = _problem(seed, relaxed)
    assert p.n_columns > milp.REDUCE_ABOVE_COLUMNS
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=120)
    _, ours, messages = _ours(p, relaxed, time_limit_s=120)
    assert plain.status == ours.status == "optimal"
    assert ours.objective == pytest.approx(plain.objective, rel=1e-6)
    assert ours.bound >= ours.objective and ours.gap <= 1e-6
    assert ours.objective == pytest.approx(p.objective(ours.columns))
    assert _feasible(p, ours, relaxed)
    assert any(m.startswith("HiGHS: LP bound by column generation") for m in messages)


def test_the_family_takes_the_branch_and_bound_naturally() -> None:
    trees = 0
    for seed in TREE_SEEDS:
        _, _, messages = _ours(_problem(seed), False, time_limit_s=120)
        trees += any("branch and bound over" in m for m in messages)
    assert trees == len(TREE_SEEDS)


def _cancel_at(prefix: str, stop: threading.Event) -> Callable[[float, str], None]:
    def progress(fraction: float, message: str) -> None:
        if message.startswith(prefix):
            stop.set()

    return progress


@pytest.mark.parametrize("relaxed", [False, True])
def test_cancel_at_the_tree_returns_the_best_plan_and_a_true_bound(relaxed: bool) -> None:
    p = _problem(TREE_SEEDS[0], relaxed)
    optimum = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=120).objective
    stop = threading.Event()
    preview, sol, _ = _ours(
        p, relaxed, cancel=stop, time_limit_s=120,
        progress=_cancel_at("HiGHS: branch and bound", stop),
    )  # fmt: skip
    assert sol.status == "cancelled"
    assert _feasible(p, sol, relaxed)
    assert sol.objective >= preview.objective - 1e-9  # the best plan so far
    assert sol.objective <= optimum + 1e-6 <= sol.bound + 2e-6


def test_cancel_during_column_generation_does_not_fall_back_to_the_full_milp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = _problem(TREE_SEEDS[1])
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=120).objective
    preview, _ = preview_with_lp(p)
    full_milp: list[int] = []
    original = milp._solve

    def spy(*args: object, **kwargs: object) -> Solution:
        full_milp.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(milp, "_solve", spy)
    stop = threading.Event()
    sol = solve_milp(
        p, warm_start=preview, cancel=stop, time_limit_s=120,
        progress=_cancel_at("HiGHS: LP bound by column generation", stop),
    )  # fmt: skip
    assert sol.status == "cancelled" and not full_milp
    assert np.array_equal(sol.columns, np.sort(preview.columns))
    assert sol.objective <= optimum + 1e-6 <= sol.bound + 2e-6


def test_cancel_inside_a_highs_run_is_honoured() -> None:
    # the cancel turns true at the 30th poll: the HiGHS interrupt callbacks poll it every
    # simplex iteration, so the solve stops inside an LP, not at the end of a stage
    p = _problem(TREE_SEEDS[2])
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=120).objective
    preview, _ = preview_with_lp(p)
    polls = iter(range(10**9))
    sol = solve_milp(p, warm_start=preview, cancel=lambda: next(polls) >= 30, time_limit_s=120)
    assert next(polls) < 100  # stopped right after the 30th poll
    assert sol.status == "cancelled"
    assert not p.violations(sol.columns)
    assert sol.objective <= optimum + 1e-6 <= sol.bound + 2e-6


@pytest.mark.parametrize("stage", ["HiGHS: LP bound", "HiGHS: branch and bound"])
def test_time_limit_from_an_injected_clock(stage: str) -> None:
    # the clock jumps past the limit at a known stage: deterministic, no wall clock
    p = _problem(TREE_SEEDS[0])
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=120).objective
    preview, _ = preview_with_lp(p)
    now = [0.0]

    def progress(fraction: float, message: str) -> None:
        if message.startswith(stage):
            now[0] = 1e6

    sol = solve_milp(
        p, warm_start=preview, time_limit_s=60, clock=lambda: now[0], progress=progress
    )
    assert sol.status == "time_limit"
    assert not p.violations(sol.columns)
    assert sol.objective <= optimum + 1e-6 <= sol.bound + 2e-6
    assert np.isfinite(sol.bound)


@pytest.mark.parametrize("relaxed", [False, True])
def test_the_handover_to_highs_over_the_compact_model_keeps_the_optimum(
    relaxed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the proof tree hands over after PROOF_NODES nodes; on these instances it finishes
    # before the 200 nodes, so the handover is triggered by a cap of 1 node (a known
    # step, as the cancels above), and what HiGHS proves over the compact model must be
    # the full model's optimum
    from analysis.optimise.exact import search

    monkeypatch.setattr(search, "PROOF_NODES", 1)
    handed: list[int] = []
    original = milp.milp_over_compact

    def spy(*args: object, **kwargs: object) -> object:
        handed.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(milp, "milp_over_compact", spy)
    for seed in TREE_SEEDS:
        p = _problem(seed, relaxed)
        plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=120)
        _, ours, _ = _ours(p, relaxed, time_limit_s=120)
        assert plain.status == ours.status == "optimal"
        assert ours.objective == pytest.approx(plain.objective, rel=1e-6)
        assert ours.objective <= ours.bound and ours.gap <= 1e-6
        assert _feasible(p, ours, relaxed)
    assert handed  # the path was taken


@pytest.mark.parametrize("seed", TREE_SEEDS)
def test_the_most_minimums_from_a_plan_at_the_upper_bound_equal_the_milp(seed: int) -> None:
    p = _problem(seed, relaxed=True)
    assert p.must_cover
    plan = preview_with_lp(p, relaxed=True)[0].columns
    from_plan = max_met_units(p, plan=plan)
    fresh = CoverageProblem(**p.__dict__)  # not remembered: the MILP over every column
    assert from_plan == max_met_units(fresh)
