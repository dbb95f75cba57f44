"""GIS writers: GeoPackage, zipped Shapefile, GeoJSON, KML and KMZ.

Each writer takes an :class:`~analysis.export.model.ExportBundle` and a target path and
returns the path(s) written. Column names are the canonical English ones of
``docs/ARCHITECTURE.md`` (Shapefile: the short names of :mod:`analysis.export.shpfields`),
so an exported GeoPackage can be loaded back into the tool.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from analysis.export.kml import kml_document
from analysis.export.labels import COLUMN_LABELS_ZH
from analysis.export.model import ExportBundle
from analysis.export.shpfields import shapefile_names
from geodata.spreadsheet_safety import neutralise_value


def _geometry_type(name: str) -> str:
    return "MultiPolygon" if name == "townships" else "Point"


def write_gpkg(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write every layer to one GeoPackage (one table per layer, canonical names).

    The KPIs are not written here (see the XLSX/CSV exports); the layers alone are
    enough to recompute them.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    for name, layer in bundle.layers.items():
        pyogrio.write_dataframe(
            layer,
            path,
            layer=name,
            driver="GPKG",
            geometry_type=_geometry_type(name),
            promote_to_multi=name == "townships",
            append=path.exists(),
        )
    return [path]


def write_shapefile_zip(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write one Shapefile per layer into a zip, with UTF-8 ``.cpg`` and ``.prj``.

    Field names are shortened to 10 characters by
    :func:`analysis.export.shpfields.shapefile_names`; the zip also holds ``fields.csv``
    (layer, field, column, Chinese label) documenting the mapping.
    """
    path = Path(path)
    mapping_rows: list[tuple[str, str, str, str]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
    ):
        for name, layer in bundle.layers.items():
            names = shapefile_names(c for c in layer.columns if c != layer.geometry.name)
            renamed = layer.rename(columns=names)
            shp = Path(tmp) / f"{name}.shp"
            pyogrio.write_dataframe(
                renamed,
                shp,
                driver="ESRI Shapefile",
                encoding="UTF-8",
                geometry_type="Polygon" if name == "townships" else "Point",
            )
            for part in sorted(Path(tmp).glob(f"{name}.*")):
                zf.write(part, arcname=part.name)
            mapping_rows += [(name, s, c, COLUMN_LABELS_ZH.get(c, "")) for c, s in names.items()]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["layer", "field", "column", "label_zh"])
        writer.writerows([[neutralise_value(v) for v in row] for row in mapping_rows])
        zf.writestr("fields.csv", "\ufeff" + buffer.getvalue())
    return [path]


def write_geojson(bundle: ExportBundle, out_dir: Path, stem: str) -> list[Path]:
    """Write one GeoJSON file per layer (``<stem>_<layer>.geojson``, RFC 7946)."""
    out_dir = Path(out_dir)
    written = []
    for name, layer in bundle.layers.items():
        target = out_dir / f"{stem}_{name}.geojson"
        if target.exists():
            target.unlink()
        pyogrio.write_dataframe(
            layer,
            target,
            driver="GeoJSON",
            geometry_type=_geometry_type(name) if not layer.empty else "Unknown",
            promote_to_multi=name == "townships",
            layer_options={"RFC7946": "YES", "WRITE_NAME": "NO", "COORDINATE_PRECISION": 8},
        )
        written.append(target)
    return written


def write_kml(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write a KML document (one folder per layer) for Ovital Map (奥维) or Google Earth."""
    path = Path(path)
    path.write_bytes(kml_document(bundle))
    return [path]


def write_kmz(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write the KML document zipped as KMZ (``doc.kml`` inside)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml_document(bundle))
    return [path]


def read_gpkg_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of an exported GeoPackage back (for re-import and tests)."""
    names = [str(row[0]) for row in pyogrio.list_layers(path)]
    return {name: gpd.read_file(path, layer=name, engine="pyogrio") for name in names}
