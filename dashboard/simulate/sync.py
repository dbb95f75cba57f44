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
window.simSync = function(m, d, R) {
  var S = m._simSynced || (m._simSynced = {}), G = window.simLegibility;
  // Through the map's zoom rules when it has them (badges grouped, dashboard.simulate.legible).
  var add = function(k, l) { return G ? G.add(m, k, l) : l.addTo(m); };
  var drop = function(k, l) { if (G) { G.remove(m, k, l); } else { m.removeLayer(l); } };
  var kinds = Object.keys(S);
  Object.keys(d).forEach(function(k) { if (kinds.indexOf(k) < 0) { kinds.push(k); } });
  kinds.forEach(function(kind) {
    var have = S[kind] || {}, next = {};
    (d[kind] || []).forEach(function(f) {
      var key = JSON.stringify(f), old = have[key];
      var layer = old && old.length ? old.pop() : add(kind, L.geoJson(f, R[kind]()));
      (next[key] = next[key] || []).push(layer);
    });
    Object.keys(have).forEach(function(key) {
      have[key].forEach(function(l) { drop(kind, l); });
    });
    S[kind] = next;
  });
  if (G) { G.refresh(m); }
};
"""


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
