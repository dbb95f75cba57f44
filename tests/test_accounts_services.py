"""The service layer enforces ownership (#15): calling it directly is refused, not only the UI.

The dashboard's service functions run here outside a page (Streamlit's bare mode), logged in
as each role through :mod:`dashboard.services.access`, on a fresh store of each kind (a
GeoPackage file and a PostGIS schema: tests taking ``ws`` run on both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.accounts.service import Accounts
from analysis.errors import AnalysisError
from analysis.workspace.api import STORE_ENV_VAR, open_store
from tests.support.postgres import Cluster

GOOD = "Gr8-planning-2026"


@pytest.fixture(params=("gpkg", "postgis"))
def ws(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A store with an admin, two planners and a viewer; the session state cleared."""
    import streamlit as st

    if request.param == "gpkg":
        setting = str(tmp_path / "workspace.gpkg")
    else:
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        setting = cluster.new_store_url("svc")
    monkeypatch.setenv(STORE_ENV_VAR, setting)
    acc = Accounts(open_store(setting))
    acc.create_admin("root", GOOD)
    acc.add_user(None, "alice", GOOD, "planner")
    acc.add_user(None, "bob", GOOD, "planner")
    acc.add_user(None, "lead", GOOD, "viewer")
    st.session_state.clear()
    yield setting
    st.session_state.clear()


def as_user(name: str) -> None:
    from dashboard.services import access

    access.logout()
    access.login(name, GOOD)


def _new(name: str):  # type: ignore[no-untyped-def]
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from geodata.demo.load import load_demo_city

    return copy_scenario(baseline_scenario(load_demo_city(), "demo"), name)


def code(exc: pytest.ExceptionInfo[AnalysisError]) -> str:
    return exc.value.problems[0].code


def test_viewer_cannot_write_through_the_services(ws: str) -> None:
    from dashboard.services import data, ownership
    from dashboard.services import scenarios as svc

    demo = data.demo_dataset()
    as_user("alice")
    svc.save(_new("甲"), expected_updated_at="", dataset=demo)
    as_user("lead")
    with pytest.raises(AnalysisError) as exc:
        svc.save(_new("乙"), expected_updated_at="", dataset=demo)
    assert code(exc) == "not_allowed"
    for call in (
        lambda: svc.delete("甲"),
        lambda: svc.rename("甲", "丙"),
        lambda: ownership.publish("甲", True),
        lambda: ownership.copy_as_mine(svc.store(), "甲", "我的"),
        lambda: svc.load("甲"),  # not published: not even readable
    ):
        with pytest.raises(AnalysisError) as exc:
            call()
        assert code(exc) == "not_allowed"
    assert svc.exists("甲") and not svc.exists("乙") and not svc.exists("丙")
    assert list(svc.list_scenarios(demo)["name"]) == []
    as_user("alice")
    ownership.publish("甲", True)
    as_user("lead")
    assert list(svc.list_scenarios(demo)["name"]) == ["甲"]
    assert svc.load("甲").name == "甲"
    with pytest.raises(AnalysisError) as exc:
        svc.save(svc.load("甲"), dataset=demo)
    assert code(exc) == "not_allowed"


def test_planner_cannot_change_anothers_but_can_copy(ws: str) -> None:
    from dashboard.services import data, ownership
    from dashboard.services import scenarios as svc

    demo = data.demo_dataset()
    as_user("alice")
    saved = svc.save(_new("alice 的方案"), expected_updated_at="", dataset=demo)
    as_user("bob")
    assert "alice 的方案" not in set(svc.list_scenarios(demo)["name"])  # unpublished
    as_user("alice")
    ownership.publish("alice 的方案", True)
    as_user("bob")
    for call in (
        lambda: svc.save(saved, expected_updated_at=saved.updated_at, dataset=demo),
        lambda: svc.delete("alice 的方案"),
        lambda: svc.rename("alice 的方案", "bob 的"),
        lambda: ownership.publish("alice 的方案", False),
    ):
        with pytest.raises(AnalysisError) as exc:
            call()
        assert code(exc) == "not_allowed"
    copy = ownership.copy_as_mine(svc.store(), "alice 的方案", "bob 的副本")
    assert ownership.access_of(copy.name).owner == "bob"
    svc.save(copy, expected_updated_at=None, dataset=demo)  # his own: allowed
    svc.delete(copy.name)
    as_user("root")  # an administrator may change anyone's
    svc.rename("alice 的方案", "改名")
    actions = set(svc_audit()["action"])
    assert {"create", "publish", "copy", "change", "delete", "login"} <= actions


def svc_audit():  # type: ignore[no-untyped-def]
    from dashboard.services import access

    return access.store().list_audit()


def test_not_logged_in_is_refused_when_accounts_are_on(ws: str) -> None:
    from dashboard.services import data
    from dashboard.services import scenarios as svc

    with pytest.raises(AnalysisError) as exc:
        svc.list_scenarios(data.demo_dataset())
    assert code(exc) == "not_logged_in"


