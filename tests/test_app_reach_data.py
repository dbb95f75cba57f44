"""The road layer on the data page: upload with the other layers, problems in Chinese, the
network summary, road reach switched on for the data, kept in the workspace (#13)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import problem_text, t
from dashboard.services import data as services
from dashboard.services import importer
from dashboard.services import roads as road_services
from dashboard.widgets.road_summary import classes_frame, places_frame
from geodata.demo.load import load_demo_city
from tests.support.e2e import APP

TIMEOUT = 180


@pytest.fixture(autouse=True)
def _cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVERAGE_PLANNER_CACHE_DIR", tempfile.mkdtemp(prefix="reach-data-"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo city's townships, villages, points and roads as a user's files."""
    city = load_demo_city()
    root = tmp_path_factory.mktemp("road_uploads")
    out = {}
    for layer in ("townships", "villages", "contact_points", "roads"):
        path = root / f"{layer}.gpkg"
        getattr(city, layer).to_file(path, driver="GPKG")
        out[layer] = path
    bad = root / "道路.csv"
    bad.write_text("name,road_class\nG1,国道\n", encoding="utf-8")
    out["bad_roads"] = bad
    return out


def _upload(layer: str, path: Path) -> importer.Upload:
    return importer.save_upload(layer, path.name, path.read_bytes())


def test_road_layer_is_offered_and_read_with_the_other_layers(files: dict[str, Path]) -> None:
    assert "roads" in state.UPLOAD_LAYERS
    assert set(importer.accepted_types("roads")) == {"gpkg", "geojson", "json", "zip", "kml", "kmz"}
    ups = {k: _upload(k, files[k]) for k in ("townships", "villages", "contact_points", "roads")}
    result = importer.check(ups, {}, "wgs84", "路网市")
    assert result.ok, [p.code for p in result.errors]
    assert result.counts["roads"] == 2380
    assert result.city is not None and len(result.city.roads) == 2380
    assert services.has_roads(services.Dataset(result.dataset_id, result.city))
    # Without the road file the same data has no roads (another id).
    plain = importer.check({k: v for k, v in ups.items() if k != "roads"}, {}, "wgs84", "路网市")
    assert plain.ok and plain.city.roads is None and plain.dataset_id != result.dataset_id


def test_a_table_for_roads_is_refused_in_chinese_naming_the_file(files: dict[str, Path]) -> None:
    ups = {
        "townships": _upload("townships", files["townships"]),
        "roads": _upload("roads", files["bad_roads"]),
    }
    result = importer.check(ups, {}, "wgs84", "路网市")
    assert not result.ok
    bad = [p for p in result.errors if p.code == "table_for_line_layer"]
    assert bad and bad[0].source == "道路.csv"
    text = problem_text(bad[0].code, dict(bad[0].params or {}), bad[0].message, "zh")
    assert "不能是 CSV/Excel 表格" in text


def test_network_summary_of_the_demo_roads(files: dict[str, Path]) -> None:
    city = load_demo_city()
    summary = road_services.road_summary("demo-test", city)
    assert summary is not None
    assert summary.lines == 2380 and summary.pieces >= 1
    assert int(summary.classes["lines"].sum()) == 2380
    assert summary.length_km == pytest.approx(summary.classes["length_km"].sum())
    # Villages off the network are listed, farthest first, never dropped.
    off = summary.places[summary.places["issue"] == "off"]
    assert summary.off_network == int((off["kind"] == "village").sum()) > 0
    assert off["distance_m"].is_monotonic_decreasing
    assert (off["distance_m"] > summary.max_offroad_m).all()
    zh = classes_frame(summary, "zh")
    assert list(zh.columns) == [
        t("roads_col_class", "zh"),
        t("roads_col_lines", "zh"),
        t("roads_col_km", "zh"),
        t("roads_col_speed", "zh"),
    ]
    assert "村道" in set(zh[t("roads_col_class", "zh")])
    places = places_frame(summary, "en")
    assert set(places[t("roads_col_issue", "en")]) <= {
        t("roads_issue_off", "en"),
        t("roads_issue_piece", "en"),
    }
    assert road_services.road_summary("none", load_demo_city_without_roads()) is None


def load_demo_city_without_roads() -> object:
    import dataclasses

    return dataclasses.replace(load_demo_city(), roads=None)


def test_user_data_with_roads_on_the_pages(files: dict[str, Path]) -> None:
    ups = {k: _upload(k, files[k]) for k in ("townships", "villages", "contact_points", "roads")}
    result = importer.check(ups, {}, "wgs84", "路网市")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[state.USER_DATASET] = services.Dataset(result.dataset_id, result.city)
    at.session_state[state.REACH_MODE] = "road"  # what 使用此数据 sets for data with roads
    at.run()
    assert not at.exception
    switch = at.radio(key=state.REACH_MODE)
    assert not switch.disabled and switch.value == "road"
    assert t("measure_nearest_point_minutes", "zh") in at.selectbox(key=state.MAP_MEASURE).options
    at.switch_page("views/data.py").run()
    assert not at.exception
    at.toggle(key=state.DATA_ROADS_SHOW).set_value(True).run()
    assert not at.exception
    assert at.subheader[-1].value == t("roads_title", "zh")
    assert len(at.dataframe) >= 2  # classes, and the villages off the network
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    assert at.session_state[state.REACH_MODE] == "road"
