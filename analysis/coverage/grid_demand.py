"""Township grid demand: used when only township populations are known (no villages).

Each township polygon (in the metric CRS) is filled with the centres of a regular square
grid of ``cell_size_m`` (default 500 m) laid over the whole study area; every cell centre
inside the township gets an equal share of its population, and of its rural population
(so the urban/rural split of a township is kept in every cell). A township too small or
thin to contain a cell centre gets one cell at its representative point, so no population
is lost. When the area would need more than ``max_cells`` cells the cell size grows to
``sqrt(total_area / max_cells)``.

With a population raster (``CityData.demand_cells``) the raster grid replaces the
uniform one (:func:`spread_over_cells`): each cell keeps its own share of its township.

Error: uniform spreading ignores where people actually live (villages cluster along roads
and in the township seat), so coverage by the grid differs from coverage by villages; the
difference measured on the demo city is recorded in docs/method.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class GridDemand:
    """Grid cells used as demand points.

    Parameters
    ----------
    township_index
        Index (into the township arrays given) of the township each cell belongs to.
    x_m, y_m
        Cell centres, metres in the metric CRS.
    population, rural_population
        Population assigned to each cell (fractions of people allowed).
    cell_size_m
        Cell size actually used (may exceed the requested size, see ``max_cells``).
    """

    township_index: IntArray
    x_m: FloatArray
    y_m: FloatArray
    population: FloatArray
    rural_population: FloatArray
    cell_size_m: float


def township_grid(
    polygons_m: NDArray[np.object_],
    population: NDArray[np.int64] | FloatArray,
    rural_population: NDArray[np.int64] | FloatArray,
    cell_size_m: float = 500.0,
    max_cells: int = 1_000_000,
) -> GridDemand:
    """Spread each township's population uniformly over grid cells inside it.

    Parameters
    ----------
    polygons_m
        Shapely polygons of the townships, in a metric CRS.
    population, rural_population
        Per township.
    cell_size_m
        Requested grid spacing, metres.
    max_cells
        Upper bound on the number of cells (the spacing grows to respect it).

    Returns
    -------
    GridDemand
    """
    geoms = np.asarray(polygons_m, dtype=object)
    if geoms.size == 0:
        empty_f = np.empty(0)
        return GridDemand(np.empty(0, np.int64), empty_f, empty_f, empty_f, empty_f, cell_size_m)
    total_area = float(np.nansum(shapely.area(geoms)))
    size = max(cell_size_m, math.sqrt(total_area / max_cells) if max_cells > 0 else cell_size_m)
    bounds = shapely.bounds(geoms)
    x0 = float(np.nanmin(bounds[:, 0]))
    y0 = float(np.nanmin(bounds[:, 1]))
    # Cell centres of one lattice for the whole area: x0 + (i + 0.5) * size.
    i_lo = np.floor((bounds[:, 0] - x0) / size - 0.5).astype(np.int64)
    i_hi = np.ceil((bounds[:, 2] - x0) / size - 0.5).astype(np.int64)
    j_lo = np.floor((bounds[:, 1] - y0) / size - 0.5).astype(np.int64)
    j_hi = np.ceil((bounds[:, 3] - y0) / size - 0.5).astype(np.int64)
    shapely.prepare(geoms)
    idx_parts: list[IntArray] = []
    x_parts: list[FloatArray] = []
    y_parts: list[FloatArray] = []
    # One vectorised containment test per township (townships, not villages, are looped).
    for t, geom in enumerate(geoms):
        xs = x0 + (np.arange(max(i_lo[t], 0), i_hi[t] + 1) + 0.5) * size
        ys = y0 + (np.arange(max(j_lo[t], 0), j_hi[t] + 1) + 0.5) * size
        mesh_x, mesh_y = np.meshgrid(xs, ys)
        gx, gy = mesh_x.ravel(), mesh_y.ravel()
        inside = shapely.contains_xy(geom, gx, gy) if gx.size else np.zeros(0, bool)
        if inside.any():
            cx, cy = gx[inside], gy[inside]
        else:
            rep = shapely.get_coordinates(shapely.point_on_surface(geom))
            cx, cy = rep[:, 0], rep[:, 1]
        idx_parts.append(np.full(cx.size, t, np.int64))
        x_parts.append(cx)
        y_parts.append(cy)
    township_index = np.concatenate(idx_parts)
    cells_per_township = np.bincount(township_index, minlength=geoms.size)
    pop = np.asarray(population, float)
    rural = np.asarray(rural_population, float)
    share = 1.0 / np.maximum(cells_per_township, 1)[township_index]
    return GridDemand(
        township_index=township_index,
        x_m=np.concatenate(x_parts),
        y_m=np.concatenate(y_parts),
        population=pop[township_index] * share,
        rural_population=rural[township_index] * share,
        cell_size_m=size,
    )


def spread_over_cells(
    cell_township: IntArray,
    cell_people: FloatArray,
    population: NDArray[np.int64] | FloatArray,
    rural_population: NDArray[np.int64] | FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Each township's population over its raster cells, in proportion to the cells' people.

    The raster grid: unlike :func:`township_grid`, people stay where the raster counts them.
    A township's cells are scaled to sum to its ``population`` exactly (the table holds the
    raster's township sum in whole people, so the scale is within a person of 1), and its
    rural population is shared the same way: every cell keeps its township's urban/rural
    split, as a uniform grid cell does.

    Parameters
    ----------
    cell_township
        Index of each cell's township (into ``population``).
    cell_people
        People of each cell (its part inside the township); a township's cells must sum
        to more than 0.
    population, rural_population
        Per township.

    Returns
    -------
    tuple of ndarray
        Population and rural population of each cell.
    """
    pop = np.asarray(population, float)
    rural = np.asarray(rural_population, float)
    sums = np.bincount(cell_township, weights=cell_people, minlength=pop.size)
    share = np.asarray(cell_people, float) / np.where(sums > 0, sums, 1.0)[cell_township]
    return pop[cell_township] * share, rural[cell_township] * share


