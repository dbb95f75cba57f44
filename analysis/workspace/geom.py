"""GeoPackage binary geometry blobs (header + ISO WKB) and the SQL functions GIS triggers use.

Blob layout (GeoPackage 1.3, clause 2.1.3): ``"GP"``, version 0, flags (bit 0 little-endian,
bits 1-3 envelope kind, bit 4 empty), ``srs_id`` (int32), optional envelope
``[minx, maxx, miny, maxy]``, then the WKB of the geometry.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

SRS_ID = 4326
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def promote_to_multi(geoms: Sequence[Any] | np.ndarray, multi: str | None) -> np.ndarray:
    """``geoms`` with single polygons (lines) made multi when the column is ``multi``.

    ``multi``: the column's geometry type (``"MULTIPOLYGON"``, ``"MULTILINESTRING"``);
    anything else leaves the geometries as they are.
    """
    arr = np.asarray(geoms, dtype=object)
    single = {
        "MULTIPOLYGON": (shapely.GeometryType.POLYGON, shapely.MultiPolygon),
        "MULTILINESTRING": (shapely.GeometryType.LINESTRING, shapely.MultiLineString),
    }.get(str(multi).upper())
    if single is None or not len(arr):
        return arr
    is_single = shapely.get_type_id(arr) == single[0]
    if is_single.any():
        arr = arr.copy()
        arr[is_single] = [single[1]([g]) for g in arr[is_single]]
    return arr


def encode_geometries(
    geoms: Sequence[Any] | np.ndarray, multipolygon: bool = False, multi: str | None = None
) -> list[bytes]:
    """GeoPackage binary blobs (little-endian header, envelope for non-points) of ``geoms``.

    ``multi`` (or ``multipolygon=True``, meaning ``"MULTIPOLYGON"``): see
    :func:`promote_to_multi`.
    """
    arr = promote_to_multi(geoms, "MULTIPOLYGON" if multipolygon else multi)
    wkbs = shapely.to_wkb(arr, byte_order=1, flavor="iso")
    points = shapely.get_type_id(arr) == shapely.GeometryType.POINT
    empty = shapely.is_empty(arr)
    if points.all() and not empty.any():  # one header for all (a raster's million cells)
        head = b"GP\x00\x01" + struct.pack("<i", SRS_ID)
        return [head + wkb for wkb in wkbs]
    bounds = shapely.bounds(arr)
    out: list[bytes] = []
    for wkb, (minx, miny, maxx, maxy), is_point, is_empty in zip(
        wkbs, bounds, points, empty, strict=True
    ):
        flags = 0x01  # little-endian header ints
        if is_empty:
            flags |= 0x10
            env = b""
        elif is_point:
            env = b""  # a point's envelope is the point itself; GDAL omits it too
        else:
            flags |= 0x02  # envelope [minx, maxx, miny, maxy]
            env = struct.pack("<4d", minx, maxx, miny, maxy)
        out.append(b"GP\x00" + bytes([flags]) + struct.pack("<i", SRS_ID) + env + wkb)
    return out


def _wkb_of(blob: bytes) -> bytes:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    indicator = (blob[3] >> 1) & 0x07
    return blob[8 + _ENVELOPE_BYTES[indicator] :]


def decode_geometries(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Shapely geometries of GeoPackage binary ``blobs`` (``None`` stays ``None``)."""
    wkbs = [None if b is None else _wkb_of(b) for b in blobs]
    return np.asarray(shapely.from_wkb(wkbs), dtype=object) if wkbs else np.empty(0, dtype=object)


def _st_envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    geom = shapely.from_wkb(_wkb_of(blob))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _st_is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return int(bool(blob[3] & 0x10) or shapely.from_wkb(_wkb_of(blob)).is_empty)


def _st_part(i: int) -> Any:
    def func(blob: bytes | None) -> float | None:
        env = _st_envelope(blob)
        return None if env is None else env[i]

    return func


ST_FUNCTIONS: dict[str, Any] = {
    "ST_IsEmpty": _st_is_empty,
    "ST_MinX": _st_part(0),
    "ST_MaxX": _st_part(1),
    "ST_MinY": _st_part(2),
    "ST_MaxY": _st_part(3),
}
