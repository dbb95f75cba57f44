"""Planning standards: defaults from the speech and the team's decisions, overrides, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.standards.load import (
    DEFAULT_STANDARDS_PATH,
    is_exempt_from_rural_minimum,
    load_standards,
)
from geodata.schema import POINT_TYPES


def test_defaults_follow_the_decisions() -> None:
    std = load_standards()
    assert std.radius_by_type_m == {
        "urban_community": 3000.0,
        "rural": 10000.0,
        "enterprise": 5000.0,
        "association": 5000.0,
        "school": 3000.0,
        "other": 5000.0,
    }
    assert std.collection_site_radius_m == 3000.0
    assert (std.sites_min_per_point, std.sites_max_per_point) == (3, 5)
    assert (std.county_min_rural, std.county_min_enterprise) == (2, 1)
    assert std.targets == {"rural": 8, "enterprise": 5, "association": 3}
    assert (std.contact_point_min_area_m2, std.contact_point_min_staff) == (30.0, 1)
    assert (std.home_min_area_m2, std.home_min_administrators) == (50.0, 1)
    assert (std.home_min_volunteers, std.home_max_volunteers) == (2, 3)
    assert std.equity_flag_below == 0.8
    assert std.exempt_urban_districts_from_rural_minimum is False
    assert std.grid_cell_size_m == 500.0


def test_every_assumption_is_marked_in_the_toml() -> None:
    text = DEFAULT_STANDARDS_PATH.read_text(encoding="utf-8")
    assert text.count("ASSUMPTION") >= 5
    assert "speech" in text


def test_radius_m_sets_every_point_type_but_not_sites() -> None:
    std = load_standards(radius_m=7000)
    assert {std.radius_m_for(t) for t in POINT_TYPES} == {7000.0}
    assert std.collection_site_radius_m == 3000.0


def test_partial_overrides_keep_other_values() -> None:
    std = load_standards(radius_by_type_m={"rural": 8000}, equity_flag_below=0.9, radius_m=None)
    assert std.radius_m_for("rural") == 8000.0
    assert std.radius_m_for("urban_community") == 3000.0
    assert std.equity_flag_below == 0.9
    assert std.with_overrides(sites_max_per_point=6).sites_max_per_point == 6


def test_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[radius_m]\nrural = 12000\n[county_minimums]\n"
        "exempt_urban_districts_from_rural_minimum = true\n",
        encoding="utf-8",
    )
    std = load_standards(path)
    assert std.radius_m_for("rural") == 12000.0
    assert std.radius_m_for("school") == 3000.0
    assert std.exempt_urban_districts_from_rural_minimum is True
    assert load_standards(path, radius_m=2000).radius_m_for("rural") == 2000.0


def test_every_bad_value_is_reported_at_once() -> None:
    with pytest.raises(AnalysisError) as info:
        load_standards(
            radius_by_type_m={"rural": -5, "spaceship": 100},
            sites_min_per_point=2.5,
            equity_flag_below="high",
        )
    codes = [p.code for p in info.value.problems]
    assert codes.count("standards_bad_value") == 3
    assert "standards_unknown_point_type" in codes


def test_min_above_max_and_unknown_keys(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError) as info:
        load_standards(sites_min_per_point=6)
    assert [p.code for p in info.value.problems] == ["standards_bad_value"]
    path = tmp_path / "typo.toml"
    path.write_text("[radius_m]\nrurall = 1\n[equity]\nflag = 1\n", encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        load_standards(path)
    assert sorted(p.code for p in info.value.problems) == [
        "standards_unknown_key",
        "standards_unknown_point_type",
    ]
    with pytest.raises(AnalysisError):
        load_standards(nonsense=1)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError) as info:
        load_standards(tmp_path / "missing.toml")
    assert info.value.problems[0].code == "standards_not_found"
    bad = tmp_path / "bad.toml"
    bad.write_text("[radius_m\nrural = ", encoding="utf-8")
    with pytest.raises(AnalysisError) as info:
        load_standards(bad)
    assert info.value.problems[0].code == "standards_bad_toml"


def test_unknown_type_lookup_raises() -> None:
    with pytest.raises(AnalysisError):
        load_standards().radius_m_for("spaceship")


def test_rural_minimum_exemption() -> None:
    off = load_standards()
    on = load_standards(exempt_urban_districts_from_rural_minimum=True)
    assert not is_exempt_from_rural_minimum(off, "城关区", 0, 0)
    assert is_exempt_from_rural_minimum(on, "城关区", 0, 0)
    assert is_exempt_from_rural_minimum(on, "某县", 0, 0)  # no rural population at all
    assert is_exempt_from_rural_minimum(on, "城关区", 1200, 0)  # 区 with no rural village
    assert not is_exempt_from_rural_minimum(on, "城关区", 1200, 3)
    assert not is_exempt_from_rural_minimum(on, "某县", 1200, 0)


def test_to_dict_is_plain() -> None:
    d = load_standards().to_dict()
    assert d["radius_by_type_m"]["rural"] == 10000.0
    assert d["equity_flag_below"] == 0.8
