"""AppTest of the 方案模拟 page: edits by click and by coordinates, undo/redo, auto-save,
restore after a refresh, the optimiser preview and exact solve, applying a proposal."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "simulate.py")
TIMEOUT = 120


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace file for each test (``COVERAGE_PLANNER_WORKSPACE``)."""
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    return path


def _app(scenario: str | None = None) -> AppTest:
    """A new browser session on the page; ``scenario``: the name in its URL (``?scenario=``)."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    if scenario is not None:
        at.query_params["scenario"] = scenario
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _scenario(at: AppTest):
    return at.session_state[state.SIM_HISTORY].current


def _metric(at: AppTest, label_key: str) -> str:
    from dashboard.i18n import t

    label = t(label_key, "zh")
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label_key}"
    return values[0]


def _empty_spot() -> tuple[float, float]:
    """A point inside a township of the demo city, far from every existing point."""
    import numpy as np

    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    pts = city.contact_points.geometry
    best, where = -1.0, (0.0, 0.0)
    for geom in city.townships.geometry.representative_point():
        d = float(np.min(np.hypot(pts.x - geom.x, pts.y - geom.y)))
        if d > best:
            best, where = d, (float(geom.x), float(geom.y))
    return where


def _click(at: AppTest, lon: float, lat: float) -> None:
    at.session_state[state.SIM_MAP] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_page_runs_with_widgets_found_by_key(workspace: Path) -> None:
    at = _app()
    for key in (state.SIM_NAME, state.SIM_AUTHOR, state.SIM_SAVE_AS_NAME):
        assert at.text_input(key=key) is not None
    assert at.radio(key=state.SIM_MODE).value == "add"
    assert at.selectbox(key=state.SIM_ADD_KIND).value == "rural"
    assert at.selectbox(key=state.SIM_SELECTED) is not None
    for key in (
        state.SIM_UNDO,
        state.SIM_REDO,
        state.SIM_MOVE,
        state.SIM_DELETE,
        state.OPT_PREVIEW,
        state.OPT_SOLVE,
        state.SIM_COORD_ADD,
        state.SIM_UPLOAD_ADD,
    ):
        assert at.button(key=key) is not None
    assert at.button(key=state.SIM_UNDO).disabled
    assert _metric(at, "kpi_contact_points_total") == "12"
    assert not at.session_state[state.SIM_SAVED]  # a fresh copy of the baseline, not saved yet


def test_click_adds_point_undo_redo_and_autosave(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    at = _app()
    lon, lat = _empty_spot()
    _click(at, lon, lat)
    scn = _scenario(at)
    assert (scn.contact_points["status"] == "proposed").sum() == 1
    assert scn.contact_points["type"].iloc[-1] == "rural"
    assert _metric(at, "kpi_contact_points_total") == "13"
    assert (
        at.session_state[state.SIM_SELECTED]
        == f"contact_points:{scn.contact_points['id'].iloc[-1]}"
    )
    stored = WorkspaceStore(workspace).load(scn.name)  # saved automatically
    assert (stored.contact_points["status"] == "proposed").sum() == 1

    at.run()  # a rerun never repeats the click
    assert len(_scenario(at).contact_points) == 13

    at.button(key=state.SIM_UNDO).click().run()
    assert _metric(at, "kpi_contact_points_total") == "12"
    assert (
        WorkspaceStore(workspace).load(scn.name).contact_points["status"] == "proposed"
    ).sum() == 0
    at.button(key=state.SIM_REDO).click().run()
    assert _metric(at, "kpi_contact_points_total") == "13"


def _url_scenario(at: AppTest) -> str | None:
    value = at.query_params.get("scenario")
    if isinstance(value, list):
        value = value[-1] if value else None
    return value


def test_restored_after_refresh(workspace: Path) -> None:
    at = _app()
    assert _url_scenario(at) is None  # an unsaved scenario is not named in the URL
    lon, lat = _empty_spot()
    _click(at, lon, lat)
    name = _scenario(at).name
    assert _url_scenario(at) == name  # saved: the URL names it, so a refresh reopens it
    again = _app(scenario=name)  # a browser refresh or a server restart keeps the URL
    assert _scenario(again).name == name
    assert _metric(again, "kpi_contact_points_total") == "13"
    assert again.session_state[state.SIM_SAVED]


def test_new_session_starts_on_the_base_data_not_in_another_plan(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    first = _app()
    lon, lat = _empty_spot()
    _click(first, lon, lat)
    theirs = _scenario(first)
    second = _app()  # another person opens the page: no scenario in the URL
    mine = _scenario(second)
    assert mine.name != theirs.name
    assert not second.session_state[state.SIM_SAVED]  # a fresh, unsaved copy
    assert (mine.contact_points["status"] == "existing").all()
    assert _metric(second, "kpi_contact_points_total") == "12"
    _click(second, lon + 0.05, lat)  # their edit is saved under a name of its own
    store = WorkspaceStore(workspace)
    assert set(store.list_scenarios()["name"]) == {theirs.name, _scenario(second).name}
    assert (store.load(theirs.name).contact_points["status"] == "proposed").sum() == 1
    stored = store.load(theirs.name).contact_points
    assert stored.geometry.x[stored["status"] == "proposed"].iloc[0] == pytest.approx(lon)
    # A URL naming a scenario that does not exist (deleted meanwhile) also starts fresh.
    third = _app(scenario="不存在的方案")
    assert not third.session_state[state.SIM_SAVED]
    assert _scenario(third).name not in (theirs.name, _scenario(second).name)


def test_select_move_and_remove(workspace: Path) -> None:
    at = _app()
    scn = _scenario(at)
    first = scn.contact_points.iloc[0]
    _click(at, float(first.geometry.x), float(first.geometry.y))  # a click on a point selects it
    assert at.session_state[state.SIM_SELECTED] == f"contact_points:{first['id']}"
    assert len(_scenario(at).contact_points) == 12

    at.button(key=state.SIM_MOVE).click().run()
    assert at.radio(key=state.SIM_MODE).value == "move"
    _click(at, float(first.geometry.x) + 0.02, float(first.geometry.y) + 0.01)
    moved = _scenario(at).contact_points.set_index("id").loc[first["id"]]
    assert moved["status"] == "moved"
    assert moved.geometry.x == pytest.approx(float(first.geometry.x) + 0.02)
    assert at.radio(key=state.SIM_MODE).value == "select"

    at.button(key=state.SIM_DELETE).click().run()
    assert _scenario(at).contact_points.set_index("id").at[first["id"], "status"] == "removed"
    assert _metric(at, "kpi_contact_points_total") == "11"
    at.button(key=state.SIM_RESTORE).click().run()
    assert _scenario(at).contact_points.set_index("id").at[first["id"], "status"] == "existing"


def test_add_by_gcj02_coordinates(workspace: Path) -> None:
    from geodata.coords import gcj02_to_wgs84

    at = _app()
    lon, lat = _empty_spot()
    at.selectbox(key=state.SIM_ADD_KIND).set_value("enterprise")
    at.selectbox(key=state.SIM_COORD_SYSTEM).set_value("gcj02")
    at.number_input(key=state.SIM_COORD_LON).set_value(lon)
    at.number_input(key=state.SIM_COORD_LAT).set_value(lat)
    at.button(key=state.SIM_COORD_ADD).click().run()
    assert not at.exception
    new = _scenario(at).contact_points.iloc[-1]
    x, y = gcj02_to_wgs84([lon], [lat])
    assert new["type"] == "enterprise" and new["status"] == "proposed"
    assert new.geometry.x == pytest.approx(float(x[0]), abs=1e-7)
    assert new.geometry.y == pytest.approx(float(y[0]), abs=1e-7)


def test_optimiser_preview_and_apply(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    at = _app()
    # The speech's numbers conflict with the county minimums on the demo city: the page
    # offers the smallest compliant change first and selects it.
    assert at.radio(key=state.OPT_RESOLUTION).value == "opt:0"
    at.button(key=state.OPT_PREVIEW).click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state[state.OPT_RESULT]
    assert job.done and job.error is None and job.result is not None
    proposal = job.result
    assert proposal.compliant
    assert len(proposal.proposed) > 16  # the speech's 16 plus the extra points needed
    at.button(key=state.OPT_APPLY).click().run()
    assert not at.exception
    scn = _scenario(at)
    assert (scn.contact_points["status"] == "proposed").sum() == len(proposal.proposed)
    assert scn.contact_points["reason"].str.len().gt(0).sum() == len(proposal.proposed)
    assert WorkspaceStore(workspace).exists(scn.name)
    assert _metric(at, "kpi_counties_compliant") == "8"


def test_optimiser_exact_solve_in_background(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from dashboard.simulate import optimise

    # The press does not wait for the outcome: the solve goes on while the page polls
    # (a solve ending within FIRST_WAIT_S is drawn by the press's own run, tested below).
    monkeypatch.setattr(optimise, "FIRST_WAIT_S", 0.0)
    at = _app()
    at.radio(key=state.OPT_RESOLUTION).set_value("relaxed")
    at.number_input(key=state.OPT_TIME_LIMIT).set_value(5).run()
    at.button(key=state.OPT_SOLVE).click().run()
    assert state.OPT_JOB in at.session_state  # running in the background
    deadline = time.monotonic() + 90
    while state.OPT_JOB in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state[state.OPT_RESULT]
    assert job.done and job.error is None
    assert job.result.method == "highs"
    assert job.result.status in ("optimal", "time_limit")
    assert not job.result.compliant  # relaxed: the speech's 16 points cannot meet every minimum
    assert len(job.result.proposed) == 16


def test_a_solve_ending_while_the_press_waits_is_drawn_by_the_press_run(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solve that ends within FIRST_WAIT_S costs one script run: no progress drawn, no
    poll, no second run (each run costs every browser a redraw of the page)."""
    from dashboard.simulate import optimise

    monkeypatch.setattr(optimise, "FIRST_WAIT_S", 600.0)  # never reached: no clock here
    at = _app()
    at.radio(key=state.OPT_RESOLUTION).set_value("relaxed")
    at.number_input(key=state.OPT_TIME_LIMIT).set_value(60).run()
    at.button(key=state.OPT_SOLVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert state.OPT_JOB not in at.session_state
    job = at.session_state[state.OPT_RESULT]
    assert job.done and job.error is None and len(job.result.proposed) == 16
    assert not at.get("progress")  # the progress fragment had nothing to draw
    assert at.button(key=state.OPT_APPLY)  # the proposal is there, ready to adopt
    drawn = {str(p.get("id")) for p in _map_features(at) if "t" in p}
    assert set(job.result.points["id"]) <= drawn  # and on the map, by the same run


def test_second_tier_adds_collection_sites_undoably(workspace: Path) -> None:
    at = _app()
    before = int(_metric(at, "kpi_points_3_5"))
    n_sites = len(_scenario(at).collection_sites)
    at.button(key=state.OPT_SECOND_TIER).click().run()
    assert not at.exception, [e.value for e in at.exception]
    sites = _scenario(at).collection_sites
    added = sites[sites["status"] == "proposed"]
    assert len(added) > 0 and len(sites) == n_sites + len(added)
    assert added["contact_point_id"].astype(str).str.len().gt(0).all()
    assert int(_metric(at, "kpi_points_3_5")) > before
    at.button(key=state.SIM_UNDO).click().run()
    assert len(_scenario(at).collection_sites) == n_sites


def test_upload_adds_points_in_one_edit(workspace: Path) -> None:
    lon, lat = _empty_spot()
    rows = [("新点甲", "农村", lon), ("新点乙", "企业", lon + 0.03)]
    csv = "名称,类型,经度,纬度\n" + "".join(f"{n},{k},{x:.6f},{lat:.6f}\n" for n, k, x in rows)
    at = _app()
    at.file_uploader(key=state.SIM_UPLOAD).upload("新点.csv", csv.encode("utf-8"), "text/csv")
    at.selectbox(key=state.SIM_UPLOAD_LAYER).set_value("contact_points")
    at.run()
    at.button(key=state.SIM_UPLOAD_ADD).click().run()
    assert not at.exception, [e.value for e in at.exception]
    added = _scenario(at).contact_points.iloc[-2:]
    assert list(added["name"]) == ["新点甲", "新点乙"]
    assert list(added["type"]) == ["rural", "enterprise"]
    assert (added["status"] == "proposed").all()
    at.button(key=state.SIM_UNDO).click().run()  # the whole file is one edit
    assert len(_scenario(at).contact_points) == 12


def test_bad_upload_is_reported_not_raised(workspace: Path) -> None:
    at = _app()
    at.file_uploader(key=state.SIM_UPLOAD).upload("坏.csv", b"a,b\n1,2\n", "text/csv")
    at.run()
    at.button(key=state.SIM_UPLOAD_ADD).click().run()
    assert not at.exception
    assert len([e for e in at.error if e.icon == ":material/error:"]) == 1  # the flash message
    assert len(_scenario(at).contact_points) == 12


def test_two_sessions_never_overwrite_each_other(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    first = _app()
    lon, lat = _empty_spot()
    _click(first, lon, lat)  # saves the working scenario
    name = _scenario(first).name
    second = _app(scenario=name)  # another browser opens the same scenario on purpose
    assert _scenario(second).name == name
    _click(first, lon + 0.05, lat)  # the first session saves again
    _click(second, lon - 0.05, lat)  # the second session's save must not overwrite it
    kept = _scenario(second).name
    assert kept != name
    assert at_warning_shown(second)
    store = WorkspaceStore(workspace)
    assert (store.load(name).contact_points["status"] == "proposed").sum() == 2
    assert (store.load(kept).contact_points["status"] == "proposed").sum() == 2
    assert second.session_state[state.SIM_SAVED] == store.load(kept).updated_at


def test_two_new_plans_with_the_same_name_both_keep_their_points(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore
    from dashboard.i18n import t

    first, second = _app(), _app()  # both open the page before either saved anything
    assert _scenario(first).name == _scenario(second).name  # the name was free for both
    name = _scenario(first).name
    lon, lat = _empty_spot()
    _click(first, lon, lat)
    _click(second, lon + 0.05, lat)  # its name was taken meanwhile: saved under a free one
    kept = _scenario(second).name
    assert kept != name
    message = t("sim_saved_free_name", "zh", old=name, name=kept)
    assert any(m.value.replace("\\", "") == message for m in second.info), [
        m.value for m in second.info
    ]
    assert second.text_input(key=state.SIM_NAME).value == kept  # the box follows
    store = WorkspaceStore(workspace)
    assert (store.load(name).contact_points["status"] == "proposed").sum() == 1
    assert (store.load(kept).contact_points["status"] == "proposed").sum() == 1


def at_warning_shown(at: AppTest) -> bool:
    """True when the page shows a warning (the flash message of the save)."""
    return len(at.warning) > 0


def test_cancel_stops_a_running_solve(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel pressed while the exact solve runs: the solve stops with the best plan so far.

    The solver process is held at its first exact-solve progress report (``tests/support/
    solver_hold.py``) until cancel is pressed, so the cancel always lands in a running
    solve, whatever the machine's load; no clock is involved.
    """
    from tests.support.solver_hold import SolveHold

    hold = SolveHold(at="HiGHS")
    hold.patch_pool(monkeypatch)
    at = _app()
    at.radio(key=state.OPT_RESOLUTION).set_value("relaxed")
    at.number_input(key=state.OPT_TIME_LIMIT).set_value(120).run()
    try:
        at.button(key=state.OPT_SOLVE).click().run()
        hold.wait_reached()  # the preview is done, the exact solve has begun
        assert state.OPT_JOB in at.session_state and not at.session_state[state.OPT_JOB].done
        at.button(key=state.OPT_CANCEL).click().run()
        assert at.session_state[state.OPT_JOB].cancel.is_set()
    finally:
        hold.release()
    _wait(at)
    assert not at.exception, [e.value for e in at.exception]
    job = at.session_state[state.OPT_RESULT]
    assert job.done and job.cancel.is_set()
    assert job.cancelled or job.result.status == "cancelled"
    # Held after the preview: the exact solve stops with the preview's plan, not nothing;
    # "cancelled", not "time_limit": the cancel ended it, not its 120 s limit.
    assert not job.cancelled and job.error is None
    assert job.result.status == "cancelled" and len(job.result.proposed) == 16


def _map_overlay(at: AppTest) -> dict[str, dict]:
    """Township overlay features the page sent with the points, by township code.

    Read from st_folium's ``feature_group`` argument (the script of the layers st_folium
    adds to the fixed base map): each overlay feature carries its township ``code``.
    """
    return {p["code"]: p for p in _map_features(at) if "code" in p}


def test_map_recolours_the_townships_an_edit_changed(workspace: Path) -> None:
    from analysis.coverage.api import compute_coverage
    from dashboard.i18n import fmt_share
    from dashboard.map.palette import color_scale
    from geodata.demo.load import load_demo_city

    at = _app()
    assert _map_overlay(at) == {}  # nothing changed yet: nothing sent over the base map
    city = load_demo_city()
    towns = compute_coverage(city).townships
    blind = towns[towns["is_blind_spot"]].sort_values("population", ascending=False).iloc[0]
    where = city.townships.set_index("code").loc[blind["code"], "geometry"]
    where = where.representative_point()
    _click(at, float(where.x), float(where.y))  # a rural point in a blind-spot township
    assert len(_scenario(at).contact_points) == 13
    overlay = _map_overlay(at)
    code = str(blind["code"])
    assert code in overlay, sorted(overlay)
    assert len(overlay) < len(towns) / 4  # a handful, not the whole city
    assert overlay[code]["b"] == 0  # no longer a (hatched) blind spot
    from analysis.plan.scenarios import apply_scenario

    after = compute_coverage(apply_scenario(city, _scenario(at))).townships
    share = float(after.set_index("code").loc[code, "coverage_share"])
    assert share > 0
    assert overlay[code]["c"] == color_scale("coverage_share", []).color(share)  # new class
    assert fmt_share(share) in overlay[code]["tip"]  # the scenario's figure in the tooltip

    at.button(key=state.SIM_UNDO).click().run()  # back to the loaded data: nothing to send
    assert _map_overlay(at) == {}


# --- the scenario lifecycle as a planner goes through it ---------------------------------


def _texts(at: AppTest) -> str:
    """Every message, caption and Markdown text the page shows, joined."""
    parts = [e.value for e in (*at.success, *at.info, *at.warning, *at.error)]
    parts += [e.value for e in (*at.caption, *at.markdown)]
    return "\n".join(str(p) for p in parts)


def _delete_label(at: AppTest) -> str:
    return str(at.button(key=state.SIM_DELETE_SCENARIO).label)


def test_adopted_plan_name_follows_and_rename_says_nothing_false(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore
    from dashboard.i18n import t
    from dashboard.safetext import md_escape

    at = _app()
    _click(at, *_empty_spot())  # the hand-made plan, saved as 我的方案
    first = _scenario(at).name
    at.button(key=state.OPT_PREVIEW).click().run()
    at.button(key=state.OPT_APPLY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    adopted = _scenario(at).name
    assert adopted != first
    assert at.text_input(key=state.SIM_NAME).value == adopted  # the name box follows
    assert _delete_label(at) == t("sim_delete_scenario", "zh", name=md_escape(adopted))
    assert not at.button(key=state.SIM_DELETE_SCENARIO).disabled
    for _ in range(2):  # 保存名称和编制人, twice: no false "name exists", nothing renamed
        at.button(key=state.SIM_APPLY_NAME).click().run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        assert _scenario(at).name == adopted
    assert set(WorkspaceStore(workspace).list_scenarios()["name"]) == {first, adopted}

    # Rename it for real (twice: the second click changes nothing), then save as twice.
    at.text_input(key=state.SIM_NAME).set_value("县里的方案")
    at.text_input(key=state.SIM_AUTHOR).set_value("张三")
    for _ in range(2):
        at.button(key=state.SIM_APPLY_NAME).click().run()
        assert not at.error, [e.value for e in at.error]
    assert _scenario(at).name == "县里的方案" and _scenario(at).author == "张三"
    store = WorkspaceStore(workspace)
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案"}
    at.text_input(key=state.SIM_SAVE_AS_NAME).set_value("备选")
    at.button(key=state.SIM_SAVE_AS).click().run()
    at.button(key=state.SIM_SAVE_AS).click().run()  # the copy exists: no second one
    assert not at.error, [e.value for e in at.error]
    assert _scenario(at).name == "备选"
    assert at.text_input(key=state.SIM_NAME).value == "备选"
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选"}
    at.button(key=state.SIM_SAVE_AS).click().run()  # a third click: still one copy
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选"}
    at.text_input(key=state.SIM_SAVE_AS_NAME).set_value("县里的方案")  # a taken name
    at.button(key=state.SIM_SAVE_AS).click().run()
    assert _scenario(at).name == "县里的方案 (2)"  # a free name, never over another plan
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选", "县里的方案 (2)"}

    # Delete names what it deletes; a second click (before the redraw) deletes nothing more.
    assert _delete_label(at) == t("sim_delete_scenario", "zh", name=md_escape("县里的方案 (2)"))
    at.button(key=state.SIM_DELETE_SCENARIO).click().run()
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选"}
    assert at.button(key=state.SIM_DELETE_SCENARIO).disabled  # a fresh, unsaved plan now
    # The second click of a quick double-click reaches the server before the redraw that
    # disables the button: as if the button were still enabled on an unsaved plan.
    at.session_state[state.SIM_SAVED] = "x"
    at.run()
    at.session_state[state.SIM_SAVED] = ""
    at.button(key=state.SIM_DELETE_SCENARIO).click().run()
    assert not [m.value for m in at.info if "已删除" in str(m.value)]
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选"}
    assert at.text_input(key=state.SIM_NAME).value == _scenario(at).name

    # Open another one (twice), then 新建 twice: names follow, nothing is written.
    at.selectbox(key=state.SIM_PICK).set_value("县里的方案")
    at.button(key=state.SIM_OPEN).click().run()
    at.button(key=state.SIM_OPEN).click().run()
    assert _scenario(at).name == "县里的方案"
    assert at.text_input(key=state.SIM_NAME).value == "县里的方案"
    assert at.text_input(key=state.SIM_AUTHOR).value == "张三"
    at.button(key=state.SIM_NEW).click().run()
    at.button(key=state.SIM_NEW).click().run()
    assert not at.session_state[state.SIM_SAVED]
    assert at.text_input(key=state.SIM_NAME).value == _scenario(at).name
    assert set(store.list_scenarios()["name"]) == {first, "县里的方案", "备选"}
    assert not at.exception


def test_hand_placed_point_breaking_its_site_rule_is_named(workspace: Path) -> None:
    from analysis.standards.load import load_standards
    from analysis.standards.site_rules import placement_warnings
    from dashboard.i18n import t
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    std = load_standards()
    streets = city.townships[city.townships["name"].str.endswith("街道")]
    where = streets.geometry.iloc[0].representative_point()
    at = _app()
    assert t("sim_site_ok", "zh") in _texts(at)  # nothing placed yet: nothing to warn about
    _click(at, float(where.x), float(where.y))  # a rural point in a 街道
    scn = _scenario(at)
    pid = str(scn.contact_points["id"].iloc[-1])
    expected = placement_warnings(city, std.active_site_rules, scn.contact_points.iloc[[-1]])
    rec = expected.iloc[0]
    assert rec["message_zh"] == "农村联系点位于街道社区"
    place = "·".join(x for x in (rec["township_name"], rec["village_name"]) if x)
    line = f"{pid} 农村联系点位于街道社区（{place}）"
    # Shown at once (the edit's message turns into a warning) and in the site-rule box.
    from dashboard.safetext import md_escape

    warnings = [w.value for w in at.warning]
    assert any(md_escape(line) in w for w in warnings), warnings
    assert len([w for w in warnings if md_escape(line) in w]) == 2, warnings
    at.run()  # the message goes, the list stays
    assert [w for w in (x.value for x in at.warning) if md_escape(line) in w]
    at.button(key=state.SIM_UNDO).click().run()
    assert not [w for w in (x.value for x in at.warning) if md_escape(line) in w]
    assert t("sim_site_ok", "zh") in _texts(at)


def test_times_are_local_and_no_server_path_is_shown(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.localtime import local_text

    monkeypatch.setenv("COVERAGE_PLANNER_TZ", "Asia/Shanghai")
    at = _app()
    _click(at, *_empty_spot())
    scn = _scenario(at)
    shown = _texts(at)
    assert f"已自动保存（{local_text(scn.updated_at, '%H:%M:%S')}）" in shown
    assert "UTC" not in shown
    assert str(workspace) not in shown and str(workspace.parent) not in shown
    assert "workspace.gpkg" not in shown
    at.run()  # the list of saved scenarios is drawn above the editor: next run
    labels = [str(o) for o in at.selectbox(key=state.SIM_PICK).options]
    stamp = local_text(at.session_state[state.SIM_SAVED])
    assert len(labels) == 1 and stamp in labels[0] and "UTC" not in labels[0], labels


def _user_dataset():
    from dashboard.services import data as services
    from tests.support.e2e import synthetic_city

    return services.Dataset("u-synthetic0000001", synthetic_city())


def test_uploaded_data_is_kept_with_its_first_scenario_and_reopens_after_restart(
    workspace: Path,
) -> None:
    import streamlit as st

    from analysis.workspace.store import WorkspaceStore
    from dashboard.services import scenarios as sim_services

    data = _user_dataset()
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.USER_DATASET] = data
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    store = WorkspaceStore(workspace)
    assert not store.has_dataset(data.id)  # nothing saved before the first edit
    x0, y0, _, _ = data.city.townships.geometry.iloc[5].bounds
    _click(at, x0 + 0.013, y0 + 0.087)  # a corner of a township, far from every point
    name = _scenario(at).name
    assert store.load(name).dataset_id == data.id
    assert store.has_dataset(data.id)  # the base layers went into the workspace first
    kept = store.load_dataset(data.id)
    assert len(kept.townships) == len(data.city.townships)
    assert len(kept.contact_points) == len(data.city.contact_points)

    # A server restart: nothing in memory. The URL (kept by the browser) reopens it.
    st.cache_resource.clear()
    sim_services._KEPT.clear()
    again = _app(scenario=name)
    assert again.session_state[state.USER_DATASET].id == data.id
    assert _scenario(again).name == name
    assert _metric(again, "kpi_contact_points_total") == str(len(data.city.contact_points) + 1)

    # Or, from the demo city, 打开 lists it with its data's name and switches to that data.
    st.cache_resource.clear()
    fresh = _app()
    assert state.USER_DATASET not in fresh.session_state
    picks = fresh.selectbox(key=state.SIM_PICK)
    assert name in picks.options or any(name in str(o) for o in picks.options)
    picks.set_value(name)
    fresh.button(key=state.SIM_OPEN).click().run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.session_state[state.USER_DATASET].id == data.id
    assert _scenario(fresh).name == name
    assert (_scenario(fresh).contact_points["status"] == "proposed").sum() == 1


def test_pending_proposal_points_are_drawn_dashed_with_a_legend_entry() -> None:
    import json

    from dashboard.i18n import t
    from dashboard.simulate import map as sim_map
    from dashboard.simulate import views as sim_views

    pending = [
        {"id": "OPT-1", "name": "<b>甲村</b>", "type": "rural", "lon": 104.1, "lat": 35.5},
        {"id": "OPT-2", "name": "乙厂", "type": "enterprise", "lon": 104.2, "lat": 35.6},
        {"id": "bad", "name": "无坐标", "type": "rural", "lon": None, "lat": None},
    ]
    fc = sim_map.pending_features(pending, "zh")
    assert [f["geometry"]["coordinates"] for f in fc["features"]] == [[104.1, 35.5], [104.2, 35.6]]
    assert [f["properties"]["t"] for f in fc["features"]] == ["rural", "enterprise"]
    tip = fc["features"][0]["properties"]["tip"]
    assert "&lt;b&gt;甲村&lt;/b&gt;" in tip and "<b>甲村" not in tip  # escaped
    assert t("sim_tip_pending", "zh") in tip
    empty = {k: {"type": "FeatureCollection", "features": []} for k in (
        "points", "radii", "moves", "sites", "homes"
    )}  # fmt: skip

    def script(pending: dict) -> str:
        import folium

        m = folium.Map(tiles=None)
        sim_map.scenario_group(empty, "zh", None, pending).add_to(m)
        return m.get_root().render()

    drawn = script(fc)
    assert "sim-badge pending" in drawn and json.dumps("拟", ensure_ascii=False) in drawn
    assert "OPT-2" in drawn
    # Without pending points nothing of the kind is sent.
    assert "sim-badge pending" not in script(sim_map.pending_features([], "zh"))
    legend = sim_views.map_legend("zh", pending=True)
    assert t("sim_legend_pending", "zh") in legend
    assert t("sim_legend_pending", "zh") not in sim_views.map_legend("zh")


def test_every_workspace_problem_is_said_in_chinese_without_a_path() -> None:
    """Workspace problems reach the page (a failed save, a missing dataset): each code has
    its sentence, so the English message (which names the server's file) is never shown."""
    import ast

    from dashboard.i18n import problem_text
    from dashboard.i18n.problems import PROBLEM_TEXT

    codes: set[str] = set()
    for path in sorted((REPO / "analysis" / "workspace").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if getattr(node.func, "id", getattr(node.func, "attr", "")) not in (
                "problem",
                "_problem",
            ):
                continue
            first = node.args[0]
            for value in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.add(value.value)
    assert {"workspace_busy", "workspace_error", "dataset_not_found"} <= codes
    assert not codes - set(PROBLEM_TEXT), sorted(codes - set(PROBLEM_TEXT))
    for code in codes:
        text = problem_text(code, {}, "The workspace /srv/x/workspace.gpkg is busy.", "zh")
        assert "/srv/x" not in text and "workspace.gpkg" not in text, text


def test_an_unreadable_workspace_is_said_in_words_without_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(blocker / "workspace.gpkg"))
    at = _app()
    from dashboard.i18n.problems import PROBLEM_TEXT

    errors = [str(e.value) for e in at.error]
    assert errors and PROBLEM_TEXT["workspace_error"][0] in errors[0].replace("\\", ""), errors
    shown = _texts(at) + "\n".join(str(d.value) for d in at.dataframe)
    assert str(tmp_path) not in shown and "workspace.gpkg" not in shown


def _wait(at: AppTest, seconds: float = 120) -> None:
    import time

    deadline = time.monotonic() + seconds
    while state.OPT_JOB in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_optimiser_objective_selector(workspace: Path) -> None:
    from dashboard.i18n import t

    at = _app()
    objective = at.radio(key=state.OPT_OBJECTIVE)
    assert objective.value == "balanced"  # the default: coverage + rural + townships
    assert objective.options[0] == t("opt_objective_balanced", "zh")
    assert at.number_input(key=state.OPT_RURAL_WEIGHT).disabled  # population objective only
    objective.set_value("rural").run()
    assert at.number_input(key=state.OPT_RURAL_WEIGHT).disabled  # still not population
    at.button(key=state.OPT_PREVIEW).click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposal = at.session_state[state.OPT_RESULT].result
    assert proposal.objective_kind == "rural" and proposal.compliant
    tables = [d.value for d in at.dataframe if t("opt_col_site", "zh") in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    columns = list(table.columns)
    for key in (
        "opt_col_order", "opt_col_site", "opt_col_township", "col_county", "opt_col_lon",
        "opt_col_lat", "sim_col_kind", "opt_col_reason", "opt_col_gain", "opt_col_alone",
    ):  # fmt: skip
        assert t(key, "zh") in columns
    assert list(table[t("opt_col_gain", "zh")]) == [
        p.newly_covered_population for p in proposal.proposed
    ]
    assert list(table[t("opt_col_township", "zh")]) == [p.township_name for p in proposal.proposed]


def test_optimiser_tradeoff_pick_and_adopt(workspace: Path) -> None:
    from dashboard.i18n import t
    from dashboard.safetext import md_escape

    at = _app()
    assert at.radio(key=state.OPT_RESOLUTION).value == "opt:0"  # the compliant 12/7/3
    at.button(key=state.OPT_TRADEOFF).click().run()
    _wait(at)
    trade = at.session_state[state.OPT_TRADEOFF_RESULT]
    assert trade.done and trade.error is None
    plans = trade.result.plans
    assert len(plans) >= 5
    pick = at.selectbox(key=state.OPT_TRADEOFF_PICK)
    assert len(pick.options) == len(plans)
    pick.set_value(2).run()
    at.button(key=state.OPT_TRADEOFF_USE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposal = at.session_state[state.OPT_RESULT].result
    assert proposal.objective_kind == "tradeoff"
    assert proposal.kpis_after.population_covered == plans[2].covered_population
    assert proposal.kpis_after.rural_population_covered == plans[2].rural_population_covered
    hostile = "![s](http://example.invalid/s.png)"
    at.text_input(key=state.OPT_APPLY_NAME).set_value(hostile).run()
    at.button(key=state.OPT_APPLY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    scn = _scenario(at)
    assert scn.name == hostile
    assert (scn.contact_points["status"] == "proposed").sum() == len(proposal.proposed)
    # the panel now counts from the adopted plan, and says so (the name made inert)
    infos = [i.value for i in at.info]
    assert t("opt_based_on_adopted", "zh", name=md_escape(hostile)) in infos
    assert not any("![s](" in v for v in infos)
    assert state.OPT_RESULT not in at.session_state
    assert state.OPT_TRADEOFF_RESULT not in at.session_state


def test_pending_points_are_the_unadopted_proposal(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    from analysis.optimise.model.request import ProposalRequest
    from analysis.optimise.propose import propose
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario
    from dashboard.services import scenarios as sim_services
    from dashboard.simulate import optimise as sim_optimise
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    scn = baseline_scenario(city, "demo")
    proposal = propose(city, request=ProposalRequest(relaxed=True, method="preview"))
    job = sim_optimise.SolveJob(
        key="k", method="preview", scenario_name=scn.name,
        scenario_key=sim_services.fingerprint(scn), result=proposal, done=True,
    )  # fmt: skip
    monkeypatch.setattr(st, "session_state", {state.OPT_RESULT: job})
    pts = sim_optimise.pending_points(scn)
    assert tuple(pts.columns) == sim_optimise.PENDING_COLUMNS
    assert list(pts["id"]) == list(proposal.points["id"])
    assert pts[["lon", "lat"]].astype(float).notna().all().all()
    edited = add_point(scn, "contact_points", lon=104.6, lat=35.6, type="rural")
    assert sim_optimise.pending_points(edited).empty  # computed on other points: stale
    monkeypatch.setattr(st, "session_state", {})
    assert sim_optimise.pending_points(scn).empty


def _map_features(at: AppTest) -> list[dict]:
    """Properties of every GeoJSON feature st_folium adds to the simulation's base map."""
    import json
    import re

    found: list[str] = []

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                proto = getattr(child, "proto", None)
                if hasattr(proto, "json_args") and "feature_group" in proto.json_args:
                    found.append(json.loads(proto.json_args)["feature_group"] or "")
                walk(child)

    walk(at._tree)
    assert len(found) == 1, "one st_folium map on the page"
    # The layers' features arrive as `window.simSync(map_div, {kind: [features]}, {...});`.
    sent = re.findall(r"window\.simSync\(map_div, (\{.*?\}), \{\w+: function", found[0], re.S)
    assert len(sent) <= 1
    return [
        feat.get("properties", {})
        for blob in sent
        for feats in json.loads(blob).values()
        for feat in feats
    ]


def test_proposal_is_drawn_on_the_map_before_it_is_adopted(workspace: Path) -> None:
    at = _app()
    at.button(key=state.OPT_PREVIEW).click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposal = at.session_state[state.OPT_RESULT].result
    new_ids = set(proposal.points["id"])
    _wait(at)
    at.run()  # the map is drawn above the panel: the next run shows the finished proposal
    drawn = {str(p.get("id")) for p in _map_features(at) if "t" in p}
    assert new_ids <= drawn, "every proposed point is drawn before it is adopted"
    at.button(key=state.OPT_APPLY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    # Adopted: the points are the plan's own now, no pending badge is left.
    from dashboard.simulate import optimise as sim_optimise

    assert sim_optimise.pending_points(_scenario(at)).empty


def test_undo_help_shows_a_point_id_from_a_file_as_text(workspace: Path) -> None:
    """The undo button's help (Markdown) names the edited point: an id from the user's
    file that is Markdown stays text."""
    import dataclasses

    from dashboard.i18n import t
    from dashboard.safetext import md_escape
    from dashboard.services import data as services
    from tests.support.e2e import synthetic_city

    hostile = "![i](http://example.invalid/i.png)"
    city = synthetic_city()
    points = city.contact_points.copy()
    points.loc[0, "id"] = hostile
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.USER_DATASET] = services.Dataset(
        "u-hostile-ids00001", dataclasses.replace(city, contact_points=points)
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state[state.SIM_SELECTED] = f"contact_points:{hostile}"
    at.run()
    at.button(key=state.SIM_DELETE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _scenario(at).contact_points.set_index("id").at[hostile, "status"] == "removed"
    shown = at.button(key=state.SIM_UNDO).help
    assert shown == md_escape(t("sim_label_remove", "zh", id=hostile))
    assert "](" not in shown
