"""AppTest of the reach mode switch (覆盖口径): one mode for the session, on every page."""

from __future__ import annotations

import os
import tempfile

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import t
from dashboard.services import data as services
from tests.support.e2e import APP, synthetic_city

TIMEOUT = 180  # the first run imports geopandas/scipy, reads the demo city, builds its roads


@pytest.fixture(autouse=True)
def _cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    # The road reach's disk cache goes to a folder of the test's own.
    monkeypatch.setenv("COVERAGE_PLANNER_CACHE_DIR", tempfile.mkdtemp(prefix="reach-app-"))


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def _coverage_card(at: AppTest) -> str:
    cards = {m.label: m.value for m in at.metric}
    return str(cards[t("kpi_coverage_share", "zh")])


def test_demo_starts_in_radius_mode_and_offers_road() -> None:
    at = _app()
    assert not at.exception
    switch = at.radio(key=state.REACH_MODE)
    assert switch.value == "radius"
    assert list(switch.options) == [t("reach_radius", "zh"), t("reach_road", "zh")]
    assert not switch.disabled
    minutes = t("measure_nearest_point_minutes", "zh")
    assert minutes not in at.selectbox(key=state.MAP_MEASURE).options


def test_road_mode_changes_the_kpis_and_persists_across_pages() -> None:
    at = _app()
    at.switch_page("views/kpis.py").run()
    radius = _coverage_card(at)
    at.radio(key=state.REACH_MODE).set_value("road").run()
    assert not at.exception
    road = _coverage_card(at)
    assert road != radius  # 17.7 % by road against 20.4 % by the radius on the demo
    for page in ("views/map.py", "views/simulate.py", "views/compare.py", "views/kpis.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.session_state[state.REACH_MODE] == "road", page
        assert at.radio(key=state.REACH_MODE).value == "road", page
    assert _coverage_card(at) == road
    at.radio(key=state.REACH_MODE).set_value("radius").run()
    assert _coverage_card(at) == radius


def test_map_page_in_road_mode_offers_minutes_and_roads() -> None:
    at = _app()
    at.radio(key=state.REACH_MODE).set_value("road").run()
    assert not at.exception
    measure = at.selectbox(key=state.MAP_MEASURE)
    assert t("measure_nearest_point_minutes", "zh") in measure.options
    assert "roads" in at.session_state[state.MAP_LAYERS]
    measure.set_value("nearest_point_minutes").run()
    assert not at.exception
    legend = "".join(h.proto.body for h in at.get("html") if "cp-legend" in h.proto.body)
    title = t("legend_service_area", "zh", mode=t("travel_drive", "zh"), minutes="20")
    assert title in legend
    assert t("measure_nearest_point_minutes", "zh") in legend
    # Back to the radius: the minutes are gone, the measure falls back to coverage.
    at.radio(key=state.REACH_MODE).set_value("radius").run()
    assert not at.exception
    minutes = t("measure_nearest_point_minutes", "zh")
    assert minutes not in at.selectbox(key=state.MAP_MEASURE).options
    assert at.session_state[state.MAP_MEASURE] == "coverage_share"


def test_switch_is_disabled_without_roads() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    city = synthetic_city()
    assert city.roads is None
    at.session_state[state.USER_DATASET] = services.Dataset("u-noroads", city)
    at.session_state[state.REACH_MODE] = "road"
    at.run()
    assert not at.exception
    switch = at.radio(key=state.REACH_MODE)
    assert switch.disabled
    assert switch.value == "radius"
    assert switch.help == t("reach_no_roads", "zh")


def test_environment_cache_dir_is_set() -> None:
    assert os.environ["COVERAGE_PLANNER_CACHE_DIR"]


def test_optimiser_plans_on_travel_time_in_road_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """services.standards() gives the session's reach: the optimiser's proposal is measured
    by road (its KPIs differ from the same request's by the radius)."""
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(tempfile.mkdtemp()) + "/ws.gpkg")
    shares: dict[str, object] = {}
    for mode in ("radius", "road"):
        at = _app()
        at.radio(key=state.REACH_MODE).set_value(mode).run()
        at.switch_page("views/simulate.py").run()
        assert not at.exception
        at.button(key=state.OPT_PREVIEW).click().run()
        assert not at.exception, [e.value for e in at.exception]
        job = at.session_state[state.OPT_RESULT]
        assert job.done and job.error is None and job.result is not None, job.error
        shares[mode] = job.result.kpis_after
        assert job.result.kpis_after.reach_mode == mode
    assert shares["road"].coverage_share != shares["radius"].coverage_share
