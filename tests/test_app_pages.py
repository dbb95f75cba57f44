"""AppTest for every page of the dashboard: no exception, widgets by key, language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import t
from tests.support.e2e import APP

TIMEOUT = 120  # the first run imports geopandas/scipy and reads the demo city


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return at.run()


def _keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in getattr(at, kind) if w.key}


def _county_table(at: AppTest) -> str:
    tables = [h.proto.body for h in at.get("html") if "<table class='cp-county'>" in h.proto.body]
    assert len(tables) == 1
    return str(tables[0])


@pytest.fixture(scope="module")
def app() -> AppTest:
    """One app session shared by the read-only page tests."""
    return _app()


def test_map_page_is_default_and_has_its_controls(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == t("map_title", "zh")
    assert {state.MAP_MEASURE, state.MAP_COUNTY, state.MAP_BASEMAP} <= _keys(app, "selectbox")
    assert app.session_state[state.MAP_MEASURE] == "coverage_share"
    assert app.radio(key=state.LANG).value == "zh"
    assert "contact_points" in app.session_state[state.MAP_LAYERS]


def test_map_page_every_measure_and_a_county() -> None:
    at = _app()
    for measure in ("population", "rural_share", "uncovered_population", "coverage_share"):
        at.selectbox(key=state.MAP_MEASURE).set_value(measure).run()
        assert not at.exception, measure
    county = at.selectbox(key=state.MAP_COUNTY).options[1]
    at.selectbox(key=state.MAP_COUNTY).set_value(county).run()
    assert not at.exception
    assert at.session_state[state.MAP_COUNTY] == county
    # Tianditu without a key in secrets asks for one; layers can all be switched off.
    at.selectbox(key=state.MAP_BASEMAP).set_value("tianditu").run()
    assert not at.exception
    assert state.MAP_TIANDITU_KEY in _keys(at, "text_input")
    at.session_state[state.MAP_LAYERS] = []
    at.run()
    assert not at.exception


def test_language_switch_to_english_and_back() -> None:
    at = _app()
    at.selectbox(key=state.MAP_MEASURE).set_value("population").run()
    at.radio(key=state.LANG).set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("map_title", "en")
    # The widget shows the kept choice in the new language (AppTest's own selectbox
    # wrapper caches the old formatted value, so read the protos).
    protos = {w.proto.label: w.proto for w in at.get("selectbox")}
    assert protos[t("measure_label", "en")].raw_value == t("measure_population", "en")
    assert at.session_state[state.MAP_MEASURE] == "population"  # choices survive the switch
    at.radio(key=state.LANG).set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == t("map_title", "zh")
    assert at.session_state[state.MAP_MEASURE] == "population"


def test_every_text_key_has_both_languages() -> None:
    from dashboard.i18n.problems import PROBLEM_TEXT
    from dashboard.i18n.text import TEXT

    for table in (TEXT, PROBLEM_TEXT):
        for key, (zh, en) in table.items():
            assert zh.strip(), key
            assert en.strip() or key.startswith("unit_"), key


def test_kpi_page_cards_and_presentation_mode() -> None:
    at = _app()
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    assert at.title[0].value == t("kpi_title", "zh")
    assert state.KPI_PRESENTATION_TOGGLE in _keys(at, "toggle")
    labels = [m.label for m in at.metric]
    assert t("kpi_coverage_share", "zh") in labels
    assert t("kpi_adoption_rate", "zh") in labels
    # The county table is HTML (every county, no inner scroll, no CSV download), not a grid.
    assert _county_table(at).count("<tr class='cp-") == 8
    assert not any(m.delta for m in at.metric)  # no scenario chosen: nothing to compare
    at.toggle(key=state.KPI_PRESENTATION_TOGGLE).set_value(True).run()
    assert not at.exception
    assert at.session_state[state.PRESENTATION] is True
    assert state.KPI_EXIT_PRESENTATION in _keys(at, "button")
    assert state.LANG not in _keys(at, "radio")  # no sidebar controls when presenting
    at.button(key=state.KPI_EXIT_PRESENTATION).click().run()
    assert not at.exception
    assert at.session_state[state.PRESENTATION] is False


def test_kpi_and_data_pages_in_english() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[state.LANG] = "en"
    at.run()
    assert at.title[0].value == t("map_title", "en")
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    assert t("kpi_coverage_share", "en") in [m.label for m in at.metric]
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert at.title[0].value == t("data_title", "en")


def test_data_page_controls() -> None:
    at = _app()
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert at.title[0].value == t("data_title", "zh")
    assert {state.DATA_CHECK, state.DATA_BACK_TO_DEMO} <= _keys(at, "button")
    assert state.DATA_COORD_SYSTEM in _keys(at, "radio")
    assert state.DATA_CITY_NAME in _keys(at, "text_input")
    # Checking without files asks for the township boundaries.
    at.button(key=state.DATA_CHECK).click().run()
    assert not at.exception
    assert at.warning[0].value == t("data_no_townships", "zh")
    at.button(key=state.DATA_BACK_TO_DEMO).click().run()
    assert not at.exception


def test_pages_on_a_user_dataset() -> None:
    from dashboard.services import data as services
    from tests.support.e2e import synthetic_city

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[state.USER_DATASET] = services.Dataset("u-test", synthetic_city())
    at.run()
    assert not at.exception
    assert at.selectbox(key=state.MAP_COUNTY).options[1:] == [
        "东城区",
        "北岭县",
        "南山县",
        "西城区",
    ]
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    at.switch_page("views/data.py").run()
    at.button(key=state.DATA_BACK_TO_DEMO).click().run()
    assert not at.exception
    assert state.USER_DATASET not in at.session_state


@pytest.fixture()
def saved_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A workspace with one saved plan of the demo city: 4 rural points in 黄川县's villages."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    city = load_demo_city()
    scn = copy_scenario(baseline_scenario(city, "demo"), "农村加密方案", "李四")
    towns = city.townships[city.townships["county"] == "黄川县"]
    for geom in towns.geometry.representative_point().iloc[:4]:
        scn = add_point(scn, "contact_points", lon=geom.x, lat=geom.y, type="rural")
    WorkspaceStore(path).save(scn)
    return scn.name


def test_kpi_page_shows_a_saved_scenario_against_the_base(saved_plan: str) -> None:
    """Base vs a chosen scenario: every card before -> after with its delta, the scenario's
    county table, kept into presentation mode (where the choice can still be changed)."""
    from analysis.localtime import local_text
    from analysis.workspace.store import WorkspaceStore, default_workspace_path

    at = _app()
    at.switch_page("views/kpis.py").run()
    pick = at.selectbox(key=state.KPI_SCENARIO)
    assert pick.value == state.KPI_BASE and saved_plan in pick.options
    before_table = _county_table(at)
    pick.set_value(saved_plan).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m for m in at.metric}
    rural = metrics[t("ptype_rural", "zh")]
    assert rural.value == "8" and rural.delta == "+4"
    points = metrics[t("kpi_contact_points_total", "zh")]
    assert points.value == "16" and points.delta == "+4"
    assert metrics[t("kpi_rural_coverage_share", "zh")].delta.startswith("+")
    details = [c.value for c in at.caption]
    assert any(d.startswith(t("kpi_before_after", "zh", before="12", after="16")) for d in details)
    saved = WorkspaceStore(default_workspace_path()).load(saved_plan)
    assert any(local_text(saved.updated_at) in d and "李四" in d for d in details)
    table = _county_table(at)
    assert table != before_table and table.count("<tr class='cp-") == 8
    row = re.search(r"<th scope='row'>黄川县</th>(.*?)</tr>", table)
    assert row and "4 / 2" in row.group(1) and "<span class='cp-d'>+4</span>" in row.group(1)

    at.toggle(key=state.KPI_PRESENTATION_TOGGLE).set_value(True).run()
    assert not at.exception
    assert at.selectbox(key=state.KPI_SCENARIO).value == saved_plan  # kept
    assert _county_table(at) == table
    at.selectbox(key=state.KPI_SCENARIO).set_value(state.KPI_BASE).run()
    assert not at.exception
    assert _county_table(at) == before_table
    assert not any(m.delta for m in at.metric)
