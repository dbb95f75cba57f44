"""From a city to the array model: demand weights, candidate columns, county rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import scipy.sparse as sp

from analysis.coverage.api import CoverageResult
from analysis.coverage.engine.types import PlaceArrays
from analysis.errors import AnalysisError
from analysis.optimise.model.candidates import candidate_sites
from analysis.optimise.model.objective import RowBases, check_objective, objective_weights
from analysis.optimise.model.problem import (
    BoolArray,
    CoverageProblem,
    FloatArray,
    IntArray,
    build_problem,
    stack_group_rows,
)
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.rules.conflicts import ConflictReport, check_request
from analysis.standards.load import Standards, is_exempt_from_rural_minimum
from analysis.standards.site_rules import eligible_matrix
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
        The full array model: the demand rows of ``coverage.demand``, then one row per
        blind-spot township (:func:`~analysis.optimise.model.problem.stack_group_rows`),
        weighted for the request's objective.
    sites
        Candidate sites (EPSG:4326), in the order of the problem's sites.
    conflicts
        Rule check of the request (before solving).
    county_names
        Counties in the order of the model's county index.
    bases
        What covering each row adds (people, rural people, townships): the weights of
        any objective are made from them (:mod:`analysis.optimise.model.objective`).
    allowed
        ``(n_sites, n_types)`` site eligibility of each requested type (site rules).
    blind_townships
        Codes of the blind-spot townships, in the order of their rows.
    before
        The city's coverage before: ``covered_population``, ``rural_covered_population``,
        ``townships_uncovered``.
    """

    problem: CoverageProblem
    sites: gpd.GeoDataFrame
    conflicts: ConflictReport
    county_names: tuple[str, ...]
    bases: RowBases
    allowed: BoolArray
    blind_townships: tuple[str, ...] = ()
    before: tuple[float, float, int] = (0.0, 0.0, 0)

    def plan_figures(self, columns: IntArray) -> tuple[float, float, int]:
        """Covered population, covered rural population and blind-spot townships left
        after adding the plan ``columns`` (problem columns)."""
        rows = self.problem.covered_rows(columns)
        b = self.bases
        pop = self.before[0] + float(b.population[rows].sum())
        rural = self.before[1] + float(b.rural[rows].sum())
        return pop, rural, self.before[2] - round(float(b.township[rows].sum()))


