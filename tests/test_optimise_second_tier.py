"""Second tier: 3-5 collection sites within the radius of every contact point."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.optimise.sites.collection_sites import propose_collection_sites
from analysis.optimise.sites.second_tier import plan_second_tier
from tests.support.optimise_city import small_city


def _plan(existing: np.ndarray, points: np.ndarray, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    villages = rng.uniform(0, 40_000, (400, 2))
    pop = np.round(rng.lognormal(6, 1, 400))
    plan = plan_second_tier(
        point_xy_m=points,
        point_radius_m=np.full(len(points), 5_000.0),
        village_xy_m=villages,
        demand_xy_m=villages,
        demand_population=pop,
        demand_covered=np.zeros(400, bool),
        existing_site_xy_m=existing,
        site_radius_m=3_000.0,
    )
    return plan, villages, pop


def test_every_point_gets_three_to_five_and_sites_are_in_reach() -> None:
    points = np.array([[10_000, 10_000], [14_000, 10_000], [30_000, 30_000], [5_000, 35_000]])
    existing = np.array([[10_500, 10_000], [30_000, 31_000], [30_500, 29_500]])
    plan, villages, _ = _plan(existing, points)
    assert plan.status == "optimal"
    assert (plan.points["rule"] == "ok").all()
    assert plan.points["total_sites"].between(3, 5).all()
    # the counts are real: recount every site within each point's radius
    sites = np.vstack([existing, villages[plan.site_village]])
    d = np.hypot(*(sites[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    assert list((d <= 5_000).sum(axis=0)) == list(plan.points["total_sites"])
    assert list(plan.points["existing_sites"]) == [1, 1, 2, 0]
    # each new site reports to a contact point within reach
    assert (d[len(existing) :][np.arange(len(plan.site_village)), plan.site_point] <= 5_000).all()
    assert np.all(np.diff(plan.site_new_population) <= 1e-9)


def test_points_that_cannot_reach_three_are_reported() -> None:
    points = np.array([[10_000, 10_000], [200_000, 200_000]])  # the second is out of reach
    plan, _, _ = _plan(np.zeros((0, 2)), points)
    row = plan.points.iloc[1]
    assert row["rule"] == "below" and row["villages_in_reach"] == 0
    assert "cannot reach 3" in row["reason"]
    assert plan.points.iloc[0]["rule"] == "ok"


def test_more_than_five_existing_is_never_made_worse() -> None:
    points = np.array([[10_000, 10_000]])
    existing = np.array([[10_000 + 100 * i, 10_000] for i in range(6)])
    plan, _, _ = _plan(existing, points)
    assert plan.points.iloc[0]["new_sites"] == 0
    assert plan.points.iloc[0]["rule"] == "above"


def test_city_adapter_respects_the_rule() -> None:
    plan = propose_collection_sites(small_city())
    assert plan.status == "optimal"
    assert plan.sites.crs.to_epsg() == 4326
    ok = plan.points[plan.points["rule"] != "below"]
    assert (ok["total_sites"] >= 3).all()
    assert (plan.points["new_sites"] + plan.points["existing_sites"] <= 5).all()
    assert set(plan.sites["contact_point_id"]) <= set(plan.points["id"])
    assert plan.sites["village_code"].is_unique


def test_demo_city_second_tier() -> None:
    demo = pytest.importorskip("geodata.demo.load", reason="demo city module not installed")
    plan = propose_collection_sites(demo.load_demo_city())
    pts = plan.points
    assert (pts.loc[pts["rule"] == "ok", "total_sites"].between(3, 5)).all()
    # a point never gets new sites beyond 5
    assert (pts.loc[pts["new_sites"] > 0, "total_sites"] <= 5).all()
    assert plan.newly_covered_population > 0
