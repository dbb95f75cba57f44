"""What the coverage engine takes and gives: places with their scale factor, results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Relative slack on ball-query radii before the exact per-pair check: covers the change of
#: the scale factor across one radius (< 3e-4 over 10 km even at the edge of China in LCC).
QUERY_MARGIN = 1e-3
#: Most (demand, point) pairs listed to get each point's covered population: ~1 s and
#: ~250 MB. A national input has ~0.3 M pairs at 10 km; 500k villages packed in 100 km x
#: 100 km have 31 M.
PAIR_BUDGET = 5_000_000
#: Demand rows from which the compiled grid kernels are used (importing numba and loading
#: the kernels costs ~0.4 s once per process: more than a whole demo-city run).
GRID_MIN_ROWS = 100_000


@dataclass(frozen=True, eq=False)
class PlaceArrays:
    """Points in a metric CRS with their local scale factor.

    Parameters
    ----------
    x_m, y_m
        Projected coordinates, metres.
    scale
        Local scale factor k of the projection at each point.
    """

    x_m: FloatArray
    y_m: FloatArray
    scale: FloatArray

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.x_m.shape[0])

    def xy(self) -> FloatArray:
        """(n, 2) array of coordinates."""
        return np.column_stack([self.x_m, self.y_m]) if self.size else np.empty((0, 2))


@dataclass(frozen=True, eq=False)
class EngineResult:
    """Per-demand and per-point coverage figures (arrays aligned with the inputs).

    Parameters
    ----------
    covered_by_point
        Demand point within the radius of at least one contact point.
    covered_by_site
        Demand point within the collection-site radius of a collection site.
    nearest_point_m, nearest_site_m
        Ground distance to the nearest contact point / site; NaN when there is none.
    nearest_point_index
        Index of the nearest contact point; -1 when there is none.
    point_covered_population, point_rural_covered_population
        Per contact point: population (rural population) of demand within its radius; NaN
        when there were more pairs than the budget.
    point_sites_within
        Per contact point: collection sites within its radius.
    """

    covered_by_point: BoolArray
    covered_by_site: BoolArray
    nearest_point_m: FloatArray
    nearest_point_index: IntArray
    nearest_site_m: FloatArray
    point_covered_population: FloatArray
    point_rural_covered_population: FloatArray
    point_sites_within: IntArray

    @property
    def covered_by_network(self) -> BoolArray:
        """Covered by a contact point or by a collection site."""
        return self.covered_by_point | self.covered_by_site

    @property
    def nearest_network_m(self) -> FloatArray:
        """Distance to the nearest contact point or collection site (NaN when none)."""
        return np.fmin(self.nearest_point_m, self.nearest_site_m)
