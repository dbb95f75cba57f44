"""Read one input layer from any supported file into canonical, validated form.

``read_layer`` = recognise the format (name and bytes) → read → map headers to canonical
columns → build points from longitude/latitude columns → bring coordinates to EPSG:4326
(reprojecting what a .prj declares, converting GCJ-02/BD-09 on request) → validate.
Every problem found on the way is collected and raised as one :class:`GeodataError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.columns import LAT_COLUMN, LON_COLUMN, accepted_names_text, resolve_column_map
from geodata.coords import COORD_SYSTEMS, CoordSystem, looks_projected, looks_swapped, to_wgs84
from geodata.errors import Problem, ProblemCollector
from geodata.readers_formats import (
    READ_ERRORS,
    detect_format,
    problem,
    read_table,
    read_vector,
    table_headers,
)
from geodata.readers_limits import MAX_FEATURES, MAX_INPUT_BYTES
from geodata.schema import LAYER_NAMES, SCHEMAS, LayerName
from geodata.validate import validate_layer

_HEAD_BYTES = 65536
_CRS_ERRORS: tuple[type[BaseException], ...] = (
    pyproj.exceptions.CRSError,
    pyproj.exceptions.ProjError,
    *READ_ERRORS,
)
_COORDINATE_CODES = frozenset({"missing_coordinate", "bad_coordinate"})
_LAYER_COORDINATE_CODES = frozenset({"projected_coordinates", "swapped_lat_lon"})
_WGS84 = pyproj.CRS.from_epsg(4326)
# CGCS2000 differs from WGS84 by centimetres: treated as the same datum, as Chinese GIS do.
_CGCS2000_GEOGRAPHIC = {4490, 4610, 4326}


@dataclass(frozen=True)
class LoadedLayer:
    """A layer read from a file and validated.

    Parameters
    ----------
    layer
        Layer name (see :data:`geodata.schema.LAYER_NAMES`).
    gdf
        Features in EPSG:4326 with canonical columns (plus ``geometry``).
    warnings
        Non-fatal problems (repairs made, assumptions taken).
    source
        Display name of the file.
    file_format
        Format recognised (``"csv"``, ``"xlsx"``, ``"geojson"`` ...).
    column_map
        ``(raw_header, canonical)`` pairs that were applied.
    """

    layer: LayerName
    gdf: gpd.GeoDataFrame
    warnings: tuple[Problem, ...] = ()
    source: str = ""
    file_format: str = ""
    column_map: tuple[tuple[str, str], ...] = ()


def check_input_file(path: Path, source: str) -> bytes:
    """Return the first bytes of ``path`` after the size checks."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise problem("not_a_file", "The path is a folder, not a file.", source)
        if size == 0:
            raise problem("empty_file", "The file is empty (0 bytes). Export it again.", source)
        if size > MAX_INPUT_BYTES:
            raise problem(
                "file_too_large",
                f"The file is {size / 1e6:.0f} MB; at most {MAX_INPUT_BYTES / 1e6:.0f} MB are "
                "accepted. Split it, or drop columns that are not needed.",
                source,
                value=str(size),
                params={"limit_bytes": MAX_INPUT_BYTES},
            )
        with path.open("rb") as fh:
            return fh.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise problem("file_not_found", f"No file at {str(path)!r}.", source) from None
    except OSError as exc:
        raise problem(
            "unreadable_file", f"The file cannot be opened ({exc.strerror}).", source
        ) from None


def read_table_headers(path: str | Path) -> list[str]:
    """Headers of a table (CSV/XLSX) or attribute names of a vector file.

    Raises
    ------
    GeodataError
        When the file cannot be read.
    """
    path = Path(path)
    head = check_input_file(path, path.name)
    fmt = detect_format(path, head, source=path.name)
    return table_headers(path, fmt, source=path.name)


