"""Site rules in the optimiser: where each type may stand, and the conflicts they cause."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.coverage.api import compute_coverage
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.model.candidates import CANDIDATE_COLUMNS, candidate_sites
from analysis.optimise.model.citymodel import build_city_model
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import RuleConflictError, check_conflicts, propose
from analysis.standards.load import load_standards
from analysis.standards.site_rules import STREET, TOWN, placement_warnings
from geodata.city import CityData
from geodata.demo.load import load_demo_city
from tests.support.optimise_city import small_city

STD = load_standards(radius_by_type_m={"rural": 4000, "enterprise": 2500, "association": 2500})
OK = {"rural": 6, "enterprise": 3, "association": 1}


@pytest.fixture(scope="module")
def city() -> CityData:
    return small_city()


def _street_district(city: CityData) -> CityData:
    """甲区's two townships become 街道: a pure urban district with no rural village."""
    towns = city.townships.copy()
    towns["name"] = towns["name"].str.replace("甲区(\\d)镇", "甲区\\1街道", regex=True)
    return replace(city, townships=towns)


def _site_of(city: CityData, points: pd.DataFrame) -> pd.DataFrame:
    v = city.villages.set_index(city.villages["code"].astype(str))
    return v.loc[points["site_id"].astype(str)]


def test_candidates_carry_what_the_site_rules_look_at(city: CityData) -> None:
    sites = candidate_sites(city)
    assert tuple(sites.columns) == CANDIDATE_COLUMNS
    assert len(sites) == len(city.villages)
    jia = sites[sites["county"] == "甲区"]
    assert set(jia["township_level"]) == {TOWN} and set(jia["township_kind"]) == {"urban"}
    assert set(jia["site_kind"]) == {"urban"} and int(jia["is_seat"].sum()) == 2
    assert (sites["site_type"] == "").all()
    assert set(_street_district(city).townships["name"].head(2)) == {"甲区1街道", "甲区2街道"}
    assert set(
        candidate_sites(_street_district(city)).query("county == '甲区'")["township_level"]
    ) == {STREET}


def test_rural_points_only_at_rural_villages_or_seats(city: CityData) -> None:
    plan = propose(city, STD, ProposalRequest(counts=OK))
    assert plan.compliant and plan.site_rules
    rural = plan.points[plan.points["type"] == "rural"]
    site = _site_of(city, rural)
    assert ((site["kind"] == "rural") | site["is_township_seat"]).all()
    # 甲区 (urban communities only) gets its two rural points at its two township seats
    assert site.loc[rural["county"].to_numpy() == "甲区", "is_township_seat"].sum() == 2
    warn = placement_warnings(city, STD.active_site_rules, plan.points)
    assert warn.empty
    # without the rules the same request puts rural points at urban communities of 甲区
    free = propose(city, STD, ProposalRequest(counts=OK, site_rules=False, objective="population"))
    kept = propose(city, STD, ProposalRequest(counts=OK, objective="population"))
    assert not free.site_rules
    assert free.objective >= kept.objective
    loose = _site_of(city, free.points[free.points["type"] == "rural"])
    assert ((loose["kind"] == "urban") & ~loose["is_township_seat"]).any()


def test_a_candidate_list_with_site_types_decides_enterprise_sites(city: CityData) -> None:
    v = city.villages
    cands = gpd.GeoDataFrame(
        {
            "id": v["code"].astype(str),
            "name": v["name"],
            "site_type": np.where(np.arange(len(v)) % 4 == 0, "企业", "village"),
        },
        geometry=v.geometry,
        crs=4326,
    )
    plan = propose(city, STD, ProposalRequest(counts=OK, candidates=cands))
    kinds = cands.set_index("id")["site_type"]
    chosen = plan.points.set_index("site_id")
    for t in ("enterprise", "association"):
        assert (kinds.loc[chosen.index[chosen["type"] == t]] == "企业").all()
    # the user's list has no site kind of its own: the nearest village gives it
    sites = candidate_sites(city, cands)
    assert (sites["site_kind"] == v["kind"].to_numpy()).all()
    assert sites["is_seat"].sum() == v["is_township_seat"].sum()


