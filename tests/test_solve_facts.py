"""An adopted plan's solve facts (analysis.plan.solvefacts): fields, edits, both stores.

The store tests run against the GeoPackage file and the PostGIS database (``any_store`` in
conftest.py); a workspace written before the facts existed opens with its description as
it was and no facts.
"""

from __future__ import annotations

import dataclasses
import math
import sqlite3
from pathlib import Path

import psycopg
import pytest

from analysis.plan.edits import (
    EditHistory,
    add_point,
    move_point,
    remove_point,
    restore_point,
    update_point,
)
from analysis.plan.scenarios import Scenario, baseline_scenario
from analysis.plan.solvefacts import (
    EditNote,
    SolveFacts,
    facts_from_json,
    facts_to_json,
    with_edit,
)
from analysis.workspace.api import Store
from analysis.workspace.migrate import migrate
from analysis.workspace.postgis.store import PostgisStore
from analysis.workspace.store import WorkspaceStore
from geodata.city import CityData
from tests.support.postgres import Cluster
from tests.support.scenario_city import make_city

OLD_NOTE = "自动优化新增 2 个联系点（目标：均衡）。采纳时的求解状态：已证明最优（……）"


def facts(**changes: object) -> SolveFacts:
    base = SolveFacts(
        status="time_limit",
        proven_gap=0.0052,
        objective=2.3456789,
        objective_kind="balanced",
        method="highs",
        solver_seconds=30.4,
        time_limit_s=30.0,
        counts={"rural": 8, "enterprise": 5, "association": 3},
        compliant=False,
        capacity_population={"rural": 20000.0, "enterprise": 8000.0},
        capacity_sites=5,
        township_min_share=0.3,
        proposed_ids=("NEW-01", "NEW-02"),
        adopted_at="2026-12-07T10:25:00.123456Z",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def city() -> CityData:
    return make_city()


def adopted(city: CityData) -> Scenario:
    base = baseline_scenario(city, "t1", author="张三")
    plan = add_point(base, "contact_points", lon=116.2, lat=39.2, type="rural", id="NEW-01")
    return dataclasses.replace(plan, name="优化方案", solve_facts=facts())


def test_json_round_trip_keeps_every_field() -> None:
    edited = with_edit(with_edit(facts(), "move", "contact_points", "C1"), "add", "homes", "N")
    for value in (facts(), edited, facts(proven_gap=math.inf, time_limit_s=None, counts={})):
        assert facts_from_json(facts_to_json(value)) == value
    shuffled = facts(counts={"association": 3, "enterprise": 5, "rural": 8})
    read_back = facts_from_json(facts_to_json(shuffled))
    assert read_back is not None and read_back == shuffled
    assert list(read_back.counts) == ["rural", "enterprise", "association"]  # the usual order
    assert facts_to_json(None) == "" and facts_from_json("") is None
    assert facts_from_json(None) is None
    assert '"proven_gap": null' in facts_to_json(facts(proven_gap=math.inf))  # valid JSON
    # keys of a newer version are ignored, missing ones take their defaults
    text = '{"status": "optimal", "proven_gap": 0, "objective": 1, "objective_kind": "x",'
    text += ' "method": "m", "solver_seconds": 1, "from_the_future": 1}'
    read = facts_from_json(text)
    assert read is not None and read.status == "optimal" and read.edits == ()


def test_every_hand_edit_is_noted_and_undo_gives_the_adopted_facts(city: CityData) -> None:
    plan = adopted(city)
    assert plan.solve_facts is not None and not plan.solve_facts.edited
    history = EditHistory.start(plan)
    s = move_point(plan, "contact_points", "NEW-01", 116.21, 39.21)
    history = history.push(s, "move")
    s = add_point(s, "collection_sites", lon=116.2, lat=39.2, name="采集点")
    s = remove_point(s, "contact_points", "C1")
    s = restore_point(s, "contact_points", "C1")
    s = update_point(s, "contact_points", "C2", name="新名")
    notes = s.solve_facts.edits if s.solve_facts is not None else ()
    assert [n.kind for n in notes] == ["move", "add", "remove", "restore", "update"]
    assert notes[0] == EditNote("move", "contact_points", "NEW-01")
    assert s.solve_facts is not None and s.solve_facts.edit_counts()[("collection_sites", "add")]
    # the rest of the facts is the solve's, untouched
    assert dataclasses.replace(s.solve_facts, edits=()) == plan.solve_facts
    assert history.undo().current.solve_facts == plan.solve_facts  # undo: the adopted plan
    # a plan not adopted from the optimiser has no facts, edited or not
    base = baseline_scenario(city, "t1")
    assert move_point(base, "contact_points", "C1", 116.3, 39.3).solve_facts is None


def test_store_round_trip_of_the_facts(any_store: Store, city: CityData) -> None:
    plan = adopted(city)
    any_store.save(plan)
    loaded = any_store.load("优化方案")
    assert loaded.solve_facts == plan.solve_facts
    edited = move_point(loaded, "contact_points", "NEW-01", 116.21, 39.21)
    any_store.save(edited, expected_version=loaded.version)
    again = any_store.load("优化方案")
    assert again.solve_facts == edited.solve_facts
    assert again.solve_facts is not None and again.solve_facts.edited
    copy = any_store.save_as_copy(again, "副本")
    assert any_store.load(copy.name).solve_facts == edited.solve_facts
    base = any_store.save(baseline_scenario(city, "t1"))
    assert any_store.load(base.name).solve_facts is None
    assert "solve_facts" not in any_store.list_scenarios().columns  # read with the plan


def test_migrating_a_workspace_keeps_the_facts(
    tmp_path: Path, city: CityData, postgres_cluster: Cluster
) -> None:
    src = WorkspaceStore(tmp_path / "src.gpkg")
    src.save(adopted(city))
    target = PostgisStore(postgres_cluster.new_store_url("facts"))
    try:
        migrate(src, target)
        assert target.load("优化方案").solve_facts == adopted(city).solve_facts
    finally:
        target.close()


def test_an_old_workspace_file_opens_with_its_description_and_no_facts(
    tmp_path: Path, city: CityData
) -> None:
    path = tmp_path / "ws.gpkg"
    old = dataclasses.replace(baseline_scenario(city, "t1"), name="旧方案", description=OLD_NOTE)
    WorkspaceStore(path).save(old)
    with sqlite3.connect(path) as conn:  # the layout of the version before the facts
        conn.execute("ALTER TABLE scenarios DROP COLUMN solve_facts")
    store = WorkspaceStore(path)
    loaded = store.load("旧方案")
    assert loaded.description == OLD_NOTE and loaded.solve_facts is None
    with sqlite3.connect(path) as conn:
        assert "solve_facts" in {r[1] for r in conn.execute("PRAGMA table_info(scenarios)")}
    store.save(adopted(city))
    assert store.load("优化方案").solve_facts == facts()


def test_an_old_postgis_workspace_opens_with_its_description_and_no_facts(
    postgres_cluster: Cluster, city: CityData
) -> None:
    url = postgres_cluster.new_store_url("oldfacts")
    first = PostgisStore(url)
    old = dataclasses.replace(baseline_scenario(city, "t1"), name="旧方案", description=OLD_NOTE)
    first.save(old)
    first.close()
    with psycopg.connect(url, autocommit=True) as conn:  # the layout of the earlier version
        conn.execute("ALTER TABLE scenarios DROP COLUMN solve_facts")
    store = PostgisStore(url)
    try:
        loaded = store.load("旧方案")
        assert loaded.description == OLD_NOTE and loaded.solve_facts is None
        store.save(adopted(city))
        assert store.load("优化方案").solve_facts == facts()
    finally:
        store.close()


def test_unreadable_facts_are_a_workspace_error(tmp_path: Path, city: CityData) -> None:
    from analysis.errors import AnalysisError

    store = WorkspaceStore(tmp_path / "ws.gpkg")
    store.save(adopted(city))
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE scenarios SET solve_facts = '{not json'")
    with pytest.raises(AnalysisError) as err:
        store.load("优化方案")
    assert err.value.problems[0].code == "workspace_error"


def test_csv_overview_and_geopackage_state_the_facts(tmp_path: Path) -> None:
    import pandas as pd

    from analysis.export import export_scenario
    from tests.support.export_fixtures import make_case

    case = make_case()
    edited = move_point(
        dataclasses.replace(case.scenario, solve_facts=facts(proposed_ids=("N001",))),
        "contact_points",
        "N001",
        113.75,
        34.745,
    )
    written = export_scenario(
        case.city, edited, case.before, case.after, "csv", tmp_path / "csv"
    ) + export_scenario(case.city, edited, case.before, case.after, "gpkg", tmp_path / "g")
    (overview,) = [p for p in written if p.name.endswith("_overview.csv")]
    rows = dict(pd.read_csv(overview, encoding="utf-8-sig").to_numpy().tolist())
    assert rows["求解说明：求解状态（采纳时）"] == "达到时限，未证明最优"
    assert rows["求解说明：已证明差距"] == "0.52%"
    assert rows["求解说明：求解时限（秒）"] == "30"
    assert rows["求解说明：求解请求"] == "农村联系点8个、企业联系点5个、行业协会联系点3个"
    assert rows["求解说明：采纳时间"] == "2026-12-07 18:25"
    assert rows["求解说明：规划假设"].startswith("每个联系点最多服务农村20,000人、企业8,000人")
    assert rows["求解说明：采纳后手工修改"].startswith("采纳后经过手工修改（联系点迁移1个）")
    (gpkg,) = [p for p in written if p.suffix == ".gpkg"]
    with sqlite3.connect(gpkg) as conn:
        (text,) = conn.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = 'contact_points'"
        ).fetchone()
    assert "求解说明：求解状态（采纳时）：达到时限，未证明最优" in text and "迁移1个" in text
    # a plan without facts: no such rows
    plain = export_scenario(case.city, case.scenario, None, case.after, "csv", tmp_path / "p")
    (overview,) = [p for p in plain if p.name.endswith("_overview.csv")]
    assert "求解说明" not in overview.read_text(encoding="utf-8-sig")
