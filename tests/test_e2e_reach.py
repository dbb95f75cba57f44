"""End to end: road travel time (覆盖口径) on the demo city in a real browser (#13).

Starts the app as ``scripts/start.sh`` does on a free port with a temporary workspace and
reach cache, drives Debian's Chromium with every request outside localhost blocked, and:

1. on 地图, switches the sidebar's 覆盖口径 to 道路通行时间: the coverage in the side panel
   changes, the map draws service areas (SVG paths of class ``cp-service-area``, the road
   stretches each point reaches) instead of circles, and the legend says what they are;
2. moves to 方案模拟 (the mode stays) and clicks a road far from every point: the contact
   point card goes up by one and the new point's service area is drawn with the others.

No timing is asserted (``/tmp`` scripts measured the click, see the report). Screenshots:
``artifacts/e2e_reach_*.png``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from dashboard import state
from dashboard.i18n import t
from tests.support.browser import blocked_context, chromium, running_app
from tests.support.e2e import (
    MAP_FRAME,
    click_xy,
    metric_value,
    sim_map_frame,
    wait_idle,
)

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")
CP_LABEL = t("kpi_contact_points_total", "zh")
#: Bound of every wait (seconds): generous for a loaded 2-core machine (the first road
#: coverage builds the demo's road graph).
WAIT_S = 180.0
_AREAS_JS = "(cls) => document.querySelectorAll('path.' + cls).length"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"COVERAGE_PLANNER_CACHE_DIR": tempfile.mkdtemp(prefix="e2e-reach-")}
    with running_app(tmp_path_factory.mktemp("e2e_reach"), env, wait_s=WAIT_S) as a:
        yield a.url


@pytest.fixture()
def page_and_blocked(app: str) -> Iterator[tuple[Any, list[str]]]:
    with chromium() as browser:
        context, blocked = blocked_context(browser, 1440, 1400)
        try:
            yield context.new_page(), blocked
        finally:
            context.close()


def _until(what: str, check: Callable[[], Any], timeout: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception:  # noqa: BLE001 - a frame may be replaced while we ask
            last = None
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} not seen in {timeout:.0f} s (last: {last!r})")


def _areas(page: Any, cls: str) -> int:
    frame = sim_map_frame(page)
    return int(frame.evaluate(_AREAS_JS, cls)) if frame is not None else 0


def _road_spots(city: Any, n: int) -> list[tuple[float, float]]:
    """Middles of roads, the farthest from every point, site and home first."""
    layers = (city.contact_points, city.collection_sites, city.homes)
    pts = np.concatenate([np.c_[g.geometry.x.to_numpy(), g.geometry.y.to_numpy()] for g in layers])
    roads = city.roads[city.roads["road_class"].isin(["county", "township", "village"])]
    # Half-way along each line (in degrees: a display choice, not a distance).
    mids = shapely.line_interpolate_point(roads.geometry.values, 0.5, normalized=True)
    far = [
        (float(np.min(np.hypot(pts[:, 0] - p.x, pts[:, 1] - p.y))), p.x, p.y)
        for p in mids
        if p is not None and not p.is_empty
    ]
    return [(x, y) for _, x, y in sorted(far, reverse=True)[:n]]


def _sidebar_reach(page: Any, mode: str) -> None:
    page.locator(f".st-key-{state.REACH_MODE}").get_by_text(t(f"reach_{mode}", "zh")).click()


def test_road_mode_draws_service_areas_and_a_click_adds_one(
    app: str, page_and_blocked: tuple[Any, list[str]], artifacts_dir: Path
) -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    page, blocked = page_and_blocked
    page.goto(app)
    page.wait_for_selector(MAP_FRAME, timeout=WAIT_S * 1000)
    wait_idle(page, WAIT_S * 1000)
    panel = page.locator("[data-testid=stMain]")
    assert t("reach_caption_radius", "zh") in panel.inner_text()
    assert _areas(page, "cp-service-area") == 0  # circles in radius mode

    _sidebar_reach(page, "road")
    _until("the road mode's caption", lambda: t("reach_caption_road", "zh") in panel.inner_text())
    areas = _until("service areas on the map", lambda: _areas(page, "cp-service-area"))
    assert areas >= len(city.contact_points) - 2  # a point off the roads may reach none
    wait_idle(page, WAIT_S * 1000)
    legend = t("legend_service_area", "zh", mode=t("travel_drive", "zh"), minutes="20")
    assert legend in panel.inner_text()
    page.screenshot(path=str(artifacts_dir / "e2e_reach_map.png"))

    # 方案模拟 by the sidebar (one session): the mode stays, the scenario's points get areas.
    page.locator("[data-testid=stSidebarNav] a", has_text=t("nav_simulate", "zh")).click()
    before = _until("the simulation map's service areas", lambda: _areas(page, "sim-service-area"))
    wait_idle(page, WAIT_S * 1000)
    assert page.locator(f".st-key-{state.REACH_MODE} input[type=radio]").nth(1).is_checked()
    n0 = _until("the contact points card", lambda: metric_value(page, CP_LABEL))
    spots = [(lon, lat, click_xy(page, lon, lat)) for lon, lat in _road_spots(city, 40)]
    visible = [xy for _, _, xy in spots if xy is not None]
    assert visible, "no road far from the points is visible on the map"
    page.mouse.click(*visible[0])
    _until("one contact point more", lambda: metric_value(page, CP_LABEL) == n0 + 1)
    _until("the new point's service area", lambda: _areas(page, "sim-service-area") > before)
    wait_idle(page, WAIT_S * 1000)
    page.screenshot(path=str(artifacts_dir / "e2e_reach_sim.png"))
    assert not blocked, blocked
