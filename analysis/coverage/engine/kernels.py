"""The numba kernels of :mod:`analysis.coverage.engine.grid` (compiled once, cached on disk).

Compiled without numba's parallel layer: its default "workqueue" layer aborts the process
when two threads enter a parallel region at once, and the dashboard runs one thread per
browser session. Each kernel takes a row range ``first:last`` so that
:mod:`analysis.coverage.engine.grid` can split the rows over a thread pool (the kernels release the
GIL).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

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


@_compiled(numba.int64[::1](_RO, _RO, *_GRID[3:]))
def cell_order_kernel(  # pragma: no cover - compiled; tested through cell_order
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
def ring_search(  # pragma: no cover - compiled; tested through nearest_ground_m
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
def within_scan(  # pragma: no cover - compiled; tested through within_on_grid
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
