"""Read one input layer from any supported file into canonical, validated form.

``read_layer`` = recognise the format (name and bytes) → read → map headers to canonical
columns → build points from longitude/latitude columns → bring coordinates to EPSG:4326
(reprojecting what a .prj declares, converting GCJ-02/BD-09 on request) → validate.
Every problem found on the way is collected and raised as one :class:`GeodataError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd

from geodata.coords import COORD_SYSTEMS, CoordSystem
from geodata.errors import GeodataError, Problem, ProblemCollector
from geodata.io.columns import resolve_column_map
from geodata.io.coordinates import convert_datum, table_to_points, to_wgs84_layer
from geodata.io.formats import (
    detect_format,
    problem,
    read_table,
    read_vector,
    table_headers,
)
from geodata.io.limits import MAX_FEATURES, MAX_INPUT_BYTES
from geodata.problems.report import without_paths
from geodata.road_schema import INPUT_LAYER_NAMES, schema_for
from geodata.schema import InputLayerName
from geodata.validate.layers import validate_layer

_HEAD_BYTES = 65536
_COORDINATE_CODES = frozenset({"missing_coordinate", "bad_coordinate"})
_LAYER_COORDINATE_CODES = frozenset({"projected_coordinates", "swapped_lat_lon"})
_REPEATED_COORDINATE_CODES = frozenset({"empty_geometry", "outside_china", "invalid_lonlat"})


@dataclass(frozen=True)
class LoadedLayer:
    """A layer read from a file and validated.

    Parameters
    ----------
    layer
        Layer name (see :data:`geodata.schema.LAYER_NAMES`), or ``"roads"``.
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

    layer: InputLayerName
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
                f"The file is {size / 2**20:.1f} MB; at most {MAX_INPUT_BYTES / 2**20:.0f} MB "
                "are accepted. Split it, or drop columns that are not needed.",
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


def read_table_headers(path: str | Path, *, source_name: str | None = None) -> list[str]:
    """Headers of a table (CSV/XLSX) or attribute names of a vector file.

    Parameters
    ----------
    path
        The file.
    source_name
        Name shown in problems (defaults to the file name).

    Raises
    ------
    GeodataError
        When the file cannot be read.
    """
    path = Path(path)
    source = source_name or path.name
    try:
        head = check_input_file(path, source)
        fmt = detect_format(path, head, source=source)
        return table_headers(path, fmt, source=source)
    except GeodataError as exc:
        raise GeodataError(without_paths(exc.problems, path, source)) from None


def read_layer(
    path: str | Path,
    layer: InputLayerName,
    *,
    coord_system: CoordSystem = "wgs84",
    column_map: dict[str, str] | None = None,
    source_name: str | None = None,
    optional_columns: tuple[str, ...] = (),
    outside_china: bool = False,
    kind_codes: Mapping[str, str] | None = None,
) -> LoadedLayer:
    """Read, convert and validate one layer.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV or XLSX file.
    layer
        Which layer the file holds (``"townships"``, ``"villages"``, ``"contact_points"``,
        ``"collection_sites"``, ``"homes"``), or ``"roads"``: road lines (GeoPackage, zipped
        Shapefile, GeoJSON, KML/KMZ; not tables) cleaned to the columns of
        :data:`geodata.road_schema.ROAD_COLUMNS`.
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
    outside_china
        True when the user said the data lies outside China: the China-only checks (the
        China box, swapped coordinates judged against China, GCJ-02/BD-09 hints) step
        aside; coordinates must still be longitude/latitude degrees, and the datum WGS84.
    kind_codes
        Overrides of the 城乡分类代码 → urban/rural mapping, e.g. ``{"122": "rural"}``
        (see :mod:`geodata.admin.codes`).

    Returns
    -------
    LoadedLayer

    Raises
    ------
    GeodataError
        With every problem found when the file cannot be used. Problems name the file
        ``source_name``, also where a library quoted the path it opened.
    """
    path = Path(path)
    source = source_name or path.name
    try:
        loaded = _read_layer(
            path,
            layer,
            coord_system,
            column_map,
            source,
            optional_columns,
            outside_china,
            kind_codes,
        )
    except GeodataError as exc:
        raise GeodataError(without_paths(exc.problems, path, source)) from None
    return replace(loaded, warnings=tuple(without_paths(loaded.warnings, path, source)))


def _read_layer(
    path: Path,
    layer: InputLayerName,
    coord_system: CoordSystem,
    column_map: dict[str, str] | None,
    source: str,
    optional_columns: tuple[str, ...],
    outside_china: bool,
    kind_codes: Mapping[str, str] | None = None,
) -> LoadedLayer:
    if layer not in INPUT_LAYER_NAMES:
        raise problem(
            "unknown_layer", f"Unknown layer {layer!r}; use one of {INPUT_LAYER_NAMES}.", source
        )
    if coord_system not in COORD_SYSTEMS:
        raise problem(
            "unknown_coord_system",
            f"Unknown coordinate system {coord_system!r}; use one of {COORD_SYSTEMS}.",
            source,
            value=str(coord_system),
        )
    if outside_china and coord_system != "wgs84":
        raise problem(
            "coord_system_outside_china",
            f"{coord_system.upper()} is a coordinate system of Chinese web maps only; data "
            "outside China is in WGS84 longitude/latitude. Choose WGS84.",
            source,
            value=str(coord_system),
        )
    head = check_input_file(path, source)
    fmt = detect_format(path, head, source=source)
    collector = ProblemCollector()
    if fmt in ("csv", "xlsx") and schema_for(layer).geometry == "line":
        raise problem(
            "table_for_line_layer",
            "A table (CSV/XLSX) cannot hold road lines. Upload the roads as GeoPackage, "
            "zipped Shapefile, GeoJSON or KML.",
            source,
            value=fmt,
        )
    if fmt in ("csv", "xlsx"):
        frame = read_table(path, fmt, source=source)
        headers = [str(c) for c in frame.columns]
        mapping, map_problems = resolve_column_map(headers, layer, column_map, source=source)
        collector.extend(map_problems)
        gdf = table_to_points(
            frame.rename(columns=mapping), layer, headers, source, collector, outside_china
        )
    else:
        raw = read_vector(path, fmt, layer, source=source)
        headers = [str(c) for c in raw.columns if c != raw.geometry.name]
        mapping, map_problems = resolve_column_map(headers, layer, column_map, source=source)
        collector.extend(map_problems)
        gdf = to_wgs84_layer(_rename_vector(raw, mapping), source, collector, outside_china)
    if gdf is None:
        collector.raise_if_errors()
        raise problem("unreadable_file", "No features could be read.", source)
    _check_size(gdf, source, collector)
    coordinates_ok = not collector.has_errors
    if coordinates_ok and coord_system != "wgs84":
        gdf = convert_datum(gdf, coord_system)
    cleaned, problems = validate_layer(
        gdf,
        layer,
        source=source,
        found_headers=headers,
        optional_columns=optional_columns,
        outside_china=outside_china,
        kind_codes=kind_codes,
    )
    # Rows whose coordinates were already reported would be reported again as empty or
    # outside China; after a layer-wide swapped/projected finding, every row would.
    flagged = {p.row for p in collector.problems if p.code in _COORDINATE_CODES}
    layer_wide = any(p.code in _LAYER_COORDINATE_CODES for p in collector.problems)
    collector.extend(
        [
            p
            for p in problems
            if not (p.code in _REPEATED_COORDINATE_CODES and (layer_wide or p.row in flagged))
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
