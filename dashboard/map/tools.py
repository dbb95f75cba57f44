"""The map's way-finding tools, drawn in the browser: tile errors, search, measure, labels.

:data:`TOOLS_JS` defines ``window.cpTools(map, data)``, run once after ``cpInit`` on the
地图 page's map. From the data the map already holds (``places``: townships and villages,
see :mod:`dashboard.map.search`) and the texts of :func:`tool_texts` it adds:

- a notice on the map when base map tiles fail to load (Leaflet ``tileerror``), e.g.
  OpenStreetMap chosen without internet;
- a search box (top right): townships and villages by name (Chinese substring, names that
  start with the text first), the map flies to the choice and rings it;
- a 测距 button: click points, the total distance shows in km (great-circle, Leaflet's
  ``map.distance``); township polygons stop taking clicks while measuring;
- township names from zoom :data:`LABEL_ZOOM` on (only those in view), under the badges;
- county labels moved clear of the point badges after each view and zoom;
- a 保存图片 button (``snapshot.js``): the current view as a PNG drawn on a canvas in the
  browser (tiles served by the app, the township SVG, labels, badges) with a title (dataset,
  county, measure), the legend beside the map, a scale bar and a north arrow. Tiles of
  another server would taint the canvas: the image is then saved without them.

Plain Leaflet, no plugin, nothing loaded from outside.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.i18n import Lang, t

#: Township names are drawn from this zoom level on (a county fills the map at ~10).
LABEL_ZOOM = 11

_HERE = Path(__file__).parent
#: ``snapshot.js`` (the 保存图片 button) and ``tools.js`` (everything else).
TOOLS_JS = (_HERE / "snapshot.js").read_text(encoding="utf-8") + (_HERE / "tools.js").read_text(
    encoding="utf-8"
).replace("__LABEL_ZOOM__", str(LABEL_ZOOM))

_TEXTS = {
    "tiles_failed": "maptool_tiles_failed",
    "search": "maptool_search",
    "no_match": "maptool_no_match",
    "township": "maptool_township",
    "village": "maptool_village",
    "county": "maptool_county",
    "measure": "maptool_measure",
    "measure_hint": "maptool_measure_hint",
    "total": "maptool_total",
    "export": "maptool_export",
    "export_title": "maptool_export_title",
    "north": "maptool_north",
    "file": "maptool_file",
    "villages_zoom": "maptool_villages_zoom",
}


def tool_texts(lang: Lang) -> dict[str, str]:
    """Return the tools' texts in ``lang`` (placeholders ``{n}``, ``{km}`` kept for the browser)."""
    return {name: t(key, lang, n="{n}", km="{km}") for name, key in _TEXTS.items()}
