"""The swap neighbourhood evaluated all at once, and best-improvement descent over it.

A swap replaces a chosen column ``c`` by an unchosen column ``j`` of the same type. With
``cnt[i]`` the number of chosen columns covering row ``i``, its value is

    gain[j] - loss[c] + shared[c, j]

where ``gain[j]`` is the weight ``j`` would newly cover, ``loss[c]`` the weight only ``c``
covers and ``shared[c, j]`` the part of that weight ``j`` covers too. ``shared`` is one
``bincount`` over the matrix entries of the rows only one chosen column covers (their
owner is tracked incrementally), so the whole neighbourhood (points x columns) is a
handful of numpy operations instead of a Python loop per point (demo city: ~2 ms for all
22 x 5,952 swaps).

A tabu walk over this neighbourhood (accept the best non-improving swap, forbid undoing
it for a while) was tried and dropped: on the demo city it did not leave the 1-swap local
optima of the greedy in up to 400 moves (the optima differ in most points, each move
alone a loss); the LP dive of :mod:`analysis.optimise.heuristics.preview` does.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.optimise.model.problem import BoolArray, CoverageProblem, FloatArray, IntArray
from analysis.optimise.progress import CancelLike, is_cancelled


class SwapSearch:
    """Coverage counts of a plan and its swap neighbourhood.

    Parameters
    ----------
    problem
        The problem.
    csc
        ``problem.cover`` as a float CSC matrix (shared with the greedy).
    columns
        The starting plan.
    csr
        The same matrix as CSR (built when not given; pass it when searching often).
    """

    def __init__(
        self,
        problem: CoverageProblem,
        csc: sp.csc_matrix,
        columns: IntArray,
        csr: sp.csr_matrix | None = None,
    ) -> None:
        self.p = problem
        self.csc = csc
        self.csr_t = csc.T  # columns x rows (the transpose of a CSC matrix is CSR)
        self.w = problem.weights
        self.col_county = problem.column_county
        self.cols = np.asarray(columns, np.int64).copy()
        self.cnt = np.asarray(csc[:, self.cols].sum(axis=1)).ravel().astype(np.int64)
        self.placed = problem.placed_by_county_type(self.cols)
        self.site_used = np.zeros(problem.n_sites, dtype=bool)
        self.site_used[problem.column_site[self.cols]] = True
        self.chosen = np.zeros(problem.n_columns, dtype=bool)
        self.chosen[self.cols] = True
        self.groups = [np.isin(np.arange(problem.n_columns), g) for g in problem.must_cover]
        self.csr = csc.tocsr() if csr is None else csr
        # sum of the positions (in ``cols``) of the chosen columns covering each row: the
        # position of the only one where cnt == 1
        self.owner = np.zeros(problem.n_rows, dtype=np.int64)
        for pos, c in enumerate(self.cols):
            self.owner[self._rows(int(c))] += pos
        self.value = float(self.w[self.cnt > 0].sum())

    def _rows(self, column: int) -> IntArray:
        return self.csc.indices[self.csc.indptr[column] : self.csc.indptr[column + 1]]

    def move_values(self) -> FloatArray:
        """``(points, columns)`` change of the objective of every swap (``-inf``: not allowed).

        Allowed: same type, a free site, and every county minimum and must-cover township
        the plan meets stays met.
        """
        p, cols = self.p, self.cols
        k, n = cols.size, p.n_columns
        gain = self.csr_t @ (self.w * (self.cnt == 0))
        only = np.flatnonzero((self.cnt == 1) & (self.w > 0))
        owner, w_only = self.owner[only], self.w[only]
        loss = np.bincount(owner, weights=w_only, minlength=k)
        starts = self.csr.indptr[only]
        lengths = self.csr.indptr[only + 1] - starts
        ends = np.cumsum(lengths)
        at = np.repeat(starts - ends + lengths, lengths) + np.arange(ends[-1] if ends.size else 0)
        flat = np.repeat(owner, lengths) * n + self.csr.indices[at]
        shared = np.bincount(flat, weights=np.repeat(w_only, lengths), minlength=k * n)
        value = gain[None, :] - loss[:, None] + shared.reshape(k, n)
        c_type = p.column_type[cols]
        ok = (p.column_type[None, :] == c_type[:, None]) & ~(
            self.site_used[p.column_site] | self.chosen
        )[None, :]
        c_county = self.col_county[cols]
        tight = (p.minimum_new[c_county, c_type] > 0) & (
            self.placed[c_county, c_type] <= p.minimum_new[c_county, c_type]
        )
        if tight.any():
            # a point a county needs may only move within it or to a county still short
            short = self.placed < p.minimum_new  # (counties, types)
            to_short = short[self.col_county[None, :], c_type[:, None]]
            same = self.col_county[None, :] == c_county[:, None]
            ok &= ~tight[:, None] | same | to_short
        for g in self.groups:
            sole = g[cols] & (int(g[cols].sum()) == 1)
            if sole.any():
                ok[sole] &= g[None, :]
        return np.where(ok, value, -np.inf)

    def apply(self, pos: int, column: int) -> None:
        """Replace the ``pos``-th chosen column by ``column``."""
        p = self.p
        old = int(self.cols[pos])
        rows_old, rows_new = self._rows(old), self._rows(column)
        self.cnt[rows_old] -= 1
        self.cnt[rows_new] += 1
        self.owner[rows_old] -= pos
        self.owner[rows_new] += pos
        self.chosen[old], self.chosen[column] = False, True
        self.site_used[p.column_site[old]] = False
        self.site_used[p.column_site[column]] = True
        self.placed[self.col_county[old], p.column_type[old]] -= 1
        self.placed[self.col_county[column], p.column_type[column]] += 1
        self.cols[pos] = column
        self.value = float(self.w[self.cnt > 0].sum())


def local_search(
    problem: CoverageProblem,
    csc: sp.csc_matrix,
    columns: IntArray,
    *,
    max_swaps: int | None = None,
    forbidden: BoolArray | None = None,
    csr: sp.csr_matrix | None = None,
    cancel: CancelLike = None,
) -> tuple[IntArray, float]:
    """Best-improvement swaps until none improves (a 1-swap local optimum).

    Parameters
    ----------
    problem
        The problem.
    csc
        ``problem.cover`` as a float CSC matrix.
    columns
        Starting plan; every rule it keeps stays kept.
    max_swaps
        Upper limit on accepted swaps (default ``10 * len(columns) + 10``).
    forbidden
        Columns that may not be swapped in.
    csr
        ``csc`` as CSR (see :class:`SwapSearch`).
    cancel
        Polled before every swap; the plan so far is returned.

    Returns
    -------
    columns, value
        The improved plan and its objective.
    """
    s = SwapSearch(problem, csc, columns, csr)
    tol = 1e-9 * max(float(s.w.sum()), 1.0)
    limit = max_swaps if max_swaps is not None else 10 * s.cols.size + 10
    for _ in range(limit if s.cols.size else 0):
        if is_cancelled(cancel):
            break
        values = s.move_values()
        if forbidden is not None:
            values[:, forbidden] = -np.inf
        pos, j = divmod(int(np.argmax(values)), values.shape[1])
        if not values[pos, j] > tol:  # also -inf: no allowed swap at all
            break
        s.apply(pos, j)
    return s.cols.copy(), s.value
