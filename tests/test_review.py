"""The performance review (analysis.review): rules on a hand-made record, the demo's facts,
the [review] standards, and the relocation of flagged points measured by compute_coverage."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from analysis.coverage.api import compute_coverage
from analysis.errors import AnalysisError
from analysis.plan.scenarios import apply_scenario, baseline_scenario
from analysis.review.api import review_points
from analysis.review.relocate import propose_relocation, relocation_scenario
from analysis.standards.load import load_standards
from geodata.city import CityData
from geodata.demo.load import load_demo_city, load_demo_records
from geodata.records.read import validate_records

QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def _layer(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=[Point(104.6, 35.6)] * len(rows), crs=4326)


def _hand_made() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    cps = _layer(
        [
            {
                "id": "A",
                "name": "甲",
                "type": "rural",
                "county": "一县",
                "area_m2": 40.0,
                "staff": 1,
            },
            {
                "id": "B",
                "name": "乙",
                "type": "rural",
                "county": "一县",
                "area_m2": 40.0,
                "staff": 1,
            },
            {
                "id": "C",
                "name": "丙",
                "type": "rural",
                "county": "二县",
                "area_m2": 40.0,
                "staff": 1,
            },
            {
                "id": "D",
                "name": "丁",
                "type": "rural",
                "county": "二县",
                "area_m2": 20.0,
                "staff": 0,
            },
        ]
    )
    homes = _layer(
        [
            {
                "id": "H1",
                "name": "好之家",
                "county": "一县",
                "area_m2": 60.0,
                "administrators": 1,
                "volunteers": 2,
            },
            {
                "id": "H2",
                "name": "学之家",
                "county": "二县",
                "area_m2": 60.0,
                "administrators": 1,
                "volunteers": 3,
            },
        ]
    )
    rows: list[dict[str, object]] = []
    # A: 30 collected, 12 adopted, every quarter, all answered -> commended.
    for q, (c, a) in zip(QUARTERS, [(8, 3), (7, 3), (8, 3), (7, 3)], strict=True):
        rows.append({"编号": "A", "期间": q, "收集意见数": c, "采纳意见数": a, "反馈意见数": c})
    # B: 10 collected, 1 adopted, nothing in the last two quarters -> silent, low adoption.
    for q, (c, a) in zip(QUARTERS, [(6, 1), (4, 0), (0, 0), (0, 0)], strict=True):
        rows.append({"编号": "B", "期间": q, "收集意见数": c, "采纳意见数": a, "反馈意见数": c})
    # C: 10 collected, 3 adopted, half answered -> no feedback.
    for q in QUARTERS[2:]:
        rows.append(
            {
                "编号": "C",
                "期间": q,
                "收集意见数": 5,
                "采纳意见数": 1 + (q == QUARTERS[2]),
                "反馈意见数": 2 + (q == QUARTERS[2]),
            }
        )
    # D: silent, and its room and staff fall short of the standard.
    for q in QUARTERS:
        rows.append({"编号": "D", "期间": q, "收集意见数": 0})
    for month in range(1, 13):
        # H1: study every month, a reception day each quarter, 8 governance sessions.
        rows.append(
            {
                "编号": "H1",
                "期间": f"2025-{month:02d}",
                "学习活动": 1,
                "接待日活动": int(month % 3 == 1),
                "议事调解活动": int(month <= 8),
            }
        )
        # H2: the speech's home: 12 activities, 8 study, 2 governance.
        kind = {1: "学习活动", 2: "学习活动", 3: "学习活动", 5: "学习活动", 6: "学习活动"}
        kind |= {8: "学习活动", 9: "学习活动", 11: "学习活动", 4: "议事调解活动"}
        kind |= {10: "议事调解活动", 7: "接待日活动", 12: "普法活动"}
        rows.append({"编号": "H2", "期间": f"2025-{month:02d}", kind[month]: 1})
    ids = {**dict.fromkeys("ABCD", "contact_points"), "H1": "homes", "H2": "homes"}
    return cps, homes, validate_records(pd.DataFrame(rows), ids)


@pytest.fixture(scope="module")
def hand() -> object:
    cps, homes, records = _hand_made()
    return review_points(cps, records, homes=homes)


def _codes(result: object, pid: str) -> list[str]:
    f = result.findings  # type: ignore[attr-defined]
    return list(f.loc[f["point_id"] == pid, "code"])


def test_hand_made_lists(hand: object) -> None:
    r = hand
    assert r.window == tuple(QUARTERS)  # type: ignore[attr-defined]
    assert r.city_adoption_rate == pytest.approx(16 / 50)  # type: ignore[attr-defined]
    assert list(r.commend["point_id"]) == ["A", "H1"]  # type: ignore[attr-defined]
    assert set(r.adjust["point_id"]) == {"B", "C", "D", "H2"}  # type: ignore[attr-defined]
    assert _codes(r, "A") == ["top_adoption", "regular", "full_feedback"]
    assert _codes(r, "B") == ["silent", "low_adoption"]
    assert _codes(r, "C") == ["no_feedback"]
    assert _codes(r, "D") == ["silent", "room_small", "staff_short"]
    assert _codes(r, "H1") == ["active_home", "governance_share"]
    assert _codes(r, "H2") == [
        "reception_missing",
        "study_heavy",
        "governance_low",
        "study_monthly_short",
    ]
    ranking = r.ranking.set_index("point_id")  # type: ignore[attr-defined]
    assert ranking.loc["A", "rank"] == 1 and ranking.loc["H1", "rank"] == 1
    h2 = r.findings[r.findings["point_id"] == "H2"].set_index("code")  # type: ignore[attr-defined]
    assert h2.loc["study_heavy", "params"] == {"total": 12, "study": 8, "share": 8 / 12}
    assert "12次活动中学习类8次" in h2.loc["study_heavy", "text"]


def test_role_reasons_list_before_standards(hand: object) -> None:
    adjust = hand.adjust  # type: ignore[attr-defined]
    assert adjust["role_reasons"].is_monotonic_decreasing


def test_trends_per_point_and_county(hand: object) -> None:
    q = hand.quarters  # type: ignore[attr-defined]
    b = q[q["point_id"] == "B"]
    assert list(b["opinions_collected"]) == [6, 4, 0, 0]
    h1 = q[q["point_id"] == "H1"]
    assert list(h1["study_months"]) == [3, 3, 3, 3]
    counties = hand.counties.set_index("county")  # type: ignore[attr-defined]
    assert counties.loc["一县", "collected"] == 40 and counties.loc["一县", "commended"] == 2


def test_standards_can_switch_room_and_staff_off_the_list() -> None:
    cps, homes, records = _hand_made()
    std = load_standards(review={"standards_on_adjustment_list": False})
    r = review_points(cps, records, std, homes=homes)
    assert "D" in set(r.adjust["point_id"])  # still silent (a role reason)
    r2 = review_points(cps, records[records["point_id"] != "D"], std, homes=homes)
    assert r2.ranking.set_index("point_id").loc["D", "verdict"] == "no_records"


def test_review_standards_are_validated_all_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "std.toml"
    bad.write_text(
        "[review]\nsilent_quarters = 0\nfeedback_share_below = 1.5\nnonsense = 1\n"
        "[review.commend]\nmin_opinions = -2\n",
        encoding="utf-8",
    )
    with pytest.raises(AnalysisError) as exc:
        load_standards(bad)
    assert [p.code for p in exc.value.errors].count("standards_bad_value") == 3
    assert any("nonsense" in p.message for p in exc.value.errors)
    assert load_standards().review.silent_quarters == 2


# --- the demo city ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[CityData, object]:
    city = load_demo_city()
    return city, review_points(city, load_demo_records())


def test_demo_home_with_8_study_of_12_is_flagged_for_governance(demo: tuple) -> None:
    _, r = demo
    assert r.city_adoption_rate == pytest.approx(89 / 326)
    row = r.ranking.set_index("point_id").loc["DBZJ01"]
    assert (row["year_activities"], row["year_study"], row["year_governance"]) == (12, 8, 2)
    assert row["verdict"] == "adjust"
    assert {"study_heavy", "governance_low"} <= set(_codes(r, "DBZJ01"))
    assert "DBZJ01" in set(r.adjust["point_id"])


def test_demo_rooms_and_liaisons_below_standard_are_listed(demo: tuple) -> None:
    city, r = demo
    std = r.standards
    cp = std[std["point_layer"] == "contact_points"]
    small = set(cp.loc[(cp["check"] == "room") & (cp["ok"] == False), "point_id"])  # noqa: E712
    no_staff = set(cp.loc[(cp["check"] == "staff") & (cp["ok"] == False), "point_id"])  # noqa: E712
    layer = city.contact_points
    assert small == set(layer.loc[layer["area_m2"] < 30, "id"]) and len(small) >= 3
    assert no_staff == set(layer.loc[layer["staff"] < 1, "id"]) and len(no_staff) >= 3
    assert small | no_staff <= set(r.adjust["point_id"])


def test_demo_relocation_is_explained_and_measured(demo: tuple) -> None:
    city, r = demo
    proposal = propose_relocation(city, r)
    flagged = r.adjust[
        (r.adjust["point_layer"] == "contact_points") & (r.adjust["role_reasons"] > 0)
    ]
    assert [m.point_id for m in proposal.moves] == list(flagged["point_id"])
    assert proposal.moves and any(m.action == "move" for m in proposal.moves)
    before = compute_coverage(city).kpis.population_covered
    assert proposal.population_before == before
    assert sum(m.net for m in proposal.moves) == proposal.population_after - before
    cps = city.contact_points
    for m in proposal.moves:
        assert m.explanation_zh.startswith(m.name) and m.reasons
        if m.action != "move":
            continue
        point = cps[cps["id"] == m.point_id].iloc[0]
        # Moving this one point alone: the people it loses and gains, as compute_coverage says.
        alone = cps.copy()
        alone.loc[alone["id"] == m.point_id, "geometry"] = Point(m.to_lon, m.to_lat)
        after = compute_coverage(dataclasses.replace(city, contact_points=alone))
        assert m.county == point["county"]
        assert m.population_gained > m.population_lost
        if m is proposal.moves[0]:  # the first move is measured on today's network
            assert after.kpis.population_covered - before == m.net
    scn = relocation_scenario(baseline_scenario(city, "demo"), proposal, "评估调整")
    status = scn.layer("contact_points").set_index("id")["status"]
    assert {m.point_id for m in proposal.moves if m.action == "move"} == set(
        status[status == "moved"].index
    )
    planned = compute_coverage(apply_scenario(city, scn)).kpis.population_covered
    assert planned == proposal.population_after
    reasons = scn.layer("contact_points").set_index("id")["reason"]
    assert all(
        reasons[m.point_id] == m.explanation_zh for m in proposal.moves if m.action == "move"
    )


def test_relocation_of_an_unknown_point_is_refused(demo: tuple) -> None:
    city, r = demo
    with pytest.raises(AnalysisError) as exc:
        propose_relocation(city, r, point_ids=("NOPE",))
    assert exc.value.errors[0].code == "unknown_point"


def test_no_records_no_window() -> None:
    city = load_demo_city()
    r = review_points(city, load_demo_records().iloc[0:0])
    assert not r.has_records and r.commend.empty and r.adjust.empty
    assert set(r.ranking["verdict"]) == {"no_records"}
    assert np.isnan(r.city_adoption_rate)


def test_relocation_under_road_reach_gains_by_road(
    demo: tuple, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import os

    os.environ["COVERAGE_PLANNER_CACHE_DIR"] = str(tmp_path_factory.mktemp("reach"))
    city, r = demo
    road = load_standards(reach_mode="road")
    proposal = propose_relocation(city, r, road)
    before = compute_coverage(city, road).kpis.population_covered
    assert proposal.population_before == before
    assert sum(m.net for m in proposal.moves) == proposal.population_after - before
    moved = [m for m in proposal.moves if m.action == "move"]
    assert moved and all(m.population_gained > m.population_lost for m in moved)
