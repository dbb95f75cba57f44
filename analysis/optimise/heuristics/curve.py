"""Coverage against the number of new points, so leaders see where returns diminish."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.optimise.model.problem import CoverageProblem, IntArray


@dataclass(frozen=True)
class CurvePoint:
    """Coverage after the first ``k`` new points of a plan (in order of largest gain).

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
    gains: IntArray,
    *,
    covered_before: float,
    total_population: float,
) -> tuple[CurvePoint, ...]:
    """The curve ``k = 0 .. N`` along the plan's points in their order.

    Parameters
    ----------
    problem
        The full (unreduced) problem (for the weighted objective).
    columns
        The plan's columns, in the points' order (largest gain first:
        :func:`analysis.coverage.impact.point_impact`).
    gains
        People each point newly covers in that order (``newly_covered_population``).
    covered_before
        Population already covered by existing points.
    total_population
        Population of the whole area (for the share).

    Returns
    -------
    tuple of CurvePoint
        ``N + 1`` points; ``covered_population`` never decreases with ``k``.
    """
    share = covered_before / total_population if total_population > 0 else 0.0
    out = [CurvePoint(0, covered_before, share, 0.0, 0.0)]
    pop = covered_before
    cols = np.asarray(columns, np.int64)
    for k, (c, gained) in enumerate(zip(cols, gains, strict=True), start=1):
        pop += float(gained)
        site = int(problem.column_site[c])
        out.append(
            CurvePoint(
                k=k,
                covered_population=pop,
                coverage_share=pop / total_population if total_population > 0 else 0.0,
                marginal_population=float(gained),
                weighted_objective=problem.objective(cols[:k]),
                point_type=problem.type_names[int(problem.column_type[c])],
                site_id=problem.site_ids[site] if problem.site_ids else str(site),
            )
        )
    return tuple(out)
