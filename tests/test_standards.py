"""Planning standards: defaults from the speech and the team's decisions, overrides, errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.standards.load import (
    DEFAULT_STANDARDS_PATH,
    is_exempt_from_rural_minimum,
    load_standards,
)
from analysis.standards.reach import REACH_MODES
from geodata.schema import POINT_TYPES, ROAD_CLASSES


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


def test_reach_defaults_are_documented_assumptions() -> None:
    std = load_standards()
    assert std.reach_mode == "radius"
    assert (std.walk_kmh, std.offroad_kmh) == (4.5, 3.0)
    assert (std.max_offroad_m, std.snap_tolerance_m) == (2000.0, 5.0)
    assert std.reach_minutes_by_type == {
        "urban_community": 40.0,
        "rural": 20.0,
        "enterprise": 20.0,
        "association": 20.0,
        "school": 40.0,
        "other": 20.0,
    }
    assert {t: std.travel_mode_for(t) for t in POINT_TYPES} == {
        "urban_community": "walk",
        "rural": "drive",
        "enterprise": "drive",
        "association": "drive",
        "school": "walk",
        "other": "drive",
    }
    assert (std.collection_site_reach_minutes, std.collection_site_travel_mode) == (10.0, "drive")
    assert std.road_speed_kmh == {
        "expressway": 100.0,
        "national": 60.0,
        "provincial": 50.0,
        "county": 40.0,
        "township": 30.0,
        "village": 20.0,
        "urban_expressway": 60.0,
        "arterial": 40.0,
        "secondary": 30.0,
        "branch": 20.0,
    }
    assert set(std.road_speed_kmh) == set(ROAD_CLASSES)
    # 40 minutes on foot is the 3 km urban radius.
    assert std.reach_minutes_for("urban_community") / 60 * std.walk_kmh * 1000 == pytest.approx(
        std.radius_m_for("urban_community")
    )
    text = DEFAULT_STANDARDS_PATH.read_text(encoding="utf-8")
    reach = text[text.index("[reach]") :]
    assert reach.count("ASSUMPTION") >= 9
    assert "AVERAGE" in reach and "not design speeds" in reach


def test_reach_overrides_like_radius() -> None:
    std = load_standards(reach_mode="road", reach_minutes=25)
    assert std.reach_mode == "road"
    assert {std.reach_minutes_for(t) for t in POINT_TYPES} == {25.0}
    assert std.collection_site_reach_minutes == 10.0  # like radius_m, sites keep theirs
    some = load_standards(
        reach_minutes_by_type={"rural": 30},
        travel_mode_by_type={"school": "drive"},
        road_speed_kmh={"village": 15},
        reach_minutes=None,
    )
    assert some.reach_minutes_for("rural") == 30.0
    assert some.reach_minutes_for("urban_community") == 40.0
    assert some.travel_mode_for("school") == "drive"
    assert some.travel_mode_for("urban_community") == "walk"
    assert some.road_speed_kmh["village"] == 15.0 and some.road_speed_kmh["county"] == 40.0
    assert some.with_overrides(walk_kmh=5).walk_kmh == 5.0
    assert some.with_overrides(reach_minutes=12).reach_minutes_for("other") == 12.0


def test_reach_in_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "reach.toml"
    path.write_text(
        '[reach]\nmode = "road"\nmax_offroad_m = 1500\n[reach.minutes]\nrural = 30\n'
        '[reach.travel]\nrural = "walk"\n[reach.collection_sites]\nminutes = 15\n'
        "[roads.speed_kmh]\ncounty = 45\n",
        encoding="utf-8",
    )
    std = load_standards(path)
    assert std.reach_mode == "road" and std.max_offroad_m == 1500.0
    assert std.reach_minutes_for("rural") == 30.0 and std.reach_minutes_for("school") == 40.0
    assert std.travel_mode_for("rural") == "walk"
    assert std.collection_site_reach_minutes == 15.0
    assert std.collection_site_travel_mode == "drive"
    assert std.road_speed_kmh["county"] == 45.0 and std.road_speed_kmh["expressway"] == 100.0
    assert load_standards(path, reach_minutes=18).reach_minutes_for("rural") == 18.0


def test_every_bad_reach_value_is_reported_at_once() -> None:
    with pytest.raises(AnalysisError) as info:
        load_standards(
            reach_mode="car",
            reach_minutes_by_type={"rural": 0, "spaceship": 10},
            travel_mode_by_type={"school": "fly"},
            road_speed_kmh={"county": "fast", "footpath": 5},
            walk_kmh=0,
            offroad_kmh=-1,
            collection_site_travel_mode="bus",
        )
    messages = [p.message for p in info.value.problems]
    codes = [p.code for p in info.value.problems]
    assert any("reach.mode" in m and "car" in m for m in messages)
    assert any("reach.minutes.rural" in m for m in messages)
    assert any("spaceship" in m for m in messages)
    assert any("reach.travel.school" in m for m in messages)
    assert any("roads.speed_kmh.county" in m for m in messages)
    assert any("footpath" in m for m in messages)
    assert any(m.startswith("walk_kmh must be above 0") for m in messages)
    assert any(m.startswith("offroad_kmh must be a number >= 0") for m in messages)
    assert any("reach.collection_sites.travel" in m for m in messages)
    assert "standards_unknown_point_type" in codes
    assert set(codes) <= {
        "standards_bad_value",
        "standards_unknown_point_type",
        "standards_unknown_key",
    }


def test_reach_tables_need_every_type_and_class(tmp_path: Path) -> None:
    std = load_standards()
    partial = replace(std, reach_minutes_by_type={"rural": 20.0}, road_speed_kmh={})
    with pytest.raises(AnalysisError) as info:
        partial.with_overrides()
    missing = [p.message for p in info.value.problems]
    assert sum("has no value for contact point type" in m for m in missing) == len(POINT_TYPES) - 1
    assert sum("has no value for road class" in m for m in missing) == len(ROAD_CLASSES)
    path = tmp_path / "bad.toml"
    path.write_text(
        "[reach]\nminutes = 30\nspeed = 4\n[reach.collection_sites]\nradius = 1\n"
        "[roads]\nspeed = 3\n",
        encoding="utf-8",
    )
    with pytest.raises(AnalysisError) as info:
        load_standards(path)
    problems = info.value.problems
    assert sorted(p.message for p in problems if p.code == "standards_unknown_key") == [
        "Unknown setting [reach.collection_sites] 'radius'.",
        "Unknown setting [reach] 'speed'.",
        "Unknown setting [roads] 'speed'.",
    ]
    assert any(p.message.startswith("[reach.minutes] must be a table") for p in problems)


def test_reach_lookups_and_to_dict() -> None:
    std = load_standards(reach_mode="road")
    with pytest.raises(AnalysisError):
        std.reach_minutes_for("spaceship")
    with pytest.raises(AnalysisError):
        std.travel_mode_for("spaceship")
    d = std.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["reach_mode"] == "road"
    assert d["reach_minutes_by_type"]["rural"] == 20.0
    assert d["travel_mode_by_type"]["urban_community"] == "walk"
    assert d["road_speed_kmh"]["expressway"] == 100.0
    assert set(REACH_MODES) == {"radius", "road"}
