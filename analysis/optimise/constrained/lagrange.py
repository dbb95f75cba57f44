"""A proven upper bound and column fixing for the capacitated model (Lagrangian).

The full LP of the capacitated model (``y[i, j]`` per coverage pair: 0.11 M on the demo
city) takes HiGHS minutes; the Lagrangian relaxation of ``sum_j y[i, j] <= 1`` with
multipliers ``lam[i] >= 0`` falls apart into one fractional knapsack per column:

``L(lam) = sum_i lam[i] + max over the counts of sum_j x[j] v_j(lam)``, where ``v_j`` is
the best column ``j`` can serve alone with profit ``w[i] - lam[i]`` per row, under its
capacity in people (or, a smaller upper bound, in villages). Dropping one point per site,
the county minimums and the township minimums only raises it, so ``L`` is an upper bound
on every plan for any ``lam >= 0``; subgradient steps tighten it. A column ``j`` whose
bound with ``x[j] = 1`` forced, ``L - (k-th best v of its type) + v_j``, is below the best
plan known cannot be in a better plan: it is fixed out, and HiGHS solves the MILP over
the few columns left (:mod:`analysis.optimise.constrained.solve`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.optimise.model.problem import FloatArray, IntArray
from analysis.optimise.progress import CancelLike, is_cancelled


@dataclass(frozen=True, eq=False)
class LagrangeBound:
    """Best bound found and what it says about each column.

    Parameters
    ----------
    value
        Proven upper bound on the served weight of any plan.
    column_bound
        Per column, an upper bound on every plan that contains it.
    iterations
        Subgradient steps taken.
    """

    value: float
    column_bound: FloatArray
    iterations: int


@dataclass(frozen=True, eq=False)
class _Pairs:
    row: IntArray
    col: IntArray
    people: FloatArray
    villages: FloatArray


def lagrange_bound(
    cover: sp.csr_matrix,
    weights: FloatArray,
    people: FloatArray,
    villages: FloatArray,
    capacity: FloatArray,
    sites_cap: float,
    column_type: IntArray,
    counts: IntArray,
    incumbent: float,
    *,
    max_iterations: int = 120,
    time_limit_s: float = 5.0,
    cancel: CancelLike = None,
) -> LagrangeBound:
    """Subgradient optimisation of the Lagrangian bound (see the module docstring).

    Parameters
    ----------
    cover
        ``(rows, columns)`` coverage of the merged rows.
    weights, people, villages
        Per row: objective weight, people to serve, village-equivalents.
    capacity, sites_cap
        People per column, villages per point (``inf`` unlimited).
    column_type, counts
        Type of each column and points to place of each type.
    incumbent
        Value of the best plan known (the step size aims at it).
    max_iterations, time_limit_s, cancel
        Stop after this many steps, this long, or when cancelled (the bound so far is
        valid).
    """
    t0 = time.perf_counter()
    coo = cover.tocoo()
    pairs = _Pairs(
        coo.row.astype(np.int64), coo.col.astype(np.int64), people[coo.row], villages[coo.row]
    )
    n = cover.shape[1]
    lam = np.zeros(cover.shape[0])
    best = np.inf
    best_columns = np.full(n, np.inf)
    theta, stale = 1.0, 0
    it = 0
    for step in range(1, max_iterations + 1):
        it = step
        profit = weights[pairs.row] - lam[pairs.row]
        value, take = _column_values(pairs, profit, capacity, sites_cap, n)
        chosen, kth = _top_by_type(value, column_type, counts)
        bound = float(lam.sum() + value[chosen].sum())
        if not np.isfinite(best) or bound < best - 1e-9 * max(abs(best), 1.0):
            best, stale = bound, 0
        else:
            stale += 1
            if stale >= 8:
                theta, stale = theta / 2, 0
        col_bound = bound - np.maximum(kth[column_type] - value, 0.0)
        best_columns = np.minimum(best_columns, col_bound)
        used = np.zeros(n, bool)
        used[chosen] = True
        on = used[pairs.col]
        g = 1.0 - np.bincount(pairs.row[on], weights=take[on], minlength=lam.size)
        norm = float(g @ g)
        if norm <= 1e-12 or bound - incumbent <= 1e-9 * max(abs(bound), 1.0):
            break
        if is_cancelled(cancel) or time.perf_counter() - t0 > time_limit_s or theta < 1e-4:
            break
        lam = np.maximum(lam - theta * (bound - incumbent) / norm * g, 0.0)
    return LagrangeBound(best, best_columns, it)


def _column_values(
    pairs: _Pairs, profit: FloatArray, capacity: FloatArray, sites_cap: float, n: int
) -> tuple[FloatArray, FloatArray]:
    """Per column the fractional-knapsack value; per pair the share taken."""
    gain = np.maximum(profit, 0.0)
    value, take = _knapsack(pairs.col, gain, pairs.people, capacity[pairs.col], n)
    if np.isfinite(sites_cap):
        value_v, take_v = _knapsack(
            pairs.col, gain, pairs.villages, np.full(pairs.col.size, sites_cap), n
        )
        smaller = value_v < value
        value = np.where(smaller, value_v, value)
        take = np.where(smaller[pairs.col], take_v, take)
    return value, take


def _knapsack(
    col: IntArray, gain: FloatArray, weight: FloatArray, limit: FloatArray, n: int
) -> tuple[FloatArray, FloatArray]:
    """Fractional knapsack of every column at once: best gain per weight first."""
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(weight > 0, gain / weight, np.inf)
    density = np.where(gain > 0, density, -1.0)
    order = np.lexsort((-density, col))
    c, g, wt, lim = col[order], gain[order], weight[order], limit[order]
    total = np.cumsum(wt)
    start = np.searchsorted(c, c, side="left")
    before = total - wt - np.concatenate([[0.0], total])[start]
    frac = np.divide(np.clip(lim - before, 0.0, wt), wt, out=np.ones_like(wt), where=wt > 0)
    frac = np.where(g > 0, frac, 0.0)
    take = np.empty_like(frac)
    take[order] = frac
    value = np.bincount(c, weights=g * frac, minlength=n).astype(float)
    return value, take


def _top_by_type(
    value: FloatArray, column_type: IntArray, counts: IntArray
) -> tuple[IntArray, FloatArray]:
    """The ``counts[t]`` best columns of each type, and each type's ``counts[t]``-th value."""
    chosen: list[IntArray] = []
    kth = np.zeros(counts.size)
    for t, k in enumerate(counts):
        cols = np.flatnonzero(column_type == t)
        if k <= 0 or cols.size == 0:
            kth[t] = np.inf if k <= 0 else 0.0
            continue
        k = min(int(k), cols.size)
        top = cols[np.argpartition(-value[cols], k - 1)[:k]]
        chosen.append(top)
        kth[t] = float(value[top].min())
    return (np.concatenate(chosen) if chosen else np.zeros(0, np.int64)), kth
