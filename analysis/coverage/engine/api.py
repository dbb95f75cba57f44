"""The coverage engine's entry point: the small-input path or the compiled grid path."""

from __future__ import annotations

import numpy as np

from analysis.coverage.engine.small import run_small
from analysis.coverage.engine.types import (
    GRID_MIN_ROWS,
    PAIR_BUDGET,
    EngineResult,
    FloatArray,
    PlaceArrays,
)


def run_engine(
    demand: PlaceArrays,
    population: FloatArray,
    rural_population: FloatArray,
    points: PlaceArrays,
    point_radius_m: FloatArray,
    sites: PlaceArrays,
    site_radius_m: float,
    pair_budget: int = PAIR_BUDGET,
    workers: int = -1,
    grid_min_rows: int = GRID_MIN_ROWS,
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
    workers
        Threads for the KD-tree queries (``-1``: every core). Results do not depend on it.
    grid_min_rows
        Use the compiled grid kernels from this many demand rows on.

    Returns
    -------
    EngineResult
    """
    if demand.size >= grid_min_rows and points.size > 0:
        from analysis.coverage.engine.large import run_on_grid  # imports numba: large inputs only

        return run_on_grid(
            demand,
            np.asarray(population, float),
            np.asarray(rural_population, float),
            points,
            np.asarray(point_radius_m, float),
            sites,
            site_radius_m,
            workers,
        )
    return run_small(
        demand, population, rural_population, points, point_radius_m, sites, site_radius_m,
        pair_budget, workers,
    )  # fmt: skip
