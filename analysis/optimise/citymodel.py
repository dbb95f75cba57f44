"""From a city to the array model: demand weights, candidate columns, county rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from analysis.coverage import CoverageResult
from analysis.errors import AnalysisError
from analysis.optimise.candidates import candidate_sites
from analysis.optimise.conflicts import ConflictReport, check_request
from analysis.optimise.problem import CoverageProblem, FloatArray, build_problem
from analysis.optimise.request import ProposalRequest
from analysis.standards import Standards, is_exempt_from_rural_minimum
from geodata.city import CityData
from geodata.errors import Problem
from geodata.schema import POINT_TYPES

RULE_TYPES: tuple[str, ...] = ("rural", "enterprise")


@dataclass(frozen=True, eq=False)
class CityModel:
    """The optimisation model of one city and request.

    Parameters
    ----------
    problem
        The full array model (rows = demand rows of ``coverage.demand``).
    sites
        Candidate sites (EPSG:4326), in the order of the problem's sites.
    conflicts
        Rule check of the request (before solving).
    county_names
        Counties in the order of the model's county index.
    """

    problem: CoverageProblem
    sites: gpd.GeoDataFrame
    conflicts: ConflictReport
    county_names: tuple[str, ...]


def project(crs: pyproj.CRS, gdf: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    """Projected ``(n, 2)`` coordinates (metres) and local scale factor of points."""
    lon = gdf.geometry.x.to_numpy(float)
    lat = gdf.geometry.y.to_numpy(float)
    tr = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    scale = np.asarray(pyproj.Proj(crs).get_factors(lon, lat).meridional_scale, float)
    return np.column_stack([x, y]), scale


def exemptable_counties(coverage: CoverageResult, standards: Standards) -> np.ndarray:
    """Per county of ``coverage.counties``: an urban district the exemption could release."""
    demand = coverage.demand
    rural_rows = (
        demand["kind"].astype(str) == "rural"
        if "kind" in demand
        else demand["rural_population"] > 0
    )
    rural_villages = rural_rows.groupby(demand["county"].astype(str), observed=True).sum()
    on = replace(standards, exempt_urban_districts_from_rural_minimum=True)
    return np.array(
        [
            is_exempt_from_rural_minimum(on, name, float(rpop), int(rural_villages.get(name, 0)))
            for name, rpop in zip(
                coverage.counties["county"].astype(str),
                coverage.counties["rural_population"],
                strict=True,
            )
        ],
        dtype=bool,
    )


def build_city_model(
    city: CityData, standards: Standards, request: ProposalRequest, coverage: CoverageResult
) -> CityModel:
    """Build the array model and check the request against the county rules.

    Parameters
    ----------
    city
        The validated city (existing points fixed).
    standards
        Radii, county minimums and the exemption setting.
    request
        Counts by type, rural weight, candidates, exclusions, must-cover townships.
    coverage
        :func:`analysis.coverage.compute_coverage` of ``city`` (demand, CRS, counties).
    """
    unknown = [t for t in request.counts if t not in standards.radius_by_type_m]
    bad = [t for t, n in request.counts.items() if int(n) < 0]
    if unknown or bad or request.rural_weight < 0:
        raise AnalysisError(
            [
                Problem(
                    "bad_request",
                    f"Unknown point types {unknown}, negative counts {bad} or negative rural "
                    "weight in the request.",
                )
            ]
        )
    counties = tuple(coverage.counties["county"].astype(str))
    county_index = pd.Index(counties)
    sites = candidate_sites(
        city,
        request.candidates,
        excluded_sites=request.excluded_sites,
        excluded_townships=request.excluded_townships,
    )
    sites = sites[county_index.get_indexer(pd.Index(sites["county"])) >= 0].reset_index(drop=True)
    site_xy, site_k = project(coverage.crs, sites)
    demand = coverage.demand
    covered = demand["covered_by_point"].to_numpy(bool)
    pop = demand["population"].to_numpy(float)
    rural = demand["rural_population"].to_numpy(float)
    weights = np.where(covered, 0.0, pop - rural + request.rural_weight * rural)
    new_pop = np.where(covered, 0.0, pop)
    town = demand["township_code"].astype(str).to_numpy()
    must: dict[str, np.ndarray] = {}
    for code in request.must_cover_townships:
        rows = np.flatnonzero(town == str(code))
        if rows.size and not covered[rows].any():
            must[str(code)] = rows
    existing = _existing_counts(coverage, county_index)
    minimums = np.array([standards.county_min_rural, standards.county_min_enterprise], np.int64)
    exemptable = exemptable_counties(coverage, standards)
    applied = (
        standards.exempt_urban_districts_from_rural_minimum
        if request.exempt_urban_districts is None
        else bool(request.exempt_urban_districts)
    )
    need = np.maximum(minimums[None, :] - existing, 0)
    if applied:
        need[:, 0] = np.where(exemptable, 0, need[:, 0])
    # Types in the schema's order whatever the caller's dict order: the column-generation LP
    # is sensitive to the column order (the demo's compliant request took 5-6 s instead of
    # 0.6 s with the types sorted by name).
    order = {t: i for i, t in enumerate(POINT_TYPES)}
    counts = {
        t: int(request.counts[t]) for t in sorted(request.counts, key=lambda t: order.get(t, 99))
    }
    minimum_new = np.zeros((len(counties), len(counts)), np.int64)
    for i, t in enumerate(counts):
        if t in RULE_TYPES:
            minimum_new[:, i] = need[:, RULE_TYPES.index(t)]
    problem = build_problem(
        demand_xy_m=demand[["x_m", "y_m"]].to_numpy(float),
        weights=weights,
        population=new_pop,
        site_xy_m=site_xy,
        site_county=county_index.get_indexer(pd.Index(sites["county"])).astype(np.int64),
        county_names=counties,
        counts=counts,
        radius_m_by_type={t: standards.radius_m_for(t) * site_k for t in counts},
        minimum_new=minimum_new,
        must_cover_rows=must,
        site_ids=tuple(sites["id"].astype(str)),
    )
    unreachable = tuple(
        n for n, g in zip(problem.must_cover_names, problem.must_cover, strict=True) if g.size == 0
    )
    report = check_request(
        county_names=counties,
        rule_types=RULE_TYPES,
        minimums=minimums,
        existing=existing,
        exemptable=exemptable,
        exemption_applied=applied,
        requested=counts,
        sites_per_county=np.bincount(problem.site_county, minlength=len(counties)),
        unreachable_townships=unreachable,
    )
    return CityModel(problem, sites, report, counties)


def _existing_counts(coverage: CoverageResult, county_index: pd.Index) -> np.ndarray:
    cp = coverage.contact_points
    out = np.zeros((len(county_index), len(RULE_TYPES)), np.int64)
    if cp.empty:
        return out
    c = county_index.get_indexer(pd.Index(cp["county"].astype(str)))
    for r, t in enumerate(RULE_TYPES):
        sel = (cp["type"].astype(str).to_numpy() == t) & (c >= 0)
        np.add.at(out[:, r], c[sel], 1)
    return out
