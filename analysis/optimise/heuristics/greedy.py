"""Greedy placement under the rules, then 1-swap improvement.

Greedy adds, one at a time, the column with the largest newly covered weight among those
that keep the plan completable: once a type's remaining count equals the county
shortfalls still open for it, only columns in those counties qualify; once the remaining
points equal the must-cover townships still open, only columns reaching one of them do.
The swap search then replaces one chosen column by another of the same type whenever that
covers more and keeps every rule (best improvement first, until none improves).
"""

from __future__ import annotations

import time

import numpy as np

from analysis.optimise.heuristics.eligible import eligible_columns
from analysis.optimise.heuristics.swapsearch import SwapSearch, local_search
from analysis.optimise.model.problem import (
    BoolArray,
    CoverageProblem,
    FloatArray,
    IntArray,
    Solution,
)
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter, SolveCancelled
from analysis.optimise.progress import is_cancelled as _is_cancelled


class _Arrays:
    """Float copies of the coverage matrix in both layouts (built once per problem)."""

    def __init__(self, problem: CoverageProblem) -> None:
        self.csc = problem.cover.astype(np.float64).tocsc()
        self.csr = self.csc.tocsr()
        self.w = problem.weights
        self.col_county = problem.column_county
        self.groups = [_mask(g, problem.n_columns) for g in problem.must_cover]

    def rows_of(self, column: int) -> IntArray:
        start, stop = self.csc.indptr[column], self.csc.indptr[column + 1]
        return self.csc.indices[start:stop]

    def gain_of_rows(self, rows: IntArray) -> FloatArray:
        """Per column, the weight of ``rows`` it covers."""
        if rows.size == 0:
            return np.zeros(self.csc.shape[1])
        return np.asarray(self.csr[rows].T @ self.w[rows]).ravel()


def _mask(columns: IntArray, n: int) -> BoolArray:
    out = np.zeros(n, dtype=bool)
    out[columns] = True
    return out


def greedy(
    problem: CoverageProblem,
    *,
    first: int | None = None,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
) -> Solution:
    """Greedy plan respecting counts, one point per site, minimums and must-cover.

    Parameters
    ----------
    problem
        The (preferably reduced) problem.
    first
        Column to place first (multi-start); default the best one.
    cancel
        Event or callable polled before every step; raises :class:`SolveCancelled`.
    progress
        ``progress(fraction, message)``.

    Returns
    -------
    Solution
        ``status`` is ``"heuristic"``, or ``"infeasible"`` when greedy could not build a
        plan that keeps every rule (the columns are then the best it could do).
    """
    t0 = time.perf_counter()
    report = Reporter(progress)
    arr = _Arrays(problem)
    cols, obj = _complete(problem, arr, [], first=first, cancel=cancel, report=report)
    status = "heuristic" if not problem.violations(cols) else "infeasible"
    report(1.0, "greedy: done", force=True)
    return Solution(cols, obj, float("inf"), status, "greedy", time.perf_counter() - t0)


def _complete(
    problem: CoverageProblem,
    arr: _Arrays,
    start: list[int],
    *,
    first: int | None = None,
    cancel: CancelLike = None,
    report: Reporter | None = None,
    prefer: BoolArray | None = None,
) -> tuple[IntArray, float]:
    """Greedily complete the partial plan ``start``; return the columns and objective.

    ``prefer`` restricts the choice to those columns whenever one of them qualifies.
    """
    col_type, col_site, col_county = problem.column_type, problem.column_site, arr.col_county
    start_arr = np.array(start, dtype=np.int64)
    cnt = np.asarray(arr.csc[:, start_arr].sum(axis=1)).ravel().astype(np.int64)
    gains = np.asarray(arr.csc.T @ (arr.w * (cnt == 0))).ravel()
    remaining = problem.counts - np.bincount(col_type[start_arr], minlength=len(problem.type_names))
    need = np.maximum(problem.minimum_new - problem.placed_by_county_type(start_arr), 0)
    site_used = np.zeros(problem.n_sites, dtype=bool)
    site_used[col_site[start_arr]] = True
    chosen_mask = _mask(start_arr, problem.n_columns)
    open_groups = [g for g in range(len(arr.groups)) if not arr.groups[g][start_arr].any()]
    chosen = list(start)
    total = int(remaining.sum())
    for step in range(total):
        if _is_cancelled(cancel):
            raise SolveCancelled("greedy")
        if report is not None:
            report(step / max(total, 1), f"greedy: {step}/{total} points")
        elig = eligible_columns(
            problem, site_used, remaining, need, chosen_mask, [arr.groups[g] for g in open_groups]
        )
        if not elig.any():
            break
        if prefer is not None and (elig & prefer).any():
            elig = elig & prefer
        c = int(np.argmax(np.where(elig, gains, -np.inf)))
        if step == 0 and first is not None and elig[first]:
            c = first
        rows = arr.rows_of(c)
        new = rows[cnt[rows] == 0]
        gains -= arr.gain_of_rows(new)
        cnt[rows] += 1
        t, k = col_type[c], col_county[c]
        remaining[t] -= 1
        need[k, t] = max(need[k, t] - 1, 0)
        site_used[col_site[c]] = True
        chosen_mask[c] = True
        open_groups = [g for g in open_groups if not arr.groups[g][c]]
        chosen.append(c)
    return np.array(chosen, dtype=np.int64), float(arr.w[cnt > 0].sum())


