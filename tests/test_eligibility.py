"""Site rules by point type (选址规则): arrays, standards, and warnings for placed points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from analysis.errors import AnalysisError
from analysis.standards.load import load_standards
from analysis.standards.site_rules import (
    RURAL_AT_COMMUNITY,
    RURAL_IN_STREET,
    SITE_TYPE_MISMATCH,
    STREET,
    TOWN,
    URBAN_AT_VILLAGE,
    URBAN_IN_TOWN,
    SiteRule,
    eligible_matrix,
    placement_warnings,
    site_problem_codes,
    township_levels,
)

RURAL = SiteRule(township_levels=(TOWN,), village_kinds=("rural",), township_seats=True)
URBAN = SiteRule(township_levels=(STREET,), urban_townships=True, village_kinds=("urban",))


def test_township_level_from_name_then_kind() -> None:
    levels = township_levels(
        ["东关街道", "李尧镇", "桑新乡", "某苏木", "开发区", "高新园"],
        ["urban"] * 4 + ["urban", "rural"],
    )
    assert levels.tolist() == [STREET, TOWN, TOWN, TOWN, STREET, TOWN]


def _codes(ptype: str, rule: SiteRule, **kw: object) -> list[str]:
    args = {
        "level": np.array([STREET, TOWN, TOWN, TOWN, TOWN]),
        "town_kind": np.array(["urban", "rural", "rural", "urban", "rural"]),
        "site_kind": np.array(["urban", "rural", "urban", "urban", ""]),
        "is_seat": np.array([False, False, True, False, False]),
    }
    args.update(kw)
    return site_problem_codes(ptype, rule, **args).tolist()  # type: ignore[arg-type]


def test_rural_point_only_at_a_village_of_a_town_or_its_seat() -> None:
    # street community; town village; town seat (a 社区); urban town's community; no village near
    assert _codes("rural", RURAL) == [RURAL_IN_STREET, "", "", RURAL_AT_COMMUNITY, ""]


def test_urban_point_only_at_a_community_of_a_street_or_urban_town() -> None:
    assert _codes("urban_community", URBAN) == ["", URBAN_IN_TOWN, URBAN_IN_TOWN, "", URBAN_IN_TOWN]


def test_site_types_only_when_the_candidates_have_them() -> None:
    rule = SiteRule(site_types=("enterprise",))
    assert _codes("enterprise", rule) == [""] * 5
    kinds = np.array(["enterprise", "village", "", "企业", "enterprise"])
    assert _codes("enterprise", rule, site_type=kinds) == [
        "", SITE_TYPE_MISMATCH, "", SITE_TYPE_MISMATCH, ""
    ]  # fmt: skip


def test_eligible_matrix_has_one_column_per_type() -> None:
    m = eligible_matrix(
        ["rural", "urban_community", "enterprise"],
        {"rural": RURAL, "urban_community": URBAN},
        level=np.array([STREET, TOWN]),
        town_kind=np.array(["urban", "rural"]),
        site_kind=np.array(["urban", "rural"]),
        is_seat=np.array([False, False]),
    )
    assert m.tolist() == [[False, True, True], [True, False, True]]


def test_standards_carry_the_rules_and_can_switch_them_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    std = load_standards()
    assert std.site_rules["rural"] == RURAL
    assert std.site_rules["urban_community"] == URBAN
    assert "enterprise" in std.site_rules["enterprise"].site_types
    assert std.with_overrides(site_rules_enabled=False).active_site_rules == {}
    own = tmp_path / "s.toml"
    own.write_text('[site_rules.rural]\ntownship_levels = ["town", "street"]\n', encoding="utf-8")
    assert load_standards(own).site_rules["rural"].township_levels == (TOWN, STREET)


def test_bad_site_rules_are_reported_together(tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = tmp_path / "s.toml"
    own.write_text(
        '[site_rules.rural]\ntownship_levels = ["city"]\ntownship_seats = "yes"\ncolour = 1\n'
        "[site_rules.spaceship]\nsite_types = []\n",
        encoding="utf-8",
    )
    with pytest.raises(AnalysisError) as err:
        load_standards(own)
    codes = sorted(p.code for p in err.value.problems)
    assert codes == [
        "standards_bad_value", "standards_bad_value", "standards_unknown_key",
        "standards_unknown_point_type",
    ]  # fmt: skip


def test_demo_points_break_no_rule_and_a_rural_point_in_a_street_is_named() -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    rules = load_standards().active_site_rules
    assert placement_warnings(city, rules).empty
    # 田峡社区, seat of 东关街道 (崆源区): where the relaxed speech plan put a "rural" point.
    at = Point(104.56324, 35.60413)
    pts = gpd.GeoDataFrame(
        {
            "id": ["N1", "N2", "N3"],
            "name": ["a", "b", "c"],
            "type": ["rural", "urban_community", "rural"],
            "county": ["崆源区"] * 3,
            "status": ["proposed", "proposed", "removed"],
        },
        geometry=[at, at, at],
        crs=4326,
    )
    warn = placement_warnings(city, rules, pts)
    assert warn["id"].tolist() == ["N1"]
    assert warn.loc[0, "code"] == RURAL_IN_STREET
    assert warn.loc[0, "message_zh"] == "农村联系点位于街道社区"
    assert warn.loc[0, "township_name"] == "东关街道"
    assert warn.loc[0, "village_name"] == "田峡社区"


def test_urban_point_at_a_village_is_named() -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    v = city.villages
    village = v[(v["kind"] == "rural") & ~v["is_township_seat"]].iloc[0]
    pts = gpd.GeoDataFrame(
        {"id": ["U1"], "name": ["u"], "type": ["urban_community"], "county": [""]},
        geometry=[village.geometry],
        crs=4326,
    )
    warn = placement_warnings(city, load_standards().active_site_rules, pts)
    assert warn["code"].tolist() in ([URBAN_IN_TOWN], [URBAN_AT_VILLAGE])
