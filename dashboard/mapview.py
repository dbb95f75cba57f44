"""The folium map of the dashboard: one GeoJSON layer per map layer, offline assets.

:func:`map_payload` (cached) turns a dataset and its coverage result into GeoJSON dicts;
:func:`build_map` (not cached: folium maps are rebuilt on every rerun, cheaply) assembles
them into a :class:`folium.Map` that loads nothing from outside the server. Every point
layer is a single ``L.geoJson`` with ``pointToLayer`` (a CircleMarker or an inline
badge), never thousands of separate markers; legends are drawn outside the map.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import folium
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from dashboard.assets import IFRAME_STATIC_BASE, use_offline_assets
from dashboard.i18n import Lang
from dashboard.palette import (
    BLIND_COLOR,
    LINK_COLOR,
    MAP_BACKGROUND,
    POINT_STYLE,
    SITE_COLOR,
    SITE_ORPHAN_COLOR,
    VILLAGE_COVERED,
    VILLAGE_UNCOVERED,
    badge_styles,
)

#: Layers the user can toggle, in drawing order, and whether each is on by default
#: (townships are always drawn).
LAYERS: dict[str, bool] = {
    "blind_spots": True,
    "counties": True,
    "radii": True,
    "site_links": True,
    "villages": False,
    "collection_sites": True,
    "contact_points": True,
    "homes": True,
}
BASEMAPS: tuple[str, ...] = ("none", "osm", "tianditu")
MAP_HEIGHT = 640

TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class MapPayload:
    """Everything the map draws, as GeoJSON dicts (picklable, cacheable).

    Parameters
    ----------
    layers
        ``name -> FeatureCollection`` for ``townships`` and the names in :data:`LAYERS`
        (plus ``county_labels``).
    bounds
        ``[[south, west], [north, east]]`` to fit the view to.
    """

    layers: dict[str, dict[str, Any]]
    bounds: list[list[float]]
    extra: dict[str, Any] = field(default_factory=dict)


_CSS = f"""
<style>
.leaflet-container {{ background: {MAP_BACKGROUND};
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; }}
.cp-badge {{ width: 20px; height: 20px; border-radius: 50%; border: 2px solid #fff; color: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.5); font-size: 12px; font-weight: 700; line-height: 20px;
  text-align: center; }}
.cp-badge.cp-home {{ width: 15px; height: 15px; border-radius: 3px; border-width: 1.5px;
  font-size: 10px; line-height: 15px; }}
.cp-icon {{ background: none; border: none; }}
.cp-county-label {{ background: none; border: none; color: #1c2b3a; font-size: 13px;
  font-weight: 700; white-space: nowrap; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }}
