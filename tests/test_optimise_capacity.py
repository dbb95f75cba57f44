"""Capacities and township minimums (analysis.optimise.constrained) against a direct MILP.

The reference is the capacitated maximal-covering model written out plainly here and
solved by ``scipy.optimize.milp`` (HiGHS), one ``y[i, j]`` per coverage pair, no row
merging, no Lagrangian fixing, no restriction: what the constrained solve must match.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.optimise.constrained.model import ConstrainedInput, TownshipNeed
from analysis.optimise.constrained.solve import evaluate, solve_constrained
from analysis.optimise.model.problem import CoverageProblem
from tests.support.optimise_problems import random_problem


def _instance(seed: int, *, sites_cap: float = np.inf, share: float = 0.0) -> ConstrainedInput:
    """200 villages, 45 sites, 7 points; rural villages (y > 20 km) weigh 2.5 per person."""
    p = random_problem(
        seed, n_demand=200, n_sites=45, counts={"rural": 4, "enterprise": 2, "association": 1}
    )
    rng = np.random.default_rng(seed + 100)
    rural = rng.uniform(size=p.n_rows) < 0.5
    p = replace(p, weights=p.population * np.where(rural, 2.5, 1.0))
    total = float(p.population.sum())
    capacity = np.where(p.column_type == 0, 0.12 * total, 0.06 * total)
    towns: list[TownshipNeed] = []
    if share > 0:
        rows_xy = np.arange(p.n_rows) % 6  # six townships, rows spread over them
        for t in range(6):
            rows = np.flatnonzero(rows_xy == t)
            pop = float(p.population[rows].sum())
            towns.append(TownshipNeed(f"T{t}", f"镇{t}", "A", pop, 0.0, share * pop, rows))
    return ConstrainedInput(
        problem=p,
        capacity=capacity,
        sites_cap=sites_cap,
        villages=np.ones(p.n_rows),
        townships=tuple(towns),
        capacitated=True,
    )


def _reference(inp: ConstrainedInput, *, min_shortfall: bool = False) -> float:
    """Optimum of the plain model (or, ``min_shortfall``, the least total shortfall)."""
    p: CoverageProblem = inp.problem
    n, m = p.n_columns, p.n_rows
    coo = p.cover.tocoo()
    k = coo.row.size
    n_t = len(inp.townships)
    ncol = n + k + n_t
    pair = np.arange(k)
    rows: list[sp.csr_matrix] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray, size: int, a: float, b: float) -> None:
        rows.append(sp.csr_matrix((v, (r, c)), shape=(size, ncol)))
        lo.append(np.full(size, a))
        hi.append(np.full(size, b))

    add(coo.row, n + pair, np.ones(k), m, -np.inf, 1.0)  # a row served at most once
    add(np.r_[pair, pair], np.r_[n + pair, coo.col], np.r_[np.ones(k), -np.ones(k)], k, -np.inf, 0)
    pop = p.population[coo.row]
    add(np.r_[coo.col, np.arange(n)], np.r_[n + pair, np.arange(n)],
        np.r_[pop, -inp.capacity], n, -np.inf, 0.0)  # fmt: skip
    if np.isfinite(inp.sites_cap):
        add(np.r_[coo.col, np.arange(n)], np.r_[n + pair, np.arange(n)],
            np.r_[inp.villages[coo.row], -np.full(n, inp.sites_cap)], n, -np.inf, 0.0)  # fmt: skip
    add(p.column_site, np.arange(n), np.ones(n), p.n_sites, -np.inf, 1.0)
    for t in range(len(p.type_names)):
        cols = np.flatnonzero(p.column_type == t)
        add(np.zeros(cols.size, int), cols, np.ones(cols.size), 1, p.counts[t], p.counts[t])
    for (c, t), need in np.ndenumerate(p.minimum_new):
        cols = np.flatnonzero((p.column_county == c) & (p.column_type == t))
        if need > 0:
            add(np.zeros(cols.size, int), cols, np.ones(cols.size), 1, need, np.inf)
    for t, town in enumerate(inp.townships):
        mine = np.flatnonzero(np.isin(coo.row, town.rows))
        add(np.r_[np.zeros(mine.size, int), 0], np.r_[n + mine, n + k + t],
            np.r_[pop[mine], 1.0], 1, town.need, np.inf)  # fmt: skip
    a = sp.vstack(rows).tocsr()
    cost = np.zeros(ncol)
    if min_shortfall:
        cost[n + k :] = 1.0
    else:
        cost[n : n + k] = -p.weights[coo.row]
    upper = np.r_[np.ones(n + k), [t.need for t in inp.townships]]
    if not min_shortfall:
        upper[n + k :] = 0.0
    res = milp(
        cost,
        constraints=LinearConstraint(a, np.concatenate(lo), np.concatenate(hi)),
        integrality=np.r_[np.ones(n), np.zeros(k + n_t)],
        bounds=Bounds(np.zeros(ncol), upper),
        options={"mip_rel_gap": 1e-7},
    )
    assert res.status == 0, res.message
    return float(res.fun) if min_shortfall else -float(res.fun)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_capacitated_optimum_matches_the_direct_milp(seed: int) -> None:
    inp = _instance(seed)
    out = solve_constrained(inp, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    ref = _reference(inp)
    assert out.solution.status == "optimal"
    assert out.solution.objective == pytest.approx(ref, rel=1e-6)
    assert out.solution.bound >= ref * (1 - 1e-6)
    assert not inp.problem.violations(out.solution.columns)
    # no point serves more than its capacity, nobody is served twice
    assert np.all(out.served.by_column <= inp.capacity * (1 + 1e-9) + 1e-6)
    assert out.served.by_column.sum() <= inp.problem.population.sum() + 1e-6


@pytest.mark.parametrize("seed", [4, 5])
def test_collection_site_capacity_matches_the_direct_milp(seed: int) -> None:
    inp = _instance(seed, sites_cap=5.0)
    out = solve_constrained(inp, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    assert out.solution.status == "optimal"
    assert out.solution.objective == pytest.approx(_reference(inp), rel=1e-6)


def test_capacity_binds_on_these_instances() -> None:
    """The tests above test something: without capacities the plan would serve more."""
    inp = _instance(1)
    capped = solve_constrained(inp, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    free = replace(inp, capacity=np.full(inp.problem.n_columns, np.inf))
    uncapped = solve_constrained(free, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    assert capped.solution.objective < uncapped.solution.objective * 0.99


@pytest.mark.parametrize("seed", [6, 7])
def test_township_minimum_met_when_feasible(seed: int) -> None:
    inp = _instance(seed, share=0.25)
    out = solve_constrained(inp, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    assert out.solution.status == "optimal"
    assert not out.served.shortfall.any()
    assert out.solution.objective == pytest.approx(_reference(inp), rel=1e-6)
    added = out.served.township_added
    assert np.all(added >= np.array([t.need for t in inp.townships]) - 0.5)


def test_township_minimum_infeasible_is_reported_with_the_least_shortfall() -> None:
    inp = _instance(8, share=0.9)
    strict = solve_constrained(inp, relaxed=False, time_limit_s=120.0, mip_rel_gap=1e-7)
    assert strict.solution.status == "infeasible"
    least = _reference(inp, min_shortfall=True)
    assert least > 1.0
    assert strict.served.shortfall.sum() == pytest.approx(least, rel=1e-4, abs=1.0)
    relaxed = solve_constrained(inp, relaxed=True, time_limit_s=120.0, mip_rel_gap=1e-7)
    assert relaxed.served.shortfall.sum() == pytest.approx(least, rel=1e-4, abs=1.0)
    assert relaxed.solution.columns.size == int(inp.problem.counts.sum())


def test_evaluation_serves_exactly_what_a_plan_can() -> None:
    """A fixed plan's served weight equals the direct MILP with that plan forced."""
    inp = _instance(9)
    plan = solve_constrained(inp, relaxed=False, exact=False).solution.columns
    served = evaluate(inp, plan)
    forced = replace(
        inp,
        problem=replace(
            inp.problem,
            counts=np.bincount(inp.problem.column_type[plan], minlength=3),
            minimum_new=np.zeros_like(inp.problem.minimum_new),
        ),
        capacity=np.where(np.isin(np.arange(inp.problem.n_columns), plan), inp.capacity, 0.0),
    )
    # with every other column at capacity 0, the best plan serves what the forced one does
    assert served.objective == pytest.approx(_reference(forced), rel=1e-6)


def test_cancel_before_any_plan_raises_and_later_keeps_the_greedy_plan() -> None:
    """Cancel by counting polls, not by a clock: no race with the solver."""
    from analysis.optimise.progress import SolveCancelled

    inp = _instance(10)
    with pytest.raises(SolveCancelled):
        solve_constrained(inp, relaxed=False, cancel=lambda: True)
    polls = {"n": 0}
    steps = int(inp.problem.counts.sum())  # the greedy polls once per point

    def after_greedy() -> bool:
        polls["n"] += 1
        return polls["n"] > steps

    out = solve_constrained(inp, relaxed=False, cancel=after_greedy)
    assert out.solution.status == "cancelled"
    assert out.solution.columns.size == steps
    assert not inp.problem.violations(out.solution.columns)
