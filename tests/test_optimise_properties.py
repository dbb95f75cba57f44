"""Property tests (hypothesis): monotone in the number of points, rules always hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.heuristics.greedy import greedy_swap
from analysis.optimise.model.reduce import reduce_rows
from tests.support.optimise_problems import property_problem

SETTINGS = settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(0, 6))
def test_more_new_points_never_cover_less(seed: int, k: int) -> None:
    small = reduce_rows(property_problem(seed, {"rural": k}, [[0], [0]], 0))[0]
    large = reduce_rows(property_problem(seed, {"rural": k + 1}, [[0], [0]], 0))[0]
    a = solve_milp(small, time_limit_s=10)
    b = solve_milp(large, time_limit_s=10)
    assert a.status == b.status == "optimal"
    assert b.objective >= a.objective - 1e-6


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    rural=st.integers(0, 4),
    enterprise=st.integers(0, 3),
    min_a=st.integers(0, 2),
    min_b=st.integers(0, 2),
    must=st.integers(0, 3),
)
def test_every_rule_holds_in_every_solution(
    seed: int, rural: int, enterprise: int, min_a: int, min_b: int, must: int
) -> None:
    counts = {"rural": rural, "enterprise": enterprise}
    minimum = [[min_a, 0], [min_b, 1 if enterprise else 0]]
    p = property_problem(seed, counts, minimum, must)
    r = reduce_rows(p)[0]
    exact = solve_milp(r, time_limit_s=10)
    preview = greedy_swap(r)
    relaxed = solve_milp(r, time_limit_s=10, relaxed=True)
    if exact.status == "optimal":
        assert p.violations(exact.columns) == []
        assert exact.objective == p.objective(exact.columns)
        assert relaxed.objective >= exact.objective - 1e-6 or relaxed.status != "optimal"
        if preview.status == "heuristic":
            assert preview.objective <= exact.objective + 1e-6
    else:
        assert exact.status == "infeasible"
        assert exact.columns.size == 0  # never a silent partial plan
        assert min_a + min_b > rural or must > 0 or enterprise > 0
    if preview.status == "heuristic":
        assert p.violations(preview.columns) == []
    # relaxed plans keep the hard structure whatever the minimums
    if sum(counts.values()) <= 14 and relaxed.status == "optimal":
        assert p.violations(relaxed.columns, rules=False) == []
