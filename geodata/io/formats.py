"""Recognise a file's format from its name *and* its bytes, and read it into a raw frame.

A raw frame is either a GeoDataFrame (vector formats, with the CRS the file declares) or a
DataFrame of text/number cells (CSV, XLSX) whose coordinates are still in columns. Library
failures (GDAL, zip, XML, spreadsheet) become :class:`GeodataError` problems here, so no
exception of a third-party type leaves the readers.
"""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import ParseError

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely.errors
from openpyxl.utils.exceptions import InvalidFileException

from geodata.errors import GeodataError, Problem
from geodata.io.archive import extract_checked, open_checked_zip
from geodata.io.encoding import UTF8, decode_text, detect_encoding

FileFormat = Literal["geojson", "gpkg", "shapefile_zip", "kml", "kmz", "csv", "xlsx"]
Content = Literal["zip", "sqlite", "json", "xml", "text", "ole", "binary"]

EXTENSION_FORMATS: dict[str, FileFormat] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shapefile_zip",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
}
_EXPECTED_CONTENT: dict[FileFormat, Content] = {
    "geojson": "json",
    "gpkg": "sqlite",
    "shapefile_zip": "zip",
    "kml": "xml",
    "kmz": "zip",
    "csv": "text",
    "xlsx": "zip",
}
_CONTENT_TEXT: dict[Content, str] = {
    "zip": "a zip archive (.zip, .xlsx or .kmz)",
    "sqlite": "a GeoPackage/SQLite database (.gpkg)",
    "json": "JSON text (.geojson)",
    "xml": "XML text (.kml)",
    "text": "plain text (.csv)",
    "ole": "an old Excel 97-2003 workbook (.xls)",
    "binary": "binary data of an unknown kind",
}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

#: Exceptions the format libraries raise on damaged or unexpected input.
READ_ERRORS: tuple[type[BaseException], ...] = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.CRSError,
    shapely.errors.GEOSException,
    shapely.errors.ShapelyError,
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    UnicodeDecodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    csv.Error,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    OSError,
    EOFError,
    RuntimeError,
)


def problem(code: str, message: str, source: str, **kwargs: object) -> GeodataError:
    """One-problem :class:`GeodataError` (shortcut)."""
    return GeodataError([Problem(code, message, source=source, **kwargs)])  # type: ignore[arg-type]


