"""Compiled grid kernels for large inputs: nearest point and points within reach.

The points (contact points or collection sites, thousands) go into a uniform grid; each
demand row (hundreds of thousands of villages) scans the cells around it. On the national
benchmark (620k villages, 7,500 points, 22,500 sites) this is 3-4x faster than the
cell-sorted pair listing and the block-pruned KD-tree queries of
:mod:`analysis.coverage_engine` and :mod:`analysis.nearest`, which stay in use for small
inputs: importing numba and loading the cached kernels costs ~0.4 s once per process,
more than a whole demo-city run. Both paths give the same answers (tests compare them).

The kernels are compiled without numba's parallel layer (its default "workqueue" layer
aborts the process when two threads enter a parallel region at once, and the dashboard
runs one thread per browser session); they release the GIL and the rows are split over a
small thread pool instead.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

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
# Explicit signatures: one compiled (and disk-cached) variant whatever the inputs' write
# flags (pandas 3 hands out read-only arrays; each new type combination would compile anew).
_RO = numba.types.Array(numba.float64, 1, "C", readonly=True)
_RO_INT = numba.types.Array(numba.int64, 1, "C", readonly=True)
_F64 = numba.float64[::1]
_I64 = numba.int64[::1]
_B1 = numba.boolean[::1]
_GRID = (_RO, _RO, _RO_INT, numba.float64, numba.float64, numba.float64, numba.int64,
         numba.int64)  # fmt: skip


def _compiled(signature: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit`` with a disk cache, or without one where no cache folder is writable."""

    def wrap(func: Callable[..., Any]) -> Any:
        try:
            return numba.njit(signature, nogil=True, cache=True)(func)
        except RuntimeError:  # "no locator available": read-only install, no user cache dir
            return numba.njit(signature, nogil=True)(func)

    return wrap


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
        _ring_search(qx, qy, q_scale, first, last, *grid.geometry(), grid.scale, grid.order,
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
    :mod:`analysis.coverage_engine`). ``margin`` is the relative slack on the search reach.

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
        _within_scan(qx, qy, q_scale, population, rural_population, first, last,
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
        _cell_order(_c(qx), _c(qy), grid.origin_x, grid.origin_y, grid.size,
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


@_compiled(numba.int64[::1](_RO, _RO, *_GRID[3:]))
def _cell_order(  # pragma: no cover - compiled; tested through cell_order
    qx: FloatArray,
    qy: FloatArray,
    origin_x: float,
    origin_y: float,
    size: float,
    n_cols: int,
    n_rows: int,
) -> IntArray:
    """Counting sort of the rows by grid cell (rows outside go to the nearest edge cell)."""
    n = qx.size
    key = np.empty(n, np.int64)
    start = np.zeros(n_cols * n_rows + 1, np.int64)
    for i in range(n):
        cx = min(max(math.floor((qx[i] - origin_x) / size), 0), n_cols - 1)
        cy = min(max(math.floor((qy[i] - origin_y) / size), 0), n_rows - 1)
        key[i] = cy * n_cols + cx
        start[key[i] + 1] += 1
    for cell in range(n_cols * n_rows):
        start[cell + 1] += start[cell]
    order = np.empty(n, np.int64)
    for i in range(n):
        order[start[key[i]]] = i
        start[key[i]] += 1
    return order


@_compiled(
    numba.void(_RO, _RO, _RO, numba.int64, numba.int64, *_GRID, _RO, _RO_INT, numba.int64,
               _F64, _I64)
)  # fmt: skip
def _ring_search(  # pragma: no cover - compiled; tested through nearest_ground_m
    qx: FloatArray,
    qy: FloatArray,
    q_scale: FloatArray,
    first: int,
    last: int,
    px: FloatArray,
    py: FloatArray,
    cell_start: IntArray,
    origin_x: float,
    origin_y: float,
    size: float,
    n_cols: int,
    n_rows: int,
    p_scale: FloatArray,
    p_order: IntArray,
    max_ring: int,
    out_dist: FloatArray,
    out_idx: IntArray,
) -> None:
    """Ground distance and input index of the nearest point of rows ``first:last``.

    ``out_idx`` is -1 (``out_dist`` inf) where the rings do not settle the row.
    """
    for i in range(first, last):
        x, y = qx[i], qy[i]
        cx = min(max(math.floor((x - origin_x) / size), 0), n_cols - 1)
        cy = min(max(math.floor((y - origin_y) / size), 0), n_rows - 1)
        best, best_j, settled = np.inf, -1, False
        for r in range(max_ring + 1):
            c0, c1 = max(cx - r, 0), min(cx + r, n_cols - 1)
            for row in range(max(cy - r, 0), min(cy + r, n_rows - 1) + 1):
                base = row * n_cols
                if row == cy - r or row == cy + r:
                    # The ring's top and bottom rows: one contiguous run of sorted points.
                    spans = ((cell_start[base + c0], cell_start[base + c1 + 1]), (0, 0))
                else:  # elsewhere only its two end cells (outside the grid: empty)
                    left = (
                        (cell_start[base + cx - r], cell_start[base + cx - r + 1])
                        if cx - r >= 0
                        else (0, 0)
                    )
                    right = (
                        (cell_start[base + cx + r], cell_start[base + cx + r + 1])
                        if cx + r < n_cols
                        else (0, 0)
                    )
                    spans = (left, right)
                for lo, hi in spans:
                    for j in range(lo, hi):
                        dx, dy = px[j] - x, py[j] - y
                        sq = dx * dx + dy * dy
                        if sq < best:
                            best, best_j = sq, j
            # Any point outside the searched block is at least `gap` away; the grid's
            # edges have no points beyond them.
            gap = np.inf
            if cx - r > 0:
                gap = min(gap, x - (origin_x + (cx - r) * size))
            if cx + r < n_cols - 1:
                gap = min(gap, origin_x + (cx + r + 1) * size - x)
            if cy - r > 0:
                gap = min(gap, y - (origin_y + (cy - r) * size))
            if cy + r < n_rows - 1:
                gap = min(gap, origin_y + (cy + r + 1) * size - y)
            if gap == np.inf or (gap > 0.0 and best < gap * gap):
                settled = True
                break
        if settled:
            # The same operations as the small-input path: sqrt, then the mean scale.
            out_dist[i] = math.sqrt(best) / ((q_scale[i] + p_scale[best_j]) / 2.0)
            out_idx[i] = p_order[best_j]
        else:
            out_dist[i] = np.inf
            out_idx[i] = -1


@_compiled(
    numba.void(_RO, _RO, _RO, _RO, _RO, numba.int64, numba.int64, *_GRID, _RO, _RO,
               numba.int64, _B1, _F64, _F64)
)  # fmt: skip
def _within_scan(  # pragma: no cover - compiled; tested through within_on_grid
    qx: FloatArray,
    qy: FloatArray,
    q_scale: FloatArray,
    population: FloatArray,
    rural_population: FloatArray,
    first: int,
    last: int,
    px: FloatArray,
    py: FloatArray,
    cell_start: IntArray,
    origin_x: float,
    origin_y: float,
    size: float,
    n_cols: int,
    n_rows: int,
    p_scale: FloatArray,
    p_radius_m: FloatArray,
    reach_cells: int,
    covered: BoolArray,
    point_pop: FloatArray,
    point_rural: FloatArray,
) -> None:
    """Flag rows ``first:last`` within a point's reach; add their population to the point."""
    for i in range(first, last):
        x, y, k = qx[i], qy[i], q_scale[i]
        cx = math.floor((x - origin_x) / size)
        cy = math.floor((y - origin_y) / size)
        for row in range(max(cy - reach_cells, 0), min(cy + reach_cells, n_rows - 1) + 1):
            c0 = max(cx - reach_cells, 0)
            c1 = min(cx + reach_cells, n_cols - 1)
            if c0 > c1:
                continue
            # The cells of one grid row are contiguous in the sorted points.
            for j in range(cell_start[row * n_cols + c0], cell_start[row * n_cols + c1 + 1]):
                dx, dy = x - px[j], y - py[j]
                limit = p_radius_m[j] * ((k + p_scale[j]) / 2.0)
                sq, limit_sq = dx * dx + dy * dy, limit * limit
                # Squares decide all but near-ties; those take the pair listing's hypot test.
                if sq > limit_sq * (1.0 + 1e-9):
                    continue
                if sq >= limit_sq * (1.0 - 1e-9) and math.hypot(dx, dy) > limit:
                    continue
                covered[i] = True
                point_pop[j] += population[i]
                point_rural[j] += rural_population[i]
