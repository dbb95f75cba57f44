"""Array coverage engine: who is within reach of which point, on plain numpy arrays.

Everything is in one projected metric CRS (see :mod:`analysis.crs`). Service radii are
ground metres; the map stretches lengths by the local scale factor ``k``, so a pair
(demand i, point j) is within reach when ``map_distance <= radius_j * (k_i + k_j) / 2``
(the mean of the two scale factors is the length correction along the short segment).

Method (no Python loop over demand, no polygon buffers):

* a KD-tree over the demand points answers one ball query per contact point (radius
  ``radius * k * (1 + margin)``); the candidate pairs are then filtered exactly. The pairs
  give each demand point's "covered" flag (mixed radii per type come for free) and each
  contact point's covered population (``np.bincount``);
* a KD-tree over the contact points gives each demand point's nearest point and distance;
* a KD-tree over the collection sites gives the nearest site; sites share one radius, so
  "covered by a site" is ``nearest_site_m <= site_radius_m``;
* ball queries of the contact points on the site tree count sites within each radius.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Relative slack on ball-query radii before the exact per-pair check: covers the change of
#: the scale factor across one radius (< 3e-4 over 10 km even at the edge of China in LCC).
_QUERY_MARGIN = 1e-3
#: Most (demand, point) pairs listed to get each point's covered population: ~1 s and
#: ~250 MB. A national input has ~0.3 M pairs at 10 km; 500k villages packed in 100 km x
#: 100 km have 31 M.
PAIR_BUDGET = 5_000_000


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


def run_engine(
    demand: PlaceArrays,
    population: FloatArray,
    rural_population: FloatArray,
    points: PlaceArrays,
    point_radius_m: FloatArray,
    sites: PlaceArrays,
    site_radius_m: float,
    pair_budget: int = PAIR_BUDGET,
) -> EngineResult:
    """Compute coverage of ``demand`` by contact points and collection sites.

    Parameters
    ----------
    demand
        Villages or township grid cells.
    population, rural_population
        Per demand point (rural is the part of the population that is rural).
    points
        Contact points.
    point_radius_m
        Service radius of each contact point, ground metres.
    sites
        Collection sites.
    site_radius_m
        Service radius of every collection site, ground metres.
    pair_budget
        Most (demand, point) pairs to list; above it per-point populations are NaN.

    Returns
    -------
    EngineResult
    """
    n = demand.size
    pop = np.asarray(population, float)
    rural = np.asarray(rural_population, float)
    radius = np.asarray(point_radius_m, float)
    demand_tree = cKDTree(demand.xy(), balanced_tree=False, compact_nodes=False) if n else None

    # Query in the demand tree's leaf order: neighbouring queries walk the same tree nodes,
    # which is ~25 % faster than the input order on 600k villages.
    order = demand_tree.indices if demand_tree is not None else np.arange(n)
    m = points.size
    if _pair_count(demand_tree, points, radius) <= pair_budget:
        pair_demand, pair_point = _pairs_within(demand_tree, demand, points, radius)
        covered_by_point = np.zeros(n, bool)
        covered_by_point[pair_demand] = True
        point_pop = np.bincount(pair_point, weights=pop[pair_demand], minlength=m).astype(float)
        point_rural = np.bincount(pair_point, weights=rural[pair_demand], minlength=m)
    else:
        # Too many (village, point) pairs to list cheaply (dense data, large radii): flags
        # from one bounded nearest query per distinct radius; per-point population unknown.
        covered_by_point = _covered_by_radius_groups(demand, points, radius, order)
        point_pop = np.full(m, np.nan)
        point_rural = np.full(m, np.nan)
    nearest_point_m, nearest_point_index = _nearest(demand, points, order)
    nearest_site_m, _ = _nearest(demand, sites, order)
    with np.errstate(invalid="ignore"):
        covered_by_site = nearest_site_m <= site_radius_m  # NaN (no site) compares False

    site_tree = cKDTree(sites.xy()) if sites.size else None
    _, site_pair_point = _pairs_within(site_tree, sites, points, radius)
    sites_within = np.bincount(site_pair_point, minlength=m).astype(np.int64)

    return EngineResult(
        covered_by_point=covered_by_point,
        covered_by_site=np.asarray(covered_by_site, bool),
        nearest_point_m=nearest_point_m,
        nearest_point_index=nearest_point_index,
        nearest_site_m=nearest_site_m,
        point_covered_population=point_pop,
        point_rural_covered_population=np.asarray(point_rural, float),
        point_sites_within=sites_within,
    )


def _pair_count(tree: cKDTree | None, points: PlaceArrays, radius_m: FloatArray) -> int:
    """Number of candidate pairs (counting is cheap: no index lists are built)."""
    if tree is None or points.size == 0:
        return 0
    query_r = radius_m * points.scale * (1.0 + _QUERY_MARGIN)
    return int(tree.query_ball_point(points.xy(), r=query_r, return_length=True).sum())


def _covered_by_radius_groups(
    demand: PlaceArrays, points: PlaceArrays, radius_m: FloatArray, order: IntArray
) -> BoolArray:
    """Covered flags from the nearest point of each radius group (few groups: point types)."""
    covered = np.zeros(demand.size, bool)
    if demand.size == 0 or points.size == 0:
        return covered
    xy_sorted = demand.xy()[order]
    k_max = max(float(demand.scale.max()), float(points.scale.max()))
    for radius in np.unique(radius_m):
        group = np.flatnonzero(radius_m == radius)
        tree = cKDTree(points.xy()[group])
        bound = radius * k_max * (1.0 + _QUERY_MARGIN)
        dist, idx = tree.query(xy_sorted, k=1, distance_upper_bound=bound)
        found = idx < group.size
        rows = order[found]
        mean_k = (demand.scale[rows] + points.scale[group[idx[found]]]) / 2.0
        covered[rows[dist[found] <= radius * mean_k]] = True
    return covered


def _pairs_within(
    tree: cKDTree | None, targets: PlaceArrays, points: PlaceArrays, radius_m: FloatArray
) -> tuple[IntArray, IntArray]:
    """All (target, point) index pairs with target within the point's ground radius."""
    empty = np.empty(0, np.int64)
    if tree is None or points.size == 0:
        return empty, empty
    query_r = radius_m * points.scale * (1.0 + _QUERY_MARGIN)
    hits = tree.query_ball_point(points.xy(), r=query_r, return_sorted=False)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    if counts.sum() == 0:
        return empty, empty
    target_idx = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if len(h)])
    point_idx = np.repeat(np.arange(points.size, dtype=np.int64), counts)
    dist_map = np.hypot(
        targets.x_m[target_idx] - points.x_m[point_idx],
        targets.y_m[target_idx] - points.y_m[point_idx],
    )
    mean_k = (targets.scale[target_idx] + points.scale[point_idx]) / 2.0
    keep = dist_map <= radius_m[point_idx] * mean_k
    return target_idx[keep], point_idx[keep]


def _nearest(
    demand: PlaceArrays, points: PlaceArrays, order: IntArray
) -> tuple[FloatArray, IntArray]:
    """Ground distance and index of each demand point's nearest point (NaN, -1 if none)."""
    n = demand.size
    if points.size == 0 or n == 0:
        return np.full(n, np.nan), np.full(n, -1, np.int64)
    dist_sorted, idx_sorted = cKDTree(points.xy()).query(demand.xy()[order], k=1)
    dist_map = np.empty(n)
    idx = np.empty(n, np.int64)
    dist_map[order] = dist_sorted
    idx[order] = idx_sorted
    mean_k = (demand.scale + points.scale[idx]) / 2.0
    return dist_map / mean_k, idx