def merge_cells(
    cell_township: IntArray, x_m: FloatArray, y_m: FloatArray, people: FloatArray, size_m: float
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Sum raster cells into the blocks of a ``size_m`` lattice, township by township.

    Used when a raster has more cells than ``[demand_grid] max_cells`` (a 100 m raster of a
    whole province): people are summed, never spread, and each block stands at the
    people-weighted centre of its cells (their plain centre when they hold nobody).

    Returns
    -------
    tuple of ndarray
        Township index, x, y (metres) and people of each block.
    """
    i = np.floor(np.asarray(x_m) / size_m).astype(np.int64)
    j = np.floor(np.asarray(y_m) / size_m).astype(np.int64)
    i -= i.min(initial=0)
    j -= j.min(initial=0)
    ni, nj = int(i.max(initial=0)) + 1, int(j.max(initial=0)) + 1
    # One int64 key per (township, block): a 1-D unique is ~10x faster than rows of 3.
    keys = (np.asarray(cell_township, np.int64) * ni + i) * nj + j
    unique, block = np.unique(keys, return_inverse=True)
    block = block.reshape(-1)
    n = unique.size
    w = np.asarray(people, float)
    total = np.bincount(block, weights=w, minlength=n).astype(float)
    count = np.bincount(block, minlength=n).astype(float)
    weighted = total > 0
    denominator = np.where(weighted, total, 1.0)

    def centre(v: FloatArray) -> FloatArray:
        by_people = np.bincount(block, weights=w * v, minlength=n) / denominator
        return np.where(weighted, by_people, np.bincount(block, weights=v, minlength=n) / count)

    return (
        unique // (ni * nj),
        centre(np.asarray(x_m, float)),
        centre(np.asarray(y_m, float)),
        total,
    )