.cp-county-label span {{ display: inline-block; transform: translate(-50%, -50%); }}
.cp-tip b {{ font-size: 14px; color: #1c2b3a; }}
.cp-tip .cp-sub {{ color: {BLIND_COLOR}; font-weight: 700; margin-left: 4px; }}
.cp-tip table {{ margin-top: 4px; border-collapse: collapse; }}
.cp-tip th {{ text-align: left; font-weight: 400; color: #5f6b7a; padding: 1px 10px 1px 0; }}
.cp-tip td {{ text-align: right; font-weight: 600; color: #1c2b3a; padding: 1px 0; }}
</style>
"""

# A hatch pattern in a hidden SVG: url(#cp-hatch) fills resolve across the document.
_HATCH_JS = """
(function() {
  if (document.getElementById('cp-hatch')) return;
  var d = document.createElement('div');
  d.innerHTML = '<svg width="0" height="0" style="position:absolute"><defs>' +
    '<pattern id="cp-hatch" patternUnits="userSpaceOnUse" width="7" height="7"' +
    ' patternTransform="rotate(45)">' +
    '<line x1="0" y1="0" x2="0" y2="7" stroke="#ffffff" stroke-width="1.6" stroke-opacity="0.7"/>' +
    '</pattern></defs></svg>';
  document.body.appendChild(d.firstChild);
})();
"""

# Tooltips are built in the browser from compact properties: {h: title, s: subtitle,
# r: [[label index, value], ...]}; labels and values arrive escaped.
_TIP_FN = """
window.cpTip = function(layer) {
  var p = layer.feature.properties.tip, L2 = window.cpLabels || [];
  var h = "<div class='cp-tip'><b>" + p.h + "</b>";
  if (p.s) { h += " <span class='cp-sub'>" + p.s + "</span>"; }
  h += "<table>";
  for (var i = 0; i < p.r.length; i++) {
    h += "<tr><th>" + L2[p.r[i][0]] + "</th><td>" + p.r[i][1] + "</td></tr>";
  }
  return h + "</table></div>";
};
"""
_BIND = (
    " layer.bindTooltip(window.cpTip, {sticky: true, className: 'cp-tooltip'});"
    " layer.bindPopup(window.cpTip);"
)
_TIP = JsCode("function(f, layer) { if (f.properties && f.properties.tip) {" + _BIND + " } }")


def _town_js(blind: bool) -> JsCode:
    """Tooltip and popup; with ``blind``, a hatched copy of each blind-spot township.

    The hatched copy is built in the browser from the same feature object, so the
    geometry is sent once.
    """
    hatch = (
        " if (f.properties.b) { window.cpBlind.addLayer(L.geoJson(f, {interactive: false,"
        f" style: {{fillColor: 'url(#cp-hatch)', fillOpacity: 1, color: '{BLIND_COLOR}',"
        " weight: 1.6, opacity: 0.95}})); }"
        if blind
        else ""
    )
    return JsCode("function(f, layer) {" + _BIND + hatch + " }")


def _badge_js(styles: dict[str, tuple[str, str]], key: str | None, css: str, size: int) -> JsCode:
    table = json.dumps(styles, ensure_ascii=False)
    pick = f"S[f.properties.{key}] || S.other" if key else "S.home"
    return JsCode(
        "function(f, latlng) { var S = " + table + "; var s = " + pick + ";"
        " return L.marker(latlng, {keyboard: false, riseOnHover: true, icon: L.divIcon({"
        f" className: 'cp-icon', iconSize: [{size}, {size}],"
        f" iconAnchor: [{size // 2}, {size // 2}],"
        f' html: \'<div class="cp-badge {css}" style="background:\''
        " + s[0] + '\">' + s[1] + '</div>'"
        " })}); }"
    )


def _radius_js() -> JsCode:
    colors = json.dumps({k: v[0] for k, v in POINT_STYLE.items()})
    return JsCode(
        "function(f, latlng) { var C = " + colors + ";"
        " var c = C[f.properties.t] || '#5f6b7a';"
        " return L.circle(latlng, {radius: f.properties.r, color: c, weight: 1.2, opacity: 0.8,"
        " dashArray: '5 4', fillColor: c, fillOpacity: 0.07, interactive: false}); }"
    )


def _dot_js(prop: str, on: str, off: str, radius: float, stroke: bool) -> JsCode:
    border = "color: '#ffffff', weight: 1" if stroke else "stroke: false"
    return JsCode(
        "function(f, latlng) { return L.circleMarker(latlng, {radius: "
        f"{radius}, {border}, fillOpacity: 0.95,"
        f" fillColor: f.properties.{prop} ? '{off}' : '{on}'}}); }}"
    )


_LABEL_JS = JsCode(
    "function(f, latlng) { return L.marker(latlng, {interactive: false, keyboard: false,"
    " icon: L.divIcon({className: 'cp-county-label', iconSize: null,"
    " html: '<span>' + f.properties.label + '</span>'})}); }"
)


class _Script(MacroElement):
    """A piece of JavaScript that runs with the map's own script (st_folium keeps it)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code.replace('__MAP__', this._parent.get_name()) }}"
        "{% endmacro %}"
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code


def _geojson(data: dict[str, Any], name: str, **options: Any) -> folium.GeoJson:
    return folium.GeoJson(data, name=name, control=False, **options)


def build_map(
    payload: MapPayload,
    layers: set[str] | frozenset[str],
    basemap: str = "none",
    tianditu_key: str = "",
    height: int = MAP_HEIGHT,
    static_base: str = IFRAME_STATIC_BASE,
    lang: Lang = "zh",
) -> folium.Map:
    """Assemble the folium map (offline assets, no attribution, GeoJSON layers).

    Parameters
    ----------
    payload
        Output of :func:`dashboard.mapcache.map_payload`.
    layers
        Names from :data:`LAYERS` to draw (townships are always drawn).
    basemap
        ``"none"`` (default, works offline), ``"osm"`` or ``"tianditu"``.
    tianditu_key
        Tianditu key; ignored unless ``basemap == "tianditu"``.
    height
        Map height in pixels.
    static_base
        URL prefix of the vendored assets (iframe-relative by default).
    lang
        Language of the point badges (Chinese characters or English letters).
    """
    m = folium.Map(
        location=None,
        tiles=None,
        attribution_control=False,
        control_scale=False,
        zoom_snap=0.25,
        min_zoom=4,
        max_zoom=17,
        height=height,
        prefer_canvas=False,
    )
    use_offline_assets(m, static_base)
    m.get_root().header.add_child(folium.Element(_CSS), name="cp_css")
    _Script(_HATCH_JS).add_to(m)
    _Script("L.control.scale({imperial: false}).addTo(__MAP__);").add_to(m)
    if basemap == "osm":
        folium.TileLayer(OSM_URL, attr="OpenStreetMap", name="osm", control=False).add_to(m)
    elif basemap == "tianditu" and tianditu_key:
        for layer in ("vec", "cva"):
            folium.TileLayer(
                TIANDITU_URL.format(layer=layer, key=tianditu_key, s="{s}"),
                attr="Tianditu",
                name=f"tianditu_{layer}",
                subdomains="01234567",
                control=False,
                max_zoom=17,
            ).add_to(m)
    labels = json.dumps(payload.extra.get("labels", []), ensure_ascii=False)
    _Script(f"window.cpLabels = {labels};" + _TIP_FN).add_to(m)
    lay = payload.layers
    badges = badge_styles(lang)
    blind = "blind_spots" in layers
    if blind:
        _Script("window.cpBlind = L.featureGroup();").add_to(m)
    _geojson(lay["townships"], "townships", on_each_feature=_town_js(blind)).add_to(m)
    if blind:
        _Script("window.cpBlind.addTo(__MAP__);").add_to(m)
    if "counties" in layers:
        _geojson(lay["counties"], "counties", interactive=False).add_to(m)
    if "radii" in layers and lay["radii"]["features"]:
        _geojson(lay["radii"], "radii", pointToLayer=_radius_js()).add_to(m)
    if "site_links" in layers and lay["site_links"]["features"]:
        _geojson(
            lay["site_links"],
            "site_links",
            interactive=False,
            style=JsCode(
                f"function() {{ return {{color: '{LINK_COLOR}', weight: 1, opacity: 0.7}}; }}"
            ),
        ).add_to(m)
    if "villages" in layers and lay["villages"]["features"]:
        _geojson(
            lay["villages"],
            "villages",
            pointToLayer=_dot_js("c", VILLAGE_UNCOVERED, VILLAGE_COVERED, 2.5, False),
            on_each_feature=_TIP,
        ).add_to(m)
    if "collection_sites" in layers and lay["collection_sites"]["features"]:
        _geojson(
            lay["collection_sites"],
            "collection_sites",
            pointToLayer=_dot_js("o", SITE_COLOR, SITE_ORPHAN_COLOR, 4, True),
            on_each_feature=_TIP,
        ).add_to(m)
    if "homes" in layers and lay["homes"]["features"]:
        _geojson(
            lay["homes"],
            "homes",
            pointToLayer=_badge_js({"home": badges["home"]}, None, "cp-home", 18),
            on_each_feature=_TIP,
        ).add_to(m)
    if "contact_points" in layers and lay["contact_points"]["features"]:
        _geojson(
            lay["contact_points"],
            "contact_points",
            pointToLayer=_badge_js(badges, "t", "", 24),
            on_each_feature=_TIP,
        ).add_to(m)
    if "counties" in layers:
        _geojson(lay["county_labels"], "county_labels", pointToLayer=_LABEL_JS).add_to(m)
    m.fit_bounds(payload.bounds, padding=(12, 12))
    return m
