"""KPIs dataclass, equity indicator and shares."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields

import numpy as np
import pandas as pd
import pytest

from analysis.coverage.equity import compute_equity, safe_share
from analysis.coverage.kpis import (
    KPIs,
    compute_kpis,
    contact_point_room,
    home_room,
    homes_meet_standard,
)
from analysis.standards.load import load_standards

REQUIRED = [
    "population_total", "population_covered", "coverage_share", "rural_population_total",
    "rural_population_covered", "rural_coverage_share", "urban_coverage_share",
    "townships_total", "townships_uncovered", "contact_points_total", "contact_points_by_type",
    "rural_point_share", "rural_population_share", "collection_sites_total",
    "points_with_3_to_5_sites", "points_below_3_sites", "points_above_5_sites",
    "counties_total", "counties_compliant", "opinions_collected", "opinions_adopted",
    "adoption_rate", "network_population_covered", "network_coverage_share", "equity_index",
    "equity_flagged", "points_below_room_standard", "homes_total",
]  # fmt: skip


def _tables(collected: list[int], adopted: list[int]) -> tuple[pd.DataFrame, ...]:
    towns = pd.DataFrame(
        {
            "population": [100, 0],
            "rural_population": [60, 0],
            "covered_population": [50, 0],
            "rural_covered_population": [20, 0],
            "network_covered_population": [70, 0],
            "is_blind_spot": [False, False],
        }
    )
    counties = pd.DataFrame({"compliant": [True], "equity_flag": [False]})
    n = len(collected)
    points = pd.DataFrame(
        {
            "type": ["rural", "enterprise", "urban_community"][:n],
            "site_rule": ["ok", "below", "above"][:n],
            "opinions_collected": collected,
            "opinions_adopted": adopted,
            "meets_room_standard": [True, False, True][:n],
        }
    )
    homes = pd.DataFrame({"area_m2": [40.0, 60.0, np.nan], "administrators": [1, 1, 1],
                          "volunteers": [2, 1, 3]})  # fmt: skip
    return towns, counties, points, homes


def test_kpis_keys_values_and_json() -> None:
    towns, counties, points, homes = _tables([10, 20, 0], [5, 1, 0])
    k = compute_kpis(towns, counties, points, homes, 7, load_standards())
    d = k.to_dict()
    assert [f.name for f in fields(KPIs)][: len(REQUIRED)] == REQUIRED
    assert json.loads(json.dumps(d)) == d
    assert (d["population_total"], d["population_covered"], d["coverage_share"]) == (100, 50, 0.5)
    assert d["rural_coverage_share"] == pytest.approx(20 / 60)
    assert d["urban_coverage_share"] == pytest.approx(30 / 40)
    assert d["contact_points_by_type"]["rural"] == 1 and d["contact_points_total"] == 3
    rule_keys = ("points_with_3_to_5_sites", "points_below_3_sites", "points_above_5_sites")
    assert [d[key] for key in rule_keys] == [1, 1, 1]
    assert d["adoption_rate"] == pytest.approx(6 / 30)
    assert d["rural_point_share"] == pytest.approx(1 / 3)
    assert d["rural_population_share"] == pytest.approx(0.6)
    assert d["equity_index"] == pytest.approx((1 / 3) / 0.6) and d["equity_flagged"]
    assert d["points_below_room_standard"] == 1
    assert (d["homes_total"], d["homes_below_standard"]) == (3, 2)  # 40 m2; 1 volunteer
    assert all(type(d[key]) is int for key in ("population_total", "homes_total"))
    with pytest.raises(FrozenInstanceError):
        k.population_total = 0  # type: ignore[misc]


def test_adoption_rate_is_zero_without_opinions() -> None:
    towns, counties, points, homes = _tables([0], [0])
    assert compute_kpis(towns, counties, points, homes, 0, load_standards()).adoption_rate == 0.0


def test_equity_index_and_flag() -> None:
    eq = compute_equity([1, 0, 2, 0], [4, 3, 2, 0], [750, 600, 0, 0], [1000, 1000, 500, 0], 0.8)
    assert eq.rural_point_share.tolist() == [0.25, 0.0, 1.0, 0.0]
    assert eq.rural_population_share.tolist() == [0.75, 0.6, 0.0, 0.0]
    assert eq.equity_index[:2].tolist() == pytest.approx([1 / 3, 0.0])
    assert np.isnan(eq.equity_index[2:]).all()  # no rural population: nothing to balance
    assert eq.flagged.tolist() == [True, True, False, False]


def test_safe_share_clips_and_handles_zero() -> None:
    assert safe_share([5, 3, 0], [10, 0, 0]).tolist() == [0.5, 0.0, 0.0]


def test_homes_standard_ignores_unknown_values() -> None:
    homes = pd.DataFrame({"area_m2": [np.nan, 49.0]})
    assert homes_meet_standard(homes, load_standards()).tolist() == [True, False]


def test_room_check_planned_points_without_figures_are_pending_not_failing() -> None:
    """A new point's 0 staff / missing area is "待建"; an existing point's 0 is a real 0."""
    points = pd.DataFrame(
        {
            "status": ["proposed", "existing", "moved", "proposed", "moved", "existing"],
            "area_m2": [np.nan, 40.0, 20.0, 40.0, 0.0, np.nan],
            "staff": [0, 0, 1, 0, 0, 1],
        }
    )
    room = contact_point_room(points, load_standards())
    assert room.pending.tolist() == [True, False, False, False, True, False]
    assert room.meets.tolist() == [True, False, False, True, True, True]
    assert room.unknown["staff"].tolist() == [True, False, False, True, True, False]
    # Without a status column every point is judged on its figures, as before.
    plain = contact_point_room(points.drop(columns="status"), load_standards())
    assert plain.meets.tolist() == [False, False, False, False, False, True]
    assert not plain.pending.any()


def test_points_pending_a_room_are_never_counted_below_standard() -> None:
    """Robust either way: a table that says ``room_pending`` but not ``meets`` still counts 0."""
    towns, counties, points, homes = _tables([10, 20, 0], [5, 1, 0])
    points = points.assign(room_pending=[False, True, False])  # the failing one is pending
    k = compute_kpis(towns, counties, points, homes, 7, load_standards())
    assert k.points_below_room_standard == 0


def test_planned_home_without_staff_is_not_below_standard() -> None:
    homes = pd.DataFrame(
        {
            "status": ["proposed", "existing"],
            "area_m2": [np.nan, 60.0],
            "administrators": [0, 0],
            "volunteers": [0, 3],
        }
    )
    assert homes_meet_standard(homes, load_standards()).tolist() == [True, False]
    assert home_room(homes, load_standards()).pending.tolist() == [True, False]


def test_coverage_of_a_hand_added_point_is_pending() -> None:
    from analysis.coverage.api import compute_coverage
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import apply_scenario, baseline_scenario
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    scn = baseline_scenario(city, "demo")
    g = city.villages.geometry.iloc[100]
    scn = add_point(scn, "contact_points", lon=g.x, lat=g.y, type="rural", id="NEW-X")
    before, after = compute_coverage(city), compute_coverage(apply_scenario(city, scn))
    row = after.contact_points.set_index("id").loc["NEW-X"]
    assert row["staff"] == 0 and row["room_pending"] and row["meets_room_standard"]
    assert after.kpis.points_below_room_standard == before.kpis.points_below_room_standard
