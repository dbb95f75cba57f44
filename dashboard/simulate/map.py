"""The simulation map: a fixed base map and the scenario's points as one feature group.

The base map (townships coloured by the loaded dataset's coverage, county outlines and
labels) does not change while the planner edits, so its script (and the st_folium iframe)
stays the same; the points of the working scenario travel as ``feature_group_to_add``,
which st_folium swaps in place, together with the townships whose figures the scenario
changed (:mod:`dashboard.simulate.overlay`), drawn over their base polygon in the scenario's
colour. County outlines and labels sit in panes of their own above the townships (and
the labels below the point badges). Townships carry tooltips only (no popups), so a
click on the map is a click, not a popup. Every text is escaped before it reaches HTML.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from dashboard.adapters.streamlit_internals import folium_click_now_js, folium_no_value_js
from dashboard.i18n import Lang, t
from dashboard.map.assets import IFRAME_STATIC_BASE, add_css, use_offline_assets
from dashboard.map.palette import (
    POINT_STYLE,
    ROAD_COLOR,
    SITE_COLOR,
    badge_styles,
)
from dashboard.map.view import MapPayload
from dashboard.simulate.features import DECIMALS, nearest_point, pending_features, point_features
from dashboard.simulate.fetched import base_data, fetched_layers_js, fetched_points_js
from dashboard.simulate.legible import legible_js
from dashboard.simulate.map_style import CSS, TIP_FN, TOOLTIP
from dashboard.simulate.overlay import HATCH, hatch_js
from dashboard.simulate.sync import RADII_PANE, SITES_PANE, SYNC_PANES, scenario_sync_group

__all__ = [
    "DECIMALS",
    "HIT_DEG",
    "base_data",
    "base_map",
    "base_payload",
    "nearest_point",
    "pending_features",
    "point_features",
    "scenario_group",
    "small_map",
]
#: A click this close (degrees) to a point's position is a click on that point.
HIT_DEG = 2e-4


class _Script(MacroElement):
    """JavaScript that runs with the map's own script (st_folium keeps it)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "SimScript"
        self.code = code


_STYLE = JsCode("function(f) { return f.properties.style || {}; }")
#: Townships of the base map: their own style, blind spots (``b``) hatched.
_TOWN_STYLE = JsCode(
    "function(f) { var s = f.properties.style || {}; if (!f.properties.b) { return s; }"
    f" return Object.assign({{}}, s, {{fillColor: 'url(#{HATCH})'}}); }}"
)
#: Panes above the townships (overlayPane, 400) and the scenario's overlay: county outlines
#: over every township, county labels below the point badges (markerPane, 600), the service
#: radius of new and moved points above the badges (at city zoom a 5 km circle is about as
#: wide as a badge and would hide under it). None takes clicks.
PANES = {"simCounties": 450, "simLabels": 550, "simFresh": 610}
COUNTY_PANE, LABEL_PANE, FRESH_PANE = PANES
_LABEL = JsCode(
    "function(f, latlng) { return L.marker(latlng, {interactive: false, keyboard: false,"
    f" pane: '{LABEL_PANE}',"
    " icon: L.divIcon({className: 'sim-label', iconSize: null,"
    " html: '<span>' + f.properties.label + '</span>'})}); }"
)


def _badge_js(lang: Lang = "zh") -> JsCode:
    table = json.dumps(badge_styles(lang), ensure_ascii=False)
    return JsCode(
        "function(f, latlng) { var S = " + table + "; var p = f.properties;"
        " var s = S[p.t] || S.other; var cls = 'sim-badge st-' + p.s + (p.sel ? ' sel' : '')"
        " + (p.t === 'home' ? ' home' : '');"
        " var b = L.marker(latlng, {keyboard: false, riseOnHover: true,"
        " zIndexOffset: p.sel ? 1000 : 0, icon: L.divIcon({className: 'sim-icon',"
        " iconSize: [24, 24], iconAnchor: [12, 12],"
        " html: '<div class=\"' + cls + '\" style=\"background:' + s[0] + '\">' + s[1] + '</div>'"
        " })}); b._cpStyle = s; return b; }"
    )