def swap_improve(
    problem: CoverageProblem,
    start: Solution,
    *,
    max_swaps: int | None = None,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
) -> Solution:
    """Improve a plan by single swaps (same type) that keep every rule it keeps.

    Parameters
    ----------
    problem
        The problem ``start`` was found for.
    start
        Starting plan (e.g. from :func:`greedy`).
    max_swaps
        Upper limit on accepted swaps (default ``10 * len(columns) + 10``).
    cancel
        Polled before every pass; on cancel the best plan so far is returned.
    progress
        ``progress(fraction, message)``.
    """
    t0 = time.perf_counter()
    report = Reporter(progress)
    if start.columns.size == 0:
        return start
    arr = _Arrays(problem)
    out, obj = _swap(problem, arr, [int(c) for c in start.columns], max_swaps, cancel, report)
    report(1.0, "swap: done", force=True)
    status = "heuristic" if not problem.violations(out) else "infeasible"
    method = "greedy+swap" if start.method == "greedy" else f"{start.method}+swap"
    seconds = start.seconds + time.perf_counter() - t0
    return Solution(out, obj, start.bound, status, method, seconds)


def _swap(
    problem: CoverageProblem,
    arr: _Arrays,
    cols: list[int],
    max_swaps: int | None,
    cancel: CancelLike,
    report: Reporter | None,
    forbidden: BoolArray | None = None,
) -> tuple[IntArray, float]:
    """Best-improvement 1-swap local search; return the columns and objective.

    ``forbidden`` marks columns that may not be swapped in (tabu).
    """
    col_type, col_site, col_county = problem.column_type, problem.column_site, arr.col_county
    cols = list(cols)
    chosen_mask = _mask(np.array(cols, np.int64), problem.n_columns)
    cnt = np.asarray(arr.csc[:, cols].sum(axis=1)).ravel().astype(np.int64)
    placed = problem.placed_by_county_type(np.array(cols, np.int64))
    site_used = np.zeros(problem.n_sites, dtype=bool)
    site_used[col_site[cols]] = True
    tol = 1e-9 * max(float(arr.w.sum()), 1.0)
    limit = max_swaps if max_swaps is not None else 10 * len(cols) + 10
    swaps = 0
    while cols and swaps < limit and not _is_cancelled(cancel):
        if report is not None:
            report(swaps / limit, f"swap: {swaps} improvements")
        gains = np.asarray(arr.csc.T @ (arr.w * (cnt == 0))).ravel()
        best_net, best_pair = tol, None
        for pos, c in enumerate(cols):
            rows = arr.rows_of(c)
            uniq = rows[cnt[rows] == 1]
            loss = float(arr.w[uniq].sum())
            net = gains + arr.gain_of_rows(uniq) - loss
            t, k = col_type[c], col_county[c]
            free_site = ~site_used[col_site] | (col_site == col_site[c])
            elig = (col_type == t) & ~chosen_mask & free_site
            if forbidden is not None:
                elig &= ~forbidden
            if problem.minimum_new[k, t] > 0 and placed[k, t] <= problem.minimum_new[k, t]:
                other = placed[col_county, t] < problem.minimum_new[col_county, t]
                elig &= (col_county == k) | other
            for g in arr.groups:
                if g[c] and int(g[cols].sum()) == 1:
                    elig &= g
            if not elig.any():
                continue
            j = int(np.argmax(np.where(elig, net, -np.inf)))
            if net[j] > best_net:
                best_net, best_pair = float(net[j]), (pos, j)
        if best_pair is None:
            break
        pos, j = best_pair
        c = cols[pos]
        cnt[arr.rows_of(c)] -= 1
        cnt[arr.rows_of(j)] += 1
        chosen_mask[c], chosen_mask[j] = False, True
        site_used[col_site[c]] = False
        site_used[col_site[j]] = True
        placed[col_county[c], col_type[c]] -= 1
        placed[col_county[j], col_type[j]] += 1
        cols[pos] = j
        swaps += 1
    return np.array(cols, dtype=np.int64), float(arr.w[cnt > 0].sum())


