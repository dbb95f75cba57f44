"""The simulation map's incremental drawing equals a fresh drawing, in Chromium.

Per click the browser keeps the layers it drew and adds or removes only the features that
changed (``window.simSync``, :mod:`dashboard.simulate.sync`). A seeded planner adds, moves
and removes points, undoes and redoes (:mod:`tests.support.random_edits`); after every
step one map (updated step by step) and a map drawn from nothing hold the same badges,
circles, lines and township polygons, pane by pane. No app server: Leaflet (vendored) and
the scripts the page sends, on a blank page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import mapping

from analysis.coverage.api import compute_coverage
from analysis.plan.scenarios import apply_scenario
from analysis.standards.load import load_standards
from dashboard.simulate import map as sim_map
from dashboard.simulate.overlay import township_overlay
from dashboard.simulate.sync import SYNC_JS, SYNC_PANES, sync_script
from geodata.demo.load import load_demo_city
from tests.support.browser import chromium, need_chromium
from tests.support.random_edits import random_edits

LEAFLET = Path(__file__).resolve().parents[1] / "dashboard/static/vendor/leaflet-1.9.3/leaflet.js"
RADII = {"rural": 5000.0, "enterprise": 3000.0, "association": 3000.0, "urban_community": 1500.0}

#: Two maps of the same size and view (``window.maps``); ``mapA`` is kept, ``mapB`` made anew.
_SETUP = """([panes, center]) => {
  window.simLabels = [];
  window.simTip = function(p) { return String(p.h || ''); };
  window.makeMap = function(id) {
    window.maps = window.maps || {};
    var old = window.maps[id]; if (old) { old.remove(); }
    var m = L.map(id, {zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false});
    Object.keys(panes).forEach(function(p) { m.createPane(p).style.zIndex = panes[p]; });
    m.setView(center, 9);
    window.maps[id] = m; return true;
  };
  makeMap('mapA');
}"""
#: Every drawn badge, circle, line and polygon of a map, pane by pane (sorted: the order
#: of features inside a pane is the order they were added, which a redraw need not keep).
_SNAPSHOT = """(id) => {
  var out = {};
  document.querySelectorAll('#' + id + ' .leaflet-pane').forEach(function(p) {
    var items = [...p.querySelectorAll(':scope > .leaflet-marker-icon, :scope > svg path')]
      .map(function(e) { return e.outerHTML; }).sort();
    if (items.length) { out[p.className] = items; }
  });
  return out;
}"""


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    city = load_demo_city()
    std = load_standards()
    towns = city.townships.to_crs(4326)
    geoms = {str(c): mapping(g) for c, g in zip(towns["code"], towns.geometry, strict=True)}
    return {"city": city, "std": std, "base": compute_coverage(city, std), "geoms": geoms}


def _sync_call(map_id: str, group: Any) -> str:
    sent = sync_script(group)
    return f"() => {{ window.simSync(window.maps.{map_id}, {sent.data_js}, {sent.renderers_js}); }}"


def test_map_updated_click_by_click_equals_a_map_drawn_afresh(demo: dict[str, Any]) -> None:
    need_chromium()
    city, std = demo["city"], demo["std"]
    x0, y0, x1, y1 = city.townships.to_crs(4326).total_bounds
    panes = {**sim_map.PANES, **SYNC_PANES}
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 900, "height": 700})
        page.set_content(
            "<div id='mapA' style='width:600px;height:500px'></div>"
            "<div id='mapB' style='width:600px;height:500px'></div>"
        )
        page.add_script_tag(path=str(LEAFLET))
        page.add_script_tag(content=SYNC_JS)
        page.evaluate(_SETUP, [panes, [(y0 + y1) / 2, (x0 + x1) / 2]])
        steps = 0
        for i, (_what, scn) in enumerate(random_edits(city, seed=3, steps=24)):
            cp = scn.layer("contact_points")
            selected = f"contact_points:{cp['id'].iloc[i % len(cp)]}" if i % 2 else None
            features = sim_map.point_features(scn, RADII, selected, "zh")
            current = compute_coverage(apply_scenario(city, scn), std)
            overlay = township_overlay(
                demo["base"].townships, current.townships, demo["geoms"], "zh"
            )
            group = sim_map.scenario_group(features, "zh", overlay)
            page.evaluate(_sync_call("mapA", group))
            page.evaluate("() => makeMap('mapB')")
            page.evaluate(_sync_call("mapB", group))
            kept, fresh = page.evaluate(_SNAPSHOT, "mapA"), page.evaluate(_SNAPSHOT, "mapB")
            assert json.dumps(kept, sort_keys=True) == json.dumps(fresh, sort_keys=True), i
            steps += 1
        assert steps >= 20
        # The kept map drew something of every kind the page sends.
        assert any("marker-pane" in k for k in kept) and any("simRadii" in k for k in kept)
        assert any("simSites" in k for k in kept) and any("overlay-pane" in k for k in kept)
