"""AppTest of the 管理 page (#15): administrators add and disable accounts; others are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.accounts.service import Accounts
from analysis.workspace.store import WorkspaceStore
from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "admin.py")
GOOD = "Gr8-planning-2026"
TIMEOUT = 120


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    acc = Accounts(WorkspaceStore(path))
    acc.create_admin("root", GOOD)
    acc.add_user(None, "alice", GOOD, "planner")
    return path


def _page(username: str):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    from dashboard.services import access

    _, token = access.accounts().login(username, GOOD)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.AUTH_TOKEN] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_admin_adds_and_disables_an_account(ws: Path) -> None:
    tables = WorkspaceStore(ws)
    at = _page("root")
    assert at.selectbox(key=state.ADMIN_PICK_USER).value == "alice"  # the first by name
    assert at.selectbox(key=state.ADMIN_SET_ROLE).value == "planner"  # the picked one's role
    at.selectbox(key=state.ADMIN_PICK_USER).set_value("root").run()
    assert at.selectbox(key=state.ADMIN_SET_ROLE).value == "admin"
    at.text_input(key=state.ADMIN_NEW_USERNAME).set_value("<b>carol</b>")
    at.text_input(key=state.ADMIN_NEW_PASSWORD).set_value("short")
    at.selectbox(key=state.ADMIN_NEW_ROLE).set_value("planner")
    at.button(key=state.ADMIN_ADD_USER).click().run()
    assert tables.get_user("<b>carol</b>") is None  # weak password refused
    assert len(at.error) == 1
    at.text_input(key=state.ADMIN_NEW_PASSWORD).set_value(GOOD)
    at.button(key=state.ADMIN_ADD_USER).click().run()
    carol = tables.get_user("<b>carol</b>")
    assert carol is not None and carol.role == "planner" and GOOD not in carol.password_hash
    assert at.text_input(key=state.ADMIN_NEW_PASSWORD).value == ""  # not kept
    at.selectbox(key=state.ADMIN_PICK_USER).set_value("alice").run()
    assert at.selectbox(key=state.ADMIN_SET_ROLE).value == "planner"
    at.button(key=state.ADMIN_TOGGLE_ACTIVE).click().run()
    alice = tables.get_user("alice")
    assert alice is not None and not alice.active
    actions = list(tables.list_audit()["action"])
    assert actions.count("user_add") == 3 and "user_change" in actions


def test_a_planner_gets_no_admin_controls(ws: Path) -> None:
    at = _page("alice")
    assert len(at.error) == 1
    keys = {w.key for w in at.button} | {w.key for w in at.text_input}
    assert state.ADMIN_ADD_USER not in keys and state.ADMIN_NEW_USERNAME not in keys
