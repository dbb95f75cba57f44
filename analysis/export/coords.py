"""Coordinates of exported layers: WGS84 as stored, or shifted to GCJ-02 for Chinese web maps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.coords import CoordSystem


def convert_coords(layer: gpd.GeoDataFrame, coords: CoordSystem | str) -> gpd.GeoDataFrame:
    """Return ``layer`` with its WGS84 coordinates converted to ``coords``.

    GCJ-02 is not a CRS that PROJ knows. The frame keeps its EPSG:4326 label in memory (the
    map image and the tables draw and list it as degrees), but the GIS writers drop the
    label when they write GCJ-02 (:mod:`analysis.export.gis`): a file never claims EPSG:4326
    for shifted coordinates. The numbers are GCJ-02 longitudes/latitudes (what AMap,
    Tencent and Ovital expect).
    """
    if coords == "wgs84" or layer.empty:
        return layer.copy()
    from geodata.coords import wgs84_to_gcj02

    def _shift(xy: np.ndarray) -> np.ndarray:
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])

    out = layer.copy()
    out[out.geometry.name] = shapely.transform(np.asarray(layer.geometry.values), _shift)
    if "orig_lon" in out.columns and "orig_lat" in out.columns:
        known = out["orig_lon"].notna() & out["orig_lat"].notna()
        if known.any():
            lon, lat = wgs84_to_gcj02(
                out.loc[known, "orig_lon"].to_numpy(float),
                out.loc[known, "orig_lat"].to_numpy(float),
            )
            out.loc[known, "orig_lon"] = np.asarray(lon, dtype=float)
            out.loc[known, "orig_lat"] = np.asarray(lat, dtype=float)
    return out


def set_lon_lat(layer: gpd.GeoDataFrame) -> None:
    """Set ``lon``/``lat`` columns from point geometries (7 decimals, ~1 cm), in place."""
    if layer.empty:
        layer["lon"] = pd.Series(dtype=float)
        layer["lat"] = pd.Series(dtype=float)
        return
    layer["lon"] = layer.geometry.x.round(7)
    layer["lat"] = layer.geometry.y.round(7)
