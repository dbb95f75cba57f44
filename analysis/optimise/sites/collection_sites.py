"""GeoDataFrame adapter of the second tier: new collection sites for every contact point."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.engine.types import FloatArray, PlaceArrays
from analysis.errors import AnalysisError
from analysis.optimise.model.citymodel import project
from analysis.optimise.progress import CancelLike
from analysis.optimise.sites.second_tier import SecondTierCover, plan_second_tier
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData
from geodata.errors import Problem


@dataclass(frozen=True, eq=False)
class CollectionSitePlan:
    """Proposed collection sites and the 3-5 status of every contact point.

    Parameters
    ----------
    sites
        New sites (EPSG:4326): ``id``, ``name``, ``contact_point_id``, ``site_type``,
        ``informants`` (0), ``village_code``, ``newly_covered_population``, ``status``.
    points
        Per contact point: ``id``, ``name``, ``type``, ``existing_sites``, ``new_sites``,
        ``total_sites``, ``villages_in_reach``, ``rule`` (``ok``/``below``/``above``),
        ``reason`` (why a point cannot reach the minimum).
    newly_covered_population
        Population the new sites bring into the network.
    status, seconds
        Solver status and wall time.
    """

    sites: gpd.GeoDataFrame
    points: pd.DataFrame
    newly_covered_population: float
    status: str
    seconds: float


def propose_collection_sites(
    city: CityData,
    standards: Standards | None = None,
    *,
    time_limit_s: float = 10.0,
    cancel: CancelLike = None,
) -> CollectionSitePlan:
    """Choose new collection sites so every contact point has 3-5 within its radius.

    Parameters
    ----------
    city
        The city (for a proposal: ``Proposal.city_after``, new points included).
    standards
        Radii, collection-site radius and the 3-5 rule.
    time_limit_s
        HiGHS time limit.
    cancel
        Event or callable stopping the solve (best plan so far is kept).

    Raises
    ------
    AnalysisError
        The city has no villages to place sites at.
    """
    std = standards if standards is not None else load_standards()
    if city.villages is None or city.villages.empty:
        raise AnalysisError(
            [Problem("no_candidate_villages", "Collection sites need a village layer.")]
        )
    cov = compute_coverage(city, std)
    cp = city.contact_points.reset_index(drop=True)
    villages = city.villages.reset_index(drop=True)
    p_xy, p_k = project(cov.crs, cp)
    v_xy, v_k = project(cov.crs, villages)
    s_xy, _ = project(cov.crs, city.collection_sites)
    radius = np.array([std.radius_m_for(str(t)) for t in cp["type"]], float) * p_k
    plan = plan_second_tier(
        point_xy_m=p_xy,
        point_radius_m=radius,
        village_xy_m=v_xy,
        demand_xy_m=cov.demand[["x_m", "y_m"]].to_numpy(float),
        demand_population=cov.demand["population"].to_numpy(float),
        demand_covered=cov.demand["covered_by_network"].to_numpy(bool),
        existing_site_xy_m=s_xy,
        site_radius_m=std.collection_site_radius_m * v_k,
        min_sites=std.sites_min_per_point,
        max_sites=std.sites_max_per_point,
        time_limit_s=time_limit_s,
        cancel=cancel,
        cover=_road_cover(cov, cp, (p_xy, p_k), (v_xy, v_k), s_xy),
    )
    v = villages.iloc[plan.site_village]
    kind = v["kind"].astype(str).to_numpy()
    sites = gpd.GeoDataFrame(
        {
            "id": [f"CJ-NEW-{i + 1:03d}" for i in range(len(v))],
            "name": [f"拟新增采集点（{n}）" for n in v["name"].astype(str)],
            "contact_point_id": cp["id"].astype(str).to_numpy()[plan.site_point],
            "site_type": np.where(kind == "urban", "community", "village"),
            "informants": 0,
            "village_code": v["code"].astype(str).to_numpy(),
            "newly_covered_population": plan.site_new_population,
            "status": "proposed",
        },
        geometry=v.geometry.to_numpy(),
        crs=4326,
    )
    points = pd.concat(
        [cp[["id", "name", "type"]].astype(str).reset_index(drop=True), plan.points], axis=1
    )
    return CollectionSitePlan(
        sites, points, plan.newly_covered_population, plan.status, plan.seconds
    )


def _road_cover(
    cov: CoverageResult,
    cp: gpd.GeoDataFrame,
    point: tuple[FloatArray, FloatArray],
    village: tuple[FloatArray, FloatArray],
    site_xy: FloatArray,
) -> SecondTierCover | None:
    """The reach matrices of the second tier under road reach (``None``: the radii)."""
    reach = cov.reach
    if reach is None or reach.mode != "road":
        return None
    demand = cov.demand
    places = PlaceArrays(
        demand["x_m"].to_numpy(float),
        demand["y_m"].to_numpy(float),
        demand["scale_k"].to_numpy(float),
    )
    points = _places(*point)
    villages = _places(*village)
    existing = _places(site_xy, np.ones(site_xy.shape[0]))
    types = cp["type"].astype(str).to_numpy(dtype=object)
    return SecondTierCover(
        village_point=reach.point_cover(villages, points, types),
        existing_point=reach.point_cover(existing, points, types),
        demand_village=reach.site_cover(places, villages),
    )


def _places(xy: FloatArray, k: FloatArray) -> PlaceArrays:
    xy = np.asarray(xy, float).reshape(-1, 2)
    return PlaceArrays(xy[:, 0].copy(), xy[:, 1].copy(), np.asarray(k, float))