def _pending_js(lang: Lang = "zh") -> JsCode:
    """Badges of a not-yet-adopted proposal: white, dashed outline and letter in the type's
    colour, marked 拟 (so they never read as points of the plan)."""
    colors = json.dumps({k: v[0] for k, v in badge_styles(lang).items()})
    char = json.dumps(t("sim_pending_char", lang), ensure_ascii=False)
    return JsCode(
        "function(f, latlng) { var C = " + colors + "; var c = C[f.properties.t] || C.other;"
        " return L.marker(latlng, {keyboard: false, riseOnHover: true, zIndexOffset: -500,"
        " icon: L.divIcon({className: 'sim-icon', iconSize: [24, 24], iconAnchor: [12, 12],"
        " html: '<div class=\"sim-badge pending\" style=\"color:' + c + ';border-color:' + c"
        " + '\">' + " + char + " + '</div>'})}); }"
    )


def _radius_js() -> JsCode:
    colors = json.dumps({k: v[0] for k, v in POINT_STYLE.items()})
    return JsCode(
        "function(f, latlng) { var C = " + colors + "; var c = C[f.properties.t] || '#5f6b7a';"
        " var fresh = f.properties.s === 'proposed' || f.properties.s === 'moved';"
        " if (fresh) { return L.circle(latlng, {radius: f.properties.r, color: c, weight: 2.5,"
        f" opacity: 0.95, fillColor: c, fillOpacity: 0.1, interactive: false, pane: '{FRESH_PANE}'"
        " }); }"
        " return L.circle(latlng, {radius: f.properties.r, color: c, weight: 1.2,"
        " opacity: 0.85, dashArray: '5 4', fillColor: c, fillOpacity: 0.06,"
        f" interactive: false, pane: '{RADII_PANE}'}}); }}"
    )


def _area_style() -> JsCode:
    """Style of service areas in road mode (road stretches: thick translucent lines in the
    type's colour; those of new and moved points stronger)."""
    colors = json.dumps({k: v[0] for k, v in POINT_STYLE.items()})
    return JsCode(
        "function(f) { if (f.geometry.type === 'Point') { return {}; }"  # circles: their own
        " var C = " + colors + "; var c = C[f.properties.t] || '#5f6b7a';"
        " var fresh = f.properties.s === 'proposed' || f.properties.s === 'moved';"
        " return {color: c, weight: fresh ? 9 : 7, opacity: fresh ? 0.85 : 0.6,"
        " lineCap: 'round', lineJoin: 'round', className: 'sim-service-area'}; }"
    )


def _site_js() -> JsCode:
    return JsCode(
        "function(f, latlng) { return L.circleMarker(latlng, {radius: f.properties.s === "
        f"'proposed' ? 5 : 3.5, color: '#ffffff', weight: 1, fillColor: '{SITE_COLOR}',"
        f" fillOpacity: 0.9, pane: '{SITES_PANE}'}}); }}"
    )


