"""The map's way-finding tools, drawn in the browser: tile errors, search, measure, labels.

:data:`TOOLS_JS` defines ``window.cpTools(map, data, searchUrl)``, run once after ``cpInit``
on the 地图 page's map. From the map's data, the search list fetched from ``searchUrl`` when
first needed (townships, villages and counties with the pinyin of their names, see
:mod:`dashboard.map.search` and :mod:`dashboard.map.search_index`) and the texts of
:func:`tool_texts` it adds:

- a notice on the map when base map tiles fail to load (Leaflet ``tileerror``), e.g.
  OpenStreetMap chosen without internet;
- a search box (top right): townships, villages and counties by name (Chinese substring,
  names that start with the text first) or by pinyin, full or initials (``mjz`` and
  ``majiazhuang`` find 马家庄); the map flies to the choice and rings it;
- a 测距 button: click points, the total distance shows in km (great-circle, Leaflet's
  ``map.distance``); township polygons stop taking clicks while measuring;
- township names from zoom :data:`LABEL_ZOOM` on (only those in view), under the badges;
- county labels moved clear of the point badges after each view and zoom;
- a 保存图片 button (``snapshot.js``): the current view as a PNG drawn on a canvas in the
  browser (tiles served by the app, the township SVG and canvases, labels, badges) with a
  title (dataset, county, measure), the legend beside the map, a scale bar and a north
  arrow. Tiles of another server would taint the canvas: the image is then saved without
  them;
- a 保存PDF button: the same picture on an A4 landscape page, with the title and legend as
  a (hidden) text layer and the title in the document's properties, written in the browser
  (``pdf.js``; the view lives only there, and Streamlit offers no route to send it to the
  server); it prints as it looks on screen.

Plain Leaflet, no plugin, nothing loaded from outside.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.i18n import Lang, t

#: Township names are drawn from this zoom level on (a county fills the map at ~10).
LABEL_ZOOM = 11

_HERE = Path(__file__).parent
#: ``pdf.js`` (a one-page PDF written in the browser), ``snapshot.js`` (the 保存图片 and
#: 保存PDF buttons) and ``tools.js`` (everything else).
TOOLS_JS = "".join(
    (_HERE / name).read_text(encoding="utf-8") for name in ("pdf.js", "snapshot.js", "tools.js")
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
    "export_pdf": "maptool_export_pdf",
    "export_title": "maptool_export_title",
    "north": "maptool_north",
    "file": "maptool_file",
    "villages_zoom": "maptool_villages_zoom",
}


def tool_texts(lang: Lang) -> dict[str, str]:
    """Return the tools' texts in ``lang`` (placeholders ``{n}``, ``{km}`` kept for the browser)."""
    return {name: t(key, lang, n="{n}", km="{km}") for name, key in _TEXTS.items()}
