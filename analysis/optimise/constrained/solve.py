"""The exact solve of a constrained request, and the exact figures of any plan.

1. Capacity-aware greedy (:mod:`.greedy`): the first plan, evaluated exactly (the LP of
   the model with that plan's ``x`` fixed: the best assignment of people to points).
2. Lagrangian bound and column fixing against it (:mod:`.lagrange`): a proven bound,
   and the columns no better plan can use dropped.
3. HiGHS MILP (:mod:`.model`) over the columns left, started from the greedy plan, with
   the time left as ``time_limit`` and the cancel hook in its interrupt callbacks.
4. Township minimums: when HiGHS proves they cannot all hold, a second MILP minimises the
   total shortfall (the report names each township and its shortfall); in relaxed mode a
   third maximises the objective with no more than that shortfall.

The bound reported is proven: the MILP's bound over the columns left, or the bound of a
fixed column, whichever is larger (the Lagrangian bound when the greedy plan could not
be used for fixing: it broke a rule or a township minimum).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from analysis.optimise.constrained.greedy import capacity_greedy
from analysis.optimise.constrained.highs import Run, run_highs
from analysis.optimise.constrained.lagrange import lagrange_bound
from analysis.optimise.constrained.model import (
    ConstrainedInput,
    ConstrainedMilp,
    Mode,
    build_milp,
    merge_rows,
)
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.milp_model import max_met_units
from analysis.optimise.model.problem import CoverageProblem, FloatArray, IntArray, Solution
from analysis.optimise.progress import CancelLike, Reporter, SolveCancelled, is_cancelled

#: Above this many columns left after fixing, HiGHS gets the most promising ones only (the
#: plan is then not proven optimal; the bound stays the proven Lagrangian one).
MAX_MILP_COLUMNS = 360


@dataclass(frozen=True, eq=False)
class Served:
    """Exact figures of one plan.

    Parameters
    ----------
    objective
        Served weight (the request's objective with capacities).
    by_column
        People each problem column serves (0 for columns not in the plan).
    township_added
        Per township below its minimum, people the plan adds.
    shortfall
        Per such township, people still missing to its minimum (0 = met).
    """

    objective: float
    by_column: FloatArray
    township_added: FloatArray
    shortfall: FloatArray


@dataclass(frozen=True, eq=False)
class Outcome:
    """The plan of a constrained solve with its exact figures."""

    solution: Solution
    served: Served


def evaluate(inp: ConstrainedInput, columns: IntArray) -> Served:
    """Exact figures of the plan ``columns``: least township shortfall, then most served."""
    cols = np.asarray(columns, np.int64)
    short = 0.0
    if inp.townships:
        first = _fixed_run(inp, cols, "min", 0.0)
        short = max(-first.objective, 0.0) if first.values is not None else 0.0
    milp = build_milp(inp, mode="cap", shortfall_cap=short * (1 + 1e-9) + 1e-6, rules=False)
    run = run_highs(milp.to_highs(fixed=cols), time_limit_s=60.0)
    values = run.values if run.values is not None else np.zeros(milp.a.shape[1])
    return served_of(inp, milp, values, run.objective, np.arange(inp.problem.n_columns))


def served_of(
    inp: ConstrainedInput, milp: ConstrainedMilp, values: FloatArray, objective: float,
    columns: IntArray,
) -> Served:  # fmt: skip
    """The figures of a solution ``values`` of ``milp`` (built over problem ``columns``)."""
    by_row, by_col_sub = milp.served(values)
    by_col = np.zeros(inp.problem.n_columns)
    by_col[columns] = by_col_sub
    added = np.bincount(
        milp.row_town[milp.row_town >= 0],
        weights=by_row[milp.row_town >= 0],
        minlength=len(inp.townships),
    )
    need = np.array([t.need for t in inp.townships], float)
    shortfall = np.maximum(need - added, 0.0)
    shortfall[shortfall < 0.5] = 0.0  # less than a person: rounding of the LP
    return Served(max(objective, 0.0), by_col, added.astype(float), shortfall)


def _fixed_run(inp: ConstrainedInput, cols: IntArray, mode: Mode, cap: float) -> Run:
    milp = build_milp(inp, mode=mode, shortfall_cap=cap, rules=False)
    return run_highs(milp.to_highs(fixed=cols), time_limit_s=60.0)


def solve_constrained(
    inp: ConstrainedInput,
    *,
    relaxed: bool,
    exact: bool = True,
    time_limit_s: float = 30.0,
    mip_rel_gap: float = 1e-6,
    cancel: CancelLike = None,
    report: Reporter | None = None,
) -> Outcome:
    """Solve the constrained model (see the module docstring).

    Parameters
    ----------
    inp
        The constrained problem.
    relaxed
        County rules soft (as many met as possible), township shortfall allowed (as
        little as possible).
    exact
        ``False``: the preview (greedy, evaluated, with its Lagrangian bound) only.
    time_limit_s, mip_rel_gap
        Limits of the whole solve.
    cancel, report
        Cancel hook and progress.

    Returns
    -------
    Outcome
        ``solution.status``: ``"optimal"``, ``"time_limit"``, ``"cancelled"``,
        ``"heuristic"`` (preview) or ``"infeasible"`` (no plan keeps every rule and
        township minimum; the plan is the one of least shortfall when it exists).
    """
    t0 = time.perf_counter()
    rep = report if report is not None else Reporter(None)
    greedy = capacity_greedy(inp, cancel=cancel, report=rep.sub(0.0, 0.1))
    if greedy.columns.size == 0 and int(inp.problem.counts.sum()) > 0:
        raise SolveCancelled("no plan")
    start = evaluate(inp, greedy.columns)
    usable = greedy.status == "heuristic" and not start.shortfall.any()
    cover, w, people, villages, _ = merge_rows(inp)
    p = inp.problem
    lag = lagrange_bound(
        cover, w, people, villages, inp.capacity, inp.sites_cap, p.column_type, p.counts,
        start.objective, time_limit_s=min(5.0, 0.2 * time_limit_s) if exact else 1.0,
        max_iterations=120 if exact else 30, cancel=cancel,
    )  # fmt: skip
    rep(0.2, "Lagrangian bound", force=True)
    if not exact or is_cancelled(cancel):
        status = "heuristic" if exact is False else "cancelled"
        return _outcome(greedy.columns, start, lag.value, status, "capacity-greedy", t0)
    tol = 1e-9 * max(abs(start.objective), 1.0)
    keep = np.flatnonzero(lag.column_bound > start.objective + tol)
    keep = np.union1d(keep, greedy.columns)
    proven_keep = keep.size <= MAX_MILP_COLUMNS
    if not proven_keep:  # fixing left too many for HiGHS: the most promising ones only
        keep = np.union1d(_promising(lag.column_bound, p, keep), greedy.columns)
    dropped = np.setdiff1d(np.arange(p.n_columns), keep)
    fixed_bound = float(lag.column_bound[dropped].max()) if dropped.size else -np.inf
    sub = ConstrainedInput(
        restrict(p, keep), inp.capacity[keep], inp.sites_cap, inp.villages, inp.townships,
        inp.capacitated,
    )  # fmt: skip
    # every HiGHS call from here gets the time left and stops at the deadline
    budget = Budget(time_limit_s - (time.perf_counter() - t0), cancel)
    met = (max_met_units(sub.problem, budget=budget) or 0) if relaxed else None
    start_x = np.searchsorted(keep, greedy.columns)

    milp = build_milp(sub, relaxed=relaxed, met_units=met)
    run = run_highs(
        milp.to_highs(), time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap, start=start_x,
        cancel=cancel, report=rep.sub(0.2, 0.9), budget=budget,
    )  # fmt: skip
    bound_ok = usable and not relaxed and proven_keep
    if run.status == "infeasible" and inp.townships and not is_cancelled(cancel):
        least_milp = build_milp(sub, relaxed=relaxed, met_units=met, mode="min")
        least = run_highs(
            least_milp.to_highs(), time_limit_s=time_limit_s, start=start_x, cancel=cancel,
            budget=budget,
        )  # fmt: skip
        if least.values is not None and relaxed:
            cap = -least.objective * (1 + 1e-9) + 1e-6
            milp = build_milp(sub, relaxed=True, met_units=met, mode="cap", shortfall_cap=cap)
            run = run_highs(
                milp.to_highs(), time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                start=np.flatnonzero(least.values[: keep.size] > 0.5), cancel=cancel,
                budget=budget,
            )  # fmt: skip
            bound_ok = False
        elif least.values is not None:
            cols = keep[np.flatnonzero(least.values[: keep.size] > 0.5)]
            figures = served_of(inp, least_milp, least.values, 0.0, keep)  # the shortfalls
            return _outcome(cols, figures, lag.value, "infeasible", "highs", t0)
    if run.values is None:
        status = "infeasible" if run.status == "infeasible" and not relaxed else run.status
        if status == "infeasible" and not inp.townships:
            status = "heuristic"  # the rules of the model are checked before solving
        return _outcome(greedy.columns, start, lag.value, status, "capacity-greedy", t0)
    cols = keep[np.flatnonzero(run.values[: keep.size] > 0.5)]
    # the MILP's own assignment: the best one for its plan (no second LP after the limit)
    served = served_of(inp, milp, run.values, run.objective, keep)
    if usable and start.objective > served.objective:
        cols, served = greedy.columns, start
    bound = max(run.bound, fixed_bound) if bound_ok else lag.value
    bound = max(min(bound, lag.value), served.objective)
    status = run.status
    if status == "optimal" and (bound - served.objective) > mip_rel_gap * max(bound, 1.0) + 1e-6:
        status = "time_limit"  # optimal over the columns left, not proven for all of them
    return _outcome(cols, served, bound, status, "highs", t0)


def _promising(column_bound: FloatArray, problem: CoverageProblem, among: IntArray) -> IntArray:
    """Per type, the columns of ``among`` with the largest Lagrangian bound."""
    n_types = len(problem.type_names)
    per_type = max(MAX_MILP_COLUMNS // max(n_types, 1), 1)
    out = []
    for t in range(n_types):
        cols = among[problem.column_type[among] == t]
        k = min(max(per_type, 3 * int(problem.counts[t])), cols.size)
        out.append(cols[np.argsort(-column_bound[cols], kind="stable")[:k]])
    return np.unique(np.concatenate(out)) if out else among


def _outcome(
    cols: IntArray, served: Served, bound: float, status: str, method: str, t0: float
) -> Outcome:
    value = served.objective
    solution = Solution(
        np.sort(np.asarray(cols, np.int64)), value, max(bound, value), status, method,
        time.perf_counter() - t0,
    )  # fmt: skip
    return Outcome(solution, served)


def restrict(problem: CoverageProblem, keep: IntArray) -> CoverageProblem:
    """The problem over the columns ``keep`` (sorted), must-cover groups remapped."""
    pos = np.full(problem.n_columns, -1, np.int64)
    pos[keep] = np.arange(keep.size)
    groups = tuple(pos[g][pos[g] >= 0] for g in problem.must_cover)
    return replace(
        problem,
        cover=problem.cover[:, keep].tocsc(),
        column_site=problem.column_site[keep],
        column_type=problem.column_type[keep],
        must_cover=groups,
    )