def test_a_pure_urban_district_asked_for_rural_points_is_a_conflict(city: CityData) -> None:
    street = _street_district(city)
    report = check_conflicts(street, STD, ProposalRequest(counts=OK))
    assert not report.feasible
    no_site = [c for c in report.conflicts if c.code == "county_no_eligible_site"]
    assert [(c.county, c.point_type, c.required, c.available) for c in no_site] == [
        ("甲区", "rural", 2, 0)
    ]
    assert no_site[0].message_zh == (
        "甲区需新增农村联系点2个，但没有可用的候选点位（选址规则：农村联系点只设在镇、乡的村或乡镇驻地）。"
    )
    assert "no candidate site may take one" in no_site[0].message
    # adding points cannot help; the exemption of urban districts can
    assert [o.kind for o in report.options] == ["exemption"]
    assert report.options[0].exempt_counties == ("甲区",)
    with pytest.raises(RuleConflictError) as err:
        propose(street, STD, ProposalRequest(counts=OK))
    assert "rule_county_no_eligible_site" in {p.code for p in err.value.problems}
    plan = propose(street, STD, ProposalRequest(counts=OK, exempt_urban_districts=True))
    assert plan.compliant
    off = check_conflicts(street, STD, ProposalRequest(counts=OK, site_rules=False))
    assert off.feasible


def test_more_points_of_a_type_than_sites_that_may_take_it(city: CityData) -> None:
    v = city.villages.iloc[::4]
    cands = gpd.GeoDataFrame(
        {
            "id": v["code"].astype(str),
            "name": v["name"],
            "site_type": ["协会"] + ["村"] * (len(v) - 1),
        },
        geometry=v.geometry,
        crs=4326,
    )
    req = ProposalRequest(counts={**OK, "association": 2}, candidates=cands)
    report = check_conflicts(city, STD, req)
    bad = {c.point_type: c for c in report.conflicts if c.code == "type_no_eligible_site"}
    # no site is marked as an enterprise: no enterprise point anywhere
    assert {t: (c.required, c.available) for t, c in bad.items()} == {
        "enterprise": (3, 0),
        "association": (2, 1),
    }
    bad_county = {c.county for c in report.conflicts if c.code == "county_no_eligible_site"}
    assert bad_county == {"甲区", "乙县", "丁县"}  # the counties short of an enterprise point
    assert report.options == ()  # neither more points nor the exemption helps
    assert bad["association"].message_zh.startswith(
        "拟新增行业协会联系点2个，但可设行业协会联系点的候选点位只有1个"
    )


def _points(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig", dtype={"site_id": str})


def test_demo_rural_objective_keeps_rural_points_in_the_countryside(tmp_path: Path) -> None:
    """Done when: no rural point outside a rural village (or seat) of a 镇/乡, rural >= 52%."""
    demo = load_demo_city()
    out = tmp_path / "rural"
    args = ["propose", "--demo", "--rural", "12", "--enterprise", "7", "--association", "3"]
    assert main([*args, "--objective", "rural", "--out", str(out)]) == 0
    pts = _points(out)
    rural = pts[pts["type"] == "rural"]
    assert len(rural) == 12
    site = _site_of(demo, rural)
    towns = demo.townships.set_index("code")
    name = towns.loc[site["township_code"].astype(str), "name"]
    assert name.str.endswith(("镇", "乡")).all()
    assert ((site["kind"] == "rural") | site["is_township_seat"]).all()
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["rural_coverage_share"] >= 0.52
    gdf = gpd.read_file(out / "proposed_points.geojson")
    assert placement_warnings(demo, load_standards().active_site_rules, gdf).empty
    plan = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))["plan"]
    assert plan["objective_kind"] == "rural" and plan["site_rules"] and plan["status"] == "optimal"


def test_demo_population_objective_is_the_proven_optimum() -> None:
    """Done when: with eligibility, total covered population is the proven optimum: equal
    to a plain HiGHS MILP on the full, unreduced model."""
    demo = load_demo_city()
    std = load_standards()
    req = ProposalRequest(
        counts={"rural": 12, "enterprise": 7, "association": 3}, objective="population"
    )
    plan = propose(demo, std, req)
    assert plan.status == "optimal" and plan.compliant and plan.gap <= 1e-6
    model = build_city_model(demo, std, req, compute_coverage(demo, std))
    assert model.allowed[:, 0].sum() < len(model.sites)  # the rules did remove sites
    plain = solve_milp(model.problem, reduce_columns=False, time_limit_s=300)
    assert plain.status == "optimal"
    assert plan.objective == pytest.approx(plain.objective, abs=0.5)
    gained = plan.kpis_after.population_covered - plan.kpis_before.population_covered
    assert gained == pytest.approx(plain.objective, abs=0.5)
