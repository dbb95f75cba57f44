"""Urban-rural equity: is the rural population served by its share of contact points?

``equity_index = rural_point_share / rural_population_share``, where
``rural_point_share`` is the fraction of contact points of type ``rural`` and
``rural_population_share`` the fraction of the population that is rural. 1 means rural
people have points in proportion to their numbers; below the standards' ``equity_flag_below``
(0.8 by default, an assumption) the area is flagged. The index is undefined (NaN) where
there is no rural population (nothing to balance), and such areas are never flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Equity:
    """Equity figures, one value per area (arrays) or a single area (0-d arrays).

    Parameters
    ----------
    rural_point_share
        Rural contact points / all contact points (0 when there are none).
    rural_population_share
        Rural population / population (0 when there is no population).
    equity_index
        ``rural_point_share / rural_population_share``; NaN without rural population.
    flagged
        ``equity_index < threshold`` (False where the index is NaN).
    """

    rural_point_share: FloatArray
    rural_population_share: FloatArray
    equity_index: FloatArray
    flagged: NDArray[np.bool_]


def safe_share(part: ArrayLike, whole: ArrayLike) -> FloatArray:
    """``part / whole`` with 0 where ``whole`` is 0, clipped to [0, 1]."""
    part_arr = np.asarray(part, float)
    whole_arr = np.asarray(whole, float)
    out = np.divide(
        part_arr,
        whole_arr,
        out=np.zeros(np.broadcast(part_arr, whole_arr).shape),
        where=whole_arr > 0,
    )
    return np.clip(out, 0.0, 1.0)


def compute_equity(
    rural_points: ArrayLike,
    points_total: ArrayLike,
    rural_population: ArrayLike,
    population: ArrayLike,
    threshold: float,
) -> Equity:
    """Equity index and flag for each area.

    Parameters
    ----------
    rural_points, points_total
        Contact points of type ``rural`` and of all types.
    rural_population, population
        Rural and total population.
    threshold
        Flag when the index is below this value.

    Returns
    -------
    Equity
    """
    point_share = safe_share(rural_points, points_total)
    pop_share = safe_share(rural_population, population)
    index = np.divide(
        point_share, pop_share, out=np.full(pop_share.shape, np.nan), where=pop_share > 0
    )
    with np.errstate(invalid="ignore"):
        flagged = np.asarray(index < threshold, bool)
    return Equity(point_share, pop_share, index, flagged)
