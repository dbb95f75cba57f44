"""AppTest of the 方案模拟 page: edits by click and by coordinates, undo/redo, auto-save,
restore after a refresh, the optimiser preview and exact solve, applying a proposal."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "sim_pages" / "simulate.py")
TIMEOUT = 120


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace file for each test (``COVERAGE_PLANNER_WORKSPACE``)."""
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    return path


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
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

    from geodata.demo import load_demo_city

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
    from analysis.workspace import WorkspaceStore

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


def test_restored_after_refresh(workspace: Path) -> None:
    at = _app()
    lon, lat = _empty_spot()
    _click(at, lon, lat)
    name = _scenario(at).name
    again = _app()  # a new session, as after a browser refresh or a server restart
    assert _scenario(again).name == name
    assert _metric(again, "kpi_contact_points_total") == "13"
    assert again.session_state[state.SIM_SAVED]


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
    from analysis.workspace import WorkspaceStore

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


def test_optimiser_exact_solve_in_background(workspace: Path) -> None:
    import time

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
    from analysis.workspace import WorkspaceStore

    first = _app()
    lon, lat = _empty_spot()
    _click(first, lon, lat)  # saves the working scenario
    name = _scenario(first).name
    second = _app()  # another browser opens the same (most recent) scenario
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


def at_warning_shown(at: AppTest) -> bool:
    """True when the page shows a warning (the flash message of the save)."""
    return len(at.warning) > 0


def test_cancel_stops_a_running_solve(workspace: Path) -> None:
    import time

    at = _app()
    at.radio(key=state.OPT_RESOLUTION).set_value("relaxed")
    at.number_input(key=state.OPT_TIME_LIMIT).set_value(120).run()
    at.button(key=state.OPT_SOLVE).click().run()
    started = time.monotonic()
    at.button(key=state.OPT_CANCEL).click().run()
    while state.OPT_JOB in at.session_state and time.monotonic() - started < 60:
        time.sleep(0.3)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert time.monotonic() - started < 60  # far below the 120 s time limit
    job = at.session_state[state.OPT_RESULT]
    assert job.done and job.cancel.is_set()
    assert job.cancelled or job.result.status == "cancelled"


def _map_overlay(at: AppTest) -> dict[str, dict]:
    """Township overlay features the page sent with the points, by township code.

    Read from st_folium's ``feature_group`` argument (the script of the layers st_folium
    adds to the fixed base map): each overlay feature carries its township ``code``.
    """
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
    out: dict[str, dict] = {}
    # Every GeoJSON layer's data is added as `geo_json_..._add({...});` in the script.
    for blob in re.findall(r"_add\((\{.*?\})\);", found[0], flags=re.S):
        for feat in json.loads(blob).get("features", []):
            if "code" in feat.get("properties", {}):
                out[feat["properties"]["code"]] = feat["properties"]
    return out


def test_map_recolours_the_townships_an_edit_changed(workspace: Path) -> None:
    from analysis.coverage import compute_coverage
    from dashboard.i18n import fmt_share
    from dashboard.palette import color_scale
    from geodata.demo import load_demo_city

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
    from analysis.scenarios import apply_scenario

    after = compute_coverage(apply_scenario(city, _scenario(at))).townships
    share = float(after.set_index("code").loc[code, "coverage_share"])
    assert share > 0
    assert overlay[code]["c"] == color_scale("coverage_share", []).color(share)  # new class
    assert fmt_share(share) in overlay[code]["tip"]  # the scenario's figure in the tooltip

    at.button(key=state.SIM_UNDO).click().run()  # back to the loaded data: nothing to send
    assert _map_overlay(at) == {}


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

    from analysis.edits import add_point
    from analysis.optimise.propose import propose
    from analysis.optimise.request import ProposalRequest
    from analysis.scenarios import baseline_scenario
    from dashboard import sim_optimise, sim_services
    from geodata.demo import load_demo_city

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
