"""Coordinates of one layer: points from longitude/latitude columns, declared CRS to WGS84.

Part of :func:`geodata.io.readers.read_layer`: finds blank or non-numeric coordinates, swapped
or projected numbers (judged against China unless the user said the data lies elsewhere),
reprojects what a file declares, converts GCJ-02/BD-09 on request.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.coords import CoordSystem, looks_projected, looks_swapped, to_wgs84
from geodata.errors import ProblemCollector
from geodata.io.columns import LAT_COLUMN, LON_COLUMN, accepted_names_text
from geodata.io.formats import READ_ERRORS
from geodata.road_schema import schema_for
from geodata.schema import InputLayerName

_CRS_ERRORS: tuple[type[BaseException], ...] = (
    pyproj.exceptions.CRSError,
    pyproj.exceptions.ProjError,
    *READ_ERRORS,
)
_WGS84 = pyproj.CRS.from_epsg(4326)
# CGCS2000 differs from WGS84 by centimetres: treated as the same datum, as Chinese GIS do.
_CGCS2000_GEOGRAPHIC = {4490, 4610, 4326}


def table_to_points(
    frame: pd.DataFrame,
    layer: InputLayerName,
    headers: list[str],
    source: str,
    collector: ProblemCollector,
    outside_china: bool = False,
) -> gpd.GeoDataFrame | None:
    if schema_for(layer).geometry != "point":
        collector.add(
            "table_for_polygon_layer",
            f"A table (CSV/XLSX) cannot hold the {layer} layer's boundaries. Upload polygons as "
            "GeoJSON, GeoPackage, zipped Shapefile or KML.",
            source=source,
        )
        return None
    missing = [c for c in (LON_COLUMN, LAT_COLUMN) if c not in frame.columns]
    if missing:
        collector.add(
            "missing_coordinates",
            "No longitude/latitude columns were found. Headers found: "
            f"{', '.join(headers)}. Accepted for longitude: "
            f"{accepted_names_text(layer, LON_COLUMN)}; for latitude: "
            f"{accepted_names_text(layer, LAT_COLUMN)}.",
            source=source,
            params={"found": headers, "missing": missing},
        )
        return None
    lon = _numbers(frame[LON_COLUMN])
    lat = _numbers(frame[LAT_COLUMN])
    for name, values, raw in (
        (LON_COLUMN, lon, frame[LON_COLUMN]),
        (LAT_COLUMN, lat, frame[LAT_COLUMN]),
    ):
        blank = raw.map(lambda v: v is None or str(v).strip() == "" or str(v).lower() == "nan")
        for row in np.flatnonzero(blank.to_numpy(dtype=bool)):
            collector.add(
                "missing_coordinate",
                f"The {name} cell is empty; every point needs a longitude and a latitude.",
                source=source,
                row=int(row),
                column=name,
            )
        for row in np.flatnonzero(~np.isfinite(values) & ~blank.to_numpy(dtype=bool)):
            collector.add(
                "bad_coordinate",
                f"The {name} value {raw.iloc[row]!r} is not a number in decimal degrees "
                "(e.g. 104.62). Convert degrees-minutes-seconds to decimal degrees.",
                source=source,
                row=int(row),
                column=name,
                value=str(raw.iloc[row]),
            )
    _coordinate_sanity(lon, lat, source, collector, outside_china)
    points = gpd.points_from_xy(np.nan_to_num(lon), np.nan_to_num(lat), crs=_WGS84)
    data = frame.drop(columns=[LON_COLUMN, LAT_COLUMN])
    return gpd.GeoDataFrame(data, geometry=points, crs=_WGS84)


def _numbers(values: pd.Series) -> np.ndarray:
    text = values.map(lambda v: str(v).strip().replace("°", "") if v is not None else "")
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)


def _coordinate_sanity(
    lon: np.ndarray,
    lat: np.ndarray,
    source: str,
    collector: ProblemCollector,
    outside_china: bool = False,
) -> bool:
    """Add swapped/projected problems; True when the coordinates look like degrees."""
    finite = np.isfinite(lon) & np.isfinite(lat)
    sample_lon, sample_lat = lon[finite][:3], lat[finite][:3]
    example = ", ".join(f"({x:g}, {y:g})" for x, y in zip(sample_lon, sample_lat, strict=True))
    if looks_projected(lon, lat):
        collector.add(
            "projected_coordinates",
            f"The longitude/latitude values look like metres of a projected coordinate system "
            f"(e.g. {example}), not degrees. Export the layer in longitude/latitude "
            "(WGS84 or CGCS2000, EPSG:4490), or upload a zipped Shapefile with its .prj.",
            source=source,
            value=example,
        )
        return False
    if looks_swapped(lon, lat, outside_china=outside_china):
        where = (
            "latitude must be within ±90"
            if outside_china
            else "in China longitude is 73-136 and latitude 3-54"
        )
        collector.add(
            "swapped_lat_lon",
            f"Longitude and latitude look swapped (longitude, latitude found: {example}; "
            f"{where}). Exchange the two column headers, or map them the other way round.",
            source=source,
            value=example,
        )
        return False
    return True


def to_wgs84_layer(
    gdf: gpd.GeoDataFrame, source: str, collector: ProblemCollector, outside_china: bool = False
) -> gpd.GeoDataFrame | None:
    crs = gdf.crs
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    lon, lat = (coords[:, 0], coords[:, 1]) if len(coords) else (np.array([]), np.array([]))
    if crs is None:
        degrees = _coordinate_sanity(lon, lat, source, collector, outside_china)
        if not degrees:
            return None
        collector.add(
            "missing_crs_assumed",
            "The file declares no coordinate system; its numbers look like degrees, so "
            "WGS84/CGCS2000 longitude/latitude was assumed.",
            source=source,
            severity="warning",
        )
        return gdf.set_crs(_WGS84)
    try:
        epsg = crs.to_epsg()
        if epsg in _CGCS2000_GEOGRAPHIC or (crs.is_geographic and "2000" in crs.name):
            gdf = gdf.set_crs(_WGS84, allow_override=True)
        else:
            gdf = gdf.to_crs(_WGS84)
    except _CRS_ERRORS as exc:
        collector.add(
            "bad_crs",
            f"The coordinate system the file declares cannot be converted ({exc}). Export the "
            "layer in WGS84 or CGCS2000 (EPSG:4490).",
            source=source,
            value=str(crs.name),
        )
        return None
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    if len(coords) and not _coordinate_sanity(
        coords[:, 0], coords[:, 1], source, collector, outside_china
    ):
        return None
    return gdf


def convert_datum(gdf: gpd.GeoDataFrame, coord_system: CoordSystem) -> gpd.GeoDataFrame:
    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1], coord_system)
        return np.column_stack([lon, lat])

    geoms = shapely.transform(gdf.geometry.to_numpy(), convert)
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=_WGS84))
