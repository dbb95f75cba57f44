"""AppTest of the 导出 page: a saved scenario exported in several formats for download."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "sim_pages" / "export.py")
TIMEOUT = 180


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace holding one scenario with a proposed point."""
    from analysis.edits import add_point
    from analysis.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace import WorkspaceStore
    from geodata.demo import load_demo_city

    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    city = load_demo_city()
    scn = copy_scenario(baseline_scenario(city, "demo"), "导出测试")
    x, y = city.townships.geometry.representative_point().iloc[0].coords[0]
    WorkspaceStore(path).save(add_point(scn, "contact_points", lon=x, lat=y, type="rural"))
    return path


def test_export_builds_downloads(workspace: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.EXP_FORMATS] = ["geojson", "csv", "xlsx"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The most recently updated saved scenario is offered first; the baseline is an option.
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
