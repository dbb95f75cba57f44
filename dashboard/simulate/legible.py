"""The 地图 page's zoom rules on the 方案模拟 and 方案比较 maps (a province reads at every zoom).

The same rules and code as the 地图 page (:mod:`dashboard.map.legibility`,
``window.cpLegibility``), applied to the layers these maps draw their own way (the base
layers once fetched, the scenario's points feature by feature, :mod:`dashboard.simulate.sync`):

- badges closer than :data:`~dashboard.map.legibility.CLUSTER_PX` are drawn as one count
  bubble (contact points and homes apart) that splits as one zooms in and zooms in when
  clicked; on the 方案模拟 map the planner's own work stands alone: the selected point and
  the new and moved ones are never in a bubble. Badges in a bubble stay on the map, hidden
  (st_folium binds its click handlers to the layers on the map: a badge shown later keeps
  them), and a bubble's click is no click on a point (``cpForgetClick``);
- service radius circles (and move lines) from the zoom at which the largest radius is
  :data:`~dashboard.map.legibility.RADII_MIN_PX` across;
- township outlines as hairlines below the zoom at which the median township is
  :data:`~dashboard.map.legibility.TOWN_MIN_PX` across;
- county labels moved clear of the badges and bubbles shown, as on the 地图 page
  (``cpLegibility.declutter``: a few places near their own, or hidden when none is free),
  after every regrouping, pan and resize (``window.simLabelsPlaced``: labels, shown).

The demo city at its full view is drawn as before; the fictional province starts grouped.
``window.simLegible`` tells what was drawn (zoom, detail, thin, badges, bubbles), for tests.
"""

from __future__ import annotations

import json

from dashboard.adapters.streamlit_internals import folium_forget_click_js
from dashboard.map.legibility import LEGIBLE_JS

#: Badge layers (:data:`dashboard.simulate.sync.KINDS`) grouped into bubbles, and the
#: bubble's class (homes smaller and square, as on the 地图 page).
BADGE_KINDS: dict[str, str] = {"points": "", "homes": "cp-home"}

_SIM_JS = """
(function() {
if (window.simLegibility) { return; }
var LG = window.cpLegibility, BADGES = __BADGES__, OPT = {detailPanes: [], editing: false};
function alone(m) {  // the planner's own work is never in a bubble
  var p = m.feature && m.feature.properties;
  return !!(OPT.editing && p && (p.sel || p.s === 'proposed' || p.s === 'moved'));
}
function forget() { if (window.cpForgetClick) { window.cpForgetClick(); } }
function state(m) {
  if (m._simLeg) { return m._simLeg; }
  var c = m._simLeg = {town: 0, radius: 0, lat: null, marks: {}, groups: {}, thin: false,
    dirty: false, towns: null, townStyle: null};
  Object.keys(BADGES).forEach(function(kind) {
    c.marks[kind] = [];
    c.groups[kind] = LG.clustered([], BADGES[kind], {keep: true, alone: alone, onBubble: forget});
    c.groups[kind].layer.addTo(m);
  });
  m.on('zoomend', function() { refresh(m); });
  m.on('moveend resize', function() { place(m); });
  // Label widths are known once the CJK font is in: place the labels again then.
  if (document.fonts) { document.fonts.ready.then(function() { place(m); }); }
  return c;
}
function isBadges(kind) { return Object.prototype.hasOwnProperty.call(BADGES, kind); }
// A layer of `kind` (simSync's kinds) onto the map: badges into their bubbles' group.
function add(m, kind, layer) {
  var c = state(m);
  if (isBadges(kind)) {
    layer.eachLayer(function(x) { c.marks[kind].push(x); });
    c.dirty = true;
    return layer;
  }
  if (kind === 'radii') {
    layer.eachLayer(function(x) {
      if (x.feature) { c.radius = Math.max(c.radius, LG.radiusMetres(x.feature)); }
    });
  }
  return layer.addTo(m);
}
function remove(m, kind, layer) {
  var c = state(m);
  if (!isBadges(kind)) { m.removeLayer(layer); return; }
  var gone = layer.getLayers();
  c.marks[kind] = c.marks[kind].filter(function(x) { return gone.indexOf(x) < 0; });
  c.dirty = true;
}
// The base map's townships (their own style function): outlines thinned below their zoom.
function towns(m, layer, style) {
  var c = state(m), feats = [];
  layer.eachLayer(function(x) { if (x.feature) { feats.push(x.feature); } });
  c.town = LG.townMetres(feats); c.towns = layer; c.townStyle = style;
  if (feats.length) { c.lat = layer.getBounds().getCenter().lat; }
  c.thin = false;
  refresh(m);
}
function byPlace(a, b) {  // grouping independent of the order of edits
  var p = a.getLatLng(), q = b.getLatLng();
  return q.lat - p.lat || p.lng - q.lng;
}
// County labels moved clear of the badges and bubbles drawn (the 地图 page's placement),
// once the layout settles after a change.
function place(m) {
  clearTimeout(m._simPlace);
  m._simPlace = setTimeout(function() {
    window.simLabelsPlaced = LG.declutter(m.getContainer(), '.sim-label span',
      '.sim-badge, .cp-badge');
  }, 60);
}
function refresh(m) {
  var c = state(m), z = m.getZoom();
  var R = LG.zoomRules(c.town, c.radius, c.lat === null ? m.getCenter().lat : c.lat);
  var thin = !!c.town && z < R.outlines;
  if (c.towns && thin !== c.thin) {
    c.thin = thin;
    c.towns.setStyle(function(f) { return LG.thinStyle(thin, c.townStyle(f)); });
  }
  var detail = !c.radius || z >= R.detail;
  OPT.detailPanes.forEach(function(p) {
    var el = m.getPane(p); if (el) { el.style.display = detail ? '' : 'none'; }
  });
  var out = {zoom: z, detail: detail, thin: thin, badges: 0, bubbles: 0};
  Object.keys(BADGES).forEach(function(kind) {
    if (c.dirty) { c.groups[kind].set(c.marks[kind].slice().sort(byPlace)); }
    var r = c.groups[kind].update(m);
    out.badges += r.badges; out.bubbles += r.bubbles;
  });
  c.dirty = false;
  out.rules = R;
  window.simLegible = out;
  place(m);
}
window.simLegibility = {options: OPT, add: add, remove: remove, towns: towns, refresh: refresh,
  place: place};
})();
"""


def legible_js(detail_panes: tuple[str, ...], editing: bool) -> str:
    """Return the script of ``window.simLegibility`` for one map.

    Parameters
    ----------
    detail_panes
        Panes of the service radii and move lines, hidden below the detail zoom.
    editing
        The 方案模拟 map: the selected, new and moved points stand alone.
    """
    options = json.dumps({"detailPanes": list(detail_panes), "editing": editing})
    return (
        LEGIBLE_JS
        + folium_forget_click_js()
        + _SIM_JS.replace("__BADGES__", json.dumps(BADGE_KINDS))
        + f"Object.assign(window.simLegibility.options, {options});\n"
    )
