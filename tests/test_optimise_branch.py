"""Compact model and branch and bound: same optimum as HiGHS, honest bounds when stopped."""

from __future__ import annotations

from unittest.mock import patch

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.optimise.exact import milp
from analysis.optimise.exact.branch import branch_and_bound, node_model
from analysis.optimise.exact.colgen import fixed_columns, lp_bound, start_columns, widened_model
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import (
    build_arrays,
    combined_objective,
    max_met_units,
    to_lp,
)
from analysis.optimise.heuristics import preview
from analysis.optimise.heuristics.greedy import greedy_swap
from analysis.optimise.model.compact import compact_lp
from analysis.optimise.model.problem import CoverageProblem
from analysis.optimise.model.reduce import reduce_rows
from tests.support.optimise_problems import property_problem, random_problem


def _lp_value(lp: highspy.HighsLp) -> float:
    h = highspy.Highs()
    h.silent()
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def _instance(seed: int, must: int = 0) -> CoverageProblem:
    counts = {"rural": 3, "enterprise": 2, "association": 1}
    return reduce_rows(random_problem(seed, 250, 40, counts=counts, must_cover=must))[0]


@pytest.mark.parametrize("seed", range(4))
def test_compact_model_has_the_same_lp_and_milp_value(seed: int) -> None:
    p = _instance(seed, must=seed % 2)
    arrays = build_arrays(p, relaxed=False)
    cols = np.random.default_rng(seed).choice(p.n_columns, 60, replace=False)
    cols = np.union1d(cols, greedy_swap(p).columns)
    compact = compact_lp(p, arrays, cols)
    assert compact.a.shape[0] < arrays.a.shape[0]
    assert _lp_value(compact.to_highs(False)) == pytest.approx(
        _lp_value(to_lp(arrays, cols, False)), rel=1e-9
    )
    assert _lp_value(compact.to_highs(True)) == pytest.approx(
        _lp_value(to_lp(arrays, cols, True)), rel=1e-9
    )


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("relaxed", [False, True])
def test_reduced_branch_and_bound_equals_plain_highs(
    seed: int, relaxed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = _instance(seed, must=1 if seed % 3 == 0 else 0)
    if relaxed:  # more rural minimum than rural points: some minimums stay unmet
        p = CoverageProblem(**{**p.__dict__, "minimum_new": np.array([[2, 1, 0], [2, 1, 0]])})
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=30)
    preview = greedy_swap(p)
    monkeypatch.setattr(milp, "REDUCE_ABOVE_COLUMNS", 0)  # force the reduction path
    warm = preview if preview.status == "heuristic" or relaxed else None
    fast = solve_milp(p, warm_start=warm, relaxed=relaxed, time_limit_s=30)
    assert plain.status == "optimal"
    if warm is None:
        return
    assert fast.status == "optimal"
    assert fast.objective == pytest.approx(plain.objective, rel=1e-6)
    assert fast.bound >= fast.objective - 1e-6
    assert fast.gap <= 1e-6
    assert p.objective(fast.columns) == pytest.approx(fast.objective)
    assert p.violations(fast.columns, rules=not relaxed) == []
    if relaxed:
        arrays = build_arrays(p, True, met_units=max_met_units(p))
        met = max_met_units(p)
        assert met is not None
        got = sum(min(int(np.isin(c, fast.columns).sum()), n) for c, n in arrays.soft_rules)
        assert got == met


@pytest.mark.parametrize("seed", range(3))
def test_stopped_tree_still_reports_a_proven_bound(seed: int) -> None:
    p = _instance(seed + 10)
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=30).objective
    arrays = build_arrays(p, relaxed=False)
    preview = greedy_swap(p)
    bound = lp_bound(arrays, start_columns(p, preview.columns))
    assert bound is not None and bound.value >= optimum - 1e-6
    for nodes in (1, 3, 10_000):
        tree = branch_and_bound(
            node_model(compact_lp(p, arrays, np.arange(p.n_columns))),
            preview.columns,
            preview.objective,
            lambda c: combined_objective(p, arrays, c),
            max_nodes=nodes,
        )
        assert tree.bound >= optimum - 1e-6  # never below the true optimum
        assert tree.value <= optimum + 1e-6
        assert p.violations(tree.columns) == []
        if tree.finished:
            assert tree.value == pytest.approx(optimum)


