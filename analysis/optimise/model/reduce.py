"""Model reduction: drop rows that cannot matter and merge rows with equal coverage.

A row with no weight (already covered, empty) or that no column reaches never changes the
objective; rows reached by exactly the same set of columns behave as one row whose weight
is the sum (notes: 20,000 villages -> ~10,000 rows). Columns are kept as they are, so a
solution of the reduced problem is a solution of the original one with the same objective.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from analysis.optimise.model.problem import CoverageProblem, IntArray


def reduce_rows(problem: CoverageProblem) -> tuple[CoverageProblem, IntArray]:
    """Return the reduced problem and, per original row, its reduced row (-1 if dropped).

    Parameters
    ----------
    problem
        The full problem.

    Returns
    -------
    reduced, row_map
        ``reduced`` has the same columns; ``row_map[i]`` is the merged row of row ``i``.
    """
    csr = problem.cover.tocsr()
    csr.sort_indices()
    reach = np.diff(csr.indptr)
    keep = np.flatnonzero((problem.weights > 0) & (reach > 0))
    keys: dict[bytes, int] = {}
    group = np.empty(keep.size, dtype=np.int64)
    indptr, indices = csr.indptr, csr.indices
    for k, i in enumerate(keep):
        key = indices[indptr[i] : indptr[i + 1]].tobytes()
        group[k] = keys.setdefault(key, len(keys))
    n_groups = len(keys)
    first = np.full(n_groups, -1, dtype=np.int64)
    # first original row of each group, in order of appearance
    order = np.arange(keep.size)[::-1]
    first[group[order]] = keep[order]
    weights = np.bincount(group, weights=problem.weights[keep], minlength=n_groups).astype(float)
    population = np.bincount(group, weights=problem.population[keep], minlength=n_groups).astype(
        float
    )
    cover = csr[first].tocsc() if n_groups else sp.csc_matrix((0, problem.n_columns), dtype=bool)
    row_map = np.full(problem.n_rows, -1, dtype=np.int64)
    row_map[keep] = group
    reduced = replace(problem, weights=weights, population=population, cover=cover)
    return reduced, row_map