def greedy_swap(
    problem: CoverageProblem,
    *,
    pair_moves: bool = True,
    width: int = 3,
    max_chains: int | None = None,
    cancel: CancelLike = None,
    progress: ProgressFn | None = None,
    stop: CancelLike = None,
) -> Solution:
    """Greedy, best-improvement swaps, then swap chains.

    The swap neighbourhood (every chosen point against every column of its type) is
    evaluated at once (:class:`analysis.optimise.heuristics.swapsearch.SwapSearch`).
    :func:`analysis.optimise.heuristics.preview.preview_plan` goes further with an LP dive.

    Parameters
    ----------
    problem
        The (preferably reduced) problem.
    pair_moves
        After the swap search, try swap chains: replace a chosen point by one of the
        ``width`` best other sites of its type even if that loses coverage, forbid the
        old site, and run the swap search again; keep the chain if the plan improved.
        Escapes some 1-swap local optima.
    width
        Replacements tried per chosen point in a swap chain.
    max_chains
        Most swap chains tried: a count, not a time, so the result is reproducible.
        Default ``min(48, max(6, 2e6 / (points x columns)))``.
    cancel
        Event or callable; cancelling during the greedy raises :class:`SolveCancelled`,
        later the best plan so far is returned.
    progress
        ``progress(fraction, message)``.
    stop
        Event or callable polled like ``cancel`` by the swaps and chains only (e.g. the
        solve's deadline): the greedy's plan, swapped so far, is returned.
    """
    t0 = time.perf_counter()
    report = Reporter(progress)
    arr = _Arrays(problem)
    cols, obj = _complete(problem, arr, [], cancel=cancel, report=report.sub(0.0, 0.2))
    report(0.2, "swap: best improvement", force=True)

    def halt() -> bool:
        return _is_cancelled(cancel) or _is_cancelled(stop)

    cols, obj = local_search(problem, arr.csc, cols, csr=arr.csr, cancel=halt)
    tol = 1e-9 * max(float(arr.w.sum()), 1.0)
    improved = pair_moves and not problem.violations(cols)
    tried = 0
    if max_chains is None:
        work = max(cols.size * problem.n_columns, 1)
        max_chains = int(min(48, max(6, 2_000_000 // work)))
    while improved and not halt() and tried < max_chains:
        improved = False
        values = SwapSearch(problem, arr.csc, cols, arr.csr).move_values()
        for i in range(cols.size):
            report.sub(0.4, 1.0)(tried / max_chains, f"swap chains: point {i + 1}/{cols.size}")
            row = values[i]
            allowed = np.flatnonzero(np.isfinite(row))
            for j in allowed[np.argsort(-row[allowed], kind="stable")[:width]]:
                tried += 1
                trial = cols.copy()
                trial[i] = j
                tabu = _mask(cols[i : i + 1], problem.n_columns)
                new, value = local_search(
                    problem, arr.csc, trial, forbidden=tabu, csr=arr.csr, cancel=halt
                )
                if value > obj + tol and not problem.violations(new):
                    cols, obj, improved = new, value, True
                    break
            if improved or halt() or tried >= max_chains:
                break
    report(1.0, "greedy + swap: done", force=True)
    status = "heuristic" if not problem.violations(cols) else "infeasible"
    return Solution(cols, obj, float("inf"), status, "greedy+swap", time.perf_counter() - t0)


def lp_round(
    problem: CoverageProblem, x_value: FloatArray, *, cancel: CancelLike = None
) -> Solution:
    """Plan from an LP solution: keep the columns the LP sets (near) to 1, complete greedily,
    then improve by swaps.

    Parameters
    ----------
    problem
        The problem the LP was solved for.
    x_value
        LP value of every column (e.g. :attr:`analysis.optimise.exact.colgen.LpBound.x_value`).
    cancel
        Event or callable (e.g. a deadline) polled by the swaps only: the completed plan,
        swapped so far, is returned.
    """
    t0 = time.perf_counter()
    arr = _Arrays(problem)
    remaining = problem.counts.copy()
    used = np.zeros(problem.n_sites, dtype=bool)
    start: list[int] = []
    for c in np.argsort(-x_value, kind="stable"):
        if x_value[c] < 0.99:
            break
        t, site = problem.column_type[c], problem.column_site[c]
        if remaining[t] > 0 and not used[site]:
            start.append(int(c))
            remaining[t] -= 1
            used[site] = True
    cols, _ = _complete(problem, arr, start, prefer=x_value > 1e-6)
    cols, obj = local_search(problem, arr.csc, cols, csr=arr.csr, cancel=cancel)
    status = "heuristic" if not problem.violations(cols) else "infeasible"
    return Solution(cols, obj, float("inf"), status, "lp-round+swap", time.perf_counter() - t0)


def order_by_marginal(problem: CoverageProblem, columns: IntArray) -> tuple[IntArray, FloatArray]:
    """Order chosen columns by largest marginal weight first; return order and marginals.

    Parameters
    ----------
    problem
        The problem (weights are the objective weights).
    columns
        The chosen columns.

    Returns
    -------
    ordered, marginal
        ``marginal[i]`` is the weight ``ordered[i]`` newly covers after ``ordered[:i]``.
    """
    arr = _Arrays(problem)
    left = [int(c) for c in columns]
    covered = np.zeros(problem.n_rows, dtype=bool)
    ordered: list[int] = []
    marginal: list[float] = []
    while left:
        values = []
        for c in left:
            rows = arr.rows_of(c)
            values.append(float(arr.w[rows[~covered[rows]]].sum()))
        i = int(np.argmax(values))
        c = left.pop(i)
        covered[arr.rows_of(c)] = True
        ordered.append(c)
        marginal.append(values[i])
    return np.array(ordered, dtype=np.int64), np.array(marginal, dtype=np.float64)
