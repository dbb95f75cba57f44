"""Array coverage engine: who is within reach of which point, on plain numpy arrays.

Everything is in one projected metric CRS (see :mod:`analysis.coverage.crs`). Service radii are
ground metres; the map stretches lengths by the local scale factor ``k``, so a pair
(demand i, point j) is within reach when ``map_distance <= radius_j * (k_i + k_j) / 2``
(the mean of the two scale factors is the length correction along the short segment).

Method (no Python loop over demand, no polygon buffers):

* demand points are sorted once into square cells as large as the largest search radius
  (``radius * k * (1 + margin)``): a contact point's candidates are 3 contiguous runs of the
  sorted arrays (3 x 3 cells), filtered exactly. The pairs give the "covered" flags (mixed
  radii come for free) and each point's covered population (``np.bincount``); 3x cheaper
  than a KD-tree over 600k villages plus one ball query per point;
* KD-trees over the contact points and over the collection sites give each demand point's
  nearest point and site, mostly settled per block of 8 neighbours
  (:func:`analysis.coverage.engine.nearest.nearest_in_blocks`);
  sites share one radius, so "covered by a site" is ``nearest_site_m <= site_radius_m``;
* the same cells over the collection sites count sites within each point's radius.

From :data:`GRID_MIN_ROWS` demand rows on, the covered flags, per-point populations and
nearest distances come from compiled grid kernels instead (:mod:`analysis.coverage.engine.grid`):
3-4x faster nationally, no pair budget, same answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from analysis.coverage.engine.nearest import nearest_in_blocks
from analysis.coverage.engine.types import (
    PAIR_BUDGET,
    QUERY_MARGIN,
    BoolArray,
    EngineResult,
    FloatArray,
    IntArray,
    PlaceArrays,
)

#: Candidate pairs checked per batch (~100 MB of temporaries; the first batch is 1/8).
_CANDIDATE_CHUNK = 4_000_000
#: Z-curve levels inside each cell (16 x 16 sub-cells): consecutive sorted demand points
#: are close together, which the nearest-point blocks and the KD-tree queries rely on.
_SUB_LEVELS = 4


def run_small(
    demand: PlaceArrays,
    population: FloatArray,
    rural_population: FloatArray,
    points: PlaceArrays,
    point_radius_m: FloatArray,
    sites: PlaceArrays,
    site_radius_m: float,
    pair_budget: int = PAIR_BUDGET,
    workers: int = -1,
) -> EngineResult:
    """Coverage of ``demand`` with cell-sorted pair lists and KD-trees (small inputs).

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
    workers
        Threads for the KD-tree queries (``-1``: every core). Results do not depend on it.

    Returns
    -------
    EngineResult
    """
    n = demand.size
    pop = np.asarray(population, float)
    rural = np.asarray(rural_population, float)
    radius = np.asarray(point_radius_m, float)
    m = points.size
    query_r = radius * points.scale * (1.0 + QUERY_MARGIN)
    cells = _Cells.build(demand, float(query_r.max()) if m else 10_000.0)
    # Nearest queries run in the cells' order: neighbouring queries walk the same tree
    # nodes (~25 % faster than the input order), and blocks of 8 are close together.
    order = cells.order
    xy_sorted = np.column_stack([cells.x, cells.y])
    pairs = _pairs_within(cells, points, radius, pair_budget)
    if pairs is not None:
        pair_demand, pair_point = pairs
        covered_by_point = np.zeros(n, bool)
        covered_by_point[pair_demand] = True
        point_pop = np.bincount(pair_point, weights=pop[pair_demand], minlength=m).astype(float)
        point_rural = np.bincount(pair_point, weights=rural[pair_demand], minlength=m)
    else:
        # Too many (village, point) pairs to list cheaply (dense data, large radii): flags
        # from one bounded nearest query per distinct radius; per-point population unknown.
        covered_by_point = _covered_by_radius_groups(
            demand, xy_sorted, points, radius, order, workers
        )
        point_pop = np.full(m, np.nan)
        point_rural = np.full(m, np.nan)
    nearest_point_m, nearest_point_index = _nearest(demand, xy_sorted, points, order, workers)
    nearest_site_m, _ = _nearest(demand, xy_sorted, sites, order, workers)
    with np.errstate(invalid="ignore"):
        covered_by_site = nearest_site_m <= site_radius_m  # NaN (no site) compares False

    return EngineResult(
        covered_by_point=covered_by_point,
        covered_by_site=np.asarray(covered_by_site, bool),
        nearest_point_m=nearest_point_m,
        nearest_point_index=nearest_point_index,
        nearest_site_m=nearest_site_m,
        point_covered_population=point_pop,
        point_rural_covered_population=np.asarray(point_rural, float),
        point_sites_within=sites_within(sites, points, radius),
    )


def pairs_within(
    places: PlaceArrays, points: PlaceArrays, radius_m: FloatArray
) -> tuple[IntArray, IntArray]:
    """Every (place, point) index pair with the place within the point's ground radius.

    The same test as the coverage flags of :func:`run_engine` (projected distance against
    the radius times the mean local scale factor), for callers that need to know which
    point reaches which place (e.g. the population each new point brings).
    """
    radius = np.asarray(radius_m, float)
    query_r = radius * points.scale * (1.0 + QUERY_MARGIN)
    cells = _Cells.build(places, float(query_r.max()) if points.size else 10_000.0)
    pairs = _pairs_within(cells, points, radius)
    assert pairs is not None  # no budget given: always listed
    return pairs


def sites_within(sites: PlaceArrays, points: PlaceArrays, radius_m: FloatArray) -> IntArray:
    """Collection sites within each contact point's radius."""
    query_r = radius_m * points.scale * (1.0 + QUERY_MARGIN)
    site_cells = _Cells.build(sites, float(query_r.max()) if points.size else 10_000.0)
    site_pairs = _pairs_within(site_cells, points, radius_m)
    assert site_pairs is not None  # no budget: always listed (22k sites: few pairs)
    return np.bincount(site_pairs[1], minlength=points.size).astype(np.int64)


