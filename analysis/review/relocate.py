"""Move or close the contact points on the adjustment list: a relocation proposal.

For each flagged contact point, one at a time against today's network: take it away (the
people only it reached lose coverage), then find the candidate site of its own type
(:func:`analysis.optimise.model.candidates.candidate_sites`, the site rules of
:mod:`analysis.standards.site_rules`) that brings the most people under coverage who are not
reached without it, within its own county. Points are taken in the adjustment list's order,
each against the plan with the earlier moves made, so the moves' figures add up to the
plan's total. The point is **moved** there when that gains more than it loses,
**closed** when nobody depends on it and no site would gain, and otherwise **kept** (to be
strengthened where it stands). Every figure is measured with :func:`compute_coverage` on the
city before and after the move, so gains and losses agree with the KPIs to the person; the
site search ranks sites by the coverage's own reach test (the radius, or travel time on the
roads under road reach).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from shapely.geometry import Point

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.engine.small import pairs_within
from analysis.coverage.engine.types import PlaceArrays
from analysis.errors import AnalysisError, Problem
from analysis.optimise.model.candidates import candidate_sites
from analysis.plan.edits import move_point, remove_point
from analysis.plan.scenarios import Scenario, copy_scenario
from analysis.review.api import ReviewResult
from analysis.standards.load import Standards, load_standards
from analysis.standards.site_rules import eligible_matrix
from geodata.city import CityData

ACTION_ZH = {"move": "迁移", "close": "撤销", "keep": "原址加强"}


@dataclass(frozen=True)
class RelocationMove:
    """What to do with one flagged contact point, and what it changes (people)."""

    point_id: str
    name: str
    type: str
    county: str
    action: str  # "move", "close" or "keep"
    from_lon: float
    from_lat: float
    to_lon: float | None
    to_lat: float | None
    to_site: str
    population_lost: int
    population_gained: int
    reasons: str

    @property
    def net(self) -> int:
        """People covered after the move minus before (measured)."""
        return self.population_gained - self.population_lost if self.action != "keep" else 0

    @property
    def explanation_zh(self) -> str:
        """One Chinese sentence saying why."""
        lost, gained = f"{self.population_lost:,}", f"{self.population_gained:,}"
        if self.action == "move":
            return (
                f"{self.name}（{self.reasons}）：迁至{self.to_site}，原址仅由该点覆盖的{lost}人"
                f"失去覆盖，新址新增覆盖{gained}人，净增{self.net:,}人。"
            )
        if self.action == "close":
            return (
                f"{self.name}（{self.reasons}）：覆盖范围均有其他联系点覆盖，撤销后无人失去覆盖。"
            )
        return (
            f"{self.name}（{self.reasons}）：原址有{lost}人仅由该点覆盖，同类型最佳新址只能新增"
            f"{gained}人，建议原址整改加强，不迁移。"
        )


@dataclass(frozen=True)
class RelocationProposal:
    """Moves of every flagged contact point, and the plan's coverage with all of them."""

    moves: tuple[RelocationMove, ...]
    population_before: int
    population_after: int

    def frame(self) -> pd.DataFrame:
        """One row per move (the fields and ``net``, ``action_zh``, ``explanation_zh``)."""
        rows = [
            {
                **dataclasses.asdict(m),
                "net": m.net,
                "action_zh": ACTION_ZH[m.action],
                "explanation_zh": m.explanation_zh,
            }
            for m in self.moves
        ]
        return pd.DataFrame(rows)


def _without(city: CityData, point_id: str) -> CityData:
    cps = city.contact_points
    return dataclasses.replace(city, contact_points=cps[cps["id"].astype(str) != point_id])


def _moved(city: CityData, point_id: str, lon: float, lat: float) -> CityData:
    cps = city.contact_points.copy()
    cps.loc[cps["id"].astype(str) == point_id, "geometry"] = Point(lon, lat)
    return dataclasses.replace(city, contact_points=cps)


def _best_site(
    sites: pd.DataFrame, ok: np.ndarray, minus: CoverageResult, point_type: str, radius_m: float
) -> int | None:
    """Index of the eligible site reaching the most people ``minus`` leaves uncovered."""
    demand, metric = minus.demand, minus.metric
    if metric is None or not ok.any():
        return None
    open_rows = ~demand["covered_by_point"].to_numpy(bool)
    places = PlaceArrays(
        demand["x_m"].to_numpy(float)[open_rows],
        demand["y_m"].to_numpy(float)[open_rows],
        demand["scale_k"].to_numpy(float)[open_rows],
    )
    idx = np.flatnonzero(ok)
    lon, lat = sites["geometry"].x.to_numpy()[idx], sites["geometry"].y.to_numpy()[idx]
    x, y = metric.to_xy(lon, lat)
    cand = PlaceArrays(np.asarray(x), np.asarray(y), metric.scale_factor(lon, lat))
    if places.size == 0:
        return None
    if minus.reach is not None:  # the coverage's own test: radius or travel time on roads
        types = np.full(idx.size, point_type, dtype=object)
        rows, cols = minus.reach.point_pairs(places, cand, types)
    else:
        rows, cols = pairs_within(places, cand, np.full(idx.size, radius_m))
    pop = demand["population"].to_numpy(float)[open_rows]
    gain = np.bincount(cols, weights=pop[rows], minlength=idx.size)
    best = int(np.argmax(gain))
    return int(idx[best]) if gain[best] > 0 else None


