"""End to end on the 方案模拟 simulation page: a click on the map adds a point, undo removes it.

Starts the app as ``scripts/start.sh`` does (``python -m dashboard.launch``) on a free port
with a temporary workspace (``COVERAGE_PLANNER_WORKSPACE``), drives Debian's Chromium with
every request outside localhost blocked, and on the demo city:

1. opens 方案模拟, chooses 企业 (enterprise) in 新增类型;
2. clicks an empty spot of the map (inside a township, far from every point): the KPI card
   "基层立法联系点" (contact points total) goes up by one, the new point's badge is drawn
   in the map (st_folium's ``feature_group_to_add``, in an enterprise point's colour, marked
   proposed) without a new map document, and the scenario is saved with it;
   The township under the new point (its point count changed) is redrawn over the base
   map with the scenario's figures (``dashboard.simulate.overlay``), in a colour of the legend;
3. presses 撤销 (undo): the card, the map and the saved scenario are back as before (no
   township drawn over the base map any more).

No timing is asserted (``bench/ui.py`` measures the click). Screenshots:
``artifacts/e2e_sim_*.png``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from dashboard.i18n import point_type_label, t
from dashboard.map.palette import POINT_STYLE, color_scale
from dashboard.simulate import overlay as sim_overlay
from tests.support.browser import blocked_context, chromium, running_app, until
from tests.support.e2e import (
    MAP_FRAME,
    click_xy,
    empty_spots,
    metric_value,
    sim_map_counts,
    sim_map_frame,
    wait_idle,
)

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

KIND = "enterprise"
CP_LABEL = t("kpi_contact_points_total", "zh")
#: Bound of every wait (seconds): generous for a loaded 2-core machine; the test fails
#: (never hangs) beyond it.
WAIT_S = 60.0


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a free port with a workspace of its own; yields url, workspace, log."""
    with running_app(tmp_path_factory.mktemp("e2e_sim")) as a:
        yield {"url": a.url, "workspace": a.workspace, "log": a.log}


@pytest.fixture()
def page_and_blocked(app: dict[str, Any]) -> Iterator[tuple[Any, list[str]]]:
    with chromium() as browser:
        context, blocked = blocked_context(browser, 1440, 1400)
        try:
            yield context.new_page(), blocked
        finally:
            context.close()


_until = functools.partial(until, timeout=WAIT_S)


def _shown(page: Any) -> tuple[int | None, dict[str, int]]:
    """(contact points card value, map counts) as the page shows them now."""
    return metric_value(page, CP_LABEL), sim_map_counts(page)


def _wait_shown(page: Any, what: str, points: int, badges: int) -> None:
    """Wait until the card shows ``points`` contact points and the map ``badges`` badges."""

    def check() -> bool:
        n, counts = _shown(page)
        return n == points and counts.get("badges") == badges

    _until(what, check)


def _saved_proposed(workspace: Path) -> list[list[tuple[float, float]]]:
    """Per scenario saved in the workspace: where its proposed contact points are."""
    from analysis.workspace.store import WorkspaceStore

    if not workspace.exists():
        return []
    store = WorkspaceStore(workspace)
    out = []
    for name in store.list_scenarios()["name"]:
        cp = store.load(name).contact_points
        new = cp[cp["status"] == "proposed"]
        out.append([(float(g.x), float(g.y)) for g in new.geometry])
    return out


#: In the map iframe: where the proposed points' badges are (``[lon, lat]``).
_PROPOSED_AT_JS = """() => {
    const out = [];
    window.map.eachLayer((l) => {
        if (l instanceof L.Marker && l.feature && l.feature.properties.s === 'proposed') {
            out.push([l.getLatLng().lng, l.getLatLng().lat]);
        }
    });
    return out;
}"""
#: How far (degrees) the new point may lie from the place clicked: a few pixels of the
#: whole-city view.
NEAR_DEG = 0.02


#: In the map iframe: township code -> fill of the townships drawn over the base map.
_OVERLAY_JS = """() => {
    const out = {};
    window.map.eachLayer((l) => {
        if (l.feature && l.feature.properties && l.feature.properties.code && l.options) {
            out[l.feature.properties.code] = l.options.fillColor;
        }
    });
    return out;
}"""


def _overlay(page: Any) -> dict[str, str]:
    return dict(sim_map_frame(page).evaluate(_OVERLAY_JS))


