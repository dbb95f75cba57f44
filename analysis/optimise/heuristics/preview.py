"""The quick plan shown first: greedy + swap, then a short dive from the LP relaxation.

Greedy + swap (:func:`analysis.optimise.heuristics.greedy.greedy_swap`) stops at 1-swap local optima
that, under the county minimums of the demo city, are 2-3% short of the optimum and
differ from it in most points (a rural point leaves a dense core only if an enterprise
point moves in at the same time). The LP relaxation knows better: it is solved by column
generation (:func:`analysis.optimise.exact.colgen.lp_bound`, ~0.15 s on the demo city), then a
depth-first branch and bound (:mod:`analysis.optimise.exact.branch`) dives from its optimal
basis for a fixed number of nodes (milliseconds each) and the swap search polishes the
result. Deterministic (a node count, not a clock), and the LP value comes for free as a
proven bound, so the preview reports its own gap.
"""

from __future__ import annotations

import time

import numpy as np

from analysis.optimise.exact.branch import branch_and_bound
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.colgen import LpBound, lp_bound, start_columns
from analysis.optimise.exact.milp_model import (
    MilpArrays,
    build_arrays,
    max_met_units,
    met_units_of,
    met_units_plan,
)
from analysis.optimise.heuristics.greedy import greedy_swap
from analysis.optimise.heuristics.swapsearch import local_search
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter

#: Below this many columns the exact solve is instant anyway: no dive.
DIVE_ABOVE_COLUMNS = 300
#: Above this many coverage pairs the LP alone takes seconds (province instance: 1 M
#: pairs, ~1.5 s), too slow for a preview shown on its own: greedy + swap only (the demo
#: city: 0.11 M). Before an exact solve there is no cut-off (``dive_max_pairs=None``): that
#: solve needs the same LP, and the dive's plan is what it prunes with (the dense generated
#: city's relaxed population request: greedy + swap 1.5 % short, the dive 0.03 %).
DIVE_MAX_PAIRS = 400_000


def preview_plan(
    problem: CoverageProblem,
    *,
    relaxed: bool = False,
    dive_nodes: int = 8,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
) -> Solution:
    """Greedy + swap, improved by an LP dive of at most ``dive_nodes`` nodes.

    The same as :func:`preview_with_lp` without the LP.
    """
    plan, _ = preview_with_lp(
        problem, relaxed=relaxed, dive_nodes=dive_nodes, cancel=cancel, progress=progress
    )
    return plan


