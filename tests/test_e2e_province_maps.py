"""The 方案比较 and 方案模拟 maps on the fictional province read as the 地图 page does (#16).

The app runs on the province (``COVERAGE_PLANNER_DEMO=province``: 1,500 townships, 300
contact points, homes) with two saved plans in its workspace. At the full view, on the
three comparison maps and on the simulation map, badges that would overlap are one count
bubble (:mod:`dashboard.simulate.legible`, the 地图 page's rules): no two shown badges or
bubbles closer than :data:`dashboard.map.legibility.CLUSTER_PX`, every point counted once,
the service circles hidden, the township outlines thin. Zoomed in, the bubbles split and
the circles and outlines come back. County labels shown are clear of every badge and
bubble (those with no room left hidden), and the comparison maps fit the province. A click
on a bubble of the simulation map zooms in and neither selects nor adds a point.
Screenshots at 1440 x 900 and 1280 x 720: ``artifacts/e2e_province_{compare,sim,sim_mid}_*.png``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from dashboard.i18n import t
from dashboard.map import legibility
from tests.support.browser import blocked_context, chromium, running_app, until
from tests.support.e2e import MAP_FRAME, metric_value, wait_idle

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

#: Bound of every wait (seconds): the province's coverage of three plans is computed on the
#: comparison page's first run, on a loaded 2-core machine.
WAIT_S = 300.0
PLANS = {"农村加密方案": ("rural", 37), "企业补点方案": ("enterprise", 53)}

#: In a map iframe: the badges and bubbles shown, their centres, and every badge drawn.
_SHOWN_JS = """() => {
    const icons = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
        .filter(e => e.style.display !== 'none');
    const out = {singles: 0, inBubbles: 0, bubbles: 0, all: 0, gap: 1e9};
    out.all = document.querySelectorAll('.leaflet-marker-pane .sim-badge').length;
    const centres = [];
    icons.forEach(e => {
        const bubble = e.querySelector('.cp-cluster'), badge = e.querySelector('.sim-badge');
        if (!bubble && !badge) { return; }
        if (bubble) { out.bubbles += 1; out.inBubbles += parseInt(bubble.textContent, 10); }
        else { out.singles += 1; }
        const home = bubble ? bubble.classList.contains('cp-home')
            : badge.classList.contains('home');
        const b = e.getBoundingClientRect();
        if (!home) { centres.push([b.left + b.width / 2, b.top + b.height / 2]); }
    });
    centres.forEach((a, i) => centres.forEach((b, j) => {
        if (i < j) { out.gap = Math.min(out.gap, Math.hypot(a[0] - b[0], a[1] - b[1])); }
    }));
    out.radiiShown = ['simRadii', 'simFresh'].every(
        p => getComputedStyle(window.map.getPane(p)).display !== 'none');
    return out;
}"""


#: In a map iframe: how far each county label shown overlaps a badge or bubble shown
#: (pixels, the shorter side of the overlap, 0 when apart), and the labels.
_LABELS_JS = """() => {
    const boxes = [...document.querySelectorAll('.sim-badge, .cp-badge')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
    const spans = [...document.querySelectorAll('.sim-label span')];
    const shown = spans.filter(s => getComputedStyle(s).visibility !== 'hidden');
    let worst = 0, at = null;
    shown.forEach(s => {
        const a = s.getBoundingClientRect();
        boxes.forEach(b => {
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (Math.min(w, h) > worst) { worst = Math.min(w, h); at = s.textContent; }
        });
    });
    return {labels: spans.length, shown: shown.length, worst: worst, at: at};
}"""
#: In a map iframe: the share of the map's width and height the townships span, and
#: whether they are all inside it.
_FIT_JS = """() => {
    const m = window.map, b = m._simLeg.towns.getBounds(), size = m.getSize();
    const nw = m.latLngToContainerPoint(b.getNorthWest());
    const se = m.latLngToContainerPoint(b.getSouthEast());
    return {wide: (se.x - nw.x) / size.x, tall: (se.y - nw.y) / size.y,
        inside: nw.x >= -1 && nw.y >= -1 && se.x <= size.x + 1 && se.y <= size.y + 1};
}"""
#: A label may touch a badge by this much (pixels): the text's line box is wider than its ink.
LABEL_MARGIN_PX = 3


def _assert_labels_clear(frame: Any, share: float) -> dict[str, Any]:
    """Every county label shown is clear of the badges and bubbles, at least ``share`` of
    them shown (the others hidden: no room between the bubbles)."""
    frame.wait_for_function("() => !!window.simLabelsPlaced", timeout=30000)
    frame.wait_for_timeout(300)  # the placement after the last layout change (60 ms)
    labels = frame.evaluate(_LABELS_JS)
    assert labels["labels"] > 0, labels
    assert labels["worst"] <= LABEL_MARGIN_PX, labels
    assert labels["shown"] >= max(1, share * labels["labels"]), labels
    return dict(labels)


_until = functools.partial(until, timeout=WAIT_S)


def _workspace(path: Path) -> None:
    """Two plans on the province: a rural and an enterprise point in every n-th township."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.synthetic.province import load_province

    city = load_province()
    store = WorkspaceStore(path)
    for name, (kind, step) in PLANS.items():
        scn = copy_scenario(baseline_scenario(city, "demo"), name, "李四")
        for geom in city.townships.iloc[::step].geometry.representative_point():
            scn = add_point(scn, "contact_points", lon=geom.x, lat=geom.y, type=kind)
        store.save(scn)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("e2e_province_maps")
    _workspace(root / "workspace.gpkg")
    with running_app(root, env={"COVERAGE_PLANNER_DEMO": "province"}, wait_s=180) as a:
        yield a


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _frames(page: Any, n: int) -> list[Any]:
    """The ``n`` map iframes once each has drawn its townships and badges."""

    def ready() -> list[Any] | None:
        handles = page.query_selector_all(MAP_FRAME)
        if len(handles) < n:
            return None
        frames = [h.content_frame() for h in handles]
        try:
            done = all(
                f.evaluate(
                    "() => !!(window.simLegible && window.simLegible.badges"
                    " + window.simLegible.bubbles && window.map._simLeg.towns)"
                )
                for f in frames
            )
        except Exception:  # noqa: BLE001 - a frame may be replaced while we ask
            return None
        return frames if done else None

    frames = _until(f"{n} map(s) drawn", ready)
    wait_idle(page, WAIT_S * 1000)
    return frames


def _legible(frame: Any) -> dict[str, Any]:
    return dict(frame.evaluate("() => window.simLegible"))


def _assert_grouped(frame: Any, labels_shown: float = 0.0) -> None:
    """At the full view: bubbles, every badge counted once, none hidden under another."""
    drawn = _legible(frame)
    assert drawn["bubbles"] > 0 and not drawn["detail"] and drawn["thin"], drawn
    shown = frame.evaluate(_SHOWN_JS)
    assert shown["bubbles"] == drawn["bubbles"], (shown, drawn)
    assert shown["singles"] + shown["inBubbles"] == shown["all"], shown
    assert shown["gap"] >= legibility.CLUSTER_PX - 1, shown
    assert not shown["radiiShown"], shown
    _assert_labels_clear(frame, labels_shown)


def _zoom(frame: Any, zoom: float) -> dict[str, Any]:
    frame.evaluate(f"() => window.map.setZoom({zoom}, {{animate: false}})")
    frame.wait_for_function(f"() => window.simLegible.zoom === {zoom}", timeout=30000)
    return _legible(frame)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_comparison_maps_group_badges(
    app: Any, browser: Any, artifacts_dir: Path, width: int, height: int
) -> None:
    context, blocked = blocked_context(browser, width, height)
    try:
        page = context.new_page()
        page.goto(app.url + "/compare")
        frames = _frames(page, 3)
        page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / f"e2e_province_compare_{width}.png"))
        for frame in frames:
            _assert_grouped(frame)
            # The province fills its map: as wide (or as tall) as the map, none cut off.
            fit = frame.evaluate(_FIT_JS)
            assert fit["inside"] and max(fit["wide"], fit["tall"]) >= 0.85, fit
        # Zoomed in: every badge alone, circles shown, full township outlines.
        frame = frames[-1]
        rules = _legible(frame)["rules"]
        near = _zoom(frame, legibility.CLUSTER_MAX_ZOOM)
        assert near["bubbles"] == 0 and near["detail"] and not near["thin"], near
        assert max(rules["detail"], rules["outlines"]) <= legibility.CLUSTER_MAX_ZOOM
        assert frame.evaluate(_SHOWN_JS)["radiiShown"]
        assert not blocked, blocked
        assert "Traceback" not in app.log(), app.log()[-3000:]
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_simulation_map_groups_badges_and_a_bubble_click_zooms_in(
    app: Any, browser: Any, artifacts_dir: Path, width: int, height: int
) -> None:
    context, blocked = blocked_context(browser, width, height)
    try:
        page = context.new_page()
        page.goto(app.url + "/simulate")
        (frame,) = _frames(page, 1)
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / f"e2e_province_sim_{width}.png"))
        _assert_grouped(frame, labels_shown=0.2)
        label = t("kpi_contact_points_total", "zh")
        from geodata.synthetic.province import load_province

        points = metric_value(page, label)
        assert points == len(load_province().contact_points)
        zoom0 = _legible(frame)["zoom"]
        # A click on a bubble zooms in on its badges: no point selected, none added.
        frame.locator(".leaflet-marker-pane .cp-cluster:not(.cp-home)").first.click()
        frame.wait_for_function(
            f"() => window.simLegible.zoom > {zoom0} && !window.map._animatingZoom",
            timeout=30000,
        )
        page.wait_for_timeout(1000)  # st_folium's debounced send (250 ms) would be out
        wait_idle(page, WAIT_S * 1000)
        selected = page.locator(f".st-key-{state.SIM_SELECTED} input").input_value()
        assert selected == t("sim_none_selected", "zh")
        assert metric_value(page, label) == points
        # A few counties in view: circles and full outlines, fewer and smaller bubbles.
        rules = _legible(frame)["rules"]
        mid = _zoom(frame, round(max(rules["detail"], rules["outlines"]) * 4 + 1) / 4)
        assert mid["detail"] and not mid["thin"], mid
        shown = frame.evaluate(_SHOWN_JS)
        assert shown["radiiShown"] and shown["gap"] >= legibility.CLUSTER_PX - 1, shown
        page.mouse.move(5, 5)
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / f"e2e_province_sim_mid_{width}.png"))
        # Far enough in: no bubble left.
        near = _zoom(frame, legibility.CLUSTER_MAX_ZOOM)
        assert near["bubbles"] == 0 and near["detail"] and not near["thin"], near
        errors = page.locator('[data-testid="stException"]').all_inner_texts()
        assert not errors, errors
        assert not blocked, blocked
    finally:
        context.close()
