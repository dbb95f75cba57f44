"""GIS writers: GeoPackage, zipped Shapefile, GeoJSON, KML and KMZ.

Each writer takes an :class:`~analysis.export.model.ExportBundle` and a target path and
returns the path(s) written. Column names are the canonical English ones of
``docs/ARCHITECTURE.md`` (Shapefile: the short names of :mod:`analysis.export.shpfields`),
so an exported GeoPackage can be loaded back into the tool.

GCJ-02 is not a coordinate reference system PROJ or any GIS knows, and labelling shifted
coordinates EPSG:4326 would have a GIS draw them 300-500 m off without a word. A GCJ-02
export therefore declares no CRS at all: the GeoPackage layers are CRS-less (srs_id 0,
"undefined geographic") with a description saying GCJ-02, the zipped Shapefile has no
``.prj`` and holds ``坐标系说明.txt``, the GeoJSON is written without the RFC 7946 flag and
with a ``description``; KML (WGS84 by definition) says GCJ-02 in its description. Every
file name ends with ``_GCJ02`` (:func:`analysis.export.api.export_bundle`).
"""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from analysis.export.kml import kml_document
from analysis.export.labels import COLUMN_LABELS_ZH
from analysis.export.model import ExportBundle
from analysis.export.shpfields import shapefile_names
from geodata.spreadsheet_safety import neutralise_value

#: What a GCJ-02 export says about its coordinates (GeoPackage/GeoJSON description, zip note).
GCJ02_NOTE = (
    "坐标系：GCJ-02（火星坐标，高德/腾讯地图使用），不是 WGS84/EPSG:4326，故未声明坐标参考系。"
    "Coordinates are GCJ-02 (AMap/Tencent), not WGS84/EPSG:4326: no CRS is declared."
)


def _geometry_type(name: str) -> str:
    return "MultiPolygon" if name == "townships" else "Point"


def _layer(bundle: ExportBundle, layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer as written: without a CRS when its coordinates are GCJ-02."""
    if bundle.coords != "gcj02":
        return layer
    return layer.set_crs(None, allow_override=True)


def _write(bundle: ExportBundle, frame: gpd.GeoDataFrame, target: Path, **kw: Any) -> None:
    """pyogrio's write; a GCJ-02 layer is written without a CRS on purpose (no warning)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided", category=UserWarning)
        pyogrio.write_dataframe(_layer(bundle, frame), target, **kw)


def _note_options(bundle: ExportBundle, layer: str = "") -> dict[str, object]:
    """The layer's description: GCJ-02's note; for the contact points, the plan's solve."""
    notes = [GCJ02_NOTE] if bundle.coords == "gcj02" else []
    if layer == "contact_points" and bundle.solve.rows:
        notes.append("求解说明：" + "；".join(f"{k}：{v}" for k, v in bundle.solve.rows))
    return {"DESCRIPTION": " ".join(notes)} if notes else {}


def write_gpkg(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write every layer to one GeoPackage (one table per layer, canonical names).

    The KPIs are not written here (see the XLSX/CSV exports); the layers alone are
    enough to recompute them.
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    for name, layer in bundle.layers.items():
        _write(
            bundle,
            layer,
            path,
            layer=name,
            driver="GPKG",
            geometry_type=_geometry_type(name),
            promote_to_multi=name == "townships",
            append=path.exists(),
            layer_options=_note_options(bundle, name),
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
            _write(
                bundle,
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
        if bundle.coords == "gcj02":
            zf.writestr("坐标系说明.txt", "\ufeff" + GCJ02_NOTE + "\n")
    return [path]


def write_geojson(bundle: ExportBundle, out_dir: Path, stem: str) -> list[Path]:
    """Write one GeoJSON file per layer (``<stem>_<layer>.geojson``, RFC 7946)."""
    out_dir = Path(out_dir)
    written = []
    for name, layer in bundle.layers.items():
        target = out_dir / f"{stem}_{name}.geojson"
        if target.exists():
            target.unlink()
        # RFC 7946 means WGS84: a GCJ-02 file is written without that flag.
        rfc = "NO" if bundle.coords == "gcj02" else "YES"
        _write(
            bundle,
            layer,
            target,
            driver="GeoJSON",
            geometry_type=_geometry_type(name) if not layer.empty else "Unknown",
            promote_to_multi=name == "townships",
            layer_options={
                "RFC7946": rfc,
                "WRITE_NAME": "NO",
                "COORDINATE_PRECISION": 8,
                **_note_options(bundle),
            },
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
