"""Rule conflicts: county shortfalls, type deficits and the smallest compliant change."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import RuleConflictError, check_conflicts, propose
from analysis.optimise.rules.conflicts import check_request
from analysis.standards.load import load_standards
from tests.support.optimise_city import small_city

RULES = ("rural", "enterprise")


def _check(existing: list[list[int]], exemptable: list[bool], applied: bool, **req: int):  # type: ignore[no-untyped-def]
    return check_request(
        county_names=tuple("ABCD"),
        rule_types=RULES,
        minimums=np.array([2, 1]),
        existing=np.array(existing),
        exemptable=np.array(exemptable),
        exemption_applied=applied,
        requested=req,
        sites_per_county=np.array([10, 10, 10, 1]),
    )


def test_speech_arithmetic_on_eight_counties() -> None:
    # 8 counties, 4 existing rural points in 4 counties, 1 enterprise point: the speech
    rep = check_request(
        county_names=tuple(f"C{i}" for i in range(8)),
        rule_types=RULES,
        minimums=np.array([2, 1]),
        existing=np.array([[1, 1], [1, 0], [1, 0], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0]]),
        exemptable=np.zeros(8, bool),
        exemption_applied=False,
        requested={"rural": 8, "enterprise": 5, "association": 3},
        sites_per_county=np.full(8, 50),
    )
    assert not rep.feasible
    deficits = {c.point_type: (c.required, c.available, c.shortfall) for c in rep.conflicts}
    assert deficits == {"rural": (12, 8, 4), "enterprise": (7, 5, 2)}
    assert len(rep.shortfalls) == 8 + 7
    best = rep.smallest_change
    assert best is not None and best.kind == "add_points"
    assert best.extra_points == {"rural": 4, "enterprise": 2}
    assert best.new_counts == {"rural": 12, "enterprise": 7, "association": 3}
    assert best.cli_flags == "--rural 12 --enterprise 7"


def test_exemption_is_offered_and_can_be_enough() -> None:
    rep = _check([[0, 0], [1, 0], [2, 1], [1, 1]], [True, False, False, False], False,
                 rural=3, enterprise=2)  # fmt: skip
    # rural: A 2 + B 1 + D 1 = 4 > 3; enterprise: A 1 + B 1 = 2
    assert [(c.code, c.point_type, c.shortfall) for c in rep.conflicts] == [
        ("type_deficit", "rural", 1)
    ]
    kinds = {o.kind: o for o in rep.options}
    assert kinds["add_points"].extra_points == {"rural": 1}
    ex = kinds["exemption"]
    assert ex.exempt_counties == ("A",) and ex.extra_points == {}
    assert ex.cli_flags == "--exempt-urban-districts"
    assert rep.smallest_change is ex  # no extra points beats two


def test_exemption_with_points_and_capacity_conflict() -> None:
    rep = _check([[0, 0], [0, 0], [0, 0], [0, 0]], [True, False, False, False], False,
                 rural=4, enterprise=4)  # fmt: skip
    codes = sorted((c.code, c.county, c.point_type, c.shortfall) for c in rep.conflicts)
    # D needs 2 rural + 1 enterprise but has one candidate site
    assert codes == [("county_capacity", "D", None, 2), ("type_deficit", None, "rural", 4)]
    kinds = {o.kind: o for o in rep.options}
    assert kinds["exemption_and_points"].extra_points == {"rural": 2}
    assert kinds["exemption_and_points"].cli_flags == "--exempt-urban-districts --rural 6"
    assert kinds["add_points"].extra_points == {"rural": 4}


def test_applied_exemption_removes_the_shortfall() -> None:
    rep = _check([[0, 0], [2, 1], [2, 1], [2, 1]], [True, False, False, False], True,
                 rural=0, enterprise=1)  # fmt: skip
    assert rep.feasible and rep.exemption_applied
    assert [(s.county, s.point_type) for s in rep.shortfalls] == [("A", "enterprise")]


def test_report_serialises_and_converts_to_problems() -> None:
    rep = _check([[0, 0], [1, 0], [2, 1], [1, 1]], [True, False, False, False], False,
                 rural=3, enterprise=2)  # fmt: skip
    import json

    text = json.dumps(rep.to_dict(), ensure_ascii=False)
    assert '"feasible": false' in text and "缺" in text
    problems = rep.to_problems()
    assert problems[0].code == "rule_type_deficit" and problems[0].severity == "error"
    assert {p.code for p in problems[1:]} == {"option_add_points", "option_exemption"}


def test_small_city_conflicts_and_refusal() -> None:
    # hand count (tests/support/optimise_city.py): rural 甲区 2, 乙县 1, 丙县 1, 丁县 2 = 6;
    # enterprise 甲区, 乙县, 丁县 = 3
    city = small_city()
    std = load_standards()
    req = ProposalRequest(counts={"rural": 3, "enterprise": 2, "association": 1})
    rep = check_conflicts(city, std, req)
    short = {(s.county, s.point_type): s.shortfall for s in rep.shortfalls}
    assert short == {
        ("甲区", "rural"): 2, ("乙县", "rural"): 1, ("丙县", "rural"): 1, ("丁县", "rural"): 2,
        ("甲区", "enterprise"): 1, ("乙县", "enterprise"): 1, ("丁县", "enterprise"): 1,
    }  # fmt: skip
    deficits = {c.point_type: c.shortfall for c in rep.conflicts}
    assert deficits == {"rural": 3, "enterprise": 1}
    kinds = {o.kind: o for o in rep.options}
    assert kinds["exemption_and_points"].extra_points == {"rural": 1, "enterprise": 1}
    assert kinds["exemption_and_points"].exempt_counties == ("甲区",)
    with pytest.raises(RuleConflictError) as info:
        propose(city, std, req)
    assert info.value.report.to_dict() == rep.to_dict()
    assert any(p.code == "rule_type_deficit" for p in info.value.problems)


def test_demo_city_conflicts_match_hand_count() -> None:
    demo = pytest.importorskip("geodata.demo.load", reason="demo city module not installed")
    city = demo.load_demo_city()
    cp = city.contact_points
    # hand count from the demo's 12 points: rural points in 丰塬县, 渭宁县, 洮峪县, 云峰县
    # (one each); the only enterprise point in 崆源区 (北塬区's point is an association)
    assert sorted(cp.loc[cp["type"] == "rural", "county"]) == [
        "丰塬县",
        "云峰县",
        "洮峪县",
        "渭宁县",
    ]
    assert list(cp.loc[cp["type"] == "enterprise", "county"]) == ["崆源区"]
    rep = check_conflicts(city)
    rural = {s.county: s.shortfall for s in rep.shortfalls if s.point_type == "rural"}
    assert rural == {
        "崆源区": 2, "北塬区": 2, "石岭县": 2, "黄川县": 2,
        "丰塬县": 1, "渭宁县": 1, "洮峪县": 1, "云峰县": 1,
    }  # fmt: skip
    ent = {s.county: s.shortfall for s in rep.shortfalls if s.point_type == "enterprise"}
    assert ent == dict.fromkeys(
        ["北塬区", "丰塬县", "渭宁县", "洮峪县", "石岭县", "云峰县", "黄川县"], 1
    )
    deficits = {c.point_type: (c.required, c.available, c.shortfall) for c in rep.conflicts}
    assert deficits == {"rural": (12, 8, 4), "enterprise": (7, 5, 2)}
    # every demo county has rural villages: the exemption releases nobody
    assert [o.kind for o in rep.options] == ["add_points"]
    assert rep.smallest_change is not None
    assert rep.smallest_change.cli_flags == "--rural 12 --enterprise 7"


@pytest.mark.parametrize(
    "request_",
    [
        ProposalRequest(),
        ProposalRequest(counts={"rural": 3, "enterprise": 2, "association": 1}, site_rules=True),
        ProposalRequest(counts={"rural": 1, "urban_community": 2}, exempt_urban_districts=True),
        ProposalRequest(counts={"rural": 2}, site_rules=False),
    ],
)
def test_fast_rule_check_equals_the_full_models(request_: ProposalRequest) -> None:
    # request_conflicts skips the coverage matrix; its report must be the full model's.
    from analysis.coverage.api import compute_coverage
    from analysis.optimise.model.citymodel import build_city_model, request_conflicts

    demo = pytest.importorskip("geodata.demo.load", reason="demo city module not installed")
    for city in (small_city(), demo.load_demo_city()):
        std = load_standards()
        before = compute_coverage(city, std)
        fast = request_conflicts(city, std, request_, before)
        assert fast.to_dict() == build_city_model(city, std, request_, before).conflicts.to_dict()
        assert check_conflicts(city, std, request_, before).to_dict() == fast.to_dict()


def test_candidate_sites_are_kept_per_townships_and_villages() -> None:
    # A scenario shares the dataset's townships and villages: its sites come from the cache,
    # equal to a fresh draw, and a caller changing its copy changes nothing kept.
    from analysis.optimise.model import candidates
    from analysis.plan.scenarios import apply_scenario, baseline_scenario

    city = small_city()
    first = candidates.candidate_sites(city)
    first["name"] = "changed"
    scenario_city = apply_scenario(city, baseline_scenario(city, "small"))
    again = candidates.candidate_sites(scenario_city)
    fresh = candidates._candidate_sites(city, "villages", (), ())
    assert again.equals(fresh) and "changed" not in set(again["name"])
    assert any(t is city.townships for t, *_ in candidates._CACHE)
    seats = candidates.candidate_sites(city, "seats")
    assert len(seats) < len(fresh)
