"""A GCJ-02 export says so in its file names and metadata and never claims EPSG:4326."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pyogrio
import pytest

from analysis.export import build_bundle, export_bundle
from analysis.export.gis import GCJ02_NOTE
from analysis.plan.scenarios import POINT_LAYERS
from geodata import read_layer
from tests.support.export_fixtures import Case, make_case


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    case: Case = make_case()
    points = {name: case.scenario.layer(name) for name in POINT_LAYERS}
    out = tmp_path_factory.mktemp("gcj")
    files: dict[str, list[Path]] = {}
    for coords in ("gcj02", "wgs84"):
        bundle = build_bundle(
            case.city, points, case.after, case.before, coords=coords, title="方案"
        )
        for fmt in ("gpkg", "shp", "geojson", "kml", "csv"):
            files[f"{coords}-{fmt}"] = export_bundle(bundle, fmt, out / coords)
    return files


def test_every_gcj02_file_name_says_so(written: dict[str, list[Path]]) -> None:
    for key, paths in written.items():
        for path in paths:
            assert ("_GCJ02" in path.name) == key.startswith("gcj02"), path.name


def test_the_geopackage_declares_no_crs_and_describes_gcj02(written: dict) -> None:
    (path,) = written["gcj02-gpkg"]
    for name, _ in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] is None, name
    (wgs,) = written["wgs84-gpkg"]
    assert pyogrio.read_info(wgs, layer="contact_points")["crs"] == "EPSG:4326"
    import sqlite3

    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT table_name, description, srs_id FROM gpkg_contents").fetchall()
    assert all(desc == GCJ02_NOTE for _, desc, _ in rows)
    assert all(srs != 4326 for _, _, srs in rows)


def test_shapefile_zip_has_no_prj_and_a_note(written: dict) -> None:
    (path,) = written["gcj02-shp"]
    names = zipfile.ZipFile(path).namelist()
    assert not [n for n in names if n.endswith(".prj")]
    assert "坐标系说明.txt" in names
    (wgs,) = written["wgs84-shp"]
    assert [n for n in zipfile.ZipFile(wgs).namelist() if n.endswith(".prj")]


def test_geojson_and_kml_say_gcj02(written: dict) -> None:
    for path in written["gcj02-geojson"]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert "crs" not in doc and doc.get("description") == GCJ02_NOTE
    (kml,) = written["gcj02-kml"]
    assert "坐标系：GCJ-02" in kml.read_text(encoding="utf-8")


def test_reading_a_gcj02_export_back_warns_that_no_crs_is_declared(written: dict) -> None:
    (path,) = written["gcj02-gpkg"]
    loaded = read_layer(path, "contact_points")
    assert "missing_crs_assumed" in {p.code for p in loaded.warnings}
