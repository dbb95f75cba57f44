"""A light reference base map drawn from the loaded data, for offices with no tiles at all.

The 参考底图（道路、县城） base map: the dataset's own road layer (``city.roads``: canonical
``road_class``) and its county seats, drawn over the townships as thin lines and small
squares. Major classes (:data:`MAJOR`) are drawn at every zoom, the others from zoom
:data:`dashboard.map.tools.LABEL_ZOOM` on, so a province stays light when zoomed out.

A county seat is not in the input files: it is taken as the county's most populous urban
township (its most populous township when it has no urban one), an assumption stated in
``docs/用户指南.md``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.map.tools import LABEL_ZOOM

#: Road classes drawn at every zoom; the others only from :data:`LABEL_ZOOM` on.
MAJOR = ("expressway", "national", "provincial", "arterial")
#: Line width and colour by class (others: the last entry).
ROAD_STYLE = {
    "expressway": (3.0, "#b86e00"),
    "national": (2.4, "#c98a2e"),
    "provincial": (2.2, "#c98a2e"),
    "arterial": (2.0, "#8d7b63"),
    "": (1.0, "#7d7466"),
}
#: Display simplification (degrees, ~30 m) and decimals (4 = ~10 m).
SIMPLIFY_DEG = 0.0003
DECIMALS = 4


def reference_features(roads: Any, townships: Any) -> dict[str, Any]:
    """Return ``{"roads": [[class, major, [[lat, lon], ...]], ...], "seats": [[name, lat, lon]]}``.

    Parameters
    ----------
    roads
        The road layer (EPSG:4326 lines, ``road_class``) or None.
    townships
        The township layer (``name``, ``county``, ``population``, ``kind``).
    """
    import numpy as np
    import shapely

    out_roads: list[list[Any]] = []
    if roads is not None and len(roads):
        geoms = shapely.simplify(np.asarray(roads.geometry.values, dtype=object), SIMPLIFY_DEG)
        classes = roads["road_class"].astype(object).where(roads["road_class"].notna(), "")
        for cls, geom in zip(classes.astype(str), geoms, strict=True):
            parts = getattr(geom, "geoms", [geom])
            for part in parts:
                xy = np.round(np.asarray(part.coords)[:, :2], DECIMALS)
                if len(xy) >= 2:
                    out_roads.append([cls, int(cls in MAJOR), xy[:, ::-1].tolist()])
    seats: list[list[Any]] = []
    reps = townships.geometry.representative_point()
    towns = townships.assign(_x=reps.x, _y=reps.y, _urban=townships["kind"] == "urban")
    for _, group in towns.groupby(towns["county"].astype(str), sort=True):
        pick = group.sort_values(["_urban", "population"], ascending=False).iloc[0]
        seats.append([str(pick["name"]), round(float(pick["_y"]), 4), round(float(pick["_x"]), 4)])
    return {"roads": out_roads, "seats": seats}


@st.cache_resource(show_spinner=False, max_entries=4)
def reference_data(dataset_id: str) -> dict[str, Any]:
    """Return :func:`reference_features` of a dataset (cached per dataset id)."""
    from dashboard.services import data as services

    city = services.dataset_by_id(dataset_id).city
    return reference_features(getattr(city, "roads", None), city.townships)


_JS = """
(function(map, d) {
  var STYLE = __STYLE__, ZOOM = __ZOOM__;
  if (!map.getPane('cpRef')) { map.createPane('cpRef').style.zIndex = 450; }
  var pane = map.getPane('cpRef'); pane.style.pointerEvents = 'none';
  var renderer = L.svg({pane: 'cpRef'});
  var major = L.layerGroup().addTo(map), minor = L.layerGroup();
  d.roads.forEach(function(r) {
    var s = STYLE[r[0]] || STYLE[''];
    L.polyline(r[2], {pane: 'cpRef', renderer: renderer, weight: s[0], color: s[1],
      opacity: 0.85, interactive: false}).addTo(r[1] ? major : minor);
  });
  d.seats.forEach(function(p) {
    L.marker([p[1], p[2]], {pane: 'cpRef', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'cp-seat', iconSize: null,
        html: '<i></i><span>' + p[0] + '</span>'})}).addTo(major);
  });
  function zoom() {
    if (map.getZoom() >= ZOOM) { minor.addTo(map); } else { map.removeLayer(minor); }
  }
  map.on('zoomend', zoom); zoom();
  var css = document.createElement('style');
  css.textContent = '.cp-seat{background:none;border:none;white-space:nowrap;color:#3b3126;' +
    'font-size:12px;text-shadow:0 0 2px #fff,0 0 2px #fff}.cp-seat i{display:inline-block;' +
    'width:8px;height:8px;background:#3b3126;border:1.5px solid #fff;margin:0 3px 0 -5px;' +
    'vertical-align:middle}.cp-seat span{vertical-align:middle}';
  document.head.appendChild(css);
  window.cpReferenceRoads = d.roads.length;
})(__MAP__, __DATA__);
"""


def reference_script(data: dict[str, Any]) -> str:
    """Return the script drawing ``data`` (:func:`reference_features`) on the page's map."""
    import html
    import json

    from dashboard.adapters.streamlit_internals import FOLIUM_MAP_VAR
    from dashboard.map.view import js_json

    safe = {"roads": data["roads"], "seats": [[html.escape(n), y, x] for n, y, x in data["seats"]]}
    style = {k: list(v) for k, v in ROAD_STYLE.items()}
    return (
        _JS.replace("__STYLE__", json.dumps(style))
        .replace("__ZOOM__", str(LABEL_ZOOM))
        .replace("__DATA__", js_json(safe))
        .replace("__MAP__", FOLIUM_MAP_VAR)
    )