def test_met_units_by_county_counts_equals_full_model() -> None:
    for seed in range(5):
        p = _instance(seed)
        p = CoverageProblem(**{**p.__dict__, "minimum_new": np.array([[3, 1, 0], [2, 2, 1]])})
        arrays = build_arrays(p, True, coverage=False)
        h = highspy.Highs()
        h.silent()
        h.passModel(to_lp(arrays, np.arange(p.n_columns), integral=True))
        h.run()
        assert max_met_units(p) == round(h.getInfo().objective_function_value)


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    seed=st.integers(0, 10_000),
    rural=st.integers(1, 4),
    enterprise=st.integers(0, 3),
    min_a=st.integers(0, 2),
    min_b=st.integers(0, 2),
    must=st.integers(0, 2),
    relaxed=st.booleans(),
)
def test_preview_and_reduced_exact_path_match_plain_highs(
    seed: int, rural: int, enterprise: int, min_a: int, min_b: int, must: int, relaxed: bool
) -> None:
    counts = {"rural": rural, "enterprise": enterprise}
    minimum = [[min_a, 0], [min_b, 1 if enterprise else 0]]
    p = reduce_rows(property_problem(seed, counts, minimum, must))[0]
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=30)
    # every model takes the path of large ones: LP dive, column generation, fixing, tree
    with (
        patch.object(milp, "REDUCE_ABOVE_COLUMNS", 0),
        patch.object(preview, "DIVE_ABOVE_COLUMNS", 0),
    ):
        plan, lp = preview.preview_with_lp(p, relaxed=relaxed)
        warm = plan if plan.status == "heuristic" else None
        fast = solve_milp(p, warm_start=warm, relaxed=relaxed, lp=lp, time_limit_s=30)
    if plain.status != "optimal":
        assert fast.status == plain.status == "infeasible" and fast.columns.size == 0
        return
    assert fast.status == "optimal"
    assert fast.objective == pytest.approx(plain.objective, rel=1e-6)
    assert fast.bound >= plain.objective - 1e-6
    assert p.violations(fast.columns, rules=not relaxed) == []
    if plan.status == "heuristic":
        assert p.violations(plan.columns, rules=not relaxed) == []
        assert plan.objective <= plain.objective + 1e-6
        assert plan.bound >= plain.objective - 1e-6


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("relaxed", [False, True])
def test_widened_column_generation_lp_proves_what_plain_highs_proves(
    seed: int, relaxed: bool
) -> None:
    """The proof tree over many columns: the column-generation LP widened by the columns
    fixing leaves, branched from its own basis, equals plain HiGHS (seeded; the relaxed
    variant has the met-units row and a must-cover township, as the dense generated
    city's relaxed population request)."""
    p = _instance(seed + 20, must=1)
    met = None
    if relaxed:  # more rural minimum than rural points: some minimums stay unmet
        p = CoverageProblem(**{**p.__dict__, "minimum_new": np.array([[2, 1, 0], [2, 1, 0]])})
        met = max_met_units(p)
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=30)
    assert plain.status == "optimal"
    arrays = build_arrays(p, relaxed, met_units=met)
    start = plain.columns  # a plan keeping every rule (and every met unit)
    bound = lp_bound(arrays, start_columns(p, start, per_type=3))
    assert bound is not None
    value = combined_objective(p, arrays, start)
    restricted = bound.model.columns.size
    widths = []
    for slack in (0.05, 0.0):  # a first tree, then a restart over fewer columns
        columns = fixed_columns(bound, value * (1 - slack), start)
        model = widened_model(bound, arrays, columns)
        widths.append(model.highs.getNumCol())
        assert model.columns.size > restricted  # columns column generation had not added
        assert np.array_equal(np.sort(model.columns[model.upper > 0]), columns)
        model.highs.run()
        root = float(model.highs.getInfo().objective_function_value)
        compact = compact_lp(p, arrays, columns)
        assert root == pytest.approx(_lp_value(compact.to_highs(False)), rel=1e-9)
        assert root == pytest.approx(bound.value, rel=1e-9)
        tree = branch_and_bound(
            model, np.zeros(0, np.int64), -1.0, lambda c: combined_objective(p, arrays, c),
            rel_gap=1e-9, max_nodes=10_000, strong_depth=0, best_first=True,
        )  # fmt: skip
        assert tree.finished
        assert tree.value == pytest.approx(value, rel=1e-9)
        assert tree.bound >= value - 1e-6
        assert p.violations(tree.columns, rules=not relaxed) == []
    assert widths[1] == widths[0]  # the restart reuses the columns added before