def project(crs: pyproj.CRS, gdf: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    """Projected ``(n, 2)`` coordinates (metres) and local scale factor of points."""
    lon = gdf.geometry.x.to_numpy(float)
    lat = gdf.geometry.y.to_numpy(float)
    tr = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    scale = np.asarray(pyproj.Proj(crs).get_factors(lon, lat).meridional_scale, float)
    return np.column_stack([x, y]), scale


def _road_cover(
    coverage: CoverageResult, site_xy: FloatArray, site_k: FloatArray, counts: dict[str, int]
) -> dict[str, sp.csc_matrix] | None:
    """Each requested type's reach from every site under road reach (``None``: radius)."""
    reach = coverage.reach
    if reach is None or reach.mode != "road":
        return None
    demand = coverage.demand
    places = PlaceArrays(
        demand["x_m"].to_numpy(float),
        demand["y_m"].to_numpy(float),
        demand["scale_k"].to_numpy(float),
    )
    sites = PlaceArrays(site_xy[:, 0].copy(), site_xy[:, 1].copy(), np.asarray(site_k, float))
    n = sites.size
    out: dict[str, sp.csc_matrix] = {}
    same: dict[tuple[float, str], sp.csc_matrix] = {}  # types reached alike share one run
    for t in counts:
        key = (reach.limit_for(t), reach.standards.travel_mode_for(t))
        if key not in same:
            same[key] = reach.point_cover(places, sites, np.full(n, t, dtype=object))
        out[t] = same[key]
    return out


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
        Counts by type, objective, rural weight, candidates, exclusions, must-cover
        townships, site rules.
    coverage
        :func:`analysis.coverage.api.compute_coverage` of ``city`` (demand, CRS, counties).
    """
    r = _rule_inputs(city, standards, request, coverage)
    counties, county_index, sites, counts, allowed = (
        r.counties, r.county_index, r.sites, r.counts, r.allowed
    )  # fmt: skip
    site_xy, site_k = project(coverage.crs, sites)
    demand = coverage.demand
    covered = demand["covered_by_point"].to_numpy(bool)
    pop = demand["population"].to_numpy(float)
    rural = demand["rural_population"].to_numpy(float)
    new_pop = np.where(covered, 0.0, pop)
    town = demand["township_code"].astype(str).to_numpy()
    must: dict[str, np.ndarray] = {}
    for code in request.must_cover_townships:
        rows = np.flatnonzero(town == str(code))
        if rows.size and not covered[rows].any():
            must[str(code)] = rows
    problem = build_problem(
        demand_xy_m=demand[["x_m", "y_m"]].to_numpy(float),
        weights=new_pop,
        population=new_pop,
        site_xy_m=site_xy,
        site_county=county_index.get_indexer(pd.Index(sites["county"])).astype(np.int64),
        county_names=counties,
        counts=counts,
        radius_m_by_type={t: standards.radius_m_for(t) * site_k for t in counts},
        cover_by_type=_road_cover(coverage, site_xy, site_k, counts),
        minimum_new=r.minimum_new,
        allowed=allowed,
        must_cover_rows=must,
        site_ids=tuple(sites["id"].astype(str)),
    )
    groups, blind = _blind_township_groups(coverage, town, pop)
    bases = RowBases(
        population=np.concatenate([new_pop, np.zeros(len(blind))]),
        rural=np.concatenate([np.where(covered, 0.0, rural), np.zeros(len(blind))]),
        township=np.concatenate([np.zeros(len(pop)), np.ones(len(blind))]),
        population_total=float(pop.sum()),
        rural_total=float(rural.sum()),
        townships_total=int((coverage.townships["population"] > 0).sum()),
    )
    problem = stack_group_rows(problem, groups, np.zeros(len(blind)))
    problem = replace(
        problem, weights=objective_weights(bases, request.objective, request.rural_weight)
    )
    unreachable = tuple(
        n for n, g in zip(problem.must_cover_names, problem.must_cover, strict=True) if g.size == 0
    )
    report = _report(r, unreachable)
    before = (
        float(pop[covered].sum()),
        float(rural[covered].sum()),
        int(coverage.townships["is_blind_spot"].sum()),
    )
    return CityModel(problem, sites, report, counties, bases, allowed, blind, before)


@dataclass(frozen=True, eq=False)
class _RuleInputs:
    """What the county rules of a request are checked on (cheap: no coverage matrix)."""

    counties: tuple[str, ...]
    county_index: pd.Index
    sites: gpd.GeoDataFrame
    site_county: IntArray
    counts: dict[str, int]
    allowed: BoolArray
    minimums: IntArray
    existing: IntArray
    exemptable: BoolArray
    applied: bool
    minimum_new: IntArray
    rules_on: bool


def _rule_inputs(
    city: CityData, standards: Standards, request: ProposalRequest, coverage: CoverageResult
) -> _RuleInputs:
    """The request checked and the inputs of its rule check (raises on a bad request)."""
    check_objective(request.objective)
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
    # Types in the schema's order whatever the caller's dict order, so that equal requests
    # give the same plan when several are optimal. (The order once changed the solve time
    # ten-fold: the degenerate LP's vertex, which follows the column order, fed the first
    # plan and the fixing; see docs/method.md, "Why the column order ...".)
    order = {t: i for i, t in enumerate(POINT_TYPES)}
    counts = {
        t: int(request.counts[t]) for t in sorted(request.counts, key=lambda t: order.get(t, 99))
    }
    minimum_new = np.zeros((len(counties), len(counts)), np.int64)
    for i, t in enumerate(counts):
        if t in RULE_TYPES:
            minimum_new[:, i] = need[:, RULE_TYPES.index(t)]
    rules_on = standards.site_rules_enabled if request.site_rules is None else request.site_rules
    allowed = eligible_matrix(
        list(counts),
        dict(standards.site_rules) if rules_on else {},
        level=sites["township_level"].to_numpy(str),
        town_kind=sites["township_kind"].to_numpy(str),
        site_kind=sites["site_kind"].to_numpy(str),
        is_seat=sites["is_seat"].to_numpy(bool),
        site_type=sites["site_type"].to_numpy(str),
    )
    site_county = county_index.get_indexer(pd.Index(sites["county"])).astype(np.int64)
    return _RuleInputs(
        counties, county_index, sites, site_county, counts, allowed, minimums, existing,
        exemptable, applied, minimum_new, rules_on,
    )  # fmt: skip


def _report(r: _RuleInputs, unreachable: tuple[str, ...] = ()) -> ConflictReport:
    """The rule check of :func:`_rule_inputs` (:func:`check_request`)."""
    n = len(r.counties)
    return check_request(
        county_names=r.counties,
        rule_types=RULE_TYPES,
        minimums=r.minimums,
        existing=r.existing,
        exemptable=r.exemptable,
        exemption_applied=r.applied,
        requested=r.counts,
        sites_per_county=np.bincount(r.site_county, minlength=n),
        unreachable_townships=unreachable,
        eligible_sites=(
            {
                t: np.bincount(r.site_county[r.allowed[:, i]], minlength=n).astype(np.int64)
                for i, t in enumerate(r.counts)
            }
            if r.rules_on
            else None
        ),
    )


def request_conflicts(
    city: CityData, standards: Standards, request: ProposalRequest, coverage: CoverageResult
) -> ConflictReport:
    """Check a request against the county rules without building the coverage matrix.

    The same report as :func:`build_city_model`'s ``conflicts``; only must-cover townships
    (which need each site's reach) build the whole model.
    """
    if request.must_cover_townships:
        return build_city_model(city, standards, request, coverage).conflicts
    return _report(_rule_inputs(city, standards, request, coverage))


def _blind_township_groups(
    coverage: CoverageResult, town: np.ndarray, pop: FloatArray
) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """``(n_blind, n_demand)`` membership of the demand rows with people of each blind-spot
    township (:mod:`analysis.coverage.aggregate`: people, nobody covered), and their codes."""
    towns = coverage.townships
    blind = tuple(towns.loc[towns["is_blind_spot"].astype(bool), "code"].astype(str))
    index = pd.Index(blind)
    g = index.get_indexer(pd.Index(town))
    rows = np.flatnonzero((g >= 0) & (pop > 0))
    groups = sp.csr_matrix(
        (np.ones(rows.size), (g[rows], rows)), shape=(len(blind), len(town)), dtype=float
    )
    return groups, blind


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
