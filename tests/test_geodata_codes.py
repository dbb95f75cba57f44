"""PROBLEM_CODES is complete, and every code is produced by some input.

Codes exercised by the bad corpus are listed in tests.support.corpus.EXPECTED; the rest are
produced here, one small case each.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geodata import PROBLEM_CODES, GeodataError, Problem, assemble_city, read_layer
from geodata.io import archive as readers_archive
from geodata.io import readers as readers_module
from geodata.io.encoding import detect_encoding
from geodata.validate.layers import validate_layer
from tests.support.corpus import EXPECTED

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
GEODATA = Path(__file__).resolve().parent.parent / "geodata"
_EMITTED = re.compile(r'(?:Problem|problem|_fail|\.add)\(\s*"([a-z_]+)"')
_CHOICE = re.compile(r'"(unknown_kind|unknown_type)"')


def test_every_emitted_code_is_documented() -> None:
    emitted: set[str] = set()
    for path in GEODATA.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        emitted |= set(_EMITTED.findall(text)) | set(_CHOICE.findall(text))
    emitted.discard("population_join_unavailable")  # not ours (analysis CLI fallback)
    assert emitted - set(PROBLEM_CODES) == set()
    assert all(PROBLEM_CODES.values())


def _problems(fn: Callable[[], object]) -> list[Problem]:
    try:
        result = fn()
    except GeodataError as exc:
        return list(exc.problems)
    return list(getattr(result, "warnings", ()))


def _town_pts() -> gpd.GeoDataFrame:
    return read_layer(GOOD / "townships.geojson", "townships").gdf


def _pt(**kw: object) -> gpd.GeoDataFrame:
    lon, lat = kw.pop("lon", 104.55), kw.pop("lat", 35.55)
    return gpd.GeoDataFrame([kw], geometry=[Point(lon, lat)], crs=4326)  # type: ignore[arg-type]


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _cases(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    cps = GOOD / "contact_points.csv"
    return {
        "file_not_found": lambda: read_layer(tmp / "nope.csv", "homes"),
        "not_a_file": lambda: read_layer(tmp, "homes"),
        "unknown_layer": lambda: read_layer(cps, "parks"),  # type: ignore[arg-type]
        "unknown_coord_system": lambda: read_layer(cps, "homes", coord_system="utm"),  # type: ignore[arg-type]
        "coord_system_outside_china": lambda: read_layer(
            cps, "homes", coord_system="gcj02", outside_china=True
        ),
        "invalid_lonlat": lambda: _raise(
            validate_layer(_pt(id="1", name="a", lon=200.0, lat=10.0), "homes", outside_china=True)
        ),
        "table_for_polygon_layer": lambda: read_layer(cps, "townships"),
        "column_map_unknown_header": lambda: read_layer(
            cps, "contact_points", column_map={"x": "id"}
        ),
        "column_map_unknown_target": lambda: read_layer(
            cps, "contact_points", column_map={"编号": "nope"}
        ),
        "unknown_encoding": lambda: detect_encoding(b"a,b\n\x81\x20,1\n"),
        "missing_crs_assumed": lambda: read_layer(
            GOOD / "townships_no_prj_degrees_warn.zip", "townships"
        ),
        "repaired_geometry": lambda: read_layer(
            GOOD / "townships_self_intersection_warn.geojson", "townships"
        ),
        "dropped_z_m": lambda: read_layer(GOOD / "townships_3d_warn.geojson", "townships"),
        "rounded_value": lambda: _raise(
            validate_layer(_pt(id="1", name="a", administrators=1.5), "homes")
        ),
        "adopted_exceeds_collected": lambda: _raise(
            validate_layer(
                _pt(id="1", name="a", type="rural", opinions_collected=1, opinions_adopted=2),
                "contact_points",
            )
        ),
        "too_many_features": lambda: _patched(
            monkeypatch,
            readers_module,
            "MAX_FEATURES",
            2,
            lambda: read_layer(cps, "contact_points"),
        ),
        "archive_too_large": lambda: _patched(
            monkeypatch,
            readers_archive,
            "MAX_UNCOMPRESSED_BYTES",
            10,
            lambda: read_layer(GOOD / "homes.kmz", "homes"),
        ),
        "archive_too_many_entries": lambda: _patched(
            monkeypatch,
            readers_archive,
            "MAX_ARCHIVE_ENTRIES",
            2,
            lambda: read_layer(GOOD / "townships_utf8_cpg.zip", "townships"),
        ),
        "file_too_large": lambda: _patched(
            monkeypatch, readers_module, "MAX_INPUT_BYTES", 10, lambda: read_layer(cps, "homes")
        ),
        "layer_not_inferred": lambda: _cli(_write(tmp, "x.csv", "a,b\n1,2\n")),
        "outside_study_area": lambda: assemble_city(
            _town_pts(), contact_points=_pt(id="1", name="a", type="rural", lon=105.5)
        ),
        "unknown_township_code": lambda: assemble_city(
            _town_pts(),
            _pt(code="1", name="a", township_code="9", population=1, kind="村"),
        ),
        "population_mismatch": lambda: assemble_city(
            _town_pts(),
            _pt(code="1", name="a", township_code="620102001", population=1, kind="村"),
        ),
        "unknown_contact_point": lambda: assemble_city(
            _town_pts(), collection_sites=_pt(id="1", name="a", contact_point_id="X")
        ),
        "population_table_format": lambda: _join(GOOD / "townships.geojson"),
        "population_unmatched": lambda: _join(_write(tmp, "p.csv", "名称,人口\n无名镇,1\n")),
        "population_duplicate_key": lambda: _join(
            _write(tmp, "d.csv", "编码,人口\n620102001,1\n620102001,1\n")
        ),
        "population_no_join_key": lambda: _join(
            _write(tmp, "k.csv", "区划代码,人口\n1,1\n"), drop_codes=True
        ),
        "empty_table": lambda: read_layer(DATA / "bad" / "homes_empty_sheet.xlsx", "homes"),
    }


def _raise(result: tuple[object, list[Problem]]) -> None:
    raise GeodataError(result[1])


def _patched(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, value: int, fn: Callable[[], object]
) -> object:
    with monkeypatch.context() as m:
        m.setattr(module, name, value)
        return fn()


def _cli(path: Path) -> None:
    from geodata.__main__ import _infer_layer
    from geodata.io.readers import read_table_headers

    read_table_headers(path)
    _infer_layer(path)


def _join(table: Path, *, drop_codes: bool = False) -> object:
    from geodata import join_population

    towns = _town_pts()
    if drop_codes:
        towns = towns.drop(columns=["code"])
    return join_population(towns, table)


def test_every_code_is_produced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _cases(tmp_path, monkeypatch)
    by_corpus = set(EXPECTED.values())
    others = {
        # produced in other test modules
        "missing_value",
        "not_a_number",
        "negative_value",
        "infinite_value",
        "unknown_type",
        "outside_china",
        "duplicate_id",
        "not_text",
        "mixed_encoding",
        # the records sheet's codes: tests/test_records.py
        "records_format",
        "records_bad_period",
        "records_unknown_point",
        "records_duplicate_period",
        "records_answered_exceeds_collected",
        # the road layer's codes: tests/test_geodata_roads.py
        "table_for_line_layer",
        "unknown_road_class",
        "road_without_class_or_speed",
        "road_speed_out_of_range",
        "bad_oneway",
        "bad_level",
        "roads_outside_study_area",
        # statistics-bureau codes: tests/test_geodata_codes_stats.py
        "bad_admin_code",
        "bad_kind_codes_setting",
        # points placed by name: tests/test_geodata_match.py
        "point_match_ambiguous",
        "point_match_unmatched",
        # population rasters: tests/test_geodata_raster.py
        "raster_unreadable",
        "raster_no_crs",
        "raster_no_overlap",
        "raster_total_mismatch",
        "raster_partial_overlap",
        # township boundaries: tests/test_geodata_boundaries.py
        "township_overlap",
        "township_gap",
    }
    assert set(PROBLEM_CODES) - by_corpus - others - set(cases) == set()
    for code, case in cases.items():
        got = [p.code for p in _problems(case)]
        assert code in got, (code, got)


def test_zip_entries_checked_before_extraction(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("..\\..\\evil.shp", b"x")
        zf.writestr("C:/evil.shp", b"x")
    with pytest.raises(GeodataError) as exc:
        readers_archive.open_checked_zip(path, source="x.zip")
    assert [p.code for p in exc.value.problems] == ["unsafe_archive_entry"] * 2
    assert not (tmp_path.parent / "evil.shp").exists()