def test_single_user_mode_allows_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    from dashboard.services import data, ownership
    from dashboard.services import scenarios as svc

    monkeypatch.delenv(STORE_ENV_VAR, raising=False)
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(tmp_path / "solo.gpkg"))
    st.session_state.clear()
    demo = data.demo_dataset()
    svc.save(_new("独自"), expected_updated_at="", dataset=demo)
    ownership.publish("独自", True)
    svc.delete("独自")
    assert not svc.exists("独自")


def test_launcher_listens_on_localhost_without_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.launch import network_address_check

    monkeypatch.delenv("COVERAGE_PLANNER_ACCOUNTS", raising=False)
    assert network_address_check([], 0) == (["--server.address", "localhost"], "")
    assert network_address_check(["--server.address", "127.0.0.1"], 0)[1] == ""
    for asked in (["--server.address", "0.0.0.0"], ["--server.address=10.1.2.3"]):
        _options, refusal = network_address_check(asked, 0)
        assert "create-admin" in refusal
    # With accounts (users in the store, or the setting) any address is allowed.
    assert network_address_check(["--server.address", "0.0.0.0"], 1)[1] == ""
    monkeypatch.setenv("COVERAGE_PLANNER_ACCOUNTS", "1")
    assert network_address_check(["--server.address", "0.0.0.0"], 0)[1] == ""


