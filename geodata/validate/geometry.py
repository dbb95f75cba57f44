"""Geometry checks of one layer: empty, invalid (repaired), wrong type, Z/M, outside China.

Layers are polygons (townships), points (the point layers) or lines (roads).

Data declared outside China (``outside_china=True``) skips the China box, but its
coordinates must still be longitude/latitude degrees (within ±180°/±90°).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geodata.coords import CHINA_BBOX_DEG
from geodata.errors import Problem

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString")
#: shapely.get_type_id of each geometry type.
_TYPE_IDS = {
    "Point": 0,
    "LineString": 1,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
}
#: Multi-part type whose one-part features become single: MultiPoint, MultiLineString.
_MULTI_OF = {"point": 4, "line": 5}
_EXPECTED = {
    "polygon": ("Polygon or MultiPolygon", _POLYGONAL),
    "point": ("Point", ("Point",)),
    "line": ("LineString or MultiLineString", _LINEAR),
}


def check_geometries(
    gdf: gpd.GeoDataFrame, geometry: str, source: str, *, outside_china: bool = False
) -> tuple[np.ndarray, list[Problem]]:
    """Return cleaned geometries (array) and problems for a ``"polygon"``, ``"point"`` or
    ``"line"`` layer.

    Z and M values are dropped (warning), invalid polygons are repaired with
    :func:`shapely.make_valid` (warning), single-part MultiPoints (MultiLineStrings) become
    Points (LineStrings); a line of no length (its points coincide) is an error. Features
    must lie in China, or (``outside_china``) within valid longitude/latitude ranges.
    """
    problems: list[Problem] = []
    geoms = np.asarray(gdf.geometry.to_numpy(), dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for row in np.flatnonzero(missing):
        problems.append(
            Problem(
                "empty_geometry",
                "The feature has no geometry (empty or missing shape/coordinates). Draw it or "
                "delete the row.",
                source=source,
                row=int(row),
            )
        )
    present = ~missing
    has_zm = present & (shapely.has_z(geoms) | shapely.has_m(geoms))
    if has_zm.any():
        geoms = geoms.copy()
        geoms[has_zm] = shapely.force_2d(geoms[has_zm])
        problems.append(
            Problem(
                "dropped_z_m",
                f"{int(has_zm.sum())} feature(s) had Z (height) or M values; they were dropped, "
                "only longitude/latitude are used.",
                source=source,
                severity="warning",
                params={"count": int(has_zm.sum())},
            )
        )
    invalid = present & ~shapely.is_valid(geoms)
    if geometry == "line":
        problems.extend(_degenerate_lines(geoms, invalid, source))
        present = present & ~invalid
        invalid = np.zeros_like(invalid)
    for row in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[row])
        geoms[row] = _repair(geoms[row], geometry)
        problems.append(
            Problem(
                "repaired_geometry",
                f"The shape was invalid ({reason}) and was repaired with make_valid; check it "
                "in your GIS.",
                source=source,
                row=int(row),
                value=str(reason),
                severity="warning",
            )
        )
    problems.extend(_check_types(geoms, present, geometry, source))
    check = _check_range if outside_china else _check_extent
    problems.extend(check(geoms, present, source))
    return geoms, problems


def _degenerate_lines(geoms: np.ndarray, invalid: np.ndarray, source: str) -> list[Problem]:
    # A line is invalid only when it has no length; make_valid would turn it into a point.
    return [
        Problem(
            "empty_geometry",
            "The line has no length (all its points coincide). Draw the road or delete the row.",
            source=source,
            row=int(row),
            value=str(geoms[row].wkt)[:80],
        )
        for row in np.flatnonzero(invalid)
    ]


def _repair(geom: shapely.Geometry, geometry: str) -> shapely.Geometry:
    fixed = shapely.make_valid(geom)
    if geometry == "polygon" and fixed.geom_type == "GeometryCollection":
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type in _POLYGONAL]
        fixed = shapely.union_all(parts) if parts else fixed
    return fixed


def _check_types(
    geoms: np.ndarray, present: np.ndarray, geometry: str, source: str
) -> list[Problem]:
    expected, accepted = _EXPECTED[geometry]
    type_ids = shapely.get_type_id(geoms)
    # GeoPackage and Shapefile writers make every feature multi-part: one part is single.
    multi = _MULTI_OF.get(geometry, -2)
    single = present & (type_ids == multi) & (shapely.get_num_geometries(geoms) == 1)
    if single.any():
        geoms[single] = shapely.get_geometry(geoms[single], 0)
    wrong = present & ~single & ~np.isin(type_ids, [_TYPE_IDS[k] for k in accepted])
    return [
        Problem(
            "wrong_geometry_type",
            f"The feature is a {geoms[row].geom_type}; this layer needs a {expected}. Export "
            "the right layer, or convert the shapes in your GIS.",
            source=source,
            row=int(row),
            value=geoms[row].geom_type,
            params={"expected": expected},
        )
        for row in np.flatnonzero(wrong)
    ]


def _check_extent(geoms: np.ndarray, present: np.ndarray, source: str) -> list[Problem]:
    problems: list[Problem] = []
    bounds = shapely.bounds(geoms)
    lon_min, lat_min, lon_max, lat_max = CHINA_BBOX_DEG
    with np.errstate(invalid="ignore"):
        outside = present & ~(
            (bounds[:, 0] >= lon_min)
            & (bounds[:, 2] <= lon_max)
            & (bounds[:, 1] >= lat_min)
            & (bounds[:, 3] <= lat_max)
        )
    for row in np.flatnonzero(outside):
        x, y = bounds[row, 0], bounds[row, 1]
        problems.append(
            Problem(
                "outside_china",
                f"The feature lies outside China (longitude {x:.5g}, latitude {y:.5g}; China is "
                f"longitude {lon_min:g}-{lon_max:g}, latitude {lat_min:g}-{lat_max:g}). Check its "
                "coordinates (sign, decimal point, degrees-minutes-seconds). If the data really "
                "lies outside China, say so: --outside-china on the command line, "
                "数据不在中国境内 on the dashboard's data page.",
                source=source,
                row=int(row),
                value=f"{x:.6f}, {y:.6f}",
            )
        )
    return problems


def _check_range(geoms: np.ndarray, present: np.ndarray, source: str) -> list[Problem]:
    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        outside = present & ~(
            (bounds[:, 0] >= -180.0)
            & (bounds[:, 2] <= 180.0)
            & (bounds[:, 1] >= -90.0)
            & (bounds[:, 3] <= 90.0)
        )
    return [
        Problem(
            "invalid_lonlat",
            f"The feature's coordinates are not longitude/latitude degrees (longitude "
            f"{bounds[row, 0]:.5g}, latitude {bounds[row, 1]:.5g}; longitude must be within "
            "±180 and latitude within ±90). Check the coordinates, or export the layer in "
            "WGS84 longitude/latitude.",
            source=source,
            row=int(row),
            value=f"{bounds[row, 0]:.6f}, {bounds[row, 1]:.6f}",
        )
        for row in np.flatnonzero(outside)
    ]
