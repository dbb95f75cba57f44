"""Which columns a greedy step may add so that the plan can still keep every rule."""

from __future__ import annotations

import numpy as np

from analysis.optimise.model.problem import BoolArray, CoverageProblem, IntArray


def eligible_columns(
    problem: CoverageProblem,
    site_used: BoolArray,
    remaining: IntArray,
    need: IntArray,
    chosen: BoolArray,
    open_groups: list[BoolArray],
) -> BoolArray:
    """Columns a greedy step may add and still complete a plan that keeps the rules.

    Parameters
    ----------
    problem
        The problem.
    site_used, chosen
        Sites already holding a point; columns already chosen.
    remaining, need
        Points still to place by type; ``(n_counties, n_types)`` minimums still open.
    open_groups
        Column masks of the must-cover townships still open.

    Returns
    -------
    BoolArray
        The columns that keep the plan completable, or (when none does) every column that
        keeps the counts and one point per site.
    """
    col_type, col_county = problem.column_type, problem.column_county
    base = ~site_used[problem.column_site] & (remaining[col_type] > 0) & ~chosen
    elig = base.copy()
    for t in range(len(problem.type_names)):
        if remaining[t] - need[:, t].sum() <= 0:
            elig &= (col_type != t) | (need[col_county, col_type] > 0)
    if open_groups and len(open_groups) >= remaining.sum():
        elig &= np.logical_or.reduce(open_groups)
    return elig if elig.any() else base
