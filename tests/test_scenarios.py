"""Scenario model, edits, undo/redo, apply and compare (analysis.plan)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.plan.edits import (
    EditHistory,
    add_point,
    move_point,
    next_point_id,
    remove_point,
    restore_point,
    update_point,
)
from analysis.plan.scenarios import (
    POINT_LAYERS,
    STATUS_COLUMNS,
    Scenario,
    apply_scenario,
    baseline_scenario,
    compare_scenarios,
    copy_scenario,
    scenario_changes,
    validate_scenario_name,
)
from geodata.city import CityData
from geodata.schema import SCHEMAS
from tests.support.scenario_city import HOSTILE, make_city


@pytest.fixture
def city() -> CityData:
    return make_city()


@pytest.fixture
def base(city: CityData) -> Scenario:
    return baseline_scenario(city, "t1", author="张三")


def test_baseline_has_every_point_existing(city: CityData, base: Scenario) -> None:
    assert base.dataset_id == "t1" and base.author == "张三"
    assert base.created_at.endswith("Z") and base.created_at == base.updated_at
    for layer in POINT_LAYERS:
        frame = base.layer(layer)
        assert len(frame) == len(getattr(city, layer))
        assert set(frame["status"]) == {"existing"}
        assert list(frame.columns[-4:]) == [*STATUS_COLUMNS, "geometry"]
        assert frame.crs.to_epsg() == 4326
    assert base.status_counts() == {"existing": 12, "proposed": 0, "moved": 0, "removed": 0}


def test_add_point_gives_unique_ids_and_proposed_status(base: Scenario) -> None:
    s1 = add_point(base, "contact_points", lon=116.2, lat=39.2, type="农村", name="新点")
    s2 = add_point(s1, "homes", lon=116.3, lat=39.3)
    s3 = add_point(
        s2, "collection_sites", lon=116.3, lat=39.3, type="school", contact_point_id="NEW-001"
    )
    cp = s3.contact_points.iloc[-1]
    assert (cp["id"], cp["name"], cp["type"], cp["status"]) == (
        "NEW-001",
        "新点",
        "rural",
        "proposed",
    )
    assert s3.homes.iloc[-1]["id"] == "NEW-002" and s3.homes.iloc[-1]["name"] == "NEW-002"
    site = s3.collection_sites.iloc[-1]
    assert (site["id"], site["site_type"], site["contact_point_id"]) == (
        "NEW-003",
        "school",
        "NEW-001",
    )
    # the input scenario is untouched and unchanged layers are shared, not copied
    assert len(base.contact_points) == 4 and s1.collection_sites is base.collection_sites
    # dtypes survive the edit
    assert s3.contact_points.dtypes.equals(base.contact_points.dtypes)
    assert next_point_id(s3) == "NEW-004"


def test_add_point_rejects_bad_input(base: Scenario) -> None:
    with pytest.raises(AnalysisError) as err:
        add_point(base, "contact_points", lon=116.2, lat=39.2)
    assert err.value.problems[0].code == "missing_point_type"
    cases = [
        (
            {"layer": "contact_points", "lon": 200.0, "lat": 39.0, "type": "rural"},
            "invalid_coordinates",
        ),
        (
            {"layer": "contact_points", "lon": float("nan"), "lat": 39.0, "type": "rural"},
            "invalid_coordinates",
        ),
        (
            {"layer": "contact_points", "lon": 116.0, "lat": 39.0, "type": "spaceport"},
            "invalid_point_type",
        ),
        ({"layer": "homes", "lon": 116.0, "lat": 39.0, "type": "rural"}, "type_not_applicable"),
        ({"layer": "homes", "lon": 116.0, "lat": 39.0, "colour": "red"}, "unknown_column"),
        ({"layer": "homes", "lon": 116.0, "lat": 39.0, "volunteers": "many"}, "invalid_value"),
        ({"layer": "homes", "lon": 116.0, "lat": 39.0, "id": "H0"}, "duplicate_id"),
        ({"layer": "villages", "lon": 116.0, "lat": 39.0}, "unknown_layer"),
    ]
    for kwargs, code in cases:
        with pytest.raises(AnalysisError) as err:
            add_point(base, **kwargs)  # type: ignore[arg-type]
        assert err.value.problems[0].code == code, kwargs


def test_move_remove_restore_cycle(base: Scenario) -> None:
    x0, y0 = base.contact_points.geometry.iloc[1].x, base.contact_points.geometry.iloc[1].y
    moved = move_point(base, "contact_points", "C1", 116.7, 39.4)
    row = moved.contact_points.iloc[1]
    assert row["status"] == "moved" and (row["orig_lon"], row["orig_lat"]) == (x0, y0)
    again = move_point(moved, "contact_points", "C1", 116.8, 39.3)
    assert again.contact_points.iloc[1]["orig_lon"] == x0  # the first original is kept
    back = move_point(again, "contact_points", "C1", x0, y0)
    assert back.contact_points.iloc[1]["status"] == "existing"
    assert np.isnan(back.contact_points.iloc[1]["orig_lon"])

    removed = remove_point(again, "contact_points", "C1")
    assert removed.contact_points.iloc[1]["status"] == "removed"
    with pytest.raises(AnalysisError):
        move_point(removed, "contact_points", "C1", 116.1, 39.1)
    with pytest.raises(AnalysisError):
        remove_point(removed, "contact_points", "C1")
    restored = restore_point(removed, "contact_points", "C1")
    row = restored.contact_points.iloc[1]
    assert row["status"] == "existing" and (row.geometry.x, row.geometry.y) == (x0, y0)
    assert restored.contact_points.dtypes.equals(base.contact_points.dtypes)
    with pytest.raises(AnalysisError) as err:
        restore_point(restored, "contact_points", "C1")
    assert err.value.problems[0].code == "nothing_to_restore"
    with pytest.raises(AnalysisError) as err:
        move_point(base, "contact_points", "nope", 116.1, 39.1)
    assert err.value.problems[0].code == "point_not_found"


def test_removing_a_proposed_point_drops_it(base: Scenario) -> None:
    s = add_point(base, "contact_points", lon=116.2, lat=39.2, type="enterprise")
    moved = move_point(s, "contact_points", "NEW-001", 116.25, 39.25)
    assert moved.contact_points.iloc[-1]["status"] == "proposed"
    dropped = remove_point(moved, "contact_points", "NEW-001")
    assert "NEW-001" not in set(dropped.contact_points["id"]) and len(dropped.contact_points) == 4


def test_update_point_changes_attributes_only(base: Scenario) -> None:
    s = update_point(base, "contact_points", "C2", name="改名<b>", type="学校", staff=3)
    row = s.contact_points.iloc[2]
    assert (row["name"], row["type"], row["staff"], row["status"]) == (
        "改名<b>",
        "school",
        3,
        "existing",
    )
    assert s.contact_points.dtypes.equals(base.contact_points.dtypes)
    with pytest.raises(AnalysisError):
        update_point(base, "contact_points", "C2", status="removed")


def test_edit_history_undo_redo() -> None:
    base = baseline_scenario(make_city(), "t1")
    h = EditHistory.start(base)
    assert not h.can_undo and not h.can_redo and h.undo() is h and h.redo() is h
    s1 = add_point(base, "contact_points", lon=116.2, lat=39.2, type="rural")
    h = h.push(s1, "添加 NEW-001")
    s2 = remove_point(s1, "contact_points", "C0")
    h2 = h.push(s2, "删除 C0")
    assert h2.current is s2 and h2.undo_label == "删除 C0"
    u = h2.undo()
    assert u.current is s1 and u.can_redo and u.redo_label == "删除 C0"
    assert u.undo().current is base and u.undo().undo().current is base
    assert u.redo().current is s2
    # a new edit after an undo discards the redo branch; the old history is unchanged
    s3 = move_point(s1, "contact_points", "C1", 116.3, 39.3)
    branched = u.push(s3, "移动 C1")
    assert not branched.can_redo and branched.current is s3 and len(branched.entries) == 3
    assert h2.current is s2 and len(h2.entries) == 3
    # the limit keeps the newest versions
    small = EditHistory.start(base, limit=3)
    for i in range(5):
        small = small.push(add_point(small.current, "homes", lon=116.1, lat=39.1), f"e{i}")
    assert len(small.entries) == 3 and small.index == 2 and small.labels[-1] == "e4"
    assert small.undo().undo().can_undo is False
    saved = dataclasses.replace(small.current, updated_at="2030-01-01T00:00:00.000000Z")
    assert small.replace_current(saved).current is saved


def test_apply_scenario_drops_removed_and_fills_county(city: CityData, base: Scenario) -> None:
    s = remove_point(base, "contact_points", "C1")
    s = add_point(s, "contact_points", lon=116.75, lat=39.2, type="rural")  # in 西县
    applied = apply_scenario(city, s)
    assert isinstance(applied, CityData) and applied.townships is city.townships
    ids = list(applied.contact_points["id"])
    assert "C1" not in ids and "NEW-001" in ids and len(ids) == 4
    assert applied.contact_points.set_index("id").loc["NEW-001", "county"] == "西县"
    # sites that reported to C1 lose the link; others keep it
    sites = applied.collection_sites.set_index("id")
    assert (
        pd.isna(sites.loc["S1", "contact_point_id"]) and sites.loc["S2", "contact_point_id"] == "C2"
    )
    assert set(applied.contact_points.columns) >= {
        c.name for c in SCHEMAS["contact_points"].columns
    }
    # the original city is untouched
    assert len(city.contact_points) == 4 and "status" not in city.contact_points.columns


def test_scenario_changes_lists_non_existing_points(base: Scenario) -> None:
    s = add_point(base, "homes", lon=116.2, lat=39.2)
    s = move_point(s, "contact_points", "C3", 116.9, 39.4)
    s = remove_point(s, "collection_sites", "S0")
    changes = scenario_changes(s)
    assert sorted(zip(changes["layer"], changes["id"], changes["status"], strict=True)) == [
        ("collection_sites", "S0", "removed"),
        ("contact_points", "C3", "moved"),
        ("homes", "NEW-001", "proposed"),
    ]
    assert changes.set_index("id").loc["C3", "lon"] == 116.9


def test_compare_scenarios_deltas_against_first() -> None:
    class FakeKPIs:
        def to_dict(self) -> dict[str, object]:
            return {"coverage_share": 0.75, "points": {"rural": 12}, "label": "b", "ok": True}

    table = compare_scenarios(
        {
            "基线": {"coverage_share": 0.5, "points": {"rural": 4}, "label": "a", "ok": False},
            "方案A": FakeKPIs(),
        }
    )
    assert list(table.columns) == ["基线", "方案A", "Δ 方案A"]
    assert list(table.index) == ["coverage_share", "points.rural", "label", "ok"]
    assert table.loc["coverage_share", "Δ 方案A"] == pytest.approx(0.25)
    assert table.loc["points.rural", "Δ 方案A"] == 8
    assert np.isnan(table.loc["label", "Δ 方案A"]) and np.isnan(table.loc["ok", "Δ 方案A"])
    three = compare_scenarios({"a": {"x": 1}, "b": {"x": 2}, "c": {"y": 3}})
    assert list(three.columns) == ["a", "b", "c", "Δ b", "Δ c"]
    assert np.isnan(three.loc["y", "Δ c"]) and three.loc["x", "Δ b"] == 1
    assert compare_scenarios({}).empty


def test_scenario_names_validated() -> None:
    assert validate_scenario_name(f"  {HOSTILE} ") == HOSTILE
    for bad in ["", "   ", "a\nb", "x" * 121]:
        with pytest.raises(AnalysisError):
            validate_scenario_name(bad)
    copy = copy_scenario(baseline_scenario(make_city(), "t1", "甲"), "副本", author="乙")
    assert (copy.name, copy.author, copy.dataset_id) == ("副本", "乙", "t1")