def _button(page: Any, key: str) -> Any:
    """The visible button of widget ``key`` (with ``help=``, Streamlit draws a hidden copy)."""
    return page.locator(f".st-key-{key} button").filter(visible=True)


def _proposed_badges(page: Any) -> list[str]:
    """Inline style of every proposed point's badge in the map."""
    frame = sim_map_frame(page)
    return list(
        frame.evaluate(
            "() => [...document.querySelectorAll('.leaflet-marker-pane .sim-badge.st-proposed')]"
            ".map(e => e.getAttribute('style') || '')"
        )
    )


def test_click_on_the_map_adds_a_point_and_undo_removes_it(
    app: dict[str, Any], page_and_blocked: tuple[Any, list[str]], artifacts_dir: Path
) -> None:
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    page, blocked = page_and_blocked
    page.goto(app["url"] + "/simulate")
    # The points are drawn with the page's script, the base layers (townships) once their
    # static file has been fetched: wait for both.
    _until(
        "the KPI cards, the map's points and its townships",
        lambda: (
            lambda shown: (
                shown[0] is not None
                and bool(shown[1].get("badges"))
                and shown[1].get("paths", 0) >= len(city.townships)
            )
        )(_shown(page)),
    )
    wait_idle(page)
    n0, counts0 = _shown(page)
    assert n0 == len(city.contact_points)
    assert _overlay(page) == {}  # the loaded data: nothing over the base map
    # Every contact point and home has its badge; a fresh scenario proposes nothing yet.
    assert counts0["badges"] == len(city.contact_points) + len(city.homes)
    assert counts0["proposed"] == 0
    assert counts0["paths"] >= len(city.townships)
    assert not _button(page, state.SIM_UNDO).is_enabled()

    # 新增类型: an enterprise contact point.
    label = point_type_label(KIND, "zh") + t("sim_point_suffix", "zh")
    page.locator(f".st-key-{state.SIM_ADD_KIND} button[aria-haspopup='listbox']").click()
    page.get_by_role("option", name=label, exact=True).click()
    page.wait_for_timeout(300)
    wait_idle(page)
    assert page.locator(f".st-key-{state.SIM_ADD_KIND} input").input_value() == label
    page.screenshot(path=str(artifacts_dir / "e2e_sim_before.png"))

    spots = [(lon, lat, click_xy(page, lon, lat)) for lon, lat in empty_spots(city, 12)]
    visible = [(lon, lat, xy) for lon, lat, xy in spots if xy is not None]
    assert visible, "no empty spot of the demo city is visible on the map"
    lon, lat, xy = visible[0]
    frame = sim_map_frame(page)
    frame.evaluate("window.__cpMark = true")  # a new map document would lose it
    page.mouse.click(*xy)

    _wait_shown(page, "one contact point more", n0 + 1, counts0["badges"] + 1)
    page.wait_for_timeout(300)
    wait_idle(page)
    n1, counts1 = _shown(page)
    assert n1 == n0 + 1
    assert counts1["badges"] == counts0["badges"] + 1
    assert counts1["proposed"] == 1
    styles = _proposed_badges(page)
    assert len(styles) == 1 and POINT_STYLE[KIND][0] in styles[0], styles  # its type's colour
    [(x, y)] = sim_map_frame(page).evaluate(_PROPOSED_AT_JS)
    assert abs(x - lon) < NEAR_DEG and abs(y - lat) < NEAR_DEG, ((x, y), (lon, lat))
    # The points were swapped in place: same map document, townships still drawn.
    assert sim_map_frame(page).evaluate("() => window.__cpMark === true")
    assert counts1["paths"] >= len(city.townships)
    assert _button(page, state.SIM_UNDO).is_enabled()
    # The township of the new point, redrawn in a class colour of the legend.
    import shapely

    inside = city.townships[city.townships.contains(shapely.Point(x, y))]
    overlay = _overlay(page)
    assert str(inside["code"].iloc[0]) in overlay, overlay
    legend = {sim_overlay.seen_color(c) for c in color_scale("coverage_share", []).colors}
    legend.add(f"url(#{sim_overlay.HATCH_SEEN})")
    assert set(overlay.values()) <= legend, overlay
    saved = _until("the scenario saved", lambda: _saved_proposed(app["workspace"]))
    assert len(saved) == 1 and len(saved[0]) == 1, saved
    assert saved[0][0] == pytest.approx((x, y), abs=1e-4)  # where the map drew it
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.mouse.move(5, 5)  # no tooltip over the new point
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "e2e_sim_added.png"))

    _button(page, state.SIM_UNDO).click()
    _wait_shown(page, "the card and the map back as before", n0, counts0["badges"])
    page.wait_for_timeout(300)
    wait_idle(page)
    n2, counts2 = _shown(page)
    assert n2 == n0
    assert counts2["badges"] == counts0["badges"] and counts2["proposed"] == 0
    assert _overlay(page) == {}
    assert _until("the undo saved", lambda: _saved_proposed(app["workspace"]) == [[]])
    page.screenshot(path=str(artifacts_dir / "e2e_sim_undone.png"))

    errors = page.locator('[data-testid="stException"]').all_inner_texts()
    assert not errors, errors
    assert not blocked, blocked
    assert "Traceback" not in app["log"](), app["log"]()[-3000:]