def test_launcher_refuses_network_without_accounts(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    unset = ("COVERAGE_PLANNER_ACCOUNTS", STORE_ENV_VAR)
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["COVERAGE_PLANNER_WORKSPACE"] = str(tmp_path / "none.gpkg")
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.launch", "--server.address", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "create-admin" in done.stderr
    assert not (tmp_path / "none.gpkg").exists()  # nothing created by the check


def test_launcher_counts_the_stores_accounts(ws: str, tmp_path: Path) -> None:
    from analysis.workspace import setting, tables
    from dashboard.launch import _user_count

    assert tables.USERS_TABLE.table == setting.USERS_TABLE_NAME
    assert _user_count() == len(open_store(ws).list_users()) == 4
    # A GeoPackage is read with sqlite3 alone (no store opened); PostgreSQL is not.
    assert setting.quick_user_count(ws) == (None if ws.startswith("postgres") else 4)
    assert setting.quick_user_count(tmp_path / "missing.gpkg") == 0
    assert not (tmp_path / "missing.gpkg").exists()
    (tmp_path / "not-sqlite.gpkg").write_text("not a database", encoding="utf-8")
    assert setting.quick_user_count(tmp_path / "not-sqlite.gpkg") is None


def test_launcher_counts_accounts_without_the_store_libraries(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "workspace.gpkg"
    Accounts(open_store(str(path))).create_admin("root", GOOD)
    code = (
        "import sys; from dashboard.launch import _user_count; n = _user_count();"
        " print(n, 'geopandas' in sys.modules, 'pandas' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != STORE_ENV_VAR}
    env["COVERAGE_PLANNER_WORKSPACE"] = str(path)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["1", "False", "False"], done.stderr


def test_upload_quota_refuses_through_the_services(
    ws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.services import access
    from dashboard.services import scenarios as svc

    monkeypatch.setenv("COVERAGE_PLANNER_UPLOAD_QUOTA_MB", "0.001")  # 1,048 bytes
    as_user("alice")
    rows = "".join(f"P{i},点{i},农村,105.9,35.6\n" for i in range(60))
    data = ("编号,名称,类型,经度,纬度\n" + rows).encode()
    assert len(data) > 1100
    with pytest.raises(AnalysisError) as exc:
        svc.read_points(data, "points.csv", "contact_points", "wgs84")
    assert code(exc) == "upload_quota_exceeded"
    assert access.accounts().quota.used_bytes("alice") == 0  # nothing counted


def test_trusted_header_only_from_the_proxy(ws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.services import access

    monkeypatch.setenv("COVERAGE_PLANNER_TRUSTED_HEADER", "X-Remote-User")
    monkeypatch.setenv("COVERAGE_PLANNER_TRUSTED_PROXIES", "10.0.0.1")
    monkeypatch.setattr(access, "client_headers", lambda: {"x-remote-user": "alice"})
    monkeypatch.setattr(access, "peer_address", lambda: "10.9.9.9")
    assert access.login_from_header() is None  # not from the proxy: the header is ignored
    assert access.session_user() is None
    monkeypatch.setattr(access, "peer_address", lambda: "10.0.0.1")
    user = access.login_from_header()
    assert user is not None and user.username == "alice"
    assert access.session_user() == user
    monkeypatch.setattr(access, "client_headers", lambda: {"X-Remote-User": "ghost"})
    with pytest.raises(AnalysisError) as exc:
        access.login_from_header()  # no such account here: refused, not created
    assert code(exc) == "login_failed"
    monkeypatch.delenv("COVERAGE_PLANNER_TRUSTED_HEADER")
    assert access.login_from_header() is None  # the mode is off by default


def test_forwarded_address_believed_from_trusted_proxies_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dashboard.services import access

    monkeypatch.setattr(access, "client_headers", lambda: {"X-Forwarded-For": "1.2.3.4, 10.5.5.5"})
    monkeypatch.setattr(access, "peer_address", lambda: "10.0.0.1")
    monkeypatch.delenv("COVERAGE_PLANNER_TRUSTED_PROXIES", raising=False)
    assert access.client_address() == "10.0.0.1"
    monkeypatch.setenv("COVERAGE_PLANNER_TRUSTED_PROXIES", "10.0.0.1")
    assert access.client_address() == "10.5.5.5"  # the entry the proxy itself added


def test_export_of_an_unpublished_scenario_is_refused_and_exports_are_logged(ws: str) -> None:
    from dashboard.services import data, ownership
    from dashboard.services import scenarios as svc

    as_user("alice")
    svc.save(_new("导出测试"), expected_updated_at="", dataset=data.demo_dataset())
    as_user("lead")
    with pytest.raises(AnalysisError) as exc:
        ownership.exported("导出测试", "xlsx")
    assert code(exc) == "not_allowed"
    as_user("alice")
    ownership.publish("导出测试", True)
    as_user("lead")
    ownership.exported("导出测试", "xlsx")
    log = svc_audit()
    row = log[(log["action"] == "export") & (log["username"] == "lead")]
    assert list(row["object_name"]) == ["导出测试"] and list(row["detail"]) == ["xlsx"]


def test_two_planners_creating_the_same_name_get_the_free_name_answer(ws: str) -> None:
    """Not ``not_allowed``: the page then saves under a free name (no lost save)."""
    from dashboard.services import data, ownership
    from dashboard.services import scenarios as svc

    demo = data.demo_dataset()
    as_user("alice")
    svc.save(_new("新方案"), expected_updated_at="", dataset=demo)
    as_user("bob")
    with pytest.raises(AnalysisError) as exc:
        svc.save(_new("新方案"), expected_updated_at="", dataset=demo)
    assert code(exc) == "scenario_changed_elsewhere"
    saved = svc.save(_new(svc.free_name("新方案")), expected_updated_at="", dataset=demo)
    assert ownership.access_of(saved.name).owner == "bob"
    assert ownership.access_of("新方案").owner == "alice"


def test_county_limited_planner_changes_only_plans_in_their_counties(ws: str) -> None:
    """The counties of a saved plan's changed points are read from the store's copy."""
    from analysis.plan.edits import add_point
    from dashboard.services import access, data, ownership
    from dashboard.services import scenarios as svc

    demo = data.demo_dataset()
    as_user("root")
    access.accounts().add_user(access.acting_user(), "carol", GOOD, "planner", counties=["东县"])
    as_user("carol")
    mine = svc.save(
        add_point(_new("卡罗尔"), "homes", lon=104.1, lat=35.6, county="东县"),
        expected_updated_at="",
        dataset=demo,
    )
    with pytest.raises(AnalysisError) as exc:  # a point in another county: not hers to add
        svc.save(add_point(mine, "homes", lon=104.2, lat=35.6, county="西县"), dataset=demo)
    assert code(exc) == "not_allowed"
    ownership.publish("卡罗尔", True)
    as_user("root")  # an administrator adds a point elsewhere to her plan
    svc.save(
        add_point(svc.load("卡罗尔"), "homes", lon=104.3, lat=35.6, county="西县"), dataset=demo
    )
    as_user("carol")
    for call in (lambda: ownership.publish("卡罗尔", False), lambda: svc.delete("卡罗尔")):
        with pytest.raises(AnalysisError) as exc:
            call()
        assert code(exc) == "not_allowed"
    assert not ownership.may_edit("卡罗尔") and svc.load("卡罗尔").published


def test_publishing_the_working_plan_then_editing_saves_in_place(ws: str) -> None:
    """Publishing is a new version; the page follows it, so the next edit is no conflict."""
    import streamlit as st

    from analysis.plan.edits import EditHistory, add_point
    from dashboard import state
    from dashboard.services import data
    from dashboard.services import scenarios as svc
    from dashboard.simulate import sharing
    from dashboard.simulate import state as sim_state

    as_user("alice")
    saved = svc.save(_new("发布后编辑"), expected_updated_at="", dataset=data.demo_dataset())
    st.session_state[state.SIM_HISTORY] = EditHistory.start(saved)
    st.session_state[state.SIM_SAVED] = saved.updated_at
    sharing.set_published("发布后编辑", True)
    assert st.session_state[state.SIM_HISTORY].current.version == saved.version + 1
    sim_state.commit(add_point(saved, "homes", lon=104.1, lat=35.6), "add")
    names = list(svc.store().list_scenarios()["name"])
    assert names == ["发布后编辑"]  # saved in place, not kept as a copy
    stored = svc.load("发布后编辑")
    assert stored.published and stored.version == saved.version + 2
    assert stored.owner == "alice" and stored.updated_by == "alice"