def _covered_by_radius_groups(
    demand: PlaceArrays,
    xy_sorted: FloatArray,
    points: PlaceArrays,
    radius_m: FloatArray,
    order: IntArray,
    workers: int,
) -> BoolArray:
    """Covered flags from the nearest point of each radius group (few groups: point types)."""
    covered = np.zeros(demand.size, bool)
    if demand.size == 0 or points.size == 0:
        return covered
    k_max = max(float(demand.scale.max()), float(points.scale.max()))
    for radius in np.unique(radius_m):
        group = np.flatnonzero(radius_m == radius)
        tree = cKDTree(points.xy()[group])
        bound = radius * k_max * (1.0 + QUERY_MARGIN)
        dist, idx = tree.query(xy_sorted, k=1, distance_upper_bound=bound, workers=workers)
        found = idx < group.size
        rows = order[found]
        mean_k = (demand.scale[rows] + points.scale[group[idx[found]]]) / 2.0
        covered[rows[dist[found] <= radius * mean_k]] = True
    return covered


@dataclass(frozen=True, eq=False)
class _Cells:
    """Places sorted by square cell (row-major), then by a Z-curve inside each cell.

    ``order`` gives the place at each sorted position; ``key`` (``row * n_cols + col``),
    ``x``, ``y``, ``scale`` are sorted; cells of ``size`` m start at ``origin_x, origin_y``.
    """

    order: IntArray
    key: IntArray
    x: FloatArray
    y: FloatArray
    scale: FloatArray
    origin_x: float
    origin_y: float
    size: float
    n_cols: int
    n_rows: int

    @classmethod
    def build(cls, places: PlaceArrays, size: float) -> _Cells:
        """Sort ``places`` into cells of ``size`` metres (or larger: at most 2**20 a side)."""
        if places.size == 0:
            empty = np.empty(0)
            return cls(np.empty(0, np.int64), np.empty(0, np.int64), empty, empty, empty,
                       0.0, 0.0, 1.0, 0, 0)  # fmt: skip
        x, y = places.x_m, places.y_m
        ox, oy = float(x.min()), float(y.min())
        span = max(float(x.max()) - ox, float(y.max()) - oy, 1.0)
        size = max(size, span / 2**20, 1e-3)  # keys fit int64 even for tiny radii
        fx, fy = (x - ox) / size, (y - oy) / size
        col, row = fx.astype(np.int64), fy.astype(np.int64)
        n_cols, n_rows = int(col.max()) + 1, int(row.max()) + 1
        key = row * n_cols + col
        sub = 1 << _SUB_LEVELS
        sub_x = np.minimum(((fx - col) * sub).astype(np.int64), sub - 1)
        sub_y = np.minimum(((fy - row) * sub).astype(np.int64), sub - 1)
        order = np.argsort((key << (2 * _SUB_LEVELS)) | _interleave(sub_x, sub_y))
        return cls(order, key[order], x[order], y[order], places.scale[order],
                   ox, oy, size, n_cols, n_rows)  # fmt: skip


