"""A proposal's per-point figures are analysis.coverage.impact's everywhere; what a point shows."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.coverage.api import compute_coverage
from analysis.coverage.impact import point_impact
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import Proposal, propose
from analysis.optimise.scenario import proposal_scenario, solve_note_zh
from analysis.plan.edits import remove_point
from analysis.plan.scenarios import DEMO_DATASET_ID, apply_scenario, baseline_scenario
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city


@pytest.fixture(scope="module")
def speech_plan() -> Proposal:
    """The relaxed speech request (8/5/3) with the default objective."""
    return propose(load_demo_city(), load_standards(), ProposalRequest(relaxed=True))


def test_figures_equal_point_impact_on_the_scenario_built_from_the_proposal(
    speech_plan: Proposal,
) -> None:
    demo, std = load_demo_city(), load_standards()
    base = baseline_scenario(demo, DEMO_DATASET_ID)
    scn = proposal_scenario(base, speech_plan, "方案")
    cp = scn.layer("contact_points")
    assert set(cp.loc[cp["status"] == "proposed", "id"]) == set(speech_plan.points["id"])
    before = compute_coverage(demo, std)
    after = compute_coverage(apply_scenario(demo, scn), std)
    impact = point_impact(cp, before, after).set_index("id")
    pts = speech_plan.points.set_index("id")
    for col in ("order", "newly_covered_population", "newly_covered_alone"):
        assert pts[col].astype(int).to_dict() == impact.loc[pts.index, col].astype(int).to_dict()
    assert pts["rural_newly_covered_population"].astype(int).to_dict() == (
        impact.loc[pts.index, "rural_newly_covered_population"].astype(int).to_dict()
    )
    # in order: numbered 1..N, largest gain first, adding up to the plan's gain
    assert list(speech_plan.points["order"]) == list(range(1, 17))
    assert list(speech_plan.points["id"]) == [f"NEW-{k:02d}" for k in range(1, 17)]
    gains = speech_plan.points["newly_covered_population"].to_numpy()
    assert np.all(np.diff(gains) <= 0)
    gain = speech_plan.kpis_after.population_covered - speech_plan.kpis_before.population_covered
    assert int(gains.sum()) == gain
    assert (speech_plan.points["newly_covered_alone"] >= gains).all()
    assert [c.marginal_population for c in speech_plan.curve[1:]] == list(gains)
    reasons = dict(zip(cp["id"], cp["reason"], strict=True))
    assert all(
        f"新覆盖{g:,}人" in reasons[i]
        for i, g in zip(pts.index, pts["newly_covered_population"], strict=True)
    )


def test_points_name_their_township_and_coordinates(speech_plan: Proposal) -> None:
    demo = load_demo_city()
    towns = demo.townships.set_index("code")
    villages = demo.villages.set_index("code")
    pts = speech_plan.points
    assert (pts["township_name"] == towns.loc[pts["township_code"], "name"].to_numpy()).all()
    site = villages.loc[pts["site_id"]]
    np.testing.assert_allclose(pts["lon"], site.geometry.x)
    np.testing.assert_allclose(pts["lat"], site.geometry.y)
    assert (pts["site_name"] == site["name"].to_numpy()).all()
    assert all(p.township_name and p.site_name for p in speech_plan.proposed)


def test_a_proposed_point_without_room_data_is_not_below_the_room_standard(
    speech_plan: Proposal,
) -> None:
    cp = speech_plan.city_after.contact_points
    new = cp[cp["id"].isin(speech_plan.points["id"])]
    assert new["area_m2"].isna().all() and new["staff"].isna().all()
    k0, k1 = speech_plan.kpis_before, speech_plan.kpis_after
    assert k1.points_below_room_standard == k0.points_below_room_standard
    assert k1.opinions_collected == k0.opinions_collected


def test_the_speech_plan_puts_no_rural_point_in_a_street(speech_plan: Proposal) -> None:
    """The issue: the first "rural" point stood at 田峡社区 in 东关街道 (崆源区)."""
    rural = speech_plan.points[speech_plan.points["type"] == "rural"]
    assert not rural["township_name"].str.endswith("街道").any()
    assert "田峡社区" not in set(rural["site_name"])
    k = speech_plan.kpis_after
    # rural coverage up from the 34.5% the issue saw, and the gap to urban smaller
    assert k.rural_coverage_share > 0.345
    assert k.urban_coverage_share - k.rural_coverage_share < 0.963 - 0.345


def test_the_scenario_of_a_proposal_carries_the_solve_facts_not_a_sentence(
    speech_plan: Proposal,
) -> None:
    base = baseline_scenario(load_demo_city(), DEMO_DATASET_ID)
    request = ProposalRequest(relaxed=True, time_limit_s=20)
    scn = proposal_scenario(base, speech_plan, "方案", request=request)
    assert speech_plan.status == "optimal" and speech_plan.gap <= 1e-4
    # the description is the planner's text only: no status sentence in it any more
    assert scn.description == "自动优化新增 16 个联系点（目标：均衡（总覆盖+农村覆盖+乡镇覆盖））"
    facts = scn.solve_facts
    assert facts is not None and not facts.edited and facts.proven_optimal
    assert (facts.status, facts.proven_gap) == (speech_plan.status, speech_plan.gap)
    assert facts.objective == speech_plan.objective and facts.method == speech_plan.method
    assert (facts.solver_seconds, facts.time_limit_s) == (speech_plan.seconds, 20.0)
    assert facts.counts == {"rural": 8, "enterprise": 5, "association": 3}
    assert list(facts.counts) == ["rural", "enterprise", "association"]  # the usual order
    assert facts.proposed_ids == tuple(speech_plan.points["id"])
    assert not facts.constrained and facts.adopted_at.endswith("Z")
    # without the request: the counts of the plan, the time limit unknown
    bare = proposal_scenario(base, speech_plan, "方案").solve_facts
    assert bare is not None and bare.time_limit_s is None
    assert sum(bare.counts.values()) == len(speech_plan.proposed)
    # a plan adopted on top of an adopted (and edited) plan gets its own, unedited facts
    edited = remove_point(scn, "contact_points", facts.proposed_ids[0])
    again = proposal_scenario(edited, speech_plan, "方案2")
    assert again.solve_facts is not None and not again.solve_facts.edited


def test_solve_note_says_the_proven_gap_of_every_status() -> None:
    assert "差距为0.0059%" in solve_note_zh("optimal", 5.9e-5)
    assert solve_note_zh("time_limit", 0.015).endswith(
        "未证明最优；已证明与最好的可能方案相差不超过1.5%"
    )
    assert "求解被取消" in solve_note_zh("cancelled", 2e-6) and "0.0002%" in solve_note_zh(
        "cancelled", 2e-6
    )
    preview_note = solve_note_zh("heuristic", float("inf"))
    assert preview_note == "采纳时的求解状态：即时预览（启发式），未证明最优"
    assert solve_note_zh("infeasible", float("inf")) == ""


def test_the_adopted_reasons_are_chinese_whatever_the_language_of_the_ui(
    speech_plan: Proposal,
) -> None:
    """The layer's 选址理由 is read by the Chinese brief and exports (an English UI adopting
    the plan once wrote English reasons into them)."""
    scn = proposal_scenario(
        baseline_scenario(load_demo_city(), DEMO_DATASET_ID), speech_plan, "方案"
    )
    cp = scn.layer("contact_points").set_index("id")
    for p in speech_plan.proposed:
        assert cp.loc[p.id, "reason"] == p.reason_zh != p.reason
