"""Proven model reduction: LP bound by column generation, then reduced-cost fixing.

Most (site, type) columns cannot be in an optimal plan. Starting from a few promising
columns (the preview plan, the best columns of every type and county rule), the LP
relaxation is solved over a restricted set of columns and columns with a positive reduced
cost (``0 - A_j^T dual``) are added until none is left: the restricted LP value is then
the LP bound ``UB`` of the full model. A column with reduced cost ``rc_j`` lowers the LP
bound by at least ``-rc_j`` when forced in, so with an incumbent of value ``LB`` every
column with ``UB + rc_j < LB`` is absent from every better plan and can be dropped
(reduced-cost fixing). The MILP over the remaining columns is exact for the full model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from analysis.optimise.exact.branch import NodeModel
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.milp_model import MilpArrays, to_lp
from analysis.optimise.model.problem import CoverageProblem, FloatArray, IntArray
from analysis.optimise.progress import CancelLike
from analysis.optimise.solverlog import new_highs


@dataclass(frozen=True, eq=False)
class LpBound:
    """LP relaxation of the full model, solved by column generation.

    Parameters
    ----------
    value
        Optimal LP value of the full model (an upper bound on the MILP).
    reduced_cost
        Reduced cost of every ``x`` column at the final duals (``<= tol`` for all).
    columns
        ``x`` columns of the final restricted model.
    x_value
        LP value of every ``x`` column (0 outside the restricted model).
    iterations, seconds
        Pricing rounds and wall time.
    model
        The restricted LP, solved, in its HiGHS instance, ready for branch and bound
        (a dive from its optimal basis needs no root solve).
    """

    value: float
    reduced_cost: FloatArray
    columns: IntArray
    x_value: FloatArray
    iterations: int
    seconds: float
    model: NodeModel


def start_columns(problem: CoverageProblem, incumbent: IntArray, per_type: int = 40) -> IntArray:
    """Promising ``x`` columns: the incumbent and the best columns of each type and rule."""
    gain = np.asarray(problem.cover.astype(float).T @ problem.weights).ravel()
    picks = [np.asarray(incumbent, np.int64)]
    col_county = problem.column_county
    for t in range(len(problem.type_names)):
        cols = np.flatnonzero(problem.column_type == t)
        picks.append(cols[np.argsort(-gain[cols], kind="stable")[:per_type]])
        for k in np.flatnonzero(problem.minimum_new[:, t] > 0):
            ck = cols[col_county[cols] == k]
            picks.append(ck[np.argsort(-gain[ck], kind="stable")[: problem.minimum_new[k, t] + 3]])
    for g in problem.must_cover:
        picks.append(g[np.argsort(-gain[g], kind="stable")[:5]])
    return np.unique(np.concatenate(picks)).astype(np.int64)


def lp_bound(
    arrays: MilpArrays,
    start: IntArray,
    *,
    batch: int = 200,
    max_rounds: int = 100,
    cancel: CancelLike = None,
    budget: Budget | None = None,
) -> LpBound | None:
    """Solve the LP relaxation by column generation; ``None`` if it cannot (infeasible,
    out of time or cancelled).

    Parameters
    ----------
    arrays
        The full MILP.
    start
        Initial ``x`` columns (must allow a feasible LP, e.g. include a valid plan).
    batch
        Columns added per round (largest reduced cost first).
    max_rounds
        Upper limit on pricing rounds.
    cancel
        Stops the LP within a simplex iteration (returns ``None``); ignored with ``budget``.
    budget
        Time left and cancel (:class:`~analysis.optimise.exact.budget.Budget`), given to
        every LP; default: no time limit, ``cancel``.
    """
    t0 = time.perf_counter()
    budget = budget if budget is not None else Budget(float("inf"), cancel)
    a_x_t = arrays.a[:, : arrays.n_x].T.tocsr()
    tol = 1e-9 * max(arrays.big_m, 1.0)
    h = new_highs()
    h.setOptionValue("random_seed", 0)
    h.passModel(to_lp(arrays, start, integral=False))
    in_model = np.zeros(arrays.n_x, dtype=bool)
    in_model[start] = True
    order = [np.asarray(start, np.int64)]  # x columns in model order (y, z sit in between)
    rounds = 0
    while True:
        if budget.stopped():
            return None
        budget.attach(h)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        duals = np.asarray(h.getSolution().row_dual)
        rc = -(a_x_t @ duals)
        rounds += 1
        enter = np.flatnonzero((rc > tol) & ~in_model)
        if enter.size == 0 or rounds >= max_rounds:
            break
        enter = enter[np.argsort(-rc[enter], kind="stable")[:batch]]
        sub = arrays.a[:, enter].tocsc()
        sub.sort_indices()
        h.addCols(
            int(enter.size),
            arrays.cost[enter],
            arrays.col_lower[enter],
            arrays.col_upper[enter],
            int(sub.nnz),
            sub.indptr[:-1].astype(np.int32),
            sub.indices.astype(np.int32),
            sub.data.astype(float),
        )
        in_model[enter] = True
        order.append(enter)
    if np.any((rc > tol) & ~in_model):
        return None  # round limit reached before the LP was proven optimal
    value = float(h.getInfo().objective_function_value)
    col_value = np.asarray(h.getSolution().col_value)
    n_start = order[0].size
    n_other = arrays.a.shape[1] - arrays.n_x
    x_value = np.zeros(arrays.n_x)
    x_value[order[0]] = col_value[:n_start]
    added = np.concatenate([np.zeros(0, np.int64), *order[1:]])
    x_value[added] = col_value[n_start + n_other :]
    x_index = np.concatenate([np.arange(n_start), n_start + n_other + np.arange(added.size)])
    x_columns = np.concatenate([order[0], added])
    # later runs branch from this basis: dual simplex, no presolve
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    model = NodeModel(
        h,
        x_index.astype(np.int32),
        x_columns.astype(np.int64),
        arrays.col_lower[x_columns].astype(float),
        arrays.col_upper[x_columns].astype(float),
        bool(np.all(arrays.cost == np.round(arrays.cost))),
    )
    seconds = time.perf_counter() - t0
    return LpBound(value, rc, np.flatnonzero(in_model), x_value, rounds, seconds, model)


def fixed_columns(bound: LpBound, incumbent_value: float, incumbent: IntArray) -> IntArray:
    """Columns that may still be in a plan better than the incumbent (reduced-cost fixing)."""
    slack = bound.value - incumbent_value
    tol = 1e-7 * max(abs(bound.value), 1.0)
    keep = bound.reduced_cost >= -slack - tol
    keep[np.asarray(incumbent, np.int64)] = True
    return np.flatnonzero(keep).astype(np.int64)
