"""Exact plan: the maximal-covering MILP with quotas, solved by HiGHS (highspy).

Variables: binary ``x[j]`` per (site, type) column, continuous ``y[i]`` in [0, 1] per
(reduced) demand row. Maximise ``sum w[i] y[i]`` subject to

* ``y[i] <= sum of x[j] over columns j covering i``;
* ``sum of x over the columns of a site <= 1`` (at most one new point per site);
* ``sum of x over the columns of type t == counts[t]``;
* ``sum of x over county k, type t >= minimum_new[k, t]`` (county minimums);
* ``sum of x over the columns reaching township g >= 1`` (must-cover townships).

In relaxed mode the last two become soft: a variable ``z`` (0 <= z <= the requirement)
counts the part that is met. A first, small MILP finds the most units any plan can meet
(:func:`~analysis.optimise.exact.milp_model.max_met_units`); the second requires
``sum z >= that`` and maximises coverage (lexicographic, with a clean LP bound).

Large models are first reduced with a proof (:mod:`analysis.optimise.exact.colgen`): the LP
bound by column generation, then reduced-cost fixing against the best plan known. A
depth-first branch and bound on the LP relaxation (:mod:`analysis.optimise.exact.branch`, over
the compact model of :mod:`analysis.optimise.model.compact`) then proves optimality over the few
hundred columns left, which is exact for the full model: on the demo city in a few dozen
nodes, where HiGHS' MILP solver spent 2-10 s in its root cut loop. Where the LP gap is
large the tree has no cuts to close it: after a few hundred nodes HiGHS' MILP solver goes on
over the compact model from its best plan (:mod:`analysis.optimise.exact.handover`), and
the reported bound is the smallest proven one (column generation, tree, HiGHS).
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

from analysis.optimise.exact.budget import MILP_SETUP_CPU_PER_NNZ, MILP_SHARE, Budget, Clock
from analysis.optimise.exact.colgen import LpBound, fixed_columns, lp_bound, start_columns
from analysis.optimise.exact.handover import milp_over_compact
from analysis.optimise.exact.milp_model import (
    MilpArrays,
    build_arrays,
    combined_objective,
    max_met_units,
    met_units_of,
    to_lp,
)
from analysis.optimise.exact.search import EXACT_REL_GAP, first_plan, keeps, prove
from analysis.optimise.heuristics.greedy import lp_round
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter
from analysis.optimise.solverlog import new_highs

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kModelEmpty: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInterrupt: "cancelled",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
}

#: Models with more columns than this are reduced by column generation + fixing first.
REDUCE_ABOVE_COLUMNS = 300


def solve_milp(
    problem: CoverageProblem,
    *,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = 1e-6,
    relaxed: bool = False,
    warm_start: Solution | None = None,
    lp_solver: str = "ipm",
    reduce_columns: bool = True,
    tree_share: float = 1.0,
    lp: LpBound | None = None,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
    clock: Clock | None = None,
) -> Solution:
    """Solve the placement MILP with HiGHS.

    Parameters
    ----------
    problem
        The (preferably reduced: :func:`analysis.optimise.model.reduce.reduce_rows`) problem.
    time_limit_s
        Wall-clock limit of the whole solve; every HiGHS call gets the time left. On expiry
        the best plan and the proven gap are returned.
    mip_rel_gap
        Relative gap at which the solve stops with status ``"optimal"`` (the app asks for
        :data:`~analysis.optimise.model.request.PROVEN_REL_GAP`, 1e-4). The column-generation
        check and the proof trees first aim at
        :data:`~analysis.optimise.exact.search.EXACT_REL_GAP` (1e-6) if that is smaller, and
        settle for ``mip_rel_gap`` after a few hundred nodes; so does a model small enough
        for HiGHS directly.
    relaxed
        Make county minimums and must-cover townships soft (meet as many as possible).
    warm_start
        A plan that keeps every rule (e.g. greedy + swap): HiGHS' first incumbent, and
        the reference for reduced-cost fixing.
    lp_solver
        HiGHS ``mip_lp_solver`` option: ``"ipm"`` (default), ``"simplex"`` or ``"choose"``.
    reduce_columns
        Reduce large models by column generation and reduced-cost fixing (exact; needs
        a valid ``warm_start``, or any plan in relaxed mode).
    lp
        The LP relaxation of this problem (same ``relaxed``) if already solved, e.g. by
        :func:`analysis.optimise.heuristics.preview.preview_with_lp`: not solved again.
    tree_share
        Share of the time left for the branch and bound over the reduced model
        (:mod:`analysis.optimise.exact.branch`). A proof tree over at most
        :data:`~analysis.optimise.exact.handover.HANDOVER_MAX_COLUMNS` columns hands over
        to HiGHS' MILP solver after :data:`~analysis.optimise.exact.search.PROOF_NODES`
        nodes (HiGHS gets what is left); over more columns the tree keeps the time.
    cancel
        Event or callable checked from the HiGHS interrupt callbacks (about once per
        simplex iteration) and between nodes; the solve then stops with status
        ``"cancelled"``, the best plan found so far and a proven bound.
    progress
        ``progress(fraction, message)``: fraction of the time limit used, gap in message.
    clock
        Seconds from any origin, for the time limit (default :func:`time.perf_counter`;
        tests inject a counter).

    Returns
    -------
    Solution
        ``status``: ``"optimal"``, ``"time_limit"``, ``"cancelled"`` or ``"infeasible"``;
        ``bound`` is a proven upper bound on the coverage objective.
    """
    budget = Budget(time_limit_s, cancel, clock)
    report = Reporter(progress)
    fine = min(mip_rel_gap, EXACT_REL_GAP)
    if int(problem.counts.sum()) == 0:  # nothing to place
        empty = np.zeros(0, np.int64)
        ok = relaxed or not problem.violations(empty)
        status = "optimal" if ok else "infeasible"
        return Solution(empty, 0.0, 0.0, status, "highs", budget.elapsed())
    if budget.stopped():  # no time left (the preview took the request's limit) or cancelled
        return _stopped(problem, warm_start, _bound_of(warm_start), budget)
    known = (
        warm_start.columns
        if warm_start is not None and not problem.violations(warm_start.columns, rules=False)
        else None
    )
    met = max_met_units(problem, budget=budget, plan=known) if relaxed else None
    if budget.stopped():  # building the model below takes time too (0.2 s wall under load)
        return _stopped(problem, warm_start, _bound_of(warm_start), budget)
    arrays = build_arrays(problem, relaxed, met_units=met)
    columns = np.arange(problem.n_columns, dtype=np.int64)
    usable = warm_start is not None and (
        warm_start.status in ("heuristic", "optimal")
        if not relaxed
        else met is None or met_units_of(arrays, problem.n_columns, warm_start.columns) >= met
    )
    if relaxed and met is None and budget.stopped():
        return _stopped(problem, warm_start if usable else None, np.inf, budget)
    big = reduce_columns and problem.n_columns > REDUCE_ABOVE_COLUMNS
    if big and relaxed and warm_start is not None and not usable:
        # the preview meets fewer minimums than a plan can: find one that meets them all
        # from the LP, rather than the full MILP from nothing (which may end worse than
        # the preview)
        first, lp = first_plan(problem, arrays, warm_start, met, lp, budget)
        if first is not None:
            warm_start, usable = first, True
    if big and usable:
        assert warm_start is not None
        report(0.0, "HiGHS: LP bound by column generation", force=True)
        incumbent = combined_objective(problem, arrays, warm_start.columns)
        bound = (
            lp
            if lp is not None
            else lp_bound(arrays, start_columns(problem, warm_start.columns), budget=budget)
        )
        if bound is None and budget.stopped():
            # no LP bound of our own: the warm start's (the preview's LP) if it has one
            return _stopped(problem, warm_start, warm_start.bound, budget)
        if bound is not None:
            ceiling = bound.value
            rounded = lp_round(problem, bound.x_value, cancel=budget.stopped)
            value = combined_objective(problem, arrays, rounded.columns)
            if value > incumbent and keeps(problem, arrays, rounded, relaxed, met):
                warm_start, incumbent = rounded, value
            # the LP alone proves the plan: within the finer gap (the tree below aims at
            # it first, see search.EXACT_REL_GAP)
            if _within(bound.value, incumbent, fine) or budget.stopped():
                report(1.0, "HiGHS: done", force=True)
                done = "optimal" if _within(bound.value, incumbent, mip_rel_gap) else _why(budget)
                return _result(
                    problem, arrays, warm_start.columns, bound.value, done, budget.elapsed()
                )
            tree = prove(
                problem, arrays, bound, warm_start.columns, incumbent, mip_rel_gap,
                budget.sub(tree_share), report.sub(0.1, 0.6),
            )  # fmt: skip
            if tree.value > incumbent:
                warm_start = Solution(tree.columns, tree.value, np.inf, "heuristic", "highs", 0.0)
                incumbent = tree.value
            ceiling = min(ceiling, tree.bound)
            if tree.finished or _within(ceiling, incumbent, mip_rel_gap) or budget.stopped():
                report(1.0, "HiGHS: done", force=True)
                done = "optimal" if _within(ceiling, incumbent, mip_rel_gap) else _why(budget)
                return _result(problem, arrays, warm_start.columns, ceiling, done, budget.elapsed())
            # the tree ran out of its share: HiGHS (with its cuts) goes on over the compact
            # model of the columns fixing leaves
            chosen, top, status = milp_over_compact(
                problem, arrays, fixed_columns(bound, incumbent, warm_start.columns),
                warm_start.columns, incumbent, mip_rel_gap, budget, report.sub(0.6, 1.0),
                lambda c: combined_objective(problem, arrays, c),
            )  # fmt: skip
            ceiling = min(ceiling, top)
            value = combined_objective(problem, arrays, chosen)
            done = "optimal" if _within(ceiling, value, mip_rel_gap) else _why(budget)
            return _result(problem, arrays, chosen, ceiling, done, budget.elapsed())
    # a small model is proven within the finer gap in no time
    small = problem.n_columns <= REDUCE_ABOVE_COLUMNS
    return _solve(
        problem, arrays, columns, fine if small else mip_rel_gap, warm_start if usable else None,
        lp_solver, budget, report,
    )  # fmt: skip


def _why(budget: Budget) -> str:
    """Status of a solve stopped before its proof: ``"cancelled"`` or ``"time_limit"``."""
    return "cancelled" if budget.cancelled() else "time_limit"


def _bound_of(plan: Solution | None) -> float:
    """The proven bound that came with a plan (the preview's LP bound), else ``inf``."""
    return plan.bound if plan is not None else np.inf


def _stopped(
    problem: CoverageProblem, plan: Solution | None, bound: float, budget: Budget
) -> Solution:
    """The solve stopped before any bound of its own: the plan given (or none) as it is."""
    seconds = budget.elapsed()
    if plan is None:
        return Solution(np.zeros(0, np.int64), 0.0, np.inf, _why(budget), "highs", seconds)
    cols = np.sort(np.asarray(plan.columns, np.int64))
    value = problem.objective(cols)
    return Solution(cols, value, max(bound, value), _why(budget), "highs", seconds)


def _within(bound: float, value: float, rel_gap: float) -> bool:
    """Whether ``value`` is proven within ``rel_gap`` of the upper ``bound``."""
    return bound - value <= rel_gap * max(abs(bound), 1.0) + 1e-9


def _solve(
    problem: CoverageProblem,
    arrays: MilpArrays,
    columns: IntArray,
    mip_rel_gap: float,
    warm_start: Solution | None,
    lp_solver: str,
    budget: Budget,
    report: Reporter,
) -> Solution:
    """HiGHS MILP over the ``x`` columns ``columns``, within the budget's time left.

    Not started when the time left cannot hold its setup (:meth:`Budget.fits`: building
    the model and HiGHS up to its first poll).
    """
    if not budget.fits(MILP_SETUP_CPU_PER_NNZ * arrays.a.nnz * columns.size / arrays.n_x):
        return _stopped(problem, warm_start, np.inf, budget)
    lp = to_lp(arrays, columns, integral=True)
    h = new_highs()
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("mip_lp_solver", lp_solver)
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    if budget.stopped():  # the model took the time left to build
        return _stopped(problem, warm_start, np.inf, budget)
    n_sel = columns.size
    if warm_start is not None:
        pos = np.searchsorted(columns, warm_start.columns)
        x = np.zeros(lp.num_col_)
        x[pos] = 1.0
        x[n_sel : n_sel + problem.n_rows] = problem.covered_rows(warm_start.columns)
        if arrays.relaxed:  # z = met part of each soft rule, or HiGHS rejects the start
            placed = np.isin(np.arange(problem.n_columns), warm_start.columns)
            met = [min(int(placed[c].sum()), need) for c, need in arrays.soft_rules]
            x[n_sel + problem.n_rows :] = met
        sol = highspy.HighsSolution()
        sol.col_value = x.tolist()
        sol.value_valid = True
        h.setSolution(sol)

    def _progress(event: Any) -> None:
        if budget.stopped():  # perhaps a run left behind (Budget.run): the solve is over
            return
        gap = float(getattr(event.data_out, "mip_gap", np.inf))
        elapsed = budget.elapsed()
        report(elapsed / max(elapsed + budget.left(), 1e-9), f"HiGHS: gap {gap:.2%}")

    if report.active:
        h.cbMipInterrupt.subscribe(_progress)
    # HiGHS' MILP solver does not check its limit or the interrupt everywhere (presolve,
    # the root LP of a large model): a margin keeps it inside the solve's own limit, and
    # the solve does not wait for it long past the deadline
    if not budget.run(h, share=MILP_SHARE):
        return _stopped(problem, warm_start, np.inf, budget)
    status = _STATUS.get(h.getModelStatus(), "error")
    if status == "cancelled":  # the budget's interrupt: a cancel or its own deadline
        status = _why(budget)
    info = h.getInfo()
    report(1.0, "HiGHS: done", force=True)
    seconds = budget.elapsed()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        status = "infeasible" if status in ("infeasible", "optimal") else status
        return Solution(np.zeros(0, np.int64), 0.0, float("inf"), status, "highs", seconds)
    values = np.asarray(h.getSolution().col_value)
    chosen = columns[np.flatnonzero(values[:n_sel] > 0.5)]
    return _result(problem, arrays, chosen, float(info.mip_dual_bound), status, seconds)


def _result(
    problem: CoverageProblem,
    arrays: MilpArrays,
    columns: IntArray,
    combined_bound: float,
    status: str,
    seconds: float,
) -> Solution:
    """Solution with the bound translated from the MILP objective to coverage."""
    cols = np.sort(np.asarray(columns, np.int64))
    objective = problem.objective(cols)
    soft_part = combined_objective(problem, arrays, cols) - objective
    bound = max(combined_bound - soft_part, objective)
    return Solution(cols, objective, bound, status, "highs", seconds)
