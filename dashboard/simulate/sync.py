"""The scenario's layers on the simulation map, drawn again only where they changed.

st_folium evaluates the script of ``feature_group_to_add`` on every change of it (each
edit): drawn as folium GeoJSON layers, a province's ~2,500 badges, circles and collection
sites were rendered by folium on the server (~70 ms) and built again in the browser after
every click. Here the group carries one call, ``window.simSync(map, data, renderers)``: the
browser keeps the layers it drew, by feature (its JSON text), and adds or removes only the
features that differ from the last call (a click: the new point, its circle, the changed
townships). The layers sit on the map itself, outside st_folium's feature group (which it
removes before each new script), in panes that keep the drawing order whatever was added
last: the changed townships over the base polygons, the radii and move lines above them,
the collection sites above those, the badges in the marker pane.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, MacroElement
from folium import FeatureGroup
from jinja2 import Template

#: Kinds of layers, in the order they are drawn; each has a renderer (``L.geoJson``
#: options as JavaScript) in :func:`scenario_sync_group`'s ``renderers``.
KINDS: tuple[str, ...] = ("towns", "radii", "moves", "pending", "sites", "homes", "points")
#: Panes of the scenario's lines and circles above the townships (overlayPane, 400) and
#: under the county outlines (450): their order holds whatever is drawn later.
SYNC_PANES = {"simRadii": 402, "simSites": 404}
RADII_PANE, SITES_PANE = SYNC_PANES

#: Keeps the drawn layers per kind and feature text on the map (``m._simSynced``); a
#: feature drawn before is kept, a new one drawn, one no longer sent removed. The same
#: feature twice is drawn twice.
SYNC_JS = """
window.simSyncOne = function(m, kind, list, make) {
  var S = m._simSynced || (m._simSynced = {}), G = window.simLegibility;
  // Through the map's zoom rules when it has them (badges grouped, dashboard.simulate.legible).
  var add = function(k, l) { return G ? G.add(m, k, l) : l.addTo(m); };
  var drop = function(k, l) { if (G) { G.remove(m, k, l); } else { m.removeLayer(l); } };
  var have = S[kind] || {}, next = {};
  (list || []).forEach(function(f) {
    var key = JSON.stringify(f), old = have[key];
    var layer = old && old.length ? old.pop() : add(kind, L.geoJson(f, make()));
    (next[key] = next[key] || []).push(layer);
  });
  Object.keys(have).forEach(function(key) {
    have[key].forEach(function(l) { drop(kind, l); });
  });
  S[kind] = next;
};
window.simSync = function(m, d, R) {
  var kinds = Object.keys(m._simSynced || {});
  Object.keys(d).forEach(function(k) { if (kinds.indexOf(k) < 0) { kinds.push(k); } });
  kinds.forEach(function(kind) { window.simSyncOne(m, kind, d[kind], R[kind]); });
  if (window.simLegibility) { window.simLegibility.refresh(m); }
  window.simSyncMap = m;
};
window.simSyncKind = function(kind, list, options) {
  var m = window.simSyncMap;
  if (!m) { return false; }
  window.simSyncOne(m, kind, list, function() { return new Function('return ' + options)(); });
  if (window.simLegibility) { window.simLegibility.refresh(m); }
  return true;
};
"""
#: In the page (not the map's frame): draw one kind of features on the simulation map that
#: is there, with its ``L.geoJson`` options given as text (evaluated in the map's frame,
#: where ``L`` is); show or hide the legend's entry of that kind. For a part of the page
#: that reruns without the map (the optimiser panel): its result reaches the map without
#: the map, or the rest of the editor, being sent again.
KIND_JS = """(function(frameSel, kind, list, options, legendSel, legendHtml) {
  var frame = document.querySelector(frameSel);
  var w = frame && frame.contentWindow;
  try { if (w && w.simSyncKind) { w.simSyncKind(kind, list, options); } } catch (e) {}
  var items = document.querySelector(legendSel);
  if (!items) { return; }
  var had = items.querySelector('.sim-lg-' + kind);
  if (had) { had.remove(); }
  if (list.length && legendHtml) { items.insertAdjacentHTML('beforeend', legendHtml); }
})"""


class _Raw(Element):
    """Script text placed in the page as it is (no template made of it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text."""
        return self.text


class _SyncScript(MacroElement):
    """``window.simSync(<map>, data, renderers)`` with the group's map (st_folium: map_div)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.sync_js }}window.simSync({{ this._parent._parent.get_name() }},"
        " {{ this.data_js }}, {{ this.renderers_js }});"
        "{% endmacro %}"
    )

    def __init__(self, data: dict[str, list[dict[str, Any]]], renderers: dict[str, str]) -> None:
        from dashboard.map.view import js_json

        super().__init__()
        self._name = "SimSync"
        self.data = data
        self.sync_js = SYNC_JS
        self.data_js = js_json(data)
        body = ", ".join(f"{k}: function() {{ return {v}; }}" for k, v in renderers.items())
        self.renderers_js = "{" + body + "}"

    def render(self, **kwargs: Any) -> Any:
        """Add the call to the page's script as plain text.

        branca's own render makes a Jinja template of every rendered script (to render it
        again later): for the features' JSON that cost ~40 ms per click on a province.
        st_folium reads the script through the template's macro, which only inserts text.
        """
        script = self._template.module.__dict__["script"](self, kwargs)
        root: Any = self.get_root()  # the map's Figure (branca types it as a plain Element)
        root.script.add_child(_Raw(str(script)), name=self.get_name())


def scenario_sync_group(
    data: dict[str, list[dict[str, Any]]], renderers: dict[str, str]
) -> FeatureGroup:
    """Return st_folium's feature group: an empty group and the :data:`SYNC_JS` call.

    Parameters
    ----------
    data
        Features by kind (:data:`KINDS`); a kind left out, or empty, is removed from the map.
    renderers
        ``L.geoJson`` options (JavaScript object literal) of each kind in ``data``; only the
        kinds sent need one.
    """
    group = FeatureGroup(name="sim_points", control=False)
    _SyncScript(data, renderers).add_to(group)
    return group


def sync_script(group: FeatureGroup) -> _SyncScript:
    """The sync call of a group made by :func:`scenario_sync_group` (for tests)."""
    return next(c for c in group._children.values() if isinstance(c, _SyncScript))


def kind_script(
    kind: str,
    features: list[dict[str, Any]],
    options: str,
    frame_selector: str,
    legend_selector: str,
    legend_html: str,
) -> str:
    """Return a ``<script>`` that draws ``features`` as the map's layer ``kind`` in place
    (:data:`KIND_JS`): for ``st.html(..., unsafe_allow_javascript=True)``.

    Parameters
    ----------
    kind
        One of :data:`KINDS`; the features drawn before under it are replaced (the same
        feature is kept, as :data:`SYNC_JS` does).
    features
        GeoJSON features (an empty list removes the kind).
    options
        ``L.geoJson`` options of the kind (JavaScript object literal, our own code).
    frame_selector, legend_selector
        CSS selectors of the map's iframe and of the legend's row of entries.
    legend_html
        The legend's entry of the kind (class ``sim-lg-<kind>``), shown while there are
        features.
    """
    from dashboard.map.view import js_json

    args = [frame_selector, kind, features, options, legend_selector, legend_html]
    return f"<script>{KIND_JS}({', '.join(js_json(a) for a in args)});</script>"