class _Map(folium.Map):
    """A folium map that knows its bounds (the payload's) without walking every vertex.

    st_folium asks for ``get_bounds()`` on every run; folium would iterate over every
    township coordinate (~40k) for a value the payload already holds.
    """

    def __init__(
        self, *args: Any, known_bounds: list[list[float]] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._known_bounds = known_bounds

    def get_bounds(self) -> list[list[float | None]]:
        """``[[south, west], [north, east]]``: the payload's, else folium's own walk."""
        if self._known_bounds is not None:
            return [list(corner) for corner in self._known_bounds]
        return super().get_bounds()


def base_map(
    payload: MapPayload,
    height: int,
    static_base: str = IFRAME_STATIC_BASE,
    labels: dict[str, Any] | None = None,
    data_url: str = "",
    editing: bool = True,
) -> folium.Map:
    """Return the fixed base map: townships (tooltips only), county outlines and labels.

    Parameters
    ----------
    payload
        A view's map payload (:func:`base_payload`).
    height
        Map height in pixels.
    static_base
        URL prefix of the vendored Leaflet (iframe-relative by default).
    labels
        County labels to draw instead of the payload's (e.g. moved off the point badges,
        :func:`dashboard.simulate.features.label_features`).
    data_url
        URL of :func:`base_data` as a static file (:func:`dashboard.map.static_data.
        publish`): the map fetches its layers from it and the map's script (re-sent on
        every rerun) carries only the URL. Without it the layers are in the script.
    editing
        The 方案模拟 map (the selected, new and moved points are never grouped into a
        bubble); False: a comparison map (:func:`small_map`). Both follow the 地图 page's
        zoom rules (:mod:`dashboard.simulate.legible`).
    """
    m = _Map(
        location=None,
        known_bounds=payload.bounds,
        tiles=None,
        attribution_control=False,
        # A comparison map fits the data more closely (its size is fixed, nobody zooms it
        # step by step); the 方案模拟 map zooms by quarter steps.
        zoom_snap=0.25 if editing else 0.1,
        min_zoom=4,
        max_zoom=17,
        height=height,
    )
    use_offline_assets(m, static_base)
    add_css(m, CSS, "sim_css")
    tip_labels = json.dumps(payload.extra.get("labels", []), ensure_ascii=False)
    _Script(f"window.simLabels = {tip_labels};" + TIP_FN + hatch_js()).add_to(m)
    _Script(legible_js((RADII_PANE, FRESH_PANE), editing)).add_to(m)
    # A click goes to the server at once, not after st_folium's 250 ms debounce.
    _Script(folium_click_now_js()).add_to(m)
    for pane, z in {**PANES, **SYNC_PANES}.items():
        folium.map.CustomPane(pane, z_index=z, pointer_events=False).add_to(m)
    if data_url:
        code = {"town_style": _TOWN_STYLE, "tooltip": TOOLTIP, "style": _STYLE, "label": _LABEL}
        js = fetched_layers_js(data_url, {k: v.js_code for k, v in code.items()}, COUNTY_PANE)
        _Script(js).add_to(m)
        m.fit_bounds(payload.bounds, padding=(10, 10))
        return m
    layers = payload.layers
    towns = folium.GeoJson(
        layers["townships"],
        name="sim_townships",
        control=False,
        style_function=None,
        on_each_feature=TOOLTIP,
    ).add_to(m)
    # folium styles a layer without style_function by ``properties.style``; restyle after.
    _Script(f"{towns.get_name()}.setStyle({_TOWN_STYLE.js_code});").add_to(m)
    _Script(
        f"window.simLegibility.towns({m.get_name()}, {towns.get_name()}, {_TOWN_STYLE.js_code});"
    ).add_to(m)
    if layers.get("roads", {}).get("features"):
        # Road mode: the road network, faint, under the service areas (width by class).
        folium.GeoJson(
            layers["roads"],
            name="sim_roads",
            control=False,
            interactive=False,
            style=JsCode(
                f"function(f) {{ return {{color: '{ROAD_COLOR}', weight: f.properties.w,"
                " opacity: 0.6, lineCap: 'round'}; }"
            ),
        ).add_to(m)
    if layers.get("counties", {}).get("features"):
        folium.GeoJson(
            layers["counties"],
            name="sim_counties",
            control=False,
            interactive=False,
            style=_STYLE,
            pane=COUNTY_PANE,
        ).add_to(m)
    labels = labels if labels is not None else layers.get("county_labels", {})
    if labels.get("features"):
        folium.GeoJson(labels, name="sim_labels", control=False, pointToLayer=_LABEL).add_to(m)
    m.fit_bounds(payload.bounds, padding=(10, 10))
    return m


def base_payload(
    dataset: Any, result: Any, radii: dict[str, float], lang: Lang, version: str = ""
) -> MapPayload:
    """Return the whole area's map payload, townships coloured by coverage, no villages.

    The view (coverage share, whole area) of the dataset's cached layers
    (:func:`dashboard.map.cache.map_layers`, :func:`dashboard.map.pipeline.view_payload`),
    the same pipeline as the 地图 page's.

    Parameters
    ----------
    dataset
        The :class:`dashboard.services.data.Dataset`.
    result
        The coverage result the townships are coloured by (the dataset's own, or a
        scenario's).
    radii
        Service radius per point type.
    lang
        Language of the tooltips.
    version
        Cache key of ``result`` when it is not the dataset's own (a scenario fingerprint).
    """
    from dashboard.map.cache import map_layers
    from dashboard.map.pipeline import view_payload

    layers = map_layers(dataset.id, lang, False, dataset.city, result, radii, version)
    return view_payload(layers, "coverage_share", "")[0]


def pending_options(lang: Lang = "zh") -> str:
    """``L.geoJson`` options of a proposal's points not adopted yet (dashed badges)."""
    return f"{{pointToLayer: {_pending_js(lang).js_code}, onEachFeature: {TOOLTIP.js_code}}}"


def scenario_group(
    features: dict[str, dict[str, Any]],
    lang: Lang = "zh",
    townships: dict[str, Any] | None = None,
    pending: dict[str, Any] | None = None,
) -> folium.FeatureGroup:
    """Return the feature group st_folium adds to the base map (townships, radii, points).

    Badges carry one character of the type's name in Chinese, a letter in English
    (:func:`dashboard.map.palette.badge_styles`), as on the map page. ``townships`` is the
    overlay of the townships the scenario changed (:func:`dashboard.simulate.overlay.
    township_overlay`), drawn first, over the base map's polygons and under the radii.
    ``pending`` holds the points of an optimiser proposal not adopted yet
    (:func:`dashboard.simulate.features.pending_features`): dashed white badges marked 拟, under
    the plan's own badges. They travel with the points, so the base map stays as it is.
    """
    tip = TOOLTIP.js_code
    options = {
        "towns": f"{{style: {_STYLE.js_code}, onEachFeature: {tip}}}",
        "radii": f"{{pointToLayer: {_radius_js().js_code}, style: {_area_style().js_code},"
        f" interactive: false, pane: '{RADII_PANE}'}}",
        "moves": f"{{style: {_STYLE.js_code}, interactive: false, pane: '{RADII_PANE}'}}",
        "pending": pending_options(lang),
        "sites": f"{{pointToLayer: {_site_js().js_code}, onEachFeature: {tip}}}",
        "homes": f"{{pointToLayer: {_badge_js(lang).js_code}, onEachFeature: {tip}}}",
    }
    options["points"] = options["homes"]
    layers = {
        "towns": townships,
        "radii": features["radii"],
        "moves": features["moves"],
        "pending": pending,
        "sites": features["sites"],
        "homes": features["homes"],
        "points": features["points"],
    }
    data = {k: fc["features"] for k, fc in layers.items() if fc and fc.get("features")}
    return scenario_sync_group(data, {k: options[k] for k in data})


#: Width (pixels) of the page's content the comparison maps share (a 1440 px wide window).
COMPARE_WIDTH_PX = 960


def small_map_height(bounds: list[list[float]], columns: int = 3) -> int:
    """Return a comparison map's height (pixels) for the data to fill it.

    The maps stand ``columns`` in a row, each about :data:`COMPARE_WIDTH_PX` / ``columns``
    wide; a province or city wider than tall left half of a fixed 380 px map empty. The
    height follows the data's aspect in Web Mercator (plus the fit's padding), between 240
    and 380 px.
    """
    import math

    (south, west), (north, east) = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    tall = merc(north) - merc(south)
    wide = math.radians(east - west)
    if wide <= 0 or tall <= 0:
        return 380
    width_px = COMPARE_WIDTH_PX / max(1, columns)
    return int(min(380, max(240, round(width_px * tall / wide) + 24)))


def small_map(
    payload: MapPayload,
    features: dict[str, dict[str, Any]],
    height: int,
    lang: Lang = "zh",
    data_url: str = "",
    points_url: str = "",
) -> folium.Map:
    """Return a static map of one scenario (base map with its points), for comparisons.

    ``data_url`` / ``points_url``: the base layers (:func:`base_map`) / the points
    (:func:`dashboard.simulate.fetched.fetched_points_js`) as static files, not in the script.
    """
    m = base_map(payload, height, data_url=data_url, editing=False)
    if points_url:
        code = {"radius": _radius_js(), "area": _area_style(), "style": _STYLE}
        code |= {"site": _site_js(), "badge": _badge_js(lang), "tooltip": TOOLTIP}
        _Script(fetched_points_js(points_url, {k: v.js_code for k, v in code.items()})).add_to(m)
    else:
        scenario_group(features, lang).add_to(m)
    # It returns nothing (returned_objects=[]): no ``{}`` sent once per iframe, no rerun.
    _Script(folium_no_value_js()).add_to(m)
    return m
