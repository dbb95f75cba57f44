"""AppTest of the 导出 page: a saved scenario exported in several formats for download."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "export.py")
TIMEOUT = 180


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace holding one scenario with a proposed point."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    city = load_demo_city()
    scn = copy_scenario(baseline_scenario(city, "demo"), "导出测试")
    x, y = city.townships.geometry.representative_point().iloc[0].coords[0]
    WorkspaceStore(path).save(add_point(scn, "contact_points", lon=x, lat=y, type="rural"))
    return path


def _work_on(at: object, workspace: Path, name: str, saved: bool = True) -> None:
    """Make ``name`` the session's working scenario, as the simulation page leaves it."""
    from analysis.plan.edits import EditHistory
    from analysis.workspace.store import WorkspaceStore
    from dashboard.services import data as services

    scn = WorkspaceStore(workspace).load(name)
    at.session_state[state.SIM_HISTORY] = EditHistory.start(scn)  # type: ignore[attr-defined]
    at.session_state[state.SIM_SAVED] = scn.updated_at if saved else ""  # type: ignore[attr-defined]
    at.session_state[state.SIM_DATASET] = services.demo_id()  # type: ignore[attr-defined]


def _texts(at: object) -> list[str]:
    """Every Markdown-rendered text of the page (titles, captions, messages)."""
    kinds = ("title", "subheader", "caption", "markdown", "error", "warning", "info", "success")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)]


def test_export_builds_downloads(workspace: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.EXP_FORMATS] = ["geojson", "csv", "xlsx"]
    _work_on(at, workspace, "导出测试")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The scenario worked on in this session is offered first; the baseline is an option.
    assert at.selectbox(key=state.EXP_SCENARIO).value == "导出测试"
    assert len(at.selectbox(key=state.EXP_SCENARIO).options) == 2  # baseline + the saved one
    at.radio(key=state.EXP_COORDS).set_value("wgs84")
    at.button(key=state.EXP_BUILD).click().run()
    assert not at.exception, [e.value for e in at.exception]
    built = at.session_state[state.EXP_FILES]
    assert built["errors"] == []
    assert set(built["files"]) == {"geojson", "csv", "xlsx"}
    name, data = built["files"]["xlsx"]
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    name, data = built["files"]["geojson"]
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        layers = [n for n in zf.namelist() if "contact_points" in n]
        assert layers
        features = json.loads(zf.read(layers[0]))["features"]
    statuses = [f["properties"].get("status") for f in features]
    assert statuses.count("proposed") == 1 and len(features) == 13


def test_export_defaults_to_the_baseline_not_another_sessions_plan(workspace: Path) -> None:
    """Without a saved working scenario in this session, the export starts on the baseline.

    The most recently saved plan may be someone else's; an unsaved fresh copy that happens
    to carry a saved plan's name does not count either.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=state.EXP_SCENARIO).value == "__baseline__"
    again = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    _work_on(again, workspace, "导出测试", saved=False)
    again.run()
    assert again.selectbox(key=state.EXP_SCENARIO).value == "__baseline__"


def test_export_names_are_inert_times_local_no_paths(workspace: Path) -> None:
    """A hostile scenario name stays text; the save time is local; no server path shown."""
    from streamlit.testing.v1 import AppTest

    from analysis.localtime import local_text
    from analysis.plan.scenarios import copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from dashboard.safetext import md_escape

    store = WorkspaceStore(workspace)
    hostile = "![s](http://example.invalid/s.png)"
    saved = store.save(copy_scenario(store.load("导出测试"), hostile, "[作者](http://x.invalid)"))
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.EXP_FORMATS] = ["csv"]
    _work_on(at, workspace, hostile)
    at.run()
    assert at.selectbox(key=state.EXP_SCENARIO).value == hostile
    at.button(key=state.EXP_BUILD).click().run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert any(md_escape(hostile) in text for text in texts)  # the heading names it, escaped
    assert not any("](http" in text for text in texts)  # no image or link syntax left
    assert any(local_text(saved.updated_at) in text for text in texts)
    assert "UTC" not in " ".join(texts) and saved.updated_at not in " ".join(texts)
    assert not any(str(workspace.parent) in text for text in texts)


def test_exports_state_the_standards_the_dashboard_computed_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page's export gets the dashboard's standards (radii, county rule, site rules in
    force), the ones its coverage used, not the exporter's default."""
    import analysis.export
    from analysis.plan.scenarios import baseline_scenario
    from analysis.standards.load import load_standards
    from dashboard.services import data as services
    from dashboard.services import scenarios as sim_services

    ours = load_standards()
    monkeypatch.setattr(services, "standards", lambda: ours)
    seen: dict[str, object] = {}

    def export_scenario(*args: object, **kwargs: object) -> list[Path]:
        seen.update(kwargs)
        out = Path(str(args[5])) / "plan.csv"
        out.write_text("x", encoding="utf-8")
        return [out]

    monkeypatch.setattr(analysis.export, "export_scenario", export_scenario)
    dataset = services.demo_dataset()
    name, data = sim_services.export_files(
        dataset, baseline_scenario(dataset.city, "demo"), "csv", "wgs84"
    )
    assert (name, data) == ("plan.csv", b"x")
    assert seen["standards"] is ours
