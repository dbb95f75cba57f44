"""Second tier: collection sites around every contact point (the 3-5 rule).

For each contact point, new collection sites are chosen among the villages within its
radius so that it has between ``min_sites`` and ``max_sites`` sites within its radius
(existing sites counted), covering as much population as possible with the collection
site radius (network coverage). MILP (HiGHS): binary ``s[v]`` per candidate village,
``u[i] <= sum of s over sites within the site radius of demand i``; per point
``existing + sum s <= max_sites`` (hard) and ``existing + sum s + lack >= min_sites``
with ``lack`` penalised above all population (points that cannot reach the minimum are
reported, never silently ignored); a tiny cost per site avoids useless sites.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.optimise.model.problem import BoolArray, FloatArray, IntArray, coverage_matrix
from analysis.optimise.progress import CancelLike, is_cancelled
from analysis.optimise.solverlog import new_highs


@dataclass(frozen=True, eq=False)
class SecondTierPlan:
    """New collection sites and the 3-5 status of each contact point.

    Parameters
    ----------
    site_village
        Index (into the candidate villages) of every new site.
    site_point
        Index of the contact point each new site reports to (nearest within radius).
    site_new_population
        Population each new site newly brings into the network (in order of gain).
    points
        One row per contact point: ``existing_sites``, ``new_sites``, ``total_sites``,
        ``villages_in_reach``, ``rule`` (``"ok"``, ``"below"``, ``"above"``), ``reason``.
    newly_covered_population
        Population newly covered by the new sites.
    status, seconds
        HiGHS status (``"optimal"``, ``"time_limit"``, ``"cancelled"``) and wall time.
    """

    site_village: IntArray
    site_point: IntArray
    site_new_population: FloatArray
    points: pd.DataFrame
    newly_covered_population: float
    status: str
    seconds: float


@dataclass(frozen=True, eq=False)
class SecondTierCover:
    """Who reaches whom, when it is not a radius test.

    Parameters
    ----------
    village_point
        ``(n_villages, n_points)``: a site at the village lies within the point's reach.
    existing_point
        ``(n_existing_sites, n_points)``: an existing site within the point's reach.
    demand_village
        ``(n_demand, n_villages)``: a site at the village reaches the demand row
        (``None``: from the site radius).
    """

    village_point: sp.spmatrix
    existing_point: sp.spmatrix
    demand_village: sp.spmatrix | None


def plan_second_tier(
    *,
    point_xy_m: FloatArray,
    point_radius_m: FloatArray,
    village_xy_m: FloatArray,
    demand_xy_m: FloatArray,
    demand_population: FloatArray,
    demand_covered: BoolArray,
    existing_site_xy_m: FloatArray,
    site_radius_m: float | FloatArray,
    min_sites: int = 3,
    max_sites: int = 5,
    village_allowed: BoolArray | None = None,
    time_limit_s: float = 10.0,
    cancel: CancelLike = None,
    cover: SecondTierCover | None = None,
) -> SecondTierPlan:
    """Choose new collection sites so every contact point has ``min_sites``-``max_sites``.

    Parameters
    ----------
    point_xy_m, point_radius_m
        Contact points (metres, projected) and their service radii.
    village_xy_m
        Candidate villages for new sites.
    demand_xy_m, demand_population, demand_covered
        Demand rows and whether the network (points and existing sites) covers them.
    existing_site_xy_m
        Existing collection sites (counted within each point's radius).
    site_radius_m
        Collection-site radius (scalar or one per village).
    min_sites, max_sites
        The 3-5 rule.
    village_allowed
        Villages that may host a new site (default all; e.g. not already a site).
    time_limit_s
        HiGHS time limit.
    cancel
        Event or callable; stops HiGHS with the best plan so far.
    cover
        Reach matrices when the reach is not a radius (travel time on roads); the radii
        are then ignored.
    """
    t0 = time.perf_counter()
    n_p = point_xy_m.shape[0]
    if cover is None:
        cover = SecondTierCover(
            coverage_matrix(village_xy_m, point_xy_m, point_radius_m),
            coverage_matrix(existing_site_xy_m, point_xy_m, point_radius_m),
            None,
        )
    reach = cover.village_point.tocsc()  # (v, p)
    if village_allowed is not None:
        reach = sp.diags(village_allowed.astype(float)) @ reach
        reach = (reach != 0).tocsc()
    existing = np.asarray(cover.existing_point.sum(axis=0)).ravel()
    in_reach = np.asarray(reach.sum(axis=0)).ravel().astype(np.int64)
    cand = np.flatnonzero(np.asarray(reach.sum(axis=1)).ravel() > 0)
    upper = np.maximum(max_sites - existing, 0)
    lack_max = np.maximum(min_sites - existing, 0)
    # demand rows that new sites could add
    site_cov = (
        coverage_matrix(demand_xy_m, village_xy_m[cand], _take(site_radius_m, cand))
        if cover.demand_village is None
        else cover.demand_village.tocsc()[:, cand]
    )
    rows = np.flatnonzero(~demand_covered & (np.asarray(site_cov.sum(axis=1)).ravel() > 0))
    a_cov = site_cov[rows].astype(float)
    w = demand_population[rows].astype(float)
    n_c, n_r = cand.size, rows.size
    big = float(w.sum()) + 1.0
    eps = 1e-6 * max(1.0, float(w.max()) if w.size else 1.0)
    r_pc = reach[cand].T.astype(float).tocsr()  # (p, c)
    ncol = n_c + n_r + n_p
    a = sp.vstack(
        [
            sp.hstack([-a_cov, sp.identity(n_r), sp.csr_matrix((n_r, n_p))]),
            sp.hstack([r_pc, sp.csr_matrix((n_p, n_r)), sp.csr_matrix((n_p, n_p))]),
            sp.hstack([r_pc, sp.csr_matrix((n_p, n_r)), sp.identity(n_p)]),
        ]
    ).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, a.shape[0]
    lp.col_cost_ = np.concatenate([np.full(n_c, eps), -w, np.full(n_p, big)])
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = np.concatenate([np.ones(n_c + n_r), lack_max.astype(float)])
    lp.row_lower_ = np.concatenate([np.full(n_r + n_p, -np.inf), lack_max.astype(float)])
    lp.row_upper_ = np.concatenate([np.zeros(n_r), upper.astype(float), np.full(n_p, np.inf)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_c + [highspy.HighsVarType.kContinuous] * (
        n_r + n_p
    )
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    if cancel is not None:

        def _stop(event: highspy.highs.HighsCallbackEvent) -> None:
            if is_cancelled(cancel):
                event.interrupt()

        h.cbMipInterrupt.subscribe(_stop)
    h.run()
    model_status = h.getModelStatus()
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInterrupt: "cancelled",
    }.get(model_status, "error")
    values = np.asarray(h.getSolution().col_value) if n_c else np.zeros(ncol)
    chosen = np.flatnonzero(values[:n_c] > 0.5) if values.size else np.zeros(0, np.int64)
    new_sites = cand[chosen]
    # order sites by marginal population and assign each to its nearest point in reach
    order, gains = _order(site_cov[rows][:, chosen].tocsc(), w)
    new_sites, chosen = new_sites[order], chosen[order]
    site_point = _nearest_point(reach[new_sites], village_xy_m[new_sites], point_xy_m)
    new_count = np.asarray(reach[new_sites].sum(axis=0)).ravel().astype(np.int64)
    total = existing.astype(np.int64) + new_count
    points = pd.DataFrame(
        {
            "existing_sites": existing.astype(np.int64),
            "new_sites": new_count,
            "total_sites": total,
            "villages_in_reach": in_reach,
        }
    )
    points["rule"] = np.where(
        total < min_sites, "below", np.where(total > max_sites, "above", "ok")
    )
    points["reason"] = [
        _reason(r, e, v, min_sites, max_sites)
        for r, e, v in zip(points["rule"], existing, in_reach.tolist(), strict=True)
    ]
    return SecondTierPlan(
        site_village=new_sites.astype(np.int64),
        site_point=site_point,
        site_new_population=gains,
        points=points,
        newly_covered_population=float(gains.sum()),
        status=status,
        seconds=time.perf_counter() - t0,
    )


def _take(radius: float | FloatArray, idx: IntArray) -> float | FloatArray:
    arr = np.asarray(radius, dtype=float)
    return float(arr) if arr.ndim == 0 else arr[idx]


def _order(cov: sp.csc_matrix, w: FloatArray) -> tuple[IntArray, FloatArray]:
    """Greedy order of the chosen sites (largest marginal population first)."""
    left = list(range(cov.shape[1]))
    covered = np.zeros(cov.shape[0], dtype=bool)
    order: list[int] = []
    gains: list[float] = []
    while left:
        vals = []
        for j in left:
            r = cov.indices[cov.indptr[j] : cov.indptr[j + 1]]
            vals.append(float(w[r[~covered[r]]].sum()))
        i = int(np.argmax(vals))
        j = left.pop(i)
        covered[cov.indices[cov.indptr[j] : cov.indptr[j + 1]]] = True
        order.append(j)
        gains.append(vals[i])
    return np.array(order, dtype=np.int64), np.array(gains, dtype=float)


def _nearest_point(reach: sp.spmatrix, site_xy: FloatArray, point_xy: FloatArray) -> IntArray:
    out = np.full(site_xy.shape[0], -1, dtype=np.int64)
    csr = sp.csr_matrix(reach)
    for i in range(site_xy.shape[0]):
        pts = csr.indices[csr.indptr[i] : csr.indptr[i + 1]]
        if pts.size:
            d = np.hypot(*(point_xy[pts] - site_xy[i]).T)
            out[i] = int(pts[np.argmin(d)])
    return out


def _reason(rule: str, existing: float, in_reach: int, lo: int, hi: int) -> str:
    if rule == "below":
        return (
            f"only {int(existing)} existing site(s) and {in_reach} village(s) within reach: "
            f"cannot reach {lo}"
        )
    if rule == "above":
        return f"{int(existing)} existing sites within reach, more than {hi}"
    return ""