def propose_relocation(
    city: CityData,
    review: ReviewResult,
    standards: Standards | None = None,
    *,
    point_ids: tuple[str, ...] | None = None,
) -> RelocationProposal:
    """Relocation proposal for the contact points on the adjustment list.

    Parameters
    ----------
    city
        The validated city (townships and villages needed for the sites).
    review
        The review; its adjustment list's contact points with a role reason are considered.
    standards
        Reach and site rules (default ``standards.toml``).
    point_ids
        Consider these contact points instead.

    Raises
    ------
    AnalysisError
        No villages to draw candidate sites from.
    """
    std = standards or load_standards()
    adjust = review.adjust
    if point_ids is None:
        flagged = adjust[(adjust["point_layer"] == "contact_points") & (adjust["role_reasons"] > 0)]
        point_ids = tuple(flagged["point_id"].astype(str))
    reasons = dict(zip(review.ranking["point_id"], review.ranking["reasons"], strict=True))
    before = compute_coverage(city, std)
    covered = before.kpis.population_covered
    sites = candidate_sites(city)
    cps = city.contact_points.set_index(city.contact_points["id"].astype(str))
    moves: list[RelocationMove] = []
    plan = city
    for pid in point_ids:
        if pid not in cps.index:
            raise AnalysisError([Problem("unknown_point", f"No contact point {pid!r}.", value=pid)])
        p = cps.loc[pid]
        ptype = str(p["type"])
        base = compute_coverage(plan, std).kpis.population_covered
        minus = compute_coverage(_without(plan, pid), std)
        lost = base - minus.kpis.population_covered
        ok = eligible_matrix(
            [ptype],
            std.active_site_rules,
            level=sites["township_level"].to_numpy(str),
            town_kind=sites["township_kind"].to_numpy(str),
            site_kind=sites["site_kind"].to_numpy(str),
            is_seat=sites["is_seat"].to_numpy(bool),
            site_type=sites["site_type"].to_numpy(str),
        )[:, 0]
        county = str(p.get("county", "") or "")
        if county:  # a point moves within its county (ASSUMPTION: it is that county's point)
            ok &= sites["county"].to_numpy(str) == county
        best = _best_site(sites, ok, minus, ptype, std.radius_m_for(ptype))
        action, to_lon, to_lat, to_site, gained = (
            "close" if lost == 0 else "keep",
            None,
            None,
            "",
            0,
        )
        if best is not None:
            site = sites.iloc[best]
            lon, lat = float(site.geometry.x), float(site.geometry.y)
            after = compute_coverage(_moved(plan, pid, lon, lat), std)
            gained = after.kpis.population_covered - minus.kpis.population_covered
            to_site = f"{site['county']}{site['township_name']}{site['name']}"
            if gained > lost:
                action, to_lon, to_lat = "move", lon, lat
        moves.append(
            RelocationMove(
                point_id=pid,
                name=str(p.get("name", pid)),
                type=ptype,
                county=county,
                action=action,
                from_lon=float(p.geometry.x),
                from_lat=float(p.geometry.y),
                to_lon=to_lon,
                to_lat=to_lat,
                to_site=to_site if action == "move" else "",
                population_lost=int(lost),
                population_gained=int(gained),
                reasons=str(reasons.get(pid, "")),
            )
        )
        if action == "move":
            plan = _moved(plan, pid, float(to_lon), float(to_lat))  # type: ignore[arg-type]
        elif action == "close":
            plan = _without(plan, pid)
    after_all = compute_coverage(plan, std).kpis.population_covered if moves else covered
    return RelocationProposal(tuple(moves), int(covered), int(after_all))


def relocation_scenario(
    base: Scenario, proposal: RelocationProposal, name: str, *, author: str | None = None
) -> Scenario:
    """A new scenario ``name``: ``base`` with the proposal's moves (``moved``) and closures
    (``removed``), each point's ``reason`` saying why (the simulation and exports read both).

    Raises
    ------
    AnalysisError
        A bad name, or a point ``base`` does not have (or has removed already).
    """
    scn = copy_scenario(base, name, author)
    reasons: dict[str, str] = {}
    for m in proposal.moves:
        if m.action == "move" and m.to_lon is not None and m.to_lat is not None:
            scn = move_point(scn, "contact_points", m.point_id, m.to_lon, m.to_lat)
        elif m.action == "close":
            scn = remove_point(scn, "contact_points", m.point_id)
        else:
            continue
        reasons[m.point_id] = m.explanation_zh
    cp = scn.layer("contact_points")
    old = cp["reason"].fillna("").astype(str) if "reason" in cp.columns else ""
    cp = cp.assign(reason=cp["id"].astype(str).map(reasons).fillna(old))
    n_move = sum(m.action == "move" for m in proposal.moves)
    n_close = sum(m.action == "close" for m in proposal.moves)
    text = f"运行评估调整：迁移{n_move}个、撤销{n_close}个作用发挥不明显的联系点"
    return dataclasses.replace(scn.with_layer("contact_points", cp), description=text)
