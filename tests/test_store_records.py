"""Both stores (GeoPackage, PostGIS): scenario versions and copies, accounts, audit log, roads,
the migration of a workspace written before accounts, and the setting that picks a store."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiLineString

from analysis.errors import AnalysisError
from analysis.plan.edits import add_point
from analysis.plan.scenarios import baseline_scenario
from analysis.workspace.api import STORE_ENV_VAR, Store, open_store, store_setting
from analysis.workspace.postgis.store import PostgisStore
from analysis.workspace.records import AuditEvent, UserRecord
from analysis.workspace.store import WORKSPACE_ENV_VAR, WorkspaceStore
from analysis.workspace.tables import ROADS_TABLE
from geodata.city import CityData
from tests.support.postgres import Cluster
from tests.support.scenario_city import HOSTILE, make_city

BEFORE_ACCOUNTS = Path(__file__).resolve().parent / "data" / "workspace" / "before_accounts.gpkg"


@pytest.fixture
def city() -> CityData:
    return make_city()


def code_of(err: pytest.ExceptionInfo[AnalysisError]) -> str:
    return err.value.problems[0].code


# --- scenarios: versions, owners, copies ----------------------------------------------------


def test_every_save_adds_one_to_the_version(any_store: Store, city: CityData) -> None:
    assert isinstance(any_store, Store)
    base = baseline_scenario(city, "t1", author="张三")
    assert base.version == 0 and base.owner == "" and not base.published
    first = any_store.save(dataclasses.replace(base, owner="zhang"), saved_by="zhang")
    assert first.version == 1 and first.updated_by == "zhang"
    second = any_store.save(first, expected_version=1, saved_by="li")
    assert second.version == 2
    loaded = any_store.load(base.name)
    assert (loaded.version, loaded.owner, loaded.updated_by, loaded.author) == (
        2,
        "zhang",
        "li",
        "张三",
    )
    row = any_store.list_scenarios().set_index("name").loc[base.name]
    assert (row["version"], row["owner"], bool(row["published"]), row["updated_by"]) == (
        2,
        "zhang",
        False,
        "li",
    )


def test_a_stale_version_is_refused_with_who_saved_it(any_store: Store, city: CityData) -> None:
    mine = any_store.save(baseline_scenario(city, "t1"), expected_version=0, saved_by="wang")
    theirs = any_store.save(add_point(mine, "homes", lon=116.1, lat=39.1), saved_by="zhao")
    with pytest.raises(AnalysisError) as err:
        any_store.save(add_point(mine, "homes", lon=116.2, lat=39.2), expected_version=1)
    problem = err.value.problems[0]
    assert problem.code == "scenario_changed_elsewhere"
    assert problem.params["stored_version"] == 2 and problem.params["saved_by"] == "zhao"
    assert problem.params["stored_updated_at"] == theirs.updated_at
    assert len(any_store.load(mine.name).homes) == 3  # theirs, untouched
    with pytest.raises(AnalysisError) as err:  # version 0: the name must be free
        any_store.save(mine, expected_version=0)
    assert code_of(err) == "scenario_changed_elsewhere"
    with pytest.raises(AnalysisError) as err:
        any_store.delete(mine.name, expected_version=1)
    assert code_of(err) == "scenario_changed_elsewhere" and any_store.exists(mine.name)


def test_keep_ones_changes_as_a_copy(any_store: Store, city: CityData) -> None:
    base = any_store.save(dataclasses.replace(baseline_scenario(city, "t1"), owner="zhao"))
    any_store.set_published(base.name, True)
    mine = add_point(base, "homes", lon=116.2, lat=39.2)
    copy = any_store.save_as_copy(mine, owner="wang", saved_by="wang")
    assert copy.name == f"{base.name} (2)" and copy.version == 1 and not copy.published
    assert copy.owner == "wang" and copy.created_at > base.created_at
    again = any_store.save_as_copy(mine, name=HOSTILE)
    assert again.name == HOSTILE and again.owner == "zhao"
    loaded = any_store.load(copy.name)
    assert len(loaded.homes) == 3 and loaded.owner == "wang" and loaded.version == 1
    assert any_store.load(base.name).published and len(any_store.load(base.name).homes) == 2


def test_publish_and_rename_are_versioned_changes(any_store: Store, city: CityData) -> None:
    saved = any_store.save(baseline_scenario(city, "t1", name="甲"))
    assert any_store.set_published("甲", True, expected_version=1, saved_by="admin") == 2
    assert any_store.load("甲").published and any_store.load("甲").updated_by == "admin"
    with pytest.raises(AnalysisError) as err:
        any_store.set_published("甲", False, expected_version=1)
    assert code_of(err) == "scenario_changed_elsewhere"
    assert any_store.rename("甲", "乙", expected_version=2) == 3
    renamed = any_store.load("乙")
    assert renamed.version == 3 and renamed.published and len(renamed.contact_points) == 4
    assert renamed.created_at == saved.created_at
    with pytest.raises(AnalysisError) as err:
        any_store.set_published("甲", True)
    assert code_of(err) == "scenario_not_found"


# --- datasets: roads -------------------------------------------------------------------------


def _roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["G107", HOSTILE],
            "road_class": ["national", None],
            "speed_kmh": [80.0, float("nan")],
            "oneway": [0, 1],
            "level": [0, 1],
            "lanes": [4, 2],  # not a road column: kept as an extra
        },
        geometry=[
            LineString([(116.1, 39.1), (116.4, 39.3)]),
            MultiLineString([[(116.5, 39.1), (116.6, 39.2)], [(116.6, 39.2), (116.7, 39.2)]]),
        ],
        crs=4326,
    )


def test_a_datasets_roads_are_kept_as_multilinestrings(any_store: Store, city: CityData) -> None:
    roads = _roads()
    if "roads" in {f.name for f in dataclasses.fields(CityData)}:  # CityData.roads (#13)
        any_store.save_dataset("up-r", dataclasses.replace(city, roads=roads))  # type: ignore[call-arg]
        back = any_store.load_dataset("up-r").roads  # type: ignore[attr-defined]
    else:  # before #13 is merged: the table alone, through the store's own transaction
        store = any_store
        assert isinstance(store, WorkspaceStore | PostgisStore)
        with store._write() as conn:
            store.io.write_rows(conn, ROADS_TABLE, "up-r", roads)
        with store._read() as conn:
            back = store.io.read_rows(conn, ROADS_TABLE, "up-r")
    assert list(back.geom_type) == ["MultiLineString", "MultiLineString"]
    assert back.geometry.geom_equals(roads.geometry).all()
    assert back["name"].tolist() == ["G107", HOSTILE]
    assert back["road_class"].iloc[0] == "national" and back["road_class"].isna().iloc[1]
    assert back["oneway"].tolist() == [0, 1] and back["level"].tolist() == [0, 1]
    assert back["lanes"].tolist() == [4, 2]


# --- accounts --------------------------------------------------------------------------------


def _user(name: str = "zhang", role: str = "planner", **kw: object) -> UserRecord:
    return UserRecord(name, f"显示名{name}", role, "$argon2id$v=19$m=65536$xx", **kw)  # type: ignore[arg-type]


def test_accounts_are_versioned_records(any_store: Store) -> None:
    assert any_store.list_users() == [] and any_store.get_user("zhang") is None
    made = any_store.save_user(_user(counties=("东城区", "西县")))
    assert made.version == 1 and made.created_at and made.updated_at == made.created_at
    assert any_store.get_user("zhang") == made
    changed = any_store.save_user(dataclasses.replace(made, role="admin", active=False))
    assert changed.version == 2 and changed.created_at == made.created_at
    assert any_store.get_user("zhang") == changed
    with pytest.raises(AnalysisError) as err:  # based on version 1: someone changed it since
        any_store.save_user(dataclasses.replace(made, display_name="旧"))
    assert code_of(err) == "user_changed_elsewhere"
    assert err.value.problems[0].params["stored_version"] == 2
    with pytest.raises(AnalysisError) as err:
        any_store.save_user(_user())  # a new account (version 0) whose name is taken
    assert code_of(err) == "user_exists"
    hostile = HOSTILE[:64]  # markup, script and SQL in a username of the longest length
    any_store.save_user(_user(hostile, "viewer"))
    assert [u.username for u in any_store.list_users()] == sorted([hostile, "zhang"])
    assert any_store.delete_user("zhang") and not any_store.delete_user("zhang")
    with pytest.raises(AnalysisError) as err:
        any_store.save_user(changed)
    assert code_of(err) == "user_not_found"


def test_invalid_accounts_are_refused_with_every_problem(any_store: Store) -> None:
    with pytest.raises(AnalysisError) as err:
        any_store.save_user(_user(" bad", role="boss"))
    assert [p.column for p in err.value.problems] == ["username", "role"]
    assert {p.code for p in err.value.problems} == {"invalid_user"}
    assert any_store.list_users() == []


# --- audit log -------------------------------------------------------------------------------


def test_audit_log_filters_and_keeps_text_verbatim(any_store: Store) -> None:
    times = [f"2026-12-0{d}T0{d}:00:00.000000Z" for d in range(1, 6)]
    for i, at in enumerate(times):
        any_store.append_audit(
            AuditEvent(
                at,
                "zhang" if i % 2 == 0 else "li",
                "change",
                "scenario",
                HOSTILE if i == 4 else f"方案{i}",
                detail=f"version {i + 1}",
                extra={"format": "xlsx"} if i == 3 else {},
            )
        )
    stamped = any_store.append_audit(AuditEvent("", "", "login", "session", ""))
    assert stamped.at > times[-1]
    log = any_store.list_audit()
    assert list(log.columns) == [
        "at",
        "username",
        "action",
        "object_type",
        "object_name",
        "detail",
        "extra",
    ]
    assert log["at"].tolist() == [stamped.at, *reversed(times)]  # newest first
    assert log["object_name"].iloc[1] == HOSTILE
    assert log.set_index("detail").loc["version 4", "extra"] == '{"format": "xlsx"}'
    some = any_store.list_audit(since=times[1], until=times[4], username="li")
    assert some["detail"].tolist() == ["version 4", "version 2"]
    assert any_store.list_audit(limit=2)["at"].tolist() == [stamped.at, times[4]]
    assert any_store.list_audit(username="nobody").empty


# --- migration of a workspace written before accounts ---------------------------------------


def test_a_workspace_written_before_accounts_opens_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    shutil.copy(BEFORE_ACCOUNTS, path)
    with sqlite3.connect(path) as conn:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(scenarios)")}
    assert "version" not in cols  # really the old layout
    store = WorkspaceStore(path)
    table = store.list_scenarios().set_index("name")
    assert sorted(table.index) == ["基线方案", "方案A"]
    assert set(table["version"]) == {1} and set(table["owner"]) == {""}
    assert not table["published"].any() and set(table["author"]) == {"张三"}
    plan = store.load("方案A")
    assert plan.version == 1 and plan.description == "第一稿" and len(plan.contact_points) == 5
    assert store.save(plan, expected_version=1).version == 2
    assert store.load_dataset("up-1").name == "测试市"
    store.save_user(_user())
    store.append_audit(AuditEvent("", "zhang", "change", "scenario", "方案A"))
    assert len(store.list_audit()) == 1 and store.integrity_check() == ["ok"]


# --- the setting ------------------------------------------------------------------------------


def test_open_store_picks_the_store_from_one_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(STORE_ENV_VAR, raising=False)
    monkeypatch.setenv(WORKSPACE_ENV_VAR, str(tmp_path / "ws.gpkg"))
    assert store_setting() == str(tmp_path / "ws.gpkg")  # the older variable still works
    store = open_store()
    assert isinstance(store, WorkspaceStore) and store.path == tmp_path / "ws.gpkg"
    monkeypatch.setenv(STORE_ENV_VAR, str(tmp_path / "other.gpkg"))
    assert open_store().location == str(tmp_path / "other.gpkg")
    url = "postgresql://planner:secret@db.example:5433/plans"
    monkeypatch.setenv(STORE_ENV_VAR, url)
    pg = open_store()
    assert isinstance(pg, PostgisStore) and isinstance(pg, Store)
    assert pg.location == "postgresql://planner:***@db.example:5433/plans"  # no password shown


def test_an_unreachable_database_is_a_domain_error(tmp_path: Path) -> None:
    store = open_store(f"postgresql://nobody@/nodb?host={tmp_path}&port=1")
    with pytest.raises(AnalysisError) as err:
        store.list_scenarios()
    assert code_of(err) == "store_unavailable"
    assert "cannot be reached" in err.value.problems[0].message


def test_a_database_without_postgis_rights_says_what_to_do(postgres_cluster: Cluster) -> None:
    name = f"bare_{len(postgres_cluster.databases) + 1}"
    postgres_cluster.psql_exec("postgres", f"CREATE DATABASE {name} TEMPLATE template0")
    postgres_cluster.psql_exec("postgres", "CREATE ROLE plain LOGIN")
    postgres_cluster.psql_exec(name, "GRANT ALL ON SCHEMA public TO plain")
    url = postgres_cluster.url(name).replace("planner_test@", "plain@")
    with pytest.raises(AnalysisError) as err:
        PostgisStore(url).list_scenarios()
    assert code_of(err) == "postgis_missing"
    assert "CREATE EXTENSION postgis" in err.value.problems[0].message


def test_racing_saves_of_one_version_exactly_one_wins(any_store: Store, city: CityData) -> None:
    """Two servers (two store objects, their own connections) save over version 1 at once."""
    import threading

    first = any_store.save(baseline_scenario(city, "t1"))
    other = open_store(any_store.location)  # the test URLs carry no password
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def race(store: Store, i: int) -> None:
        start.wait()
        try:
            store.save(add_point(first, "homes", lon=116.1 + i / 100, lat=39.1),
                       expected_version=1, saved_by=f"user{i}")  # fmt: skip
            outcomes.append(f"saved user{i}")
        except AnalysisError as exc:
            outcomes.append(exc.problems[0].code)

    threads = [threading.Thread(target=race, args=(s, i))
               for i, s in enumerate([any_store, other, any_store, other])]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [o for o in outcomes if o.startswith("saved")]
    assert len(winners) == 1 and outcomes.count("scenario_changed_elsewhere") == 3, outcomes
    stored = any_store.load(first.name)
    assert stored.version == 2 and f"saved {stored.updated_by}" == winners[0]
    assert len(stored.homes) == 3
