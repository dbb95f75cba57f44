"""The runner-up of each proposed point: checked by swapping every rival in, by brute force."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.optimise.explain import runner_ups
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import propose
from geodata.demo.load import load_demo_city
from tests.support.optimise_problems import random_problem


@pytest.mark.parametrize("seed", range(6))
def test_runner_up_is_the_best_swap(seed: int) -> None:
    problem = random_problem(seed, n_demand=80, n_sites=16)
    rng = np.random.default_rng(seed)
    plan = rng.choice(problem.n_columns, 4, replace=False)
    # one column per site at most, like a plan
    plan = plan[np.unique(problem.column_site[plan], return_index=True)[1]]
    same = [bool(i % 2) for i in range(plan.size)]
    found = runner_ups(problem, plan, same)
    used = set(problem.column_site[plan].tolist())
    for i, c in enumerate(plan.tolist()):
        best_obj, best_col = -np.inf, -1
        for alt in range(problem.n_columns):
            if (
                problem.column_site[alt] in used
                or problem.column_type[alt] != problem.column_type[c]
            ):
                continue
            if same[i] and problem.column_county[alt] != problem.column_county[c]:
                continue
            swapped = np.where(plan == c, alt, plan)
            value = problem.objective(swapped)
            if value > best_obj:
                best_obj, best_col = value, alt
        r = found[i]
        if best_col < 0:
            assert r.column == -1
            continue
        assert problem.objective(np.where(plan == c, r.column, plan)) == pytest.approx(best_obj)
        assert r.objective_margin == pytest.approx(problem.objective(plan) - best_obj)
        swapped = np.where(plan == c, r.column, plan)
        assert r.population_margin == pytest.approx(
            problem.covered_population(plan) - problem.covered_population(swapped)
        )


def test_demo_proposal_names_the_runner_up_of_each_point() -> None:
    proposal = propose(load_demo_city(), request=ProposalRequest(counts={"rural": 3}, relaxed=True))
    points = proposal.points
    assert (points["runner_up_site_id"] != "").all()
    assert (points["runner_up_site_name"] != "").all()
    assert points["reason_zh"].str.contains("次优选址|覆盖人数相同").all()
    assert set(points["runner_up_site_id"]).isdisjoint(set(points["site_id"]))
