"""The MILP restricted to a set of ``x`` columns, with its coverage rows compacted.

Once reduced-cost fixing (:mod:`analysis.optimise.exact.colgen`) has dropped most columns, most
coverage rows become trivial, and HiGHS (or the branch and bound of
:mod:`analysis.optimise.exact.branch`) would still carry them. Three exact reductions, valid for
the LP relaxation and the MILP alike (every weight is non-negative):

* a row no kept column reaches has ``y = 0``: dropped;
* a row only one kept column ``j`` reaches has ``y = x_j`` at the optimum: its weight is
  added to the cost of ``x_j`` and the row dropped;
* rows reached by exactly the same kept columns behave as one row whose weight is the
  sum: merged.

Rules rows that can no longer bind (only ``x`` entries, all 1, and an upper bound at least
their number, e.g. "one point per site" over one kept column) are dropped too. The
compact model has the same optimal value as the restricted model for every ``x``.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from analysis.optimise.exact.milp_model import MilpArrays
from analysis.optimise.model.problem import BoolArray, CoverageProblem, FloatArray, IntArray


@dataclass(frozen=True, eq=False)
class CompactLp:
    """The compact model over some ``x`` columns (maximised).

    Parameters
    ----------
    a
        Constraint matrix (CSC), columns ``[x (n_x) | merged y | z]``.
    cost, col_lower, col_upper, row_lower, row_upper
        Objective and bounds.
    columns
        Problem column of each ``x`` column (sorted).
    n_x
        Number of ``x`` columns (the first ones).
    integral_objective
        Every objective coefficient is an integer (so is every plan's value).
    """

    a: sp.csc_matrix
    cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    columns: IntArray
    n_x: int
    integral_objective: bool

    def to_highs(self, integral: bool) -> highspy.HighsLp:
        """HiGHS model; ``integral`` makes the ``x`` columns binary."""
        lp = highspy.HighsLp()
        lp.num_col_ = int(self.a.shape[1])
        lp.num_row_ = int(self.a.shape[0])
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.col_lower
        lp.col_upper_ = self.col_upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.a.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.a.data.astype(float)
        if integral:
            n_other = lp.num_col_ - self.n_x
            lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n_x + [
                highspy.HighsVarType.kContinuous
            ] * n_other
        return lp


def compact_lp(problem: CoverageProblem, arrays: MilpArrays, columns: IntArray) -> CompactLp:
    """Build the compact model of ``arrays`` over the ``x`` columns ``columns``.

    Parameters
    ----------
    problem
        The problem ``arrays`` was built from (its coverage rows come first in ``arrays``).
    arrays
        The full MILP (:func:`analysis.optimise.exact.milp_model.build_arrays`).
    columns
        ``x`` columns to keep (problem column indices).
    """
    cols = np.unique(np.asarray(columns, np.int64))
    n, m, n_x_all = cols.size, problem.n_rows, arrays.n_x
    z_cols = np.arange(n_x_all + m, arrays.a.shape[1])
    row_cost = arrays.cost[n_x_all : n_x_all + m]
    sub = problem.cover[:, cols].tocsr()
    sub.sort_indices()
    reach = np.diff(sub.indptr)
    x_cost = arrays.cost[cols].astype(float)
    single = np.flatnonzero((reach == 1) & (row_cost > 0))
    np.add.at(x_cost, sub.indices[sub.indptr[single]], row_cost[single])
    keys: dict[bytes, int] = {}
    multi = np.flatnonzero((reach >= 2) & (row_cost > 0))
    group = np.empty(multi.size, np.int64)
    indptr, indices = sub.indptr, sub.indices
    for k, i in enumerate(multi):
        group[k] = keys.setdefault(indices[indptr[i] : indptr[i + 1]].tobytes(), len(keys))
    n_y = len(keys)
    y_cost = np.bincount(group, weights=row_cost[multi], minlength=n_y)
    first = np.full(n_y, -1, np.int64)
    first[group[::-1]] = multi[::-1]  # first row of each group
    cover_rows = -sub[first].astype(float) if n_y else sp.csr_matrix((0, n))
    # rules rows (sites, counts, minimums, must-cover, met units) over kept x and every z
    rules = arrays.a.tocsr()[m:][:, np.concatenate([cols, z_cols])].tocsr()
    lower, upper = arrays.row_lower[m:], arrays.row_upper[m:]
    keep = np.flatnonzero(~_redundant(rules, n, lower, upper))
    rules = rules[keep]
    a = sp.bmat(
        [
            [cover_rows, sp.identity(n_y, format="csr"), sp.csr_matrix((n_y, z_cols.size))],
            [rules[:, :n], sp.csr_matrix((keep.size, n_y)), rules[:, n:]],
        ],
        format="csc",
    )
    a.sort_indices()
    cost = np.concatenate([x_cost, y_cost, arrays.cost[z_cols]])
    return CompactLp(
        a=a,
        cost=cost,
        col_lower=np.concatenate([arrays.col_lower[cols], np.zeros(n_y), arrays.col_lower[z_cols]]),
        col_upper=np.concatenate([arrays.col_upper[cols], np.ones(n_y), arrays.col_upper[z_cols]]),
        row_lower=np.concatenate([np.full(n_y, -np.inf), lower[keep]]),
        row_upper=np.concatenate([np.zeros(n_y), upper[keep]]),
        columns=cols,
        n_x=n,
        integral_objective=bool(np.all(cost == np.round(cost))),
    )


def _redundant(rules: sp.csr_matrix, n_x: int, lower: FloatArray, upper: FloatArray) -> BoolArray:
    """Rows with only ``x`` entries, all 1, that no 0/1 ``x`` can violate."""
    entries = np.diff(rules.indptr)
    on_x = rules[:, :n_x]
    count = np.diff(on_x.tocsr().indptr)
    ones = np.asarray((on_x == 1).sum(axis=1)).ravel()
    return (entries == count) & (ones == count) & (lower <= 0) & (upper >= count)
