"""A small KML 2.2 writer: one folder per layer, styled by status and coverage.

Written by hand (not GDAL's KML driver) so that placemarks carry the point's name, a
Chinese description and every field as ``ExtendedData``, and styles distinguish existing /
proposed / moved / removed points, as Ovital Map (奥维) and Google Earth show them. Styles
name no icon file (viewers tint their default pin), so nothing is fetched from the internet.
"""

from __future__ import annotations

import html
import math
from typing import Any
from xml.etree import ElementTree as ET

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from analysis.export.labels import COLUMN_LABELS_ZH, LAYER_TITLES_ZH, zh_value
from analysis.export.model import ExportBundle

KML_NS = "http://www.opengis.net/kml/2.2"
#: Icon colours by status, KML ``aabbggrr``.
STATUS_COLOURS: dict[str, str] = {
    "existing": "ffd27819",  # blue
    "proposed": "ff2828e6",  # red
    "moved": "ff008cff",  # orange
    "removed": "ff9e9e9e",  # grey
}
#: Township fill colours: blind spot / partly covered / well covered (>= 80 %).
TOWN_STYLES: dict[str, str] = {"blind": "8c3c3cdc", "partial": "8c3cc8f0", "covered": "8c50b450"}
_LABELLED = (
    "name",
    "type",
    "status",
    "county",
    "township",
    "population",
    "coverage_share",
    "newly_covered_population",
    "newly_covered_alone",
    "room_status",
)


def kml_document(bundle: ExportBundle) -> bytes:
    """Return the KML document of ``bundle`` as UTF-8 bytes."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(_q("kml"))
    doc = ET.SubElement(root, _q("Document"))
    _text(doc, "name", bundle.title or "覆盖规划")
    coords_note = "GCJ-02" if bundle.coords == "gcj02" else "WGS84"
    _text(doc, "description", f"坐标系：{coords_note}")
    _styles(doc)
    for layer_name, layer in bundle.layers.items():
        folder = ET.SubElement(doc, _q("Folder"))
        _text(folder, "name", LAYER_TITLES_ZH.get(layer_name, layer_name))
        for _, row in layer.iterrows():
            _placemark(folder, layer_name, layer, row.to_dict())
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _q(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, _q(tag))
    el.text = text
    return el


def _styles(doc: ET.Element) -> None:
    for status, colour in STATUS_COLOURS.items():
        style = ET.SubElement(doc, _q("Style"), id=f"status_{status}")
        icon_style = ET.SubElement(style, _q("IconStyle"))
        _text(icon_style, "color", colour)
        _text(icon_style, "scale", "1.0")
    for key, colour in TOWN_STYLES.items():
        style = ET.SubElement(doc, _q("Style"), id=f"town_{key}")
        line = ET.SubElement(style, _q("LineStyle"))
        _text(line, "color", "ff555555")
        _text(line, "width", "1")
        poly = ET.SubElement(style, _q("PolyStyle"))
        _text(poly, "color", colour)


def _town_style(row: dict[str, Any]) -> str:
    share = row.get("coverage_share")
    if row.get("is_blind_spot") is True or share in (None, "") or _nan(share) or share <= 0:
        return "town_blind"
    return "town_covered" if float(share) >= 0.8 else "town_partial"


def _nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _placemark(folder: ET.Element, layer_name: str, layer: gpd.GeoDataFrame, row: dict) -> None:
    geom_col = layer.geometry.name
    geom = row.pop(geom_col)
    pm = ET.SubElement(folder, _q("Placemark"))
    _text(pm, "name", str(row.get("name", "")))
    lines = []
    for key in _LABELLED:
        if key in row and row[key] not in ("", None):
            value = zh_value(key, row[key])
            if key == "coverage_share" and not _nan(value):
                value = f"{float(value):.1%}"
            lines.append(f"{COLUMN_LABELS_ZH.get(key, key)}：{value}")
    # Map viewers (Google Earth, Ovital) render <description> as HTML: escape user text.
    _text(pm, "description", html.escape("\n".join(lines), quote=False))
    if layer_name == "townships":
        style = _town_style(row)
    else:
        style = f"status_{row.get('status', 'existing')}"
    _text(pm, "styleUrl", f"#{style}")
    extended = ET.SubElement(pm, _q("ExtendedData"))
    for key, value in row.items():
        data = ET.SubElement(extended, _q("Data"), name=str(key))
        _text(data, "displayName", COLUMN_LABELS_ZH.get(str(key), str(key)))
        _text(data, "value", "" if value is None or _nan(value) else _plain(value))
    if isinstance(geom, BaseGeometry) and not geom.is_empty:
        _geometry(pm, geom)


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _coords(seq: Any) -> str:
    return " ".join(f"{x:.8f},{y:.8f}" for x, y, *_ in seq)


def _geometry(parent: ET.Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        point = ET.SubElement(parent, _q("Point"))
        _text(point, "coordinates", f"{geom.x:.8f},{geom.y:.8f}")
    elif kind == "Polygon":
        poly = ET.SubElement(parent, _q("Polygon"))
        outer = ET.SubElement(ET.SubElement(poly, _q("outerBoundaryIs")), _q("LinearRing"))
        _text(outer, "coordinates", _coords(geom.exterior.coords))
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, _q("innerBoundaryIs")), _q("LinearRing"))
            _text(inner, "coordinates", _coords(ring.coords))
    else:
        multi = ET.SubElement(parent, _q("MultiGeometry"))
        for part in getattr(geom, "geoms", []):
            _geometry(multi, part)


__all__ = ["STATUS_COLOURS", "TOWN_STYLES", "kml_document"]
