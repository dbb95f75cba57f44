"""Coverage figures under a reach other than the radius: the engine's result, re-tested.

The radius engine (:func:`analysis.coverage.engine.api.run_engine`) gives the straight-line
distances; under road reach the covered flags, each point's covered population and its
collection sites come from the travel-time pairs of :class:`analysis.reach.api.Reach`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from analysis.coverage.engine.types import EngineResult, FloatArray, PlaceArrays
from analysis.reach.api import Reach


def apply_reach(
    engine: EngineResult,
    reach: Reach,
    demand: PlaceArrays,
    population: FloatArray,
    rural_population: FloatArray,
    points: PlaceArrays,
    point_types: NDArray[Any],
    sites: PlaceArrays,
) -> tuple[EngineResult, FloatArray]:
    """``engine`` with its reach figures from ``reach``, and each demand row's minutes to
    the nearest contact point (NaN under the radius)."""
    if reach.mode == "radius":
        return engine, np.full(demand.size, np.nan)
    n, m = demand.size, points.size
    rows, cols = reach.point_pairs(demand, points, point_types)
    covered = np.zeros(n, bool)
    covered[rows] = True
    pop = np.asarray(population, float)
    rural = np.asarray(rural_population, float)
    point_pop = np.bincount(cols, weights=pop[rows], minlength=m).astype(float)
    point_rural = np.bincount(cols, weights=rural[rows], minlength=m).astype(float)
    site_rows, _ = reach.site_pairs(demand, sites)
    by_site = np.zeros(n, bool)
    by_site[site_rows] = True
    _, site_point = reach.point_pairs(sites, points, point_types)
    sites_within = np.bincount(site_point, minlength=m).astype(np.int64)
    minutes = reach.nearest_point_minutes(demand, points, point_types)
    result = replace(
        engine,
        covered_by_point=covered,
        covered_by_site=by_site,
        point_covered_population=point_pop,
        point_rural_covered_population=point_rural,
        point_sites_within=sites_within,
    )
    return result, minutes
