"""What the existing contact points already serve under the capacities.

ASSUMPTION (documented in docs/method.md): an existing point keeps its current service.
Every (point, village) pair within the point's radius is taken nearest first, city-wide:
the pair serves as many of the village's people as the point still can (capacity in
people) and the village counts against the point's collection sites (in
village-equivalents: serving a share of a village uses that share of a site). People an
existing point cannot serve stay unserved and new points may serve them. New points
never take load off existing ones (the plan does not reorganise the existing network).
Without capacities an existing point serves everybody it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from scipy.spatial import cKDTree

from analysis.coverage.api import CoverageResult
from analysis.optimise.constrained.settings import Constraints
from analysis.optimise.model.citymodel import project
from analysis.optimise.model.problem import FloatArray


@dataclass(frozen=True, eq=False)
class ExistingLoad:
    """People the existing points serve.

    Parameters
    ----------
    served
        Per demand row (``coverage.demand``), people served by existing points.
    by_point
        Per existing point (``coverage.contact_points``), people it serves.
    point_ids
        Identifiers of the existing points.
    """

    served: FloatArray
    by_point: FloatArray
    point_ids: tuple[str, ...]


def existing_load(coverage: CoverageResult, constraints: Constraints) -> ExistingLoad:
    """Serve each existing point's villages nearest first, up to its capacities.

    Parameters
    ----------
    coverage
        Coverage of the city (demand rows, contact points with ``radius_m``).
    constraints
        The capacities (without any, a point serves everybody it covers).
    """
    demand = coverage.demand
    pop = demand["population"].to_numpy(float)
    covered = demand["covered_by_point"].to_numpy(bool)
    cp = coverage.contact_points
    ids = tuple(cp["id"].astype(str)) if not cp.empty else ()
    if not constraints.capacitated or cp.empty:
        return ExistingLoad(np.where(covered, pop, 0.0), _by_point(coverage, ids), ids)
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(cp["lon"].to_numpy(float), cp["lat"].to_numpy(float)),
        crs=4326,
    )
    xy, scale = project(coverage.crs, pts)
    radius = cp["radius_m"].to_numpy(float) * scale
    demand_xy = demand[["x_m", "y_m"]].to_numpy(float)
    tree = cKDTree(demand_xy)
    pair_point: list[int] = []
    pair_row: list[int] = []
    for p, rows in enumerate(tree.query_ball_point(xy, r=radius)):
        pair_point += [p] * len(rows)
        pair_row += list(rows)
    point = np.asarray(pair_point, np.int64)
    row = np.asarray(pair_row, np.int64)
    keep = covered[row] & (pop[row] > 0)
    point, row = point[keep], row[keep]
    dist = np.hypot(*(demand_xy[row] - xy[point]).T)
    order = np.lexsort((row, point, dist))  # nearest first, ties by point then row
    people_left = np.array([constraints.population_cap(str(t)) for t in cp["type"]], float)
    sites_left = np.full(len(cp), constraints.sites_cap)
    left = pop.copy()
    served = np.zeros_like(pop)
    by_point = np.zeros(len(cp))
    for k in order:
        p, i = int(point[k]), int(row[k])
        if left[i] <= 0 or people_left[p] <= 0 or sites_left[p] <= 0:
            continue
        take = min(left[i], people_left[p], sites_left[p] * pop[i])
        left[i] -= take
        served[i] += take
        people_left[p] -= take
        sites_left[p] -= take / pop[i]
        by_point[p] += take
    return ExistingLoad(served, by_point, ids)


def _by_point(coverage: CoverageResult, ids: tuple[str, ...]) -> FloatArray:
    """Uncapacitated: each point serves the people it covers (shared rows counted once
    per point, as ``covered_population`` of the coverage tables)."""
    if not ids:
        return np.zeros(0)
    return coverage.contact_points["covered_population"].to_numpy(float)
