"""From a solved plan to a :class:`Proposal`: points, figures, reasons, coverage after.

Each new point's figures are those of :func:`analysis.coverage.impact.point_impact` (the one
definition used by the UI, the files and the brief): ``newly_covered_population`` in
order of largest gain first (the points are numbered in that order and the figures add
up to the plan's gain) and ``newly_covered_alone``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.impact import point_impact
from analysis.coverage.kpis import KPIs
from analysis.optimise.constrained.figures import ConstrainedFigures
from analysis.optimise.explain import RunnerUp, runner_ups
from analysis.optimise.heuristics.curve import CurvePoint, coverage_curve
from analysis.optimise.heuristics.greedy import order_by_marginal
from analysis.optimise.model.citymodel import CityModel
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.rules.conflicts import TYPE_ZH, ConflictReport, RuleConflict
from analysis.standards.load import Standards
from geodata.city import CityData

POINT_COLUMNS = (
    "id", "name", "type", "county", "township_code", "township_name", "site_id",
    "site_name", "lon", "lat", "order", "newly_covered_population", "newly_covered_alone",
    "rural_newly_covered_population", "rule", "runner_up_site_id", "runner_up_site_name",
    "runner_up_margin", "reason", "reason_zh", "status",
)  # fmt: skip


@dataclass(frozen=True)
class ProposedPoint:
    """One proposed contact point, what it brings and why it is there.

    ``newly_covered_population`` (新增覆盖人口) and ``newly_covered_alone`` (单独新增覆盖
    人口) are :func:`analysis.coverage.impact.point_impact`'s figures; ``order`` is its order.
    ``runner_up_*``: the best other site for this point with the rest of the plan fixed
    (:mod:`analysis.optimise.explain`) and the people the plan would cover fewer with it.
    """

    id: str
    site_id: str
    site_name: str
    name: str
    type: str
    county: str
    township_code: str
    township_name: str
    lon: float
    lat: float
    order: int
    newly_covered_population: int
    newly_covered_alone: int
    rural_newly_covered_population: int
    rule: str
    reason: str
    reason_zh: str
    runner_up_site_id: str = ""
    runner_up_site_name: str = ""
    runner_up_margin: int | None = None


@dataclass(frozen=True, eq=False)
class Proposal:
    """An optimised plan with its before/after figures.

    Parameters
    ----------
    points
        GeoDataFrame (EPSG:4326) of the new points, columns :data:`POINT_COLUMNS`, in
        order.
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
        Coverage against the number of new points (``k = 0 .. N``), in the points' order.
    method, status, objective, bound, gap, seconds
        Solver figures (objective: the weighted value of ``objective_kind``; gap: proven
        relative gap; status ``"optimal"``, ``"time_limit"``, ``"cancelled"`` or
        ``"heuristic"``).
    city_after
        The city with the new points added (``status`` column ``"proposed"``).
    objective_kind
        What was maximised (:data:`analysis.optimise.model.objective.OBJECTIVES`).
    site_rules
        Whether the site rules by point type were applied.
    constrained
        Capacities and township minimum used, with the served and township figures
        (:mod:`analysis.optimise.constrained`); ``None`` when both were off.
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
    objective_kind: str = "population"
    site_rules: bool = True
    constrained: ConstrainedFigures | None = None


def build_proposal(
    city: CityData,
    standards: Standards,
    model: CityModel,
    solution: Solution,
    before: CoverageResult,
    *,
    objective_kind: str,
    site_rules: bool,
) -> Proposal:
    """The :class:`Proposal` of a plan of ``model`` (coverage after computed here).

    Parameters
    ----------
    city
        The city the model was built from.
    standards
        The standards of the model.
    model
        The city model (its problem's columns are the plan's).
    solution
        The plan and its solver figures.
    before
        Coverage of ``city``.
    objective_kind, site_rules
        What the plan was optimised for (reported).
    """
    problem = model.problem
    columns, _ = order_by_marginal(problem, solution.columns)
    sites = model.sites
    draft = _draft_points(city, model, columns)
    after_city = _with_points(city, draft)
    after = compute_coverage(after_city, standards)
    impact = point_impact(draft, before, after).set_index("id")
    # number the points in point_impact's order, then take its figures under the final ids
    order = impact["order"].reindex(draft["id"]).to_numpy()
    taken = set(city.contact_points["id"].astype(str))
    width = max(2, len(str(len(draft))))
    final = {str(d): _new_id(int(k), taken, width) for d, k in zip(draft["id"], order, strict=True)}
    draft = draft.assign(id=draft["id"].map(final))
    after_city, after = _renamed(after_city, after, final)
    impact = point_impact(draft, before, after).set_index("id")
    by_order = np.argsort(impact["order"].reindex(draft["id"]).to_numpy(), kind="stable")
    columns, draft = columns[by_order], draft.iloc[by_order].reset_index(drop=True)
    gains = impact["newly_covered_population"].reindex(draft["id"]).to_numpy(np.int64)
    curve = coverage_curve(
        problem,
        columns,
        gains,
        covered_before=float(before.kpis.population_covered),
        total_population=float(before.kpis.population_total),
    )
    rules = _rules(problem, columns)
    rivals = runner_ups(problem, columns, [r[0] == "county_minimum" for r in rules])
    records = []
    for k, (row, c) in enumerate(zip(draft.itertuples(index=False), columns, strict=True)):
        fig = impact.loc[str(row.id)].to_dict()
        site = sites.iloc[int(problem.column_site[c])]
        gained = int(fig["newly_covered_population"])
        rule, reason, reason_zh = rules[k]
        rival = _rival(sites, problem, rivals[k])
        records.append(
            ProposedPoint(
                id=str(row.id),
                site_id=str(site["id"]),
                site_name=str(site["name"]),
                name=str(row.name),
                type=str(row.type),
                county=str(site["county"]),
                township_code=str(site["township_code"]),
                township_name=str(site["township_name"]),
                lon=float(site.geometry.x),
                lat=float(site.geometry.y),
                order=k + 1,
                newly_covered_population=gained,
                newly_covered_alone=int(fig["newly_covered_alone"]),
                rural_newly_covered_population=int(fig["rural_newly_covered_population"]),
                rule=rule,
                reason=f"{reason}; newly covers {gained:,} people{rival.text_en}",
                reason_zh=f"{reason_zh}；新覆盖{gained:,}人{rival.text_zh}",
                runner_up_site_id=rival.site_id,
                runner_up_site_name=rival.site_name,
                runner_up_margin=rival.margin,
            )
        )
    return Proposal(
        points=_points_gdf(records),
        proposed=tuple(records),
        kpis_before=before.kpis,
        kpis_after=after.kpis,
        conflicts=model.conflicts,
        unmet=_unmet(problem, columns),
        compliant=not problem.violations(columns),
        curve=curve,
        method=solution.method,
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        seconds=solution.seconds,
        city_after=after_city,
        objective_kind=objective_kind,
        site_rules=site_rules,
    )


