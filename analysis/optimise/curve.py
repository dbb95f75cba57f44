"""Coverage against the number of new points, so leaders see where returns diminish."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.optimise.greedy import order_by_marginal
from analysis.optimise.problem import CoverageProblem, IntArray


@dataclass(frozen=True)
class CurvePoint:
    """Coverage after the first ``k`` new points of a plan (in order of marginal gain).

    Parameters
    ----------
    k
        Number of new points placed (0 = existing network only).
    covered_population
        Population covered by existing points and the first ``k`` new ones.
    coverage_share
        ``covered_population`` over the total population.
    marginal_population
        Population the ``k``-th point newly covers (0 for ``k = 0``).
    weighted_objective
        Weighted newly covered population (the optimiser's objective) after ``k`` points.
    point_type, site_id
        Type and site of the ``k``-th point (empty for ``k = 0``).
    """

    k: int
    covered_population: float
    coverage_share: float
    marginal_population: float
    weighted_objective: float
    point_type: str = ""
    site_id: str = ""


def coverage_curve(
    problem: CoverageProblem,
    columns: IntArray,
    *,
    covered_before: float,
    total_population: float,
) -> tuple[CurvePoint, ...]:
    """The curve ``k = 0 .. N`` along the plan, largest marginal gain first.

    Parameters
    ----------
    problem
        The full (unreduced) problem, whose ``population`` is the unweighted population.
    columns
        The plan's columns.
    covered_before
        Population already covered by existing points.
    total_population
        Population of the whole area (for the share).

    Returns
    -------
    tuple of CurvePoint
        ``N + 1`` points; ``covered_population`` never decreases with ``k``.
    """
    ordered, marginal_w = order_by_marginal(problem, columns)
    csc = problem.cover
    covered = np.zeros(problem.n_rows, dtype=bool)
    share = covered_before / total_population if total_population > 0 else 0.0
    out = [CurvePoint(0, covered_before, share, 0.0, 0.0)]
    pop, weighted = covered_before, 0.0
    for k, (c, w) in enumerate(zip(ordered, marginal_w, strict=True), start=1):
        rows = csc.indices[csc.indptr[c] : csc.indptr[c + 1]]
        fresh = rows[~covered[rows]]
        gained = float(problem.population[fresh].sum())
        covered[fresh] = True
        pop += gained
        weighted += float(w)
        site = int(problem.column_site[c])
        out.append(
            CurvePoint(
                k=k,
                covered_population=pop,
                coverage_share=pop / total_population if total_population > 0 else 0.0,
                marginal_population=gained,
                weighted_objective=weighted,
                point_type=problem.type_names[int(problem.column_type[c])],
                site_id=problem.site_ids[site] if problem.site_ids else str(site),
            )
        )
    return tuple(out)