def preview_with_lp(
    problem: CoverageProblem,
    *,
    relaxed: bool = False,
    dive_nodes: int = 8,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
    time_limit_s: float | None = None,
    dive_max_pairs: int | None = DIVE_MAX_PAIRS,
    budget: Budget | None = None,
) -> tuple[Solution, LpBound | None]:
    """Greedy + swap, improved by an LP dive; also return the LP (``None`` if not solved).

    Pass the LP on to :func:`analysis.optimise.exact.milp.solve_milp` (``lp=``, same problem
    and ``relaxed``) so the exact solve does not solve it again.

    Parameters
    ----------
    problem
        The (preferably reduced) problem.
    relaxed
        The plan only has to meet as many county minimums and must-cover townships as
        possible: when the greedy's plan meets fewer soft-rule units than a plan can
        (:func:`~analysis.optimise.exact.milp_model.max_met_units`), the met-units MILP's
        plan, improved by swaps that keep every unit met, replaces it (``"rules+swap"``),
        so the preview never covers more than the exact solve's plan by meeting fewer
        rules; the dive then keeps those met units, as the exact solve does.
    dive_nodes
        LPs solved in the dive (0: greedy + swap only).
    cancel
        Event or callable; cancelling during the greedy raises
        :class:`~analysis.optimise.progress.SolveCancelled`, later the best plan so far is
        returned.
    progress
        ``progress(fraction, message)``.
    time_limit_s
        Limit for the HiGHS calls (the most-minimums model, the LP, the dive); ``None``:
        none (the most-minimums model then gets 10 s).
    dive_max_pairs
        No LP and no dive above this many coverage pairs (:data:`DIVE_MAX_PAIRS`);
        ``None``: no cut-off (before an exact solve, which needs the LP anyway).
    budget
        Deadline and cancel of the whole request (replaces ``time_limit_s`` and
        ``cancel``), e.g. shared with the exact solve that follows. The limit counts from
        the preview's start, the greedy included; the swaps, the HiGHS calls and the
        dive's polish stop at it (the greedy itself only on a cancel: it makes the plan).

    Returns
    -------
    plan, lp
        ``plan.method`` is ``"greedy+swap"``, ``"rules+swap"`` or ``"greedy+swap+lp-dive"``;
        ``plan.bound`` is the LP bound when the dive ran (a proven upper bound on the
        coverage), else ``inf``.
    """
    t0 = time.perf_counter()
    if budget is not None:
        cancel, time_limit_s = budget.cancel, budget.left()
    else:
        budget = Budget(np.inf if time_limit_s is None else time_limit_s, cancel)
    report = Reporter(progress)
    dive = (
        dive_nodes > 0
        and problem.n_columns > DIVE_ABOVE_COLUMNS
        and (dive_max_pairs is None or problem.cover.nnz <= dive_max_pairs)
    )
    # the swap chains help little where the dive follows, and cost more than it there
    base = greedy_swap(
        problem, pair_moves=not dive, cancel=cancel, progress=report.sub(0.0, 0.3),
        stop=budget.stopped,
    )  # fmt: skip
    # a relaxed plan only has to keep the counts and one point per site
    keeps = relaxed and not problem.violations(base.columns, rules=False)
    status = "heuristic" if keeps else base.status
    plain = Solution(base.columns, base.objective, base.bound, status, base.method, base.seconds)
    if status != "heuristic" or budget.stopped():
        return plain, None
    met = None
    if relaxed and (dive or problem.violations(base.columns)):
        # rules first: a plan meeting fewer soft-rule units than a plan can is no preview
        # of the request (it may cover more than the lexicographic optimum)
        met = (
            max_met_units(problem, budget=budget, plan=base.columns)
            if time_limit_s is not None
            else max_met_units(problem, plan=base.columns)
        )
        if met is None:  # HiGHS could not tell in time: the greedy's plan is all we have
            return plain, None
        arrays = build_arrays(problem, relaxed, met_units=met)
        # without a time limit the met-units MILP gets what max_met_units gives it
        limit = budget if time_limit_s is not None else Budget(10.0, cancel)
        most = _meet_most(problem, arrays, plain, met, limit)
        if most is None:
            return plain, None
        base = plain = most
    if not dive:
        return plain, None
    if met is None:
        arrays = build_arrays(problem, relaxed)
    if budget.stopped():
        return plain, None
    report(0.3, "preview: LP relaxation", force=True)
    bound = lp_bound(arrays, start_columns(problem, base.columns), budget=budget)
    if bound is None:
        return plain, None
    report(0.8, "preview: LP dive", force=True)
    # with met units fixed by a row (relaxed) or no soft rules, the MILP objective is the
    # coverage itself, so the plain objective ranks plans
    tree = branch_and_bound(
        bound.model, base.columns, base.objective, problem.objective,
        max_nodes=dive_nodes, budget=budget, strong_depth=0,
    )  # fmt: skip
    cols: IntArray = base.columns
    value = base.objective
    if tree.value > value:
        arr_csc = problem.cover.astype(np.float64).tocsc()
        cols, value = local_search(problem, arr_csc, tree.columns, cancel=budget.stopped)
    report(1.0, "preview: done", force=True)
    # the tree only knew the column-generation columns: its bound proves nothing for the
    # full model, the LP value does
    seconds = time.perf_counter() - t0
    return Solution(
        cols, value, max(bound.value, value), "heuristic", "greedy+swap+lp-dive", seconds
    ), bound


def _meet_most(
    problem: CoverageProblem, arrays: MilpArrays, plan: Solution, met: int, budget: Budget
) -> Solution | None:
    """``plan`` if it meets ``met`` soft-rule units, else the met-units MILP's plan
    improved by swaps (which keep every unit met); ``None`` if HiGHS gave none in time."""
    if met_units_of(arrays, problem.n_columns, plan.columns) >= met:
        return plan
    t0 = time.perf_counter()
    start = met_units_plan(problem, budget)
    if start is None or met_units_of(arrays, problem.n_columns, start) < met:
        return None
    cols, value = local_search(
        problem, problem.cover.astype(np.float64).tocsc(), start, cancel=budget.stopped
    )
    seconds = plan.seconds + time.perf_counter() - t0
    return Solution(cols, value, np.inf, "heuristic", "rules+swap", seconds)
