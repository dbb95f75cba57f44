"""The request's proven gap (1e-4), the finer gap the trees aim at first, best-first proof
trees and the restricted master's basis (issue #14, deliverable 1)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.optimise.exact.branch import branch_and_bound, node_model
from analysis.optimise.exact.colgen import lp_bound, start_columns
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import build_arrays, combined_objective
from analysis.optimise.heuristics.greedy import greedy_swap
from analysis.optimise.heuristics.preview import preview_with_lp
from analysis.optimise.model.compact import compact_lp
from analysis.optimise.model.problem import CoverageProblem
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.model.request import PROVEN_REL_GAP, ProposalRequest
from tests.support.optimise_problems import clustered_problem, random_problem


def _instance(seed: int) -> CoverageProblem:
    counts = {"rural": 3, "enterprise": 2, "association": 1}
    return reduce_rows(random_problem(seed + 10, 250, 40, counts=counts))[0]


def test_the_app_asks_for_the_issues_proven_gap() -> None:
    assert PROVEN_REL_GAP == 1e-4
    assert ProposalRequest().mip_rel_gap == PROVEN_REL_GAP


@pytest.mark.parametrize("seed", (0, 1, 4))
@pytest.mark.parametrize("relaxed", [False, True])
def test_request_gap_still_gives_the_exact_optimum_where_it_is_cheap(
    seed: int, relaxed: bool
) -> None:
    """Large enough for column generation and the trees; the trees aim at 1e-6 first, so
    the plan is plain HiGHS' optimum, not merely within 1e-4 of it."""
    p = reduce_rows(clustered_problem(seed, must_cover=1 if relaxed else 0))[0]
    assert p.n_columns > 300
    plain = solve_milp(p, reduce_columns=False, relaxed=relaxed, time_limit_s=120)
    preview, lp = preview_with_lp(p, relaxed=relaxed)
    ours = solve_milp(
        p, relaxed=relaxed, warm_start=preview if preview.status == "heuristic" else None,
        lp=lp, time_limit_s=120, mip_rel_gap=PROVEN_REL_GAP,
    )  # fmt: skip
    assert plain.status == ours.status == "optimal"
    assert ours.objective == pytest.approx(plain.objective, rel=1e-6)
    assert ours.bound >= ours.objective and ours.gap <= PROVEN_REL_GAP


@pytest.mark.parametrize("seed", range(3))
def test_best_first_tree_proves_the_same_optimum(seed: int) -> None:
    p = _instance(seed)
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=30).objective
    arrays = build_arrays(p, relaxed=False)
    start = greedy_swap(p)
    for best_first in (False, True):
        tree = branch_and_bound(
            node_model(compact_lp(p, arrays, np.arange(p.n_columns))), start.columns,
            start.objective, lambda c: combined_objective(p, arrays, c),
            max_nodes=10_000, best_first=best_first,
        )  # fmt: skip
        assert tree.finished
        assert tree.value == pytest.approx(optimum)
        assert p.violations(tree.columns) == []


@pytest.mark.parametrize("seed", range(3))
def test_tree_settles_for_the_accept_gap_with_a_proven_bound(seed: int) -> None:
    p = _instance(seed)
    optimum = solve_milp(p, reduce_columns=False, time_limit_s=30).objective
    arrays = build_arrays(p, relaxed=False)
    start = greedy_swap(p)
    accept = 0.05
    tree = branch_and_bound(
        node_model(compact_lp(p, arrays, np.arange(p.n_columns))), start.columns,
        start.objective, lambda c: combined_objective(p, arrays, c),
        rel_gap=0.0, accept_gap=accept, accept_after=0, best_first=True,
    )  # fmt: skip
    assert tree.bound >= optimum - 1e-6  # proven
    assert tree.bound - tree.value <= accept * max(tree.bound, 1.0) + 1e-9
    assert p.violations(tree.columns) == []


def test_a_tree_gives_the_root_basis_back() -> None:
    """The next tree over the same model (the restricted master after the preview's dive)
    starts from the column-generation optimum: no simplex iteration at its root."""
    p = reduce_rows(clustered_problem(0))[0]
    arrays = build_arrays(p, relaxed=False)
    start = greedy_swap(p)
    bound = lp_bound(arrays, start_columns(p, start.columns))
    assert bound is not None
    tree = branch_and_bound(
        bound.model, start.columns, start.objective, lambda c: combined_objective(p, arrays, c),
        max_nodes=8, strong_depth=0,
    )  # fmt: skip
    assert tree.nodes > 1
    h = bound.model.highs
    h.run()
    assert h.getInfo().simplex_iteration_count == 0
    assert h.getInfo().objective_function_value == pytest.approx(bound.value)


def test_preview_dives_above_the_pair_cut_off_when_asked() -> None:
    p = reduce_rows(clustered_problem(0))[0]
    assert p.cover.nnz > 10
    shown, lp_shown = preview_with_lp(p, dive_max_pairs=10)
    before_exact, lp = preview_with_lp(p, dive_max_pairs=None)
    assert lp_shown is None and shown.method == "greedy+swap"
    assert lp is not None and before_exact.method == "greedy+swap+lp-dive"
    assert before_exact.objective >= shown.objective - 1e-9
