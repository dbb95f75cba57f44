"""Compiled grid kernels for large inputs: nearest point and points within reach.

The points (contact points or collection sites, thousands) go into a uniform grid; each
demand row (hundreds of thousands of villages) scans the cells around it. On the national
benchmark (620k villages, 7,500 points, 22,500 sites) this is 3-4x faster than the
cell-sorted pair listing and the block-pruned KD-tree queries of
:mod:`analysis.coverage.engine.small` and :mod:`analysis.coverage.engine.nearest`, which
stay in use for small inputs: importing numba and loading the cached kernels costs ~0.4 s
once per process, more than a whole demo-city run. Both paths give the same answers
(tests compare them).

The kernels themselves are in :mod:`analysis.coverage.engine.kernels`; they release the GIL and
the rows are split over a small thread pool here.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from analysis.coverage.engine.kernels import cell_order_kernel, ring_search, within_scan

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Points per grid cell on average over the points' bounding box: 0.5 balances cells
#: scanned against distances computed (measured 0.1-2 on the national benchmark).
POINTS_PER_CELL = 0.5
#: Rings searched around a row's cell before the row is left to the KD-tree fallback
#: (rows far outside the points' area, e.g. a lone village 500 km away).
MAX_RING = 8
#: Most grid cells (the cell index is 8 bytes per cell).
_MAX_CELLS = 1 << 22
#: Fewer rows than this run in the calling thread (a pool costs more than it saves).
_MIN_ROWS_PER_THREAD = 50_000


@dataclass(frozen=True, eq=False)
class PointGrid:
    """Points sorted by square grid cell (row-major) with each cell's first position.

    ``order`` maps sorted positions to input indices; ``x``, ``y``, ``scale`` and
    ``radius_m`` are sorted; cell ``c`` holds positions ``cell_start[c]:cell_start[c+1]``.
    """

    order: IntArray
    x: FloatArray
    y: FloatArray
    scale: FloatArray
    radius_m: FloatArray
    cell_start: IntArray
    origin_x: float
    origin_y: float
    size: float
    n_cols: int
    n_rows: int

    @classmethod
    def build(
        cls,
        x: FloatArray,
        y: FloatArray,
        scale: FloatArray,
        radius_m: FloatArray,
        cell_size_m: float | None = None,
    ) -> PointGrid:
        """Grid over the bounding box of ``x, y`` (at least one point).

        ``cell_size_m`` ``None``: :data:`POINTS_PER_CELL` points per cell on average (for
        nearest searches); the within-reach scan passes the largest reach (3 x 3 cells).
        """
        origin_x, origin_y = float(x.min()), float(y.min())
        width = max(float(x.max()) - origin_x, 1.0)
        height = max(float(y.max()) - origin_y, 1.0)
        if cell_size_m is None:
            cell_size_m = math.sqrt(width * height / x.size * POINTS_PER_CELL)
        size = max(cell_size_m, math.sqrt(width * height / _MAX_CELLS), 1.0)
        n_cols, n_rows = int(width / size) + 1, int(height / size) + 1
        col = np.minimum(((x - origin_x) / size).astype(np.int64), n_cols - 1)
        row = np.minimum(((y - origin_y) / size).astype(np.int64), n_rows - 1)
        key = row * n_cols + col
        order = np.argsort(key, kind="stable")
        cell_start = np.zeros(n_cols * n_rows + 1, np.int64)
        np.cumsum(np.bincount(key, minlength=n_cols * n_rows), out=cell_start[1:])
        return cls(order, _c(x[order]), _c(y[order]), _c(scale[order]),
                   _c(radius_m[order]), cell_start, origin_x, origin_y, size,
                   n_cols, n_rows)  # fmt: skip

    def geometry(self) -> tuple[Any, ...]:
        """The grid's arrays and numbers in the kernels' argument order."""
        return (self.x, self.y, self.cell_start, self.origin_x, self.origin_y, self.size,
                self.n_cols, self.n_rows)  # fmt: skip


def nearest_ground_m(
    grid: PointGrid, qx: FloatArray, qy: FloatArray, q_scale: FloatArray, workers: int
) -> tuple[FloatArray, IntArray]:
    """Ground distance and input index of each row's nearest point (exact).

    The map distance is divided by the mean scale factor of the row and its point. Rows the
    rings do not settle (far outside the points' area) get one KD-tree query each.
    """
    qx, qy, q_scale = _c(qx), _c(qy), _c(q_scale)
    n = qx.size
    out_dist = np.empty(n)
    out_idx = np.empty(n, np.int64)

    def run(first: int, last: int) -> None:
        ring_search(qx, qy, q_scale, first, last, *grid.geometry(), grid.scale, grid.order,
                     MAX_RING, out_dist, out_idx)  # fmt: skip

    _in_threads(run, n, workers)
    unsettled = np.flatnonzero(out_idx < 0)
    if unsettled.size:
        tree = cKDTree(np.column_stack([grid.x, grid.y]))
        dist_map, pos = tree.query(
            np.column_stack([qx[unsettled], qy[unsettled]]), k=1, workers=workers
        )
        out_idx[unsettled] = grid.order[pos]
        out_dist[unsettled] = dist_map / ((q_scale[unsettled] + grid.scale[pos]) / 2.0)
    return out_dist, out_idx


def within_on_grid(
    x: FloatArray,
    y: FloatArray,
    scale: FloatArray,
    radius_m: FloatArray,
    qx: FloatArray,
    qy: FloatArray,
    q_scale: FloatArray,
    population: FloatArray,
    rural_population: FloatArray,
    margin: float,
    workers: int,
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Rows within some point's ground radius, and each point's (rural) population within it.

    A row i is within point j's reach when ``hypot(dx, dy) <= radius_j * (k_i + k_j) / 2``
    (the same test, in the same floating-point operations, as the pair listing of
    :mod:`analysis.coverage.engine.small`). ``margin`` is the relative slack on the search reach.

    Parameters
    ----------
    x, y, scale, radius_m
        The points (at least one): coordinates, scale factors, ground radii.
    qx, qy, q_scale
        The rows.
    population, rural_population
        Per row.
    margin
        Relative slack on the search reach (covers the scale factor's change).
    workers
        Threads (``-1``: every core).

    Returns
    -------
    covered, point_population, point_rural_population
        Per row; per point in input order.
    """
    qx, qy, q_scale, population, rural_population = (
        _c(a) for a in (qx, qy, q_scale, population, rural_population)
    )
    n, m = qx.size, x.size
    covered = np.zeros(n, np.bool_)
    reach_m = float((radius_m * scale).max()) * (1.0 + margin)
    # Cells as large as the reach: a row's candidates are in the 3 x 3 cells around it.
    grid = PointGrid.build(x, y, scale, radius_m, cell_size_m=reach_m)
    reach_cells = math.ceil(reach_m / grid.size)
    sums: list[tuple[FloatArray, FloatArray]] = []

    def run(first: int, last: int) -> None:
        pop, rural = np.zeros(m), np.zeros(m)
        within_scan(qx, qy, q_scale, population, rural_population, first, last,
                     *grid.geometry(), grid.scale, grid.radius_m, reach_cells,
                     covered, pop, rural)  # fmt: skip
        sums.append((pop, rural))

    _in_threads(run, n, workers)
    point_pop, point_rural = np.zeros(m), np.zeros(m)
    point_pop[grid.order] = np.sum([s[0] for s in sums], axis=0)
    point_rural[grid.order] = np.sum([s[1] for s in sums], axis=0)
    return covered, point_pop, point_rural


def cell_order(grid: PointGrid, qx: FloatArray, qy: FloatArray) -> IntArray:
    """Rows ordered by the ``grid`` cell they fall in (a counting sort, stable).

    The kernels run ~30-40 % faster on rows in this order (neighbouring rows read the same
    cells); sorting costs a few milliseconds.
    """
    return np.asarray(
        cell_order_kernel(_c(qx), _c(qy), grid.origin_x, grid.origin_y, grid.size,
                    grid.n_cols, grid.n_rows),
        np.int64,
    )  # fmt: skip


def _c(values: FloatArray) -> FloatArray:
    """Contiguous float64 (no copy when it already is): the kernels' declared type."""
    return np.ascontiguousarray(values, dtype=np.float64)


def _in_threads(run: Callable[[int, int], None], n: int, workers: int) -> None:
    """``run(first, last)`` over ``0..n`` in up to ``workers`` threads (``-1``: every core)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    threads = min(cores if workers < 0 else max(workers, 1), max(n // _MIN_ROWS_PER_THREAD, 1))
    if threads == 1:
        run(0, n)
        return
    bounds = np.linspace(0, n, threads + 1).astype(np.int64)
    with ThreadPoolExecutor(threads) as pool:
        jobs = [pool.submit(run, int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        for job in jobs:
            job.result()