def read_layer(
    path: str | Path,
    layer: LayerName,
    *,
    coord_system: CoordSystem = "wgs84",
    column_map: dict[str, str] | None = None,
    source_name: str | None = None,
    optional_columns: tuple[str, ...] = (),
) -> LoadedLayer:
    """Read, convert and validate one layer.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV or XLSX file.
    layer
        Which layer the file holds (``"townships"``, ``"villages"``, ``"contact_points"``,
        ``"collection_sites"``, ``"homes"``).
    coord_system
        Datum of the coordinates: ``"wgs84"`` (also CGCS2000), ``"gcj02"`` (AMap, Tencent)
        or ``"bd09"`` (Baidu); converted to WGS84.
    column_map
        ``{raw_header: canonical}`` overriding the automatic header matching.
    source_name
        Name shown in problems (defaults to the file name; the upload's name in the UI).
    optional_columns
        Required columns allowed to be absent, e.g. ``("population",)`` for township
        boundaries whose population is joined from a table afterwards.

    Returns
    -------
    LoadedLayer

    Raises
    ------
    GeodataError
        With every problem found when the file cannot be used.
    """
    path = Path(path)
    source = source_name or path.name
    if layer not in LAYER_NAMES:
        raise problem(
            "unknown_layer", f"Unknown layer {layer!r}; use one of {LAYER_NAMES}.", source
        )
    if coord_system not in COORD_SYSTEMS:
        raise problem(
            "unknown_coord_system",
            f"Unknown coordinate system {coord_system!r}; use one of {COORD_SYSTEMS}.",
            source,
            value=str(coord_system),
        )
    head = check_input_file(path, source)
    fmt = detect_format(path, head, source=source)
    collector = ProblemCollector()
    if fmt in ("csv", "xlsx"):
        frame = read_table(path, fmt, source=source)
        headers = [str(c) for c in frame.columns]
        mapping, map_problems = resolve_column_map(headers, layer, column_map, source=source)
        collector.extend(map_problems)
        gdf = _table_to_points(frame.rename(columns=mapping), layer, headers, source, collector)
    else:
        raw = read_vector(path, fmt, layer, source=source)
        headers = [str(c) for c in raw.columns if c != raw.geometry.name]
        mapping, map_problems = resolve_column_map(headers, layer, column_map, source=source)
        collector.extend(map_problems)
        gdf = _to_wgs84(_rename_vector(raw, mapping), source, collector)
    if gdf is None:
        collector.raise_if_errors()
        raise problem("unreadable_file", "No features could be read.", source)
    _check_size(gdf, source, collector)
    coordinates_ok = not collector.has_errors
    if coordinates_ok and coord_system != "wgs84":
        gdf = _convert_datum(gdf, coord_system)
    cleaned, problems = validate_layer(
        gdf, layer, source=source, found_headers=headers, optional_columns=optional_columns
    )
    # Rows whose coordinates were already reported would be reported again as empty or
    # outside China; after a layer-wide swapped/projected finding, every row would.
    flagged = {p.row for p in collector.problems if p.code in _COORDINATE_CODES}
    layer_wide = any(p.code in _LAYER_COORDINATE_CODES for p in collector.problems)
    collector.extend(
        [
            p
            for p in problems
            if not (
                p.code in ("empty_geometry", "outside_china") and (layer_wide or p.row in flagged)
            )
        ]
    )
    collector.raise_if_errors()
    return LoadedLayer(
        layer=layer,
        gdf=cleaned,
        warnings=collector.warnings,
        source=source,
        file_format=fmt,
        column_map=tuple(mapping.items()),
    )


def _check_size(gdf: gpd.GeoDataFrame, source: str, collector: ProblemCollector) -> None:
    if len(gdf) == 0:
        collector.add(
            "no_features",
            "The file holds no rows/features (only a header, or an empty layer).",
            source=source,
        )
    elif len(gdf) > MAX_FEATURES:
        collector.add(
            "too_many_features",
            f"The file holds {len(gdf)} features; at most {MAX_FEATURES} are accepted.",
            source=source,
            value=str(len(gdf)),
        )


def _rename_vector(raw: gpd.GeoDataFrame, mapping: dict[str, str]) -> gpd.GeoDataFrame:
    geometry = raw.geometry.name
    renamed = raw.rename(columns={k: v for k, v in mapping.items() if k != geometry})
    renamed = renamed.set_geometry(geometry)
    return renamed if geometry == "geometry" else renamed.rename_geometry("geometry")


def _table_to_points(
    frame: pd.DataFrame,
    layer: LayerName,
    headers: list[str],
    source: str,
    collector: ProblemCollector,
) -> gpd.GeoDataFrame | None:
    if SCHEMAS[layer].geometry != "point":
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
    _coordinate_sanity(lon, lat, source, collector)
    points = gpd.points_from_xy(np.nan_to_num(lon), np.nan_to_num(lat), crs=_WGS84)
    data = frame.drop(columns=[LON_COLUMN, LAT_COLUMN])
    return gpd.GeoDataFrame(data, geometry=points, crs=_WGS84)


def _numbers(values: pd.Series) -> np.ndarray:
    text = values.map(lambda v: str(v).strip().replace("°", "") if v is not None else "")
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)


def _coordinate_sanity(
    lon: np.ndarray, lat: np.ndarray, source: str, collector: ProblemCollector
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
    if looks_swapped(lon, lat):
        collector.add(
            "swapped_lat_lon",
            f"Longitude and latitude look swapped (longitude, latitude found: {example}; in "
            "China longitude is 73-136 and latitude 3-54). Exchange the two column headers, "
            "or map them the other way round.",
            source=source,
            value=example,
        )
        return False
    return True


def _to_wgs84(
    gdf: gpd.GeoDataFrame, source: str, collector: ProblemCollector
) -> gpd.GeoDataFrame | None:
    crs = gdf.crs
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    lon, lat = (coords[:, 0], coords[:, 1]) if len(coords) else (np.array([]), np.array([]))
    if crs is None:
        degrees = _coordinate_sanity(lon, lat, source, collector)
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
    if len(coords) and not _coordinate_sanity(coords[:, 0], coords[:, 1], source, collector):
        return None
    return gdf


def _convert_datum(gdf: gpd.GeoDataFrame, coord_system: CoordSystem) -> gpd.GeoDataFrame:
    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1], coord_system)
        return np.column_stack([lon, lat])

    geoms = shapely.transform(gdf.geometry.to_numpy(), convert)
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=_WGS84))
