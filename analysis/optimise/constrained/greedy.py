"""Capacity-aware greedy: a new point's gain counts only the people it can still serve.

Each step values every column by filling it, heaviest people first (objective weight per
person, then the largest villages), with the people its rows still have unserved, up to
its capacity in people and in villages (collection sites); a blind-spot township it would
reach adds its weight as in the plain model. The best column that keeps the plan
completable under the rules (:func:`analysis.optimise.heuristics.eligible.eligible_columns`)
is placed and the people it serves are taken off its rows. Vectorised over the coverage
pairs: one pass of numpy per step.
"""

from __future__ import annotations

import time

import numpy as np

from analysis.optimise.constrained.model import ConstrainedInput
from analysis.optimise.heuristics.eligible import eligible_columns
from analysis.optimise.model.problem import FloatArray, IntArray, Solution
from analysis.optimise.progress import CancelLike, Reporter, SolveCancelled, is_cancelled


def capacity_greedy(
    inp: ConstrainedInput, *, cancel: CancelLike = None, report: Reporter | None = None
) -> Solution:
    """Greedy plan under the rules with capacity-aware gains.

    Parameters
    ----------
    inp
        The constrained problem.
    cancel
        Polled before every step; raises :class:`SolveCancelled`.
    report
        Progress.

    Returns
    -------
    Solution
        ``objective``: the weight the greedy assignment serves (an exact evaluation of
        the plan can only serve more); ``status`` ``"heuristic"`` or ``"infeasible"``
        (the rules could not all be kept).
    """
    t0 = time.perf_counter()
    p = inp.problem
    n = p.n_columns
    csc = p.cover.tocsc()
    csc.sort_indices()
    col = np.repeat(np.arange(n), np.diff(csc.indptr))
    row = csc.indices.astype(np.int64)
    pop0 = p.population
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pop0 > 0, p.weights / pop0, 0.0)
    order = np.lexsort((-pop0[row], -ratio[row], col))
    col, row = col[order], row[order]
    start = np.concatenate([[0], np.cumsum(np.bincount(col, minlength=n))[:-1]])
    left = pop0.copy()
    reached = np.zeros(p.n_rows, bool)
    cap_people = inp.capacity[col]
    with np.errstate(divide="ignore", invalid="ignore"):
        village_per_person = np.where(pop0 > 0, inp.villages / pop0, 0.0)
    remaining = p.counts.copy()
    need = p.minimum_new.copy()
    site_used = np.zeros(p.n_sites, bool)
    chosen = np.zeros(n, bool)
    groups = [np.isin(np.arange(n), g) for g in p.must_cover]
    open_groups = list(range(len(groups)))
    picks: list[int] = []
    value = 0.0
    total = int(remaining.sum())
    for step in range(total):
        if is_cancelled(cancel):
            raise SolveCancelled("capacity greedy")
        if report is not None:
            report(step / max(total, 1), f"capacity greedy: {step}/{total} points")
        served = _fill(col, row, left, cap_people, village_per_person, inp.sites_cap, start)
        gain = np.bincount(col, weights=served * ratio[row], minlength=n)
        plain = (pop0[row] <= 0) & ~reached[row]
        gain += np.bincount(col[plain], weights=p.weights[row[plain]], minlength=n)
        elig = eligible_columns(
            p, site_used, remaining, need, chosen, [groups[g] for g in open_groups]
        )
        if not elig.any():
            break
        c = int(np.argmax(np.where(elig, gain, -np.inf)))
        mine = col == c
        np.subtract.at(left, row[mine], served[mine])
        reached[row[mine & (pop0[row] <= 0)]] = True
        value += float(gain[c])
        t, k = p.column_type[c], p.column_county[c]
        remaining[t] -= 1
        need[k, t] = max(need[k, t] - 1, 0)
        site_used[p.column_site[c]] = True
        chosen[c] = True
        open_groups = [g for g in open_groups if not groups[g][c]]
        picks.append(c)
    cols: IntArray = np.sort(np.array(picks, np.int64))
    status = "heuristic" if not p.violations(cols) else "infeasible"
    seconds = time.perf_counter() - t0
    return Solution(cols, value, float("inf"), status, "capacity-greedy", seconds)


def _fill(
    col: IntArray,
    row: IntArray,
    left: FloatArray,
    cap_people: FloatArray,
    village_per_person: FloatArray,
    sites_cap: float,
    start: IntArray,
) -> FloatArray:
    """People each (column, row) pair would serve, filling each column in pair order."""
    rest = left[row]
    before = _segment_cumsum(rest, col, start) - rest
    take = np.clip(cap_people - before, 0.0, rest)
    if np.isfinite(sites_cap):
        v = rest * village_per_person[row]
        v_before = _segment_cumsum(v, col, start) - v
        share = np.divide(
            np.clip(sites_cap - v_before, 0.0, v), v, out=np.ones_like(v), where=v > 0
        )
        take = np.minimum(take, rest * share)
    return take


def _segment_cumsum(values: FloatArray, col: IntArray, start: IntArray) -> FloatArray:
    """Cumulative sum restarting at each column (pairs sorted by column)."""
    total = np.cumsum(values)
    offset = np.concatenate([[0.0], total])[start[col]]
    return total - offset
