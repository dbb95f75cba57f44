"""Objectives as row weights: township rows, tie-breaks, and exactness of every solver path."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.errors import AnalysisError
from analysis.optimise.exact import milp
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import build_arrays, max_met_units, to_lp
from analysis.optimise.heuristics import preview
from analysis.optimise.heuristics.preview import preview_with_lp
from analysis.optimise.model.objective import (
    OBJECTIVES,
    RowBases,
    check_objective,
    mix_weights,
    objective_weights,
)
from analysis.optimise.model.problem import CoverageProblem, build_problem, stack_group_rows
from analysis.optimise.model.reduce import reduce_rows

COUNTS = {"rural": 3, "enterprise": 2, "association": 1}


def instance(
    seed: int, objective: str = "population", *, n: int = 220, n_sites: int = 45
) -> tuple[CoverageProblem, RowBases]:
    """Random city of 16 townships (10 km squares), some villages already covered, some
    rural, sites that take only some types (site rules), two counties."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 40_000, (n, 2))
    pop = np.round(rng.lognormal(6, 1, n))
    rural = np.where(rng.random(n) < 0.6, pop, 0.0)
    covered = rng.random(n) < 0.15
    town = (xy[:, 0] // 10_000).astype(int) * 4 + (xy[:, 1] // 10_000).astype(int)
    sites = rng.choice(n, n_sites, replace=False)
    allowed = rng.random((n_sites, len(COUNTS))) < 0.7
    allowed[:, 0] |= rural[sites] > 0  # rural points at rural villages
    new_pop = np.where(covered, 0.0, pop)
    problem = build_problem(
        demand_xy_m=xy,
        weights=new_pop,
        population=new_pop,
        site_xy_m=xy[sites],
        site_county=(xy[sites, 0] >= 20_000).astype(np.int64),
        county_names=("A", "B"),
        counts=COUNTS,
        radius_m_by_type={"rural": 8_000.0, "enterprise": 4_000.0, "association": 4_000.0},
        minimum_new=np.array([[1, 1, 0], [2, 0, 0]]),
        allowed=allowed,
    )
    blind = [t for t in range(16) if not covered[town == t].any() and (town == t).any()]
    rows = np.flatnonzero(np.isin(town, blind))
    groups = sp.csr_matrix(
        (np.ones(rows.size), ([blind.index(t) for t in town[rows]], rows)),
        shape=(len(blind), n),
    )
    bases = RowBases(
        population=np.concatenate([new_pop, np.zeros(len(blind))]),
        rural=np.concatenate([np.where(covered, 0.0, rural), np.zeros(len(blind))]),
        township=np.concatenate([np.zeros(n), np.ones(len(blind))]),
        population_total=float(pop.sum()),
        rural_total=float(rural.sum()),
        townships_total=16,
    )
    problem = stack_group_rows(problem, groups, np.zeros(len(blind)))
    return replace(problem, weights=objective_weights(bases, objective)), bases


def test_a_township_row_is_covered_when_any_of_its_rows_is() -> None:
    rng = np.random.default_rng(1)
    cover = rng.random((30, 12)) < 0.1
    base = replace(
        instance(0)[0], cover=sp.csc_matrix(cover), weights=np.ones(30), population=np.ones(30)
    )
    member = rng.random((5, 30)) < 0.2
    stacked = stack_group_rows(base, sp.csr_matrix(member), np.full(5, 7.0))
    dense = stacked.cover.toarray()
    assert dense.shape == (35, 12)
    np.testing.assert_array_equal(dense[:30], cover)
    for g in range(5):
        # township g is reached by column j exactly when j reaches one of its villages
        np.testing.assert_array_equal(dense[30 + g], cover[member[g]].any(axis=0))
    np.testing.assert_array_equal(stacked.weights[30:], 7.0)
    np.testing.assert_array_equal(stacked.population[30:], 0.0)  # places, not people


def test_weights_of_each_objective() -> None:
    _, b = instance(2)
    pop, rural, town = b.population, b.rural, b.township
    np.testing.assert_allclose(objective_weights(b, "population"), pop)
    np.testing.assert_allclose(objective_weights(b, "population", 2.0), pop + rural)
    w = objective_weights(b, "rural")
    assert np.all(w >= rural) and float((w - rural).sum()) < 1.0  # ties by people, < 1 rural
    w = objective_weights(b, "townships")
    assert np.all(w >= town) and float((w - town).sum()) < 1.0
    scale_r, scale_t = b.population_total / b.rural_total, b.population_total / 16
    np.testing.assert_allclose(
        objective_weights(b, "balanced"), pop + scale_r * rural + scale_t * town
    )
    np.testing.assert_allclose(mix_weights(b, 0.5), 0.5 * pop + 0.5 * scale_r * rural)
    assert float((mix_weights(b, 0.0) - pop).sum()) < 1.0  # total first, rural breaks ties
    assert float((mix_weights(b, 1.0) - scale_r * rural).sum()) < scale_r
    with pytest.raises(AnalysisError) as err:
        check_objective("votes")
    assert err.value.problems[0].code == "bad_objective"


def _fast(problem: CoverageProblem, relaxed: bool, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The path of ``propose``: reduction, preview with LP dive, reduced exact solve."""
    monkeypatch.setattr(milp, "REDUCE_ABOVE_COLUMNS", 0)
    monkeypatch.setattr(preview, "DIVE_ABOVE_COLUMNS", 0)
    reduced, _ = reduce_rows(problem)
    plan, lp = preview_with_lp(reduced, relaxed=relaxed)
    warm = plan if plan.status == "heuristic" else None
    return reduced, solve_milp(reduced, relaxed=relaxed, warm_start=warm, lp=lp, time_limit_s=60)


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("relaxed", [False, True])
def test_every_objective_solved_exactly_like_plain_highs(
    objective: str, seed: int, relaxed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, _ = instance(seed, objective)
    if relaxed:  # more rural minimum than rural points: some minimums stay unmet
        problem = replace(problem, minimum_new=np.array([[2, 1, 0], [2, 1, 0]]))
    plain = solve_milp(problem, reduce_columns=False, relaxed=relaxed, time_limit_s=60)
    reduced, fast = _fast(problem, relaxed, monkeypatch)
    assert plain.status == fast.status == "optimal"
    assert fast.objective == pytest.approx(plain.objective, rel=1e-6)
    assert problem.objective(fast.columns) == pytest.approx(fast.objective, rel=1e-9)
    assert reduced.objective(fast.columns) == pytest.approx(fast.objective, rel=1e-9)
    assert problem.violations(fast.columns, rules=not relaxed) == []
    if relaxed:
        arrays = build_arrays(problem, True)
        met = max_met_units(problem)
        got = sum(min(int(np.isin(c, fast.columns).sum()), k) for c, k in arrays.soft_rules)
        assert got == met


@pytest.mark.parametrize("seed", range(3))
def test_rural_and_townships_are_first_and_people_break_ties(seed: int) -> None:
    for objective, main in (("rural", "rural"), ("townships", "township")):
        problem, bases = instance(seed, objective)
        plan = solve_milp(problem, reduce_columns=False, time_limit_s=60)
        pure = solve_milp(
            replace(problem, weights=getattr(bases, main)), reduce_columns=False, time_limit_s=60
        )
        rows = problem.covered_rows(plan.columns)
        assert float(getattr(bases, main)[rows].sum()) == pytest.approx(pure.objective)
        assert (
            float(bases.population[rows].sum()) >= problem.covered_population(pure.columns) - 1e-6
        )


def test_every_plan_keeps_the_site_rules() -> None:
    for seed in range(3):
        problem, _ = instance(seed, "balanced")
        plan = solve_milp(problem, reduce_columns=False, time_limit_s=60)
        # columns exist only for allowed (site, type) pairs: no plan can break a site rule
        pairs = set(zip(problem.column_site.tolist(), problem.column_type.tolist(), strict=True))
        chosen = zip(
            problem.column_site[plan.columns].tolist(),
            problem.column_type[plan.columns].tolist(),
            strict=True,
        )
        assert set(chosen) <= pairs


@pytest.mark.parametrize("seed", range(6))
def test_met_units_count_model_is_exact_when_sites_take_only_some_types(seed: int) -> None:
    """Hall's condition per county: the counts model equals the full binary model."""
    import highspy

    problem, _ = instance(seed, n_sites=14)
    rng = np.random.default_rng(seed)
    need = rng.integers(0, 4, problem.minimum_new.shape)
    problem = replace(problem, minimum_new=need)
    arrays = build_arrays(problem, True, coverage=False)
    h = highspy.Highs()
    h.silent()
    h.passModel(to_lp(arrays, np.arange(problem.n_columns), integral=True))
    h.run()
    assert max_met_units(problem) == round(h.getInfo().objective_function_value)