#: In the map iframe: the container point (CSS pixels) of ``[lat, lon]``.
_TO_PIXEL_JS = """([lat, lon]) => {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    return [p.x, p.y];
}"""
#: In the map iframe: the ``[lon, lat]`` under a container point.
_TO_LATLNG_JS = """([x, y]) => {
    const ll = window.map.containerPointToLatLng([x, y]);
    return [ll.lng, ll.lat];
}"""
#: How far (CSS pixels) an added point may lie from the pixel clicked.
NEAR_PX = 2.0


def _street_spots(city: Any, n: int) -> list[tuple[float, float]]:
    """Places in 街道 townships, far from every point: a rural point there breaks its rule."""
    import numpy as np

    pts = np.c_[city.contact_points.geometry.x, city.contact_points.geometry.y]
    streets = city.townships[city.townships["name"].str.endswith("街道")]
    reps = streets.geometry.representative_point()
    ranked = sorted(
        ((float(np.min(np.hypot(pts[:, 0] - p.x, pts[:, 1] - p.y))), p.x, p.y) for p in reps),
        reverse=True,
    )
    return [(float(x), float(y)) for _, x, y in ranked[:n]]


@pytest.mark.parametrize("viewport", [(1440, 900), (1280, 720)], ids=["1440x900", "1280x720"])
def test_two_quick_clicks_land_where_the_planner_aims(
    app: dict[str, Any], artifacts_dir: Path, viewport: tuple[int, int]
) -> None:
    """Two clicks in a row on the map add two points exactly where they were clicked.

    The planner aims at both spots before the first click, clicks, waits only for that
    click's rerun to end, and clicks the second spot. Nothing above the map may move in
    between (the message of the first click and the site-rule warning appear in boxes of
    fixed height), so the second point lands under the second click. The second spot is
    in a 街道: a rural point there breaks its site rule, and the page says so.
    """
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    w, h = viewport
    with chromium() as browser:
        context, _ = blocked_context(browser, w, h)
        try:
            page = context.new_page()
            page.goto(app["url"] + "/simulate")
            _until(
                "the KPI cards and the map's points",
                lambda: (lambda s: s[0] is not None and s[1].get("badges"))(_shown(page)),
            )
            wait_idle(page)
            page.wait_for_timeout(300)
            n0, _ = _shown(page)

            def in_view(xy: tuple[float, float] | None) -> bool:
                return xy is not None and 10 < xy[1] < h - 10

            first = next(
                (lon, lat, xy)
                for lon, lat in empty_spots(city, 12)
                if in_view(xy := click_xy(page, lon, lat))
            )
            second = next(
                (lon, lat, xy)
                for lon, lat in _street_spots(city, 12)
                if in_view(xy := click_xy(page, lon, lat))
                and abs(xy[0] - first[2][0]) + abs(xy[1] - first[2][1]) > 60
            )
            aimed = [first[2], second[2]]  # both aimed at before the first click
            frame_box = page.locator(MAP_FRAME).bounding_box()
            inner = sim_map_frame(page).locator("#map_div").bounding_box()
            page.screenshot(path=str(artifacts_dir / f"e2e_sim_two_clicks_{w}_before.png"))

            page.mouse.click(*aimed[0])
            _until("the first point", lambda: _shown(page)[1].get("proposed") == 1)
            wait_idle(page)  # the first click's rerun is over; nothing else is awaited
            page.mouse.click(*aimed[1])
            _until("the second point", lambda: _shown(page)[1].get("proposed") == 2)
            wait_idle(page)
            page.wait_for_timeout(300)

            assert _shown(page)[0] == n0 + 2
            assert page.locator(MAP_FRAME).bounding_box() == frame_box  # the map never moved
            frame = sim_map_frame(page)
            added = frame.evaluate(_PROPOSED_AT_JS)
            assert len(added) == 2, added
            for x, y in aimed:  # each click's pixel, through the Leaflet map, is a point
                lon, lat = frame.evaluate(_TO_LATLNG_JS, [x - inner["x"], y - inner["y"]])
                near = [
                    frame.evaluate(_TO_PIXEL_JS, [b, a]) for a, b in added
                ]  # the added points' pixels
                gaps = [abs(px + inner["x"] - x) + abs(py + inner["y"] - y) for px, py in near]
                assert min(gaps) <= NEAR_PX, (x, y, lon, lat, added, gaps)
            # The second point breaks the rural site rule: said where the planner looks.
            box = page.locator(f".st-key-{state.SIM_SITE_WARNINGS}")
            warned = box.inner_text()
            assert "农村联系点位于街道社区" in warned, warned
            assert "NEW-002" in warned, warned
            notice = page.locator(f".st-key-{state.SIM_NOTICE}").inner_text()
            assert "NEW-002" in notice and "农村联系点位于街道社区" in notice, notice
            page.mouse.move(5, 5)
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts_dir / f"e2e_sim_two_clicks_{w}_after.png"))
            box.evaluate("e => e.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts_dir / f"e2e_sim_two_clicks_{w}_warning.png"))
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
            assert not errors, errors
        finally:
            context.close()
    assert "Traceback" not in app["log"](), app["log"]()[-3000:]


def test_adopting_a_proposal_then_the_scenario_controls_clicked_twice(
    app: dict[str, Any], artifacts_dir: Path
) -> None:
    """Adopt the optimiser's preview (a click inside the editor fragment, which reruns only
    the editor), then use the scenario controls above it as a hurried planner would, each
    clicked twice: the name box follows the adopted plan, 保存名称 reports no false "name
    exists", 删除 names the plan it deletes and deletes only that one."""
    from analysis.workspace.store import WorkspaceStore
    from dashboard.safetext import md_escape

    with chromium() as browser:
        context, _ = blocked_context(browser, 1440, 900)
        try:
            page = context.new_page()
            page.goto(app["url"] + "/simulate")
            _until("the KPI cards", lambda: _shown(page)[0] is not None)
            wait_idle(page)
            name_box = page.locator(f".st-key-{state.SIM_NAME} input")
            fresh = name_box.input_value()
            page.get_by_role("tab", name=t("sim_tab_optimiser", "zh")).click()
            _button(page, state.OPT_PREVIEW).click()
            apply = _button(page, state.OPT_APPLY)
            apply.wait_for(timeout=WAIT_S * 1000)
            wait_idle(page)
            apply.click()
            adopted = _until(
                "the name box showing the adopted plan",
                lambda: (v := name_box.input_value()) != fresh and v,
            )
            wait_idle(page)
            store = WorkspaceStore(app["workspace"])
            assert store.exists(adopted)
            assert "scenario=" in page.url  # saved: a refresh reopens it

            def errors() -> list[str]:
                return page.locator('[data-testid="stAlertContentError"]').all_inner_texts()

            page.locator(f".st-key-{state.SIM_APPLY_NAME} button").dblclick()
            page.wait_for_timeout(500)
            wait_idle(page)
            assert not [e for e in errors() if t("opt_conflicts", "zh") not in e], errors()
            assert name_box.input_value() == adopted
            assert store.exists(adopted)

            page.get_by_text(t("sim_manage", "zh"), exact=True).click()
            delete = _button(page, state.SIM_DELETE_SCENARIO)
            delete.wait_for()
            label = delete.inner_text()
            assert t("sim_delete_scenario", "zh", name=adopted) in label, label
            page.screenshot(path=str(artifacts_dir / "e2e_sim_adopted.png"))
            before = set(store.list_scenarios()["name"])
            delete.dblclick()  # the second click may reach the server before the redraw
            _until("a fresh plan", lambda: name_box.input_value() != adopted)
            page.wait_for_timeout(500)
            wait_idle(page)
            assert set(store.list_scenarios()["name"]) == before - {adopted}
            assert not errors() or all(t("opt_conflicts", "zh") in e for e in errors())
            assert not _button(page, state.SIM_DELETE_SCENARIO).is_enabled()
            assert md_escape(adopted) not in _button(page, state.SIM_DELETE_SCENARIO).inner_text()
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()
    assert "Traceback" not in app["log"](), app["log"]()[-3000:]