def sniff_content(head: bytes) -> Content:
    """Classify the first bytes of a file."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    if stripped[:1] == b"<":
        return "xml"
    try:
        detect_encoding(head)
    except GeodataError as exc:
        if any(p.code == "not_text" for p in exc.problems):
            return "binary"
    return "text"


def detect_format(path: Path, head: bytes, *, source: str) -> FileFormat:
    """Format of ``path`` from its extension, checked against its content."""
    suffix = path.suffix.lower()
    content = sniff_content(head)
    if suffix in _SHAPEFILE_PARTS:
        raise problem(
            "shapefile_not_zipped",
            f"A Shapefile part ({suffix}) was given on its own. A Shapefile is several files: "
            "zip the .shp, .shx, .dbf, .prj (and .cpg) together and upload the .zip.",
            source,
            value=suffix,
        )
    fmt = EXTENSION_FORMATS.get(suffix)
    if fmt is None:
        hint = (
            " Save it in Excel as .xlsx." if suffix in (".xls", ".et") or content == "ole" else ""
        )
        raise problem(
            "unsupported_format",
            f"Files of type {suffix or '(no extension)'!r} cannot be read.{hint} Accepted: "
            ".geojson, .gpkg, zipped Shapefile (.zip), .kml, .kmz, .csv, .xlsx.",
            source,
            value=suffix,
            params={"accepted": sorted(EXTENSION_FORMATS)},
        )
    expected = _EXPECTED_CONTENT[fmt]
    if content != expected:
        raise problem(
            "wrong_extension",
            f"The file is named {suffix} but holds {_CONTENT_TEXT[content]}. "
            "Rename it with the extension that matches its content, or export it again.",
            source,
            value=suffix,
            params={"extension": suffix, "content": content},
        )
    return fmt


def _unreadable(source: str, fmt: str, exc: BaseException) -> GeodataError:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return problem(
        "unreadable_file",
        f"The file cannot be read as {fmt} ({detail}). It is probably damaged or truncated; "
        "export it again from the program that made it.",
        source,
        params={"format": fmt, "detail": detail},
    )


def read_vector(path: Path, fmt: FileFormat, layer_hint: str, *, source: str) -> gpd.GeoDataFrame:
    """Read a vector file (GeoJSON, GeoPackage, zipped Shapefile, KML, KMZ)."""
    with warnings.catch_warnings():
        # GDAL's own warnings (bad application_id ...) would clutter the user's report.
        warnings.simplefilter("ignore", RuntimeWarning)
        return _read_vector(path, fmt, layer_hint, source=source)


def _read_vector(path: Path, fmt: FileFormat, layer_hint: str, *, source: str) -> gpd.GeoDataFrame:
    try:
        if fmt in ("shapefile_zip", "kmz"):
            with tempfile.TemporaryDirectory(prefix="geodata_") as tmp:
                with open_checked_zip(path, source=source) as archive:
                    files = extract_checked(archive, Path(tmp), source=source)
                if fmt == "kmz":
                    return _read_kml(_pick_member(files, ".kml", "kmz", source), source)
                return _read_shapefile(_pick_member(files, ".shp", "shapefile", source), source)
        if fmt == "kml":
            return _read_kml(path, source)
        if fmt == "gpkg":
            return _read_gpkg(path, layer_hint, source)
        return _read_gdal(path, source)
    except GeodataError:
        raise
    except READ_ERRORS as exc:
        raise _unreadable(source, fmt, exc) from None


def _pick_member(files: list[Path], suffix: str, what: str, source: str) -> Path:
    found = sorted(p for p in files if p.suffix.lower() == suffix and not p.name.startswith("."))
    found = [p for p in found if "__MACOSX" not in p.parts]
    if not found:
        names = ", ".join(p.name for p in files) or "nothing"
        raise problem(
            "archive_without_layer",
            f"The archive holds no {suffix} file (found: {names}). "
            f"Zip the {what} files themselves.",
            source,
            params={"expected": suffix},
        )
    if len(found) > 1:
        raise problem(
            "archive_several_layers",
            f"The archive holds {len(found)} {suffix} files ({', '.join(p.name for p in found)}); "
            "zip one layer per archive.",
            source,
        )
    return found[0]


def _read_gdal(path: Path, source: str, **kwargs: object) -> gpd.GeoDataFrame:
    gdf = pyogrio.read_dataframe(path, **kwargs)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise problem(
            "no_geometry",
            "The file has no geometry column. For a table with coordinates use .csv or .xlsx "
            "with longitude/latitude (经度/纬度) columns.",
            source,
        )
    return gdf


def _read_shapefile(shp: Path, source: str) -> gpd.GeoDataFrame:
    missing = [s for s in (".shx", ".dbf") if not shp.with_suffix(s).exists()]
    if missing:
        raise problem(
            "shapefile_incomplete",
            f"The zipped Shapefile lacks its {', '.join(missing)} file(s). Zip .shp, .shx, .dbf, "
            ".prj (and .cpg) of the layer together.",
            source,
            params={"missing": missing},
        )
    if shp.with_suffix(".cpg").exists():
        return _read_gdal(shp, source)
    # Without a .cpg, GDAL guesses Latin-1 and Chinese names turn to mojibake: detect it.
    return _read_gdal(shp, source, encoding=_dbf_encoding(shp.with_suffix(".dbf")))


def _dbf_encoding(dbf: Path) -> str:
    data = dbf.read_bytes()
    header_len = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    records = data[header_len:]
    try:
        records.decode(UTF8)
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _read_kml(path: Path, source: str) -> gpd.GeoDataFrame:
    layers = pyogrio.list_layers(path)
    frames = [_read_gdal(path, source, layer=str(name)) for name, _ in layers]
    frames = [f for f in frames if len(f)]
    if not frames:
        return _read_gdal(path, source, layer=str(layers[0][0])) if len(layers) else _empty()
    crs = frames[0].crs
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"geometry": gpd.GeoSeries([], crs=4326)}, crs=4326)


def _read_gpkg(path: Path, layer_hint: str, source: str) -> gpd.GeoDataFrame:
    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    if not layers:
        raise problem("no_features", "The GeoPackage holds no layer.", source)
    wanted = layer_hint.lower()
    chosen = next((n for n in layers if n.lower() == wanted), None)
    chosen = chosen or next((n for n in layers if wanted and wanted in n.lower()), layers[0])
    return _read_gdal(path, source, layer=chosen)


def read_table(path: Path, fmt: FileFormat, *, source: str) -> pd.DataFrame:
    """Read a CSV or XLSX table into a DataFrame of raw cells (object dtype)."""
    try:
        frame = _read_xlsx(path, source) if fmt == "xlsx" else _read_csv(path.read_bytes(), source)
    except GeodataError:
        raise
    except READ_ERRORS as exc:
        raise _unreadable(source, fmt, exc) from None
    if len(frame.columns) == 0:
        raise problem("empty_table", "The table is empty (no header row, no data).", source)
    return frame


def _read_csv(data: bytes, source: str) -> pd.DataFrame:
    text, _encoding = decode_text(data, source=source)
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max([",", "\t", ";", "|"], key=first.count)
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=sep) if any(c.strip() for c in r)]
    if not rows:
        return pd.DataFrame(dtype=object)
    header, body = [h.strip() for h in rows[0]], rows[1:]
    width = len(header)
    # A longer row has shifted or unquoted cells: reading it would put values in the wrong
    # columns, so it is refused; a shorter row (e.g. a truncated last line) is padded.
    long_rows = [
        i for i, r in enumerate(body) if len(r) > width and any(c.strip() for c in r[width:])
    ]
    if long_rows:
        raise GeodataError(
            [
                Problem(
                    "ragged_rows",
                    f"Row {i + 1} has more cells than the header ({len(body[i])} > {width}); a "
                    "value probably contains the separator. Quote such values or remove the "
                    "extra cells.",
                    source=source,
                    row=i,
                    value=str(len(body[i])),
                    params={"header_cells": width},
                )
                for i in long_rows
            ]
        )
    padded = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(padded, columns=header, dtype=object)


def _read_xlsx(path: Path, source: str) -> pd.DataFrame:
    open_checked_zip(path, source=source).close()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            rows = [r for r in sheet.iter_rows(values_only=True) if any(_filled(v) for v in r)]
            if rows:
                width = max(len(r) for r in rows)
                header = [
                    str(h).strip() if _filled(h) else f"column_{i + 1}"
                    for i, h in enumerate(list(rows[0]) + [None] * (width - len(rows[0])))
                ]
                body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
                return pd.DataFrame(body, columns=header, dtype=object)
    finally:
        workbook.close()
    return pd.DataFrame(dtype=object)


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def table_headers(path: Path, fmt: FileFormat, *, source: str) -> list[str]:
    """Headers (column names) of a table or of a vector layer's attributes."""
    if fmt in ("csv", "xlsx"):
        return [str(c) for c in read_table(path, fmt, source=source).columns]
    return [str(c) for c in read_vector(path, fmt, "", source=source).columns if c != "geometry"]
