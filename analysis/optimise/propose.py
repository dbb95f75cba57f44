"""GeoDataFrame adapter: ``propose(city, standards, request) -> Proposal``.

Steps: coverage before; candidate sites and the array model; rule conflicts (a request
that cannot meet every county minimum is refused with :class:`RuleConflictError` unless
``request.relaxed``); model reduction; preview (greedy + swap + LP dive); exact solve
warm-started with the preview (and its LP); order the points by marginal gain and say why
each is there; coverage after.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage import compute_coverage
from analysis.errors import AnalysisError
from analysis.kpis import KPIs
from analysis.optimise.citymodel import CityModel, build_city_model
from analysis.optimise.conflicts import TYPE_ZH, ConflictReport, RuleConflict
from analysis.optimise.curve import CurvePoint, coverage_curve
from analysis.optimise.greedy import order_by_marginal
from analysis.optimise.milp import solve_milp
from analysis.optimise.preview import preview_with_lp
from analysis.optimise.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter, SolveCancelled
from analysis.optimise.reduce import reduce_rows
from analysis.optimise.request import ProposalRequest
from analysis.standards import Standards, load_standards
from geodata.city import CityData
from geodata.errors import Problem

POINT_COLUMNS = (
    "id", "name", "type", "county", "township_code", "site_id", "order",
    "newly_covered_population", "rule", "reason", "reason_zh", "status",
)  # fmt: skip


class RuleConflictError(AnalysisError):
    """The request cannot meet the county rules; ``report`` says why and how to fix it."""

    def __init__(self, report: ConflictReport, extra: list[Problem] | None = None) -> None:
        self.report = report
        super().__init__(report.to_problems() + list(extra or []))


@dataclass(frozen=True)
class ProposedPoint:
    """One proposed contact point and why it is there."""

    id: str
    site_id: str
    name: str
    type: str
    county: str
    township_code: str
    lon: float
    lat: float
    order: int
    newly_covered_population: float
    rule: str
    reason: str
    reason_zh: str


@dataclass(frozen=True, eq=False)
class Proposal:
    """An optimised plan with its before/after figures.

    Parameters
    ----------
    points
        GeoDataFrame (EPSG:4326) of the new points, columns :data:`POINT_COLUMNS`.
    proposed
        The same as frozen records.
    kpis_before, kpis_after
        KPIs of the city without and with the new points.
    conflicts
        The rule check made before solving.
    unmet
        County minimums the plan does not meet (only in relaxed mode).
    compliant
        The plan meets every county minimum and must-cover township.
    curve
        Coverage against the number of new points (``k = 0 .. N``).
    method, status, objective, bound, gap, seconds
        Solver figures (objective: weighted newly covered population; gap: proven
        relative gap; status ``"optimal"``, ``"time_limit"``, ``"cancelled"`` or
        ``"heuristic"``).
    city_after
        The city with the new points added (``status`` column ``"proposed"``).
    """

    points: gpd.GeoDataFrame
    proposed: tuple[ProposedPoint, ...]
    kpis_before: KPIs
    kpis_after: KPIs
    conflicts: ConflictReport
    unmet: tuple[RuleConflict, ...]
    compliant: bool
    curve: tuple[CurvePoint, ...]
    method: str
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    city_after: CityData


def check_conflicts(
    city: CityData, standards: Standards | None = None, request: ProposalRequest | None = None
) -> ConflictReport:
    """Check a request against the county rules without solving (fast)."""
    std = standards if standards is not None else load_standards()
    req = request if request is not None else ProposalRequest()
    return build_city_model(city, std, req, compute_coverage(city, std)).conflicts


def propose(
    city: CityData,
    standards: Standards | None = None,
    request: ProposalRequest | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelLike = None,
) -> Proposal:
    """Propose new contact points that maximise newly covered population under the rules.

    Parameters
    ----------
    city
        The validated city; its contact points stay where they are.
    standards
        Planning standards (default :func:`analysis.standards.load_standards`).
    request
        What to place (default: the speech's 8 rural, 5 enterprise, 3 association).
    progress
        ``progress(fraction, message)`` called during the solve.
    cancel
        :class:`threading.Event` or callable; a cancelled MILP returns the best plan so
        far (``status="cancelled"``); cancelling before any plan exists raises
        :class:`~analysis.optimise.progress.SolveCancelled`.

    Raises
    ------
    RuleConflictError
        The request cannot meet the county minimums (and ``request.relaxed`` is false),
        or HiGHS proved the rules cannot all hold; ``.report`` lists each conflict and
        the smallest compliant changes.
    AnalysisError
        Bad request or inputs.
    """
    std = standards if standards is not None else load_standards()
    req = request if request is not None else ProposalRequest()
    report = Reporter(progress, min_interval_s=0.1)
    report(0.0, "coverage before", force=True)
    before = compute_coverage(city, std)
    model = build_city_model(city, std, req, before)
    if not model.conflicts.feasible and not req.relaxed:
        raise RuleConflictError(model.conflicts)
    reduced, _ = reduce_rows(model.problem)
    preview, lp = preview_with_lp(
        reduced, relaxed=req.relaxed, cancel=cancel, progress=report.sub(0.1, 0.2)
    )
    if req.relaxed and not reduced.violations(preview.columns, rules=False):
        preview = Solution(
            preview.columns, preview.objective, preview.bound, "heuristic", preview.method,
            preview.seconds,
        )  # fmt: skip
    solution = preview
    if req.method == "milp":
        exact = solve_milp(
            reduced,
            time_limit_s=req.time_limit_s,
            mip_rel_gap=req.mip_rel_gap,
            relaxed=req.relaxed,
            warm_start=preview if preview.status == "heuristic" else None,
            lp=lp,
            cancel=cancel,
            progress=report.sub(0.2, 0.9),
        )
        solution = _pick(exact, preview, req.relaxed, model.conflicts)
    if solution.columns.size == 0 and sum(req.counts.values()) > 0:
        raise SolveCancelled("no plan found before the solve was stopped")
    report(0.9, "coverage after", force=True)
    proposal = _proposal(city, std, model, solution, before.kpis, req)
    report(1.0, "done", force=True)
    return proposal


def _pick(exact: Solution, preview: Solution, relaxed: bool, conflicts: ConflictReport) -> Solution:
    if exact.status == "infeasible" and not relaxed:
        raise RuleConflictError(
            conflicts,
            [Problem("rules_infeasible", "HiGHS proved that no plan meets every rule.")],
        )
    if exact.columns.size == 0 or (
        preview.status == "heuristic" and preview.objective > exact.objective
    ):
        return Solution(
            preview.columns, preview.objective, exact.bound, exact.status, preview.method,
            preview.seconds + exact.seconds,
        )  # fmt: skip
    return exact


def _proposal(
    city: CityData,
    std: Standards,
    model: CityModel,
    solution: Solution,
    kpis_before: KPIs,
    req: ProposalRequest,
) -> Proposal:
    problem = model.problem
    ordered, _ = order_by_marginal(problem, solution.columns)
    curve = coverage_curve(
        problem,
        ordered,
        covered_before=float(kpis_before.population_covered),
        total_population=float(kpis_before.population_total),
    )
    rules = _rules(problem, ordered)
    sites = model.sites
    existing_ids = set(city.contact_points["id"].astype(str))
    records = []
    for k, c in enumerate(ordered):
        s = int(problem.column_site[c])
        t = problem.type_names[int(problem.column_type[c])]
        pid = _new_id(k + 1, existing_ids)
        gained = curve[k + 1].marginal_population
        rule, reason, reason_zh = rules[k]
        site = sites.iloc[s]
        records.append(
            ProposedPoint(
                id=pid,
                site_id=str(site["id"]),
                name=f"拟新增{TYPE_ZH.get(t, t)}联系点（{site['name']}）",
                type=t,
                county=str(site["county"]),
                township_code=str(site["township_code"]),
                lon=float(site.geometry.x),
                lat=float(site.geometry.y),
                order=k + 1,
                newly_covered_population=gained,
                rule=rule,
                reason=f"{reason}; newly covers {gained:,.0f} people",
                reason_zh=f"{reason_zh}；新覆盖{gained:,.0f}人",
            )
        )
    points = _points_gdf(records)
    after = _with_points(city, points)
    kpis_after = compute_coverage(after, std).kpis
    unmet = _unmet(problem, ordered)
    return Proposal(
        points=points,
        proposed=tuple(records),
        kpis_before=kpis_before,
        kpis_after=kpis_after,
        conflicts=model.conflicts,
        unmet=unmet,
        compliant=not problem.violations(ordered),
        curve=curve,
        method=solution.method,
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        seconds=solution.seconds,
        city_after=after,
    )


def _new_id(k: int, taken: set[str]) -> str:
    pid = f"NEW-{k:02d}"
    while pid in taken:
        pid += "b"
    return pid


def _rules(problem: CoverageProblem, ordered: IntArray) -> list[tuple[str, str, str]]:
    """Per point (in order): rule code, English and Chinese reason.

    County minimums are credited to the points of that county and type with the smallest
    marginal gain (the larger ones would be worth placing for coverage alone).
    """
    need = problem.minimum_new.copy()
    groups_open = {
        n: set(g.tolist())
        for n, g in zip(problem.must_cover_names, problem.must_cover, strict=True)
    }
    out: list[tuple[str, str, str]] = [("coverage", "coverage", "扩大覆盖")] * len(ordered)
    for i in range(len(ordered) - 1, -1, -1):
        c = int(ordered[i])
        k, t = int(problem.column_county[c]), int(problem.column_type[c])
        name, tname = problem.county_names[k], problem.type_names[t]
        if need[k, t] > 0:
            need[k, t] -= 1
            out[i] = (
                "county_minimum",
                f"{name} {tname} minimum",
                f"满足{name}{TYPE_ZH.get(tname, tname)}联系点下限",
            )
            continue
        hit = [n for n, g in groups_open.items() if c in g]
        if hit:
            for n in hit:
                groups_open.pop(n)
            out[i] = ("must_cover", f"must cover township {hit[0]}", f"覆盖指定乡镇{hit[0]}")
    return out


def _unmet(problem: CoverageProblem, columns: IntArray) -> tuple[RuleConflict, ...]:
    left = problem.unmet_minimum(columns)
    out = []
    for k, t in np.argwhere(left > 0):
        county, tname = problem.county_names[k], problem.type_names[t]
        out.append(
            RuleConflict(
                "county_shortfall_unmet", county, tname, int(problem.minimum_new[k, t]),
                int(problem.minimum_new[k, t] - left[k, t]), int(left[k, t]),
                message=f"The plan leaves {county} {left[k, t]} {tname} point(s) short of its "
                "minimum (non-compliant).",
                message_zh=f"本方案{county}仍缺{TYPE_ZH.get(tname, tname)}联系点{left[k, t]}个"
                "（不合规）。",
            )
        )  # fmt: skip
    return tuple(out)


def _points_gdf(records: list[ProposedPoint]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(
        [r.__dict__ for r in records], columns=[*ProposedPoint.__dataclass_fields__]
    )
    frame["status"] = "proposed"
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame[list(POINT_COLUMNS)], geometry=geometry, crs=4326)


def _with_points(city: CityData, points: gpd.GeoDataFrame) -> CityData:
    cp = city.contact_points
    new = gpd.GeoDataFrame(
        {c: points[c] for c in ("id", "name", "type", "county")},
        geometry=points.geometry,
        crs=4326,
    )
    for col in cp.columns:
        if col not in new.columns and col != cp.geometry.name:
            new[col] = 0 if pd.api.types.is_numeric_dtype(cp[col]) else ""
    cp_all = pd.concat([cp.to_crs(4326), new[list(cp.columns)] if len(cp.columns) else new])
    merged = gpd.GeoDataFrame(cp_all.reset_index(drop=True), geometry=cp.geometry.name, crs=4326)
    return CityData(
        townships=city.townships,
        villages=city.villages,
        contact_points=merged,
        collection_sites=city.collection_sites,
        homes=city.homes,
        name=city.name,
        is_demo=city.is_demo,
        warnings=city.warnings,
    )
