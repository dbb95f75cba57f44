"""Array core of the optimiser: model, reduction, greedy + swap, HiGHS MILP, cancel."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.heuristics.greedy import greedy, greedy_swap, order_by_marginal, swap_improve
from analysis.optimise.model.problem import CoverageProblem, build_problem, coverage_matrix
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.progress import SolveCancelled
from tests.support.optimise_problems import random_problem


def brute_force(problem: CoverageProblem) -> float:
    """Best objective over every valid plan (tiny instances only)."""
    best = -1.0
    n_total = int(problem.counts.sum())
    for combo in itertools.combinations(range(problem.n_columns), n_total):
        cols = np.array(combo, dtype=np.int64)
        if not problem.violations(cols):
            best = max(best, problem.objective(cols))
    return best


def test_coverage_matrix_matches_distances() -> None:
    rng = np.random.default_rng(1)
    d, s = rng.uniform(0, 1000, (50, 2)), rng.uniform(0, 1000, (7, 2))
    radius = rng.uniform(100, 400, 7)
    mat = coverage_matrix(d, s, radius).toarray()
    dist = np.hypot(*(d[:, None, :] - s[None, :, :]).transpose(2, 0, 1))
    assert np.array_equal(mat, dist <= radius[None, :])


def test_build_problem_columns_and_rules() -> None:
    p = random_problem(0)
    assert p.type_names == ("rural", "enterprise", "association")
    assert p.n_columns == 3 * 12
    assert np.array_equal(p.counts, [2, 1, 1])
    assert np.array_equal(np.bincount(p.column_type), [12, 12, 12])
    assert p.minimum_new.tolist() == [[1, 0, 0], [1, 0, 0]]
    # enterprise and association share a radius: identical coverage
    assert (p.cover[:, 12:24] != p.cover[:, 24:36]).nnz == 0


def test_reduction_keeps_every_objective() -> None:
    p = random_problem(2, n_demand=300, n_sites=40)
    r, row_map = reduce_rows(p)
    assert r.n_rows < p.n_rows
    assert r.weights.sum() == pytest.approx(p.weights[row_map >= 0].sum())
    rng = np.random.default_rng(0)
    for _ in range(20):
        cols = rng.choice(p.n_columns, 5, replace=False)
        assert r.objective(cols) == pytest.approx(p.objective(cols))


@pytest.mark.parametrize("seed", range(6))
def test_milp_equals_brute_force_with_rules(seed: int) -> None:
    p = random_problem(seed, n_demand=40, n_sites=7, must_cover=2 if seed % 2 else 0)
    best = brute_force(p)
    sol = solve_milp(reduce_rows(p)[0], time_limit_s=10)
    if best < 0:  # no valid plan exists: the MILP must say so, not return a partial plan
        assert sol.status == "infeasible" and sol.columns.size == 0
        return
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(best)
    assert p.objective(sol.columns) == pytest.approx(best)
    assert p.violations(sol.columns) == []
    assert sol.gap < 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_greedy_and_swap_keep_rules_and_bound(seed: int) -> None:
    p = random_problem(seed, n_demand=40, n_sites=7, must_cover=2 if seed % 2 else 0)
    best = brute_force(p)
    r = reduce_rows(p)[0]
    g = greedy(r)
    gs = greedy_swap(r)
    sw = swap_improve(r, g)
    for sol in (g, gs, sw):
        if sol.status == "heuristic":
            assert p.violations(sol.columns) == []
            assert sol.objective == pytest.approx(p.objective(sol.columns))
            assert sol.objective <= best + 1e-6
    assert sw.objective >= g.objective - 1e-9
    if best < 0:  # no valid plan: the heuristic must not claim one
        assert gs.status == g.status == "infeasible"


def test_greedy_swap_near_optimum_on_clustered_instance() -> None:
    p = random_problem(7, n_demand=400, n_sites=80, counts={"rural": 4, "enterprise": 4})
    r = reduce_rows(p)[0]
    exact = solve_milp(r, time_limit_s=20)
    preview = greedy_swap(r)
    assert exact.status == "optimal"
    assert preview.objective <= exact.objective + 1e-6
    assert preview.objective >= 0.97 * exact.objective


def test_infeasible_rules_detected_and_relaxed_mode() -> None:
    # county B needs 2 rural but only 1 rural point is requested
    p = random_problem(3, n_demand=40, n_sites=7, counts={"rural": 1, "enterprise": 1})
    p = CoverageProblem(**{**p.__dict__, "minimum_new": np.array([[0, 0], [2, 0]])})
    r = reduce_rows(p)[0]
    assert solve_milp(r, time_limit_s=5).status == "infeasible"
    relaxed = solve_milp(r, time_limit_s=5, relaxed=True)
    assert relaxed.status == "optimal"
    placed = p.placed_by_county_type(relaxed.columns)
    assert placed[1, 0] == 1  # the one rural point goes where the minimum needs it
    assert p.unmet_minimum(relaxed.columns).tolist() == [[0, 0], [1, 0]]


def test_warm_start_and_time_limit_report_gap() -> None:
    p = random_problem(4, n_demand=300, n_sites=60)
    r = reduce_rows(p)[0]
    preview = greedy_swap(r)
    sol = solve_milp(r, warm_start=preview, time_limit_s=10)
    assert sol.status == "optimal"
    assert sol.objective >= preview.objective - 1e-6
    assert sol.bound >= sol.objective - 1e-6


def test_order_by_marginal_is_decreasing_and_sums_to_objective() -> None:
    p = random_problem(5, n_demand=200, n_sites=30)
    sol = solve_milp(reduce_rows(p)[0], time_limit_s=10)
    ordered, marginal = order_by_marginal(p, sol.columns)
    assert sorted(ordered.tolist()) == sorted(sol.columns.tolist())
    assert marginal.sum() == pytest.approx(p.objective(sol.columns))
    assert np.all(np.diff(marginal) <= 1e-9)


def test_cancel_stops_greedy_and_highs() -> None:
    p = random_problem(6, n_demand=300, n_sites=60)
    r = reduce_rows(p)[0]
    stop = threading.Event()
    stop.set()
    with pytest.raises(SolveCancelled):
        greedy(r, cancel=stop)
    sol = solve_milp(r, cancel=stop, time_limit_s=30)
    assert sol.status in ("cancelled", "optimal")  # tiny models may finish in presolve
    assert solve_milp(r, cancel=lambda: False).status == "optimal"


def test_progress_reports_fractions_in_order() -> None:
    p = random_problem(8, n_demand=300, n_sites=60)
    r = reduce_rows(p)[0]
    seen: list[tuple[float, str]] = []
    greedy_swap(r, progress=lambda f, m: seen.append((f, m)))
    solve_milp(r, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert seen and all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions[-1] == 1.0
    assert any(m.startswith("greedy") for _, m in seen)
    assert any(m.startswith("HiGHS") for _, m in seen)


def test_empty_and_zero_counts() -> None:
    p = build_problem(
        demand_xy_m=np.zeros((3, 2)),
        weights=np.ones(3),
        population=np.ones(3),
        site_xy_m=np.zeros((2, 2)),
        site_county=np.zeros(2, np.int64),
        county_names=("A",),
        counts={"rural": 0, "enterprise": 1},
        radius_m_by_type={"rural": 1.0, "enterprise": 1.0},
    )
    assert p.type_names == ("enterprise",)
    sol = solve_milp(reduce_rows(p)[0])
    assert sol.objective == 3.0 and sol.columns.size == 1
    assert sp.issparse(p.cover)