def _interleave(a: IntArray, b: IntArray) -> IntArray:
    """Z-curve (Morton) code of small non-negative integers: bits of ``a`` even, ``b`` odd."""
    out = np.zeros_like(a)
    for bit in range(_SUB_LEVELS):
        out |= ((a >> bit) & 1) << (2 * bit)
        out |= ((b >> bit) & 1) << (2 * bit + 1)
    return out


def _pairs_within(
    cells: _Cells, points: PlaceArrays, radius_m: FloatArray, budget: int | None = None
) -> tuple[IntArray, IntArray] | None:
    """All (place, point) index pairs with the place within the point's ground radius.

    Returns ``None`` when there are more than ``budget`` pairs (checked batch by batch, so
    dense data stops early). A point's search radius is at most one cell, so its disc
    touches at most 3 rows of 3 cells: 3 contiguous runs of the sorted places.
    """
    empty = np.empty(0, np.int64)
    m = points.size
    if cells.order.size == 0 or m == 0:
        return None if budget is not None and budget < 0 else (empty, empty)
    reach = radius_m * points.scale * (1.0 + QUERY_MARGIN) / cells.size
    fx, fy = (points.x_m - cells.origin_x) / cells.size, (points.y_m - cells.origin_y) / cells.size
    c0, c1 = np.floor(fx - reach).astype(np.int64), np.floor(fx + reach).astype(np.int64)
    r0, r1 = np.floor(fy - reach).astype(np.int64), np.floor(fy + reach).astype(np.int64)
    rows = r0[:, None] + np.arange(3)
    valid = (rows <= r1[:, None]) & (rows >= 0) & (rows < cells.n_rows)
    valid &= ((c1 >= 0) & (c0 < cells.n_cols))[:, None]
    c0, c1 = np.clip(c0, 0, cells.n_cols - 1), np.clip(c1, 0, cells.n_cols - 1)
    start = np.searchsorted(cells.key, rows * cells.n_cols + c0[:, None], "left")
    stop = np.searchsorted(cells.key, rows * cells.n_cols + c1[:, None], "right")
    length = np.where(valid, stop - start, 0)
    per_point = length.sum(axis=1)
    cumulative = np.cumsum(per_point)
    parts: list[tuple[IntArray, IntArray]] = []
    found, first = 0, 0
    while first < m:
        done = int(cumulative[first - 1]) if first else 0
        chunk = _CANDIDATE_CHUNK if first else _CANDIDATE_CHUNK // 8
        last = max(int(np.searchsorted(cumulative, done + chunk, "right")), first + 1)
        place, point = _check_runs(
            cells, points, radius_m, start[first:last], length[first:last], first
        )
        found += place.size
        if budget is not None and found > budget:
            return None
        if budget is not None and first == 0 and last < m:
            # Dense data: stop now if the first batch's pair share predicts > 4x the budget.
            sampled = int(cumulative[last - 1])
            if sampled and found / sampled * int(cumulative[-1]) > 4 * budget:
                return None
        parts.append((place, point))
        first = last
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _check_runs(
    cells: _Cells,
    points: PlaceArrays,
    radius_m: FloatArray,
    start: IntArray,
    length: IntArray,
    first: int,
) -> tuple[IntArray, IntArray]:
    """Exact check of the candidate runs of points ``first ...``: (place, point) pairs kept."""
    lengths = length.ravel()
    total = int(lengths.sum())
    # Sorted position of every candidate: each run's start plus 0, 1, 2, ...
    shift = np.repeat(start.ravel() - (np.cumsum(lengths) - lengths), lengths)
    pos = shift + np.arange(total)
    point = np.repeat(np.arange(first, first + length.shape[0]), length.sum(axis=1))
    dist_map = np.hypot(cells.x[pos] - points.x_m[point], cells.y[pos] - points.y_m[point])
    mean_k = (cells.scale[pos] + points.scale[point]) / 2.0
    keep = dist_map <= radius_m[point] * mean_k
    return cells.order[pos[keep]], point[keep]


def _nearest(
    demand: PlaceArrays, xy_sorted: FloatArray, points: PlaceArrays, order: IntArray, workers: int
) -> tuple[FloatArray, IntArray]:
    """Ground distance and index of each demand point's nearest point (NaN, -1 if none)."""
    n = demand.size
    if points.size == 0 or n == 0:
        return np.full(n, np.nan), np.full(n, -1, np.int64)
    dist_sorted, idx_sorted = nearest_in_blocks(points.xy(), xy_sorted, workers)
    dist_map = np.empty(n)
    idx = np.empty(n, np.int64)
    dist_map[order] = dist_sorted
    idx[order] = idx_sorted
    mean_k = (demand.scale + points.scale[idx]) / 2.0
    return dist_map / mean_k, idx