@dataclass(frozen=True)
class _Rival:
    site_id: str = ""
    site_name: str = ""
    margin: int | None = None
    text_en: str = ""
    text_zh: str = ""


def _rival(sites: gpd.GeoDataFrame, problem: CoverageProblem, rival: RunnerUp) -> _Rival:
    """The runner-up's site and the wording of "what it beat"."""
    if rival.column < 0:
        return _Rival(text_en="; no other eligible site", text_zh="；无其他可选场所")
    site = sites.iloc[int(problem.column_site[rival.column])]
    margin = round(rival.population_margin)
    name = str(site["name"])
    if margin > 0:
        en, zh = f"{margin:,} people more than", f"比次优选址{name}多覆盖{margin:,}人"
        return _Rival(str(site["id"]), name, margin, f"; covers {en} {name}", f"；{zh}")
    if margin == 0:
        return _Rival(str(site["id"]), name, 0, f"; as good as {name}", f"；与{name}覆盖人数相同")
    return _Rival(
        str(site["id"]), name, margin,
        f"; {name} would cover {-margin:,} more people but weighs less in the objective",
        f"；{name}可多覆盖{-margin:,}人，但综合目标较低",
    )  # fmt: skip


def _draft_points(city: CityData, model: CityModel, columns: IntArray) -> gpd.GeoDataFrame:
    """The plan's points under provisional ids (``status`` proposed)."""
    problem, sites = model.problem, model.sites
    s = problem.column_site[columns]
    types = [problem.type_names[int(t)] for t in problem.column_type[columns]]
    taken = set(city.contact_points["id"].astype(str))
    ids: list[str] = []
    k = 0
    while len(ids) < len(columns):
        k += 1
        pid = f"~new-{k:05d}"
        if pid not in taken:
            ids.append(pid)
    chosen = sites.iloc[s]
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "name": [
                f"拟新增{TYPE_ZH.get(t, t)}联系点（{n}）"
                for t, n in zip(types, chosen["name"].astype(str), strict=True)
            ],
            "type": types,
            "county": chosen["county"].astype(str).to_numpy(),
            "status": "proposed",
        },
        geometry=chosen.geometry.to_numpy(),
        crs=4326,
    )


def _renamed(
    city: CityData, coverage: CoverageResult, ids: dict[str, str]
) -> tuple[CityData, CoverageResult]:
    """``city`` and its coverage with the new points' ids replaced."""
    cp = city.contact_points
    cp = cp.assign(id=cp["id"].astype(str).map(lambda i: ids.get(i, i)))
    table = coverage.contact_points
    table = table.assign(id=table["id"].astype(str).map(lambda i: ids.get(i, i)))
    return replace(city, contact_points=cp), replace(coverage, contact_points=table)


def _new_id(k: int, taken: set[str], width: int) -> str:
    pid = f"NEW-{k:0{width}d}"
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
    """``city`` with the new points; their unknown figures (room, staff, opinions) stay
    missing (NaN), so a point not yet built never counts as below the room standard."""
    cp = city.contact_points
    new = gpd.GeoDataFrame(
        {c: points[c] for c in ("id", "name", "type", "county")},
        geometry=points.geometry,
        crs=4326,
    )
    for col in cp.columns:
        if col not in new.columns and col != cp.geometry.name:
            new[col] = np.nan if pd.api.types.is_numeric_dtype(cp[col]) else ""
    cp_all = pd.concat([cp.to_crs(4326), new[list(cp.columns)] if len(cp.columns) else new])
    merged = gpd.GeoDataFrame(cp_all.reset_index(drop=True), geometry=cp.geometry.name, crs=4326)
    return replace(city, contact_points=merged)
