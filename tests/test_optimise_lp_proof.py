"""No proof tree once the LP bound proves the request's gap (issue #14, plain#4).

The plain city's relaxed townships request (``bench.optimise --family``, plain#4) found, in
the restricted-master search, a plan its column-generation LP already proved within the
request's gap; the solve then spent 25 s of CPU in a proof tree over 9,136 columns aiming at
the finer gap. :func:`analysis.optimise.exact.search.prove` now checks the LP's proof again
after every better plan. Here the threshold of a "large" tree is lowered (the dense city is
too slow for a test); whether the proof stays a proof is checked against plain HiGHS MILP.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.optimise.exact import search
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.colgen import lp_bound, start_columns
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import build_arrays, combined_objective, max_met_units
from analysis.optimise.heuristics.greedy import greedy_swap
from analysis.optimise.model.problem import CoverageProblem
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.progress import Reporter
from tests.support.optimise_problems import clustered_problem


def _proves(bound: float, value: float, rel_gap: float) -> bool:
    return bound - value <= rel_gap * max(abs(bound), 1.0) + 1e-9


@pytest.mark.parametrize("relaxed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_no_proof_tree_starts_from_a_plan_the_lp_proves(
    seed: int, relaxed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    p: CoverageProblem = reduce_rows(clustered_problem(seed, must_cover=1 if relaxed else 0))[0]
    assert p.n_columns > 300
    plan = greedy_swap(p)
    met = max_met_units(p, plan=plan.columns) if relaxed else None
    arrays = build_arrays(p, relaxed, met_units=met)
    bound = lp_bound(arrays, start_columns(p, plan.columns))
    assert bound is not None
    value = combined_objective(p, arrays, plan.columns)
    # a gap the greedy plan does not reach but a better plan may: the master search decides
    rel_gap = 0.6 * (bound.value - value) / max(bound.value, 1.0)
    if rel_gap <= 0 or not search.keeps(p, arrays, plan, relaxed, met):
        pytest.skip("the greedy plan is proven already, or meets fewer rules than a plan can")
    trees: list[tuple[float, int]] = []
    real = search.branch_and_bound

    def spy(model: Any, incumbent: Any, incumbent_value: float, *a: Any, **k: Any) -> Any:
        trees.append((incumbent_value, int(model.columns.size)))
        return real(model, incumbent, incumbent_value, *a, **k)

    monkeypatch.setattr(search, "branch_and_bound", spy)
    monkeypatch.setattr(search, "HANDOVER_MAX_COLUMNS", 0)  # every proof tree counts as large
    tree = search.prove(
        p, arrays, bound, plan.columns, value, rel_gap, Budget(120.0), Reporter(None)
    )
    # no tree after the first (the restricted-master search, or the first proof tree)
    # started from a plan the LP proves
    for start_value, _ in trees[1:]:
        assert not _proves(bound.value, start_value, rel_gap)
    if not tree.finished:
        assert tree.bound == pytest.approx(bound.value)
    # the proof stays a proof: plain HiGHS' optimum is under our bound, our plan keeps the rules
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=120)
    assert plain.status == "optimal"
    plain_value = combined_objective(p, arrays, plain.columns)
    assert plain_value <= tree.bound + 1e-6 * max(abs(plain_value), 1.0)
    assert tree.value <= plain_value + 1e-6 * max(abs(plain_value), 1.0)
    assert tree.value == pytest.approx(combined_objective(p, arrays, tree.columns))
    assert p.violations(tree.columns, rules=not relaxed) == []
    assert _proves(tree.bound, tree.value, rel_gap) or tree.finished
