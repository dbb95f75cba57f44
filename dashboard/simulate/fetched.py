"""The simulation base map's layers as a static file, drawn by the map once fetched.

st_folium re-sends the map's whole script on every rerun (each click on the simulation
map); with the townships inside it that was the dataset's geometry each time (~1.5 MB on a
province). :func:`base_data` is written once as a content-hashed static file
(:func:`dashboard.map.static_data.publish`) and :func:`fetched_layers_js` draws it as
:func:`dashboard.simulate.map.base_map` draws the layers inline (same styles, panes and
tooltips, given as JavaScript).
"""

from __future__ import annotations

from typing import Any

from dashboard.map.palette import ROAD_COLOR

_EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def base_data(payload: Any, labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base map's layers as :func:`base_map` fetches them with ``data_url``."""
    layers = payload.layers
    return {
        "townships": layers["townships"],
        "roads": layers.get("roads") or _EMPTY,
        "counties": layers.get("counties") or _EMPTY,
        "labels": labels if labels is not None else layers.get("county_labels", {}),
    }


def fetched_layers_js(data_url: str, code: dict[str, str], county_pane: str) -> str:
    """Return the script drawing the base map's layers from their static file.

    Parameters
    ----------
    data_url
        URL of :func:`base_data`'s JSON.
    code
        JavaScript of ``town_style``, ``tooltip``, ``style`` (county outlines) and
        ``label`` (county labels' ``pointToLayer``).
    county_pane
        Pane of the county outlines.

    The layers arrive after the scenario's feature group: townships and roads are moved
    to the back of their pane, under the scenario's overlay and radii.
    """
    from dashboard.adapters.streamlit_internals import FOLIUM_MAP_VAR
    from dashboard.map.view import LOAD_JS, js_json

    road = (
        f"function(f) {{ return {{color: '{ROAD_COLOR}', weight: f.properties.w,"
        " opacity: 0.6, lineCap: 'round'}; }"
    )
    return (
        LOAD_JS + f"window.cpLoad({FOLIUM_MAP_VAR}, {js_json(data_url)}, function(d) {{\n"
        f"  var m = {FOLIUM_MAP_VAR};\n"
        f"  var towns = L.geoJson(d.townships, {{style: {code['town_style']},"
        f" onEachFeature: {code['tooltip']}}}).addTo(m);\n"
        "  if (d.roads.features.length) {\n"
        f"    L.geoJson(d.roads, {{interactive: false, style: {road}}}).addTo(m).bringToBack();\n"
        "  }\n"
        "  towns.bringToBack();\n"
        "  if (window.simLegibility) {\n"
        f"    window.simLegibility.towns(m, towns, {code['town_style']});\n"
        "  }\n"
        "  if (d.counties.features.length) {\n"
        f"    L.geoJson(d.counties, {{interactive: false, style: {code['style']},"
        f" pane: '{county_pane}'}}).addTo(m);\n"
        "  }\n"
        "  if (d.labels.features && d.labels.features.length) {\n"
        f"    L.geoJson(d.labels, {{pointToLayer: {code['label']}}}).addTo(m);\n"
        "  }\n"
        "  window.simBaseDrawn = true;\n"
        "});\n"
    )


#: A comparison map's scenario layers in drawing order, with their Leaflet options (the
#: JavaScript pieces named as :func:`dashboard.simulate.map.scenario_group` uses them).
_POINT_LAYERS = (
    ("radii", "pointToLayer: {radius}, style: {area}, interactive: false"),
    ("moves", "style: {style}, interactive: false"),
    ("sites", "pointToLayer: {site}, onEachFeature: {tooltip}"),
    ("homes", "pointToLayer: {badge}, onEachFeature: {tooltip}"),
    ("points", "pointToLayer: {badge}, onEachFeature: {tooltip}"),
)


def fetched_points_js(data_url: str, code: dict[str, str]) -> str:
    """Return the script drawing a scenario's points from their static file.

    As :func:`dashboard.simulate.map.scenario_group` draws them inline (radii, moves, sites,
    homes, points), without its changed-township overlay and pending points, which the
    comparison maps do not have. ``code``: JavaScript of ``radius``, ``area``, ``style``,
    ``site``, ``badge`` and ``tooltip``.
    """
    from dashboard.adapters.streamlit_internals import FOLIUM_MAP_VAR
    from dashboard.map.view import LOAD_JS, js_json

    # Badges and radii through the map's zoom rules (dashboard.simulate.legible).
    body = "".join(
        f"  if (d.{name}.features.length) {{\n"
        f"    add('{name}', L.geoJson(d.{name}, {{{options.format(**code)}}}));\n  }}\n"
        for name, options in _POINT_LAYERS
    )
    return (
        LOAD_JS + f"window.cpLoad({FOLIUM_MAP_VAR}, {js_json(data_url)}, function(d) {{\n"
        f"  var m = {FOLIUM_MAP_VAR}, G = window.simLegibility;\n"
        "  var add = function(k, l) { return G ? G.add(m, k, l) : l.addTo(m); };\n"
        f"{body}  if (G) {{ G.refresh(m); }}\n}});\n"
    )
