"""The large-input path of the coverage engine: the compiled grid kernels, end to end.

:func:`analysis.coverage.engine.api.run_engine` hands over from
:data:`~analysis.coverage.engine.types.GRID_MIN_ROWS` demand rows on; importing this module
imports numba (:mod:`analysis.coverage.engine.grid`).
"""

from __future__ import annotations

import numpy as np

from analysis.coverage.engine import grid as engine_grid
from analysis.coverage.engine.small import sites_within
from analysis.coverage.engine.types import QUERY_MARGIN, EngineResult, FloatArray, PlaceArrays


def run_on_grid(
    demand: PlaceArrays,
    population: FloatArray,
    rural_population: FloatArray,
    points: PlaceArrays,
    radius_m: FloatArray,
    sites: PlaceArrays,
    site_radius_m: float,
    workers: int,
) -> EngineResult:
    """:func:`~analysis.coverage.engine.api.run_engine` with the compiled grid kernels.

    For large demand and at least one contact point; same answers as the small-input path.
    """
    p = (points.x_m, points.y_m, points.scale, radius_m)
    grid = engine_grid.PointGrid.build(*p)
    site_grid = None
    if sites.size:
        site_radius = np.full(sites.size, site_radius_m)
        site_grid = engine_grid.PointGrid.build(sites.x_m, sites.y_m, sites.scale, site_radius)
    # Rows in the order of the finer grid's cells: the kernels read neighbouring cells.
    order = engine_grid.cell_order(site_grid or grid, demand.x_m, demand.y_m)
    d = (demand.x_m[order], demand.y_m[order], demand.scale[order])
    covered_sorted, point_pop, point_rural = engine_grid.within_on_grid(
        *p, *d, population[order], rural_population[order], QUERY_MARGIN, workers
    )
    covered = np.empty(demand.size, bool)
    covered[order] = covered_sorted
    nearest_point_m, nearest_point_index = np.empty(demand.size), np.empty(demand.size, np.int64)
    nearest_point_m[order], nearest_point_index[order] = engine_grid.nearest_ground_m(
        grid, *d, workers
    )
    nearest_site_m = np.full(demand.size, np.nan)
    if site_grid is not None:
        nearest_site_m[order] = engine_grid.nearest_ground_m(site_grid, *d, workers)[0]
    with np.errstate(invalid="ignore"):
        covered_by_site = nearest_site_m <= site_radius_m  # NaN (no site) compares False
    return EngineResult(
        covered_by_point=covered,
        covered_by_site=np.asarray(covered_by_site, bool),
        nearest_point_m=nearest_point_m,
        nearest_point_index=nearest_point_index,
        nearest_site_m=nearest_site_m,
        point_covered_population=point_pop,
        point_rural_covered_population=point_rural,
        point_sites_within=sites_within(sites, points, radius_m),
    )
