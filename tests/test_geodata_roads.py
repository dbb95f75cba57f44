"""The road layer: every format, every header and value family, every problem, CityData.roads.

Files are written for real into ``tmp_path`` (GeoPackage, zipped Shapefile with GBK
attributes and no .cpg, GeoJSON, KML) and read through :func:`geodata.read_layer`.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from geodata import ROAD_COLUMNS, ROADS_LAYER, GeodataError, Problem, assemble_city, read_layer
from geodata.__main__ import main as geodata_main
from geodata.demo.load import DEMO_GPKG, load_demo_city
from geodata.road_schema import INPUT_LAYER_NAMES, ROAD_CLASS_ALIASES, schema_for
from geodata.schema import LAYER_NAMES, ROAD_CLASSES, SCHEMAS
from geodata.validate.layers import validate_layer
from geodata.validate.roads import road_class_of

GOOD = Path(__file__).resolve().parent / "data" / "good"
#: Four lines inside the test townships (104.5-104.7 E, 35.5-35.7 N).
LINES = [
    LineString([(104.52, 35.52), (104.58, 35.58)]),
    LineString([(104.58, 35.58), (104.66, 35.62)]),
    MultiLineString([[(104.60, 35.52), (104.60, 35.60)], [(104.60, 35.60), (104.62, 35.68)]]),
    LineString([(104.55, 35.65), (104.68, 35.65)]),
]
#: Chinese attributes of those lines (GBK-encodable).
ATTRIBUTES = {
    "道路名称": ["连霍高速", "国道一零九", "县道", "村村通"],
    "道路等级": ["高速公路", "国道", "X031", ""],
    "设计时速": [None, 80.0, None, 25.0],
    "单行": ["是", "否", "", "否"],
    "桥梁": ["否", "是", "否", "否"],
}
EXPECTED = {
    "name": ["连霍高速", "国道一零九", "县道", "村村通"],
    "road_class": ["expressway", "national", "county", None],
    "speed_kmh": [math.nan, 80.0, math.nan, 25.0],
    "oneway": [1, 0, 0, 0],
    "level": [0, 1, 0, 0],
}


def _frame(data: dict[str, list[object]] | None = None, lines: list[object] | None = None):
    lines = LINES if lines is None else lines
    data = ATTRIBUTES if data is None else data
    return gpd.GeoDataFrame(data, geometry=lines, crs=4326)


def _check_expected(gdf: gpd.GeoDataFrame) -> None:
    assert list(gdf.columns) == [*ROAD_COLUMNS, "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["name"]) == EXPECTED["name"]
    assert list(gdf["road_class"]) == EXPECTED["road_class"]
    np.testing.assert_array_equal(gdf["speed_kmh"].to_numpy(), np.array(EXPECTED["speed_kmh"]))
    assert gdf["oneway"].dtype == np.int8 and list(gdf["oneway"]) == EXPECTED["oneway"]
    assert gdf["level"].dtype == np.int64 and list(gdf["level"]) == EXPECTED["level"]
    assert set(gdf.geometry.geom_type) == {"LineString", "MultiLineString"}


def _errors(fn) -> list[Problem]:  # type: ignore[no-untyped-def]
    with pytest.raises(GeodataError) as info:
        fn()
    return list(info.value.problems)


def _validate(data: dict[str, list[object]]):  # type: ignore[no-untyped-def]
    """Validate rows whose headers are mapped as read_layer maps them."""
    return validate_layer(_read_frame_n(data), ROADS_LAYER, source="roads.gpkg")


# --- formats ----------------------------------------------------------------------------------


def test_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "roads.gpkg"
    _frame().to_file(path, layer="roads", driver="GPKG")
    # Another layer first: the one named like the layer is chosen.
    _frame().iloc[:1].to_file(path, layer="other", driver="GPKG")
    loaded = read_layer(path, ROADS_LAYER)
    assert loaded.layer == "roads" and loaded.file_format == "gpkg"
    _check_expected(loaded.gdf)
    assert ("道路等级", "road_class") in loaded.column_map


@pytest.mark.parametrize(("encoding", "keep_cpg"), [("GBK", False), ("UTF-8", True)])
def test_zipped_shapefile(tmp_path: Path, encoding: str, keep_cpg: bool) -> None:
    """GBK attributes without a .cpg (detected from the bytes) and UTF-8 with one."""
    folder = tmp_path / "shp"
    folder.mkdir()
    shp = folder / "县乡道路.shp"
    # A Shapefile splits lines and multi-lines into one type: write MultiLineStrings.
    multi = [g if g.geom_type == "MultiLineString" else MultiLineString([g]) for g in LINES]
    frame = _frame(lines=multi).to_crs(4544)
    if encoding == "UTF-8":
        # A .dbf field name holds 10 bytes: 3 Chinese characters in UTF-8 (GBK takes 5).
        frame = frame.rename(columns={"道路名称": "路名", "道路等级": "等级", "设计时速": "时速"})
    frame.to_file(shp, encoding=encoding, engine="pyogrio")
    if not keep_cpg:
        shp.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf").read_bytes()
    assert "连霍高速".encode(encoding) in dbf  # really bytes of that encoding
    path = tmp_path / "roads.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    loaded = read_layer(path, ROADS_LAYER)
    gdf = loaded.gdf
    assert list(gdf["name"]) == EXPECTED["name"]  # decoded, not mojibake
    assert list(gdf["road_class"]) == EXPECTED["road_class"]
    assert list(gdf["oneway"]) == EXPECTED["oneway"] and list(gdf["level"]) == EXPECTED["level"]
    # Reprojected from CGCS2000 Gauss-Kruger (EPSG:4544) to degrees.
    assert gdf.total_bounds == pytest.approx([104.52, 35.52, 104.68, 35.68], abs=1e-6)


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    _frame().to_file(path, driver="GeoJSON")
    _check_expected(read_layer(path, ROADS_LAYER).gdf)


def test_kml(tmp_path: Path) -> None:
    placemarks = []
    fields = ("class", "speed", "oneway", "bridge")
    for i, line in enumerate(LINES):
        parts = line.geoms if line.geom_type == "MultiLineString" else [line]
        coords = [" ".join(f"{x},{y}" for x, y in p.coords) for p in parts]
        shapes = "".join(f"<LineString><coordinates>{c}</coordinates></LineString>" for c in coords)
        shape = f"<MultiGeometry>{shapes}</MultiGeometry>" if len(parts) > 1 else shapes
        # ASCII field names: GDAL turns Chinese ExtendedData names into underscores.
        data = "".join(
            f'<Data name="{k}"><value>{"" if v[i] is None else v[i]}</value></Data>'
            for k, v in zip(fields, list(ATTRIBUTES.values())[1:], strict=True)
        )
        placemarks.append(
            f"<Placemark><name>{ATTRIBUTES['道路名称'][i]}</name>"
            f"<ExtendedData>{data}</ExtendedData>{shape}</Placemark>"
        )
    path = tmp_path / "roads.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document>{''.join(placemarks)}</Document></kml>",
        encoding="utf-8",
    )
    gdf = read_layer(path, ROADS_LAYER).gdf
    assert list(gdf["name"]) == EXPECTED["name"]
    assert list(gdf["road_class"]) == EXPECTED["road_class"]
    assert list(gdf["speed_kmh"].fillna(-1)) == [-1, 80.0, -1, 25.0]
    assert list(gdf["oneway"]) == EXPECTED["oneway"] and list(gdf["level"]) == EXPECTED["level"]


def test_a_table_cannot_hold_roads(tmp_path: Path) -> None:
    path = tmp_path / "roads.csv"
    path.write_text("名称,道路等级,经度,纬度\na,国道,104.6,35.6\n", encoding="utf-8")
    assert [p.code for p in _errors(lambda: read_layer(path, ROADS_LAYER))] == [
        "table_for_line_layer"
    ]


def test_gcj02_roads_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    _frame().to_file(path, driver="GeoJSON")
    plain = read_layer(path, ROADS_LAYER).gdf
    converted = read_layer(path, ROADS_LAYER, coord_system="gcj02").gdf
    shift = np.abs(plain.total_bounds - converted.total_bounds).max()
    assert 0.001 < shift < 0.01  # a few hundred metres


# --- headers and values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        *[(h, "name") for h in ("名称", "路名", "道路名称", "NAME", "mc")],
        *[
            (h, "road_class")
            for h in ("道路等级", "等级", "公路等级", "行政等级", "路线编号", "编号", "class")
        ],
        *[(h, "road_class") for h in ("fclass", "highway", "road_class", "type", "Type")],
        *[
            (h, "speed_kmh")
            for h in ("设计时速", "速度", "时速", "speed", "maxspeed", "限速", "平均速度")
        ],
        *[(h, "oneway") for h in ("单行", "单向", "oneway", "one_way", "direction", "方向")],
        *[(h, "level") for h in ("层级", "z_level", "layer", "ZLEVEL")],
    ],
)
def test_header_aliases(header: str, column: str) -> None:
    value = {
        "name": "某路",
        "road_class": "G107",
        "speed_kmh": 45,
        "oneway": "yes",
        "level": 2,
    }[column]
    data: dict[str, list[object]] = {header: [value]}
    if column != "road_class":
        data["道路等级"] = ["县道"]
    gdf, problems = validate_layer(
        _read_frame(data), ROADS_LAYER, source="x"
    )  # after header mapping
    assert not problems, problems
    expected = {"road_class": "national", "oneway": 1}.get(column, value)
    assert gdf[column].iloc[0] == expected


def _read_frame(data: dict[str, list[object]]) -> gpd.GeoDataFrame:
    from geodata.io.columns import suggest_column_map

    mapping = suggest_column_map(list(data), ROADS_LAYER)
    frame = gpd.GeoDataFrame(data, geometry=LINES[:1], crs=4326)
    return frame.rename(columns=mapping)


def test_bridge_and_tunnel_flags_set_the_level() -> None:
    data = {
        "class": ["村道"] * 4,
        "bridge": ["T", "F", "T", "F"],
        "tunnel": ["F", "是", "F", "F"],
        "layer": [None, None, 2, None],
    }
    gdf, problems = validate_layer(_read_frame_n(data), ROADS_LAYER)
    assert not problems
    assert list(gdf["level"]) == [1, -1, 2, 0]  # an explicit level wins over the flag
    assert list(gdf.columns) == [*ROAD_COLUMNS, "geometry"]  # flags folded, then dropped
    for header in ("桥梁", "隧道", "是否桥梁", "is_tunnel"):
        gdf, problems = validate_layer(
            _read_frame_n({"class": ["村道"], header: ["是"]}), ROADS_LAYER
        )
        assert not problems and gdf["level"].iloc[0] in (1, -1)


def _read_frame_n(data: dict[str, list[object]]) -> gpd.GeoDataFrame:
    from geodata.io.columns import suggest_column_map

    n = len(next(iter(data.values())))
    mapping = suggest_column_map(list(data), ROADS_LAYER)
    frame = gpd.GeoDataFrame(data, geometry=(LINES * 10)[:n], crs=4326)
    return frame.rename(columns=mapping)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[
            (v, "expressway")
            for v in ("高速公路", "高速", "motorway", "Expressway", "G30", "G1501")
        ],
        *[
            (v, "expressway")
            for v in ("G5", "S15", "S1", "g4 京港澳", "G30连霍高速", "motorway_link")
        ],
        *[(v, "national") for v in ("国道", "G107", "trunk", "national", "G", "G310线")],
        *[(v, "provincial") for v in ("省道", "S212", "primary", "provincial", "S")],
        *[(v, "county") for v in ("县道", "X031", "county", "X", "x 031")],
        *[(v, "township") for v in ("乡道", "Y005", "township", "tertiary", "Y")],
        *[(v, "village") for v in ("村道", "专用公路", "C001", "Z001", "village", "track", "Z")],
        *[(v, "urban_expressway") for v in ("城市快速路", "快速路", "urban_expressway")],
        *[(v, "arterial") for v in ("主干路", "主干道", "arterial")],
        *[(v, "secondary") for v in ("次干路", "次干道", "secondary")],
        *[(v, "branch") for v in ("支路", "branch", "residential", "ＢＲＡＮＣＨ")],
        *[(v, None) for v in ("G12345", "S1501", "X31", "footway", "一级公路", "3", "")],
    ],
)
def test_road_class_values(value: str, expected: str | None) -> None:
    assert road_class_of(value) == expected


def test_every_class_has_its_chinese_name_and_its_code() -> None:
    assert tuple(ROAD_CLASS_ALIASES) == ROAD_CLASSES
    for code, names in ROAD_CLASS_ALIASES.items():
        assert road_class_of(code) == code
        assert all(road_class_of(n) == code for n in names), code


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["是", "否", "1", "0", "-1", ""], [1, 0, 1, 0, -1, 0]),
        (["yes", "no", "true", "false", "T", "F"], [1, 0, 1, 0, 1, 0]),
        (["FT", "TF", "N", "双向", "正向", "反向"], [1, -1, 0, 0, 1, -1]),
        # Geofabrik: B both, F forward, T backward (T/F are not true/false here).
        (["B", "F", "T", "B", "B", "F"], [0, 1, -1, 0, 0, 1]),
        ([1.0, 0.0, -1.0, None, True, False], [1, 0, -1, 0, 1, 0]),
    ],
)
def test_oneway_values(values: list[object], expected: list[int]) -> None:
    data = {"道路等级": ["县道"] * 6, "oneway": values}
    gdf, problems = _validate(data)
    assert not problems, problems
    assert list(gdf["oneway"]) == expected


def test_speed_values() -> None:
    data = {
        "道路等级": ["县道", "", "县道", "县道", "县道", "县道"],
        "speed_kmh": ["60 km/h", "40", 35.5, "30公里/小时", "25mph", None],
    }
    gdf, problems = _validate(data)
    assert not problems, problems
    assert list(gdf["speed_kmh"].fillna(-1)) == pytest.approx(
        [60.0, 40.0, 35.5, 30.0, 25 * 1.609344, -1]
    )
    assert list(gdf["road_class"]) == ["county", None, "county", "county", "county", "county"]


def test_speed_zero_with_a_class_is_no_speed_with_a_warning() -> None:
    gdf, problems = _validate({"fclass": ["primary"], "maxspeed": [0]})
    assert [(p.code, p.severity) for p in problems] == [("road_speed_out_of_range", "warning")]
    assert math.isnan(gdf["speed_kmh"].iloc[0]) and gdf["road_class"].iloc[0] == "provincial"


def test_speed_only_and_class_only_roads() -> None:
    gdf, problems = _validate({"speed": [30.0, 50.0]})
    assert not problems and list(gdf["road_class"]) == [None, None]
    gdf, problems = _validate({"class": ["乡道", "支路"]})
    assert not problems and gdf["speed_kmh"].isna().all()
    assert list(gdf["name"]) == ["", ""] and list(gdf["oneway"]) == [0, 0]


# --- problems ----------------------------------------------------------------------------------


def test_every_road_problem_at_once(tmp_path: Path) -> None:
    lines = [
        LINES[0],
        Point(104.6, 35.6),
        LineString(),
        LINES[1],
        LINES[1],
        LINES[1],
        LINES[1],
        LINES[1],
        LINES[1],
        LINES[1],
        LineString([(104.6, 35.6), (104.6, 35.6)]),
    ]
    data = {
        "道路等级": [
            "国道",
            "国道",
            "国道",
            "一级公路",
            "",
            "国道",
            "国道",
            "国道",
            "国道",
            "",
            "国道",
        ],
        "速度": [None, None, None, None, None, -5, 200, "fast", None, 0, None],
        "单行": ["", "", "", "", "", "", "", "", "maybe", "", ""],
        "层级": ["", "", "", "", "", "", "", "", "1.5", "", ""],
    }
    path = tmp_path / "道路.geojson"
    _frame(data, lines).to_file(path, driver="GeoJSON")
    problems = _errors(lambda: read_layer(path, ROADS_LAYER))
    got = sorted((p.code, p.row) for p in problems)
    assert got == [
        ("bad_level", 8),
        ("bad_oneway", 8),
        ("empty_geometry", 2),
        ("empty_geometry", 10),
        ("not_a_number", 7),
        ("road_speed_out_of_range", 5),
        ("road_speed_out_of_range", 6),
        ("road_speed_out_of_range", 9),
        ("road_without_class_or_speed", 4),
        ("unknown_road_class", 3),
        ("wrong_geometry_type", 1),
    ]
    assert all(p.source == "道路.geojson" and p.severity == "error" for p in problems)
    unknown = next(p for p in problems if p.code == "unknown_road_class")
    assert unknown.value == "一级公路" and unknown.column == "road_class"
    assert "国道" in unknown.message and "G107" in unknown.message  # the accepted values
    assert "speed_kmh" in unknown.message  # and the other fix
    wrong = next(p for p in problems if p.code == "wrong_geometry_type")
    assert wrong.value == "Point" and "LineString" in wrong.message
    speed = next(p for p in problems if p.row == 6)
    assert speed.value == "200" and "150" in speed.message


def test_identical_problems_are_said_once() -> None:
    n = 30
    data = {"道路等级": ["国家级"] * n}
    _, problems = _validate(data)
    assert len(problems) == n
    text = str(GeodataError(problems))
    assert text.count("unknown_road_class") <= 1 and "30 rows" in text


def test_a_layer_without_class_and_speed_columns() -> None:
    gdf = gpd.GeoDataFrame({"名称": ["a"], "宽度": [7]}, geometry=LINES[:1], crs=4326)
    problems = _errors(lambda: _raise(validate_layer(gdf, ROADS_LAYER)))
    assert [p.code for p in problems] == ["road_without_class_or_speed"]
    assert problems[0].row is None
    assert "道路等级" in problems[0].message and "设计时速" in problems[0].message
    assert "宽度" in problems[0].message  # headers found


def _raise(result: tuple[object, list[Problem]]) -> None:
    if any(p.severity == "error" for p in result[1]):
        raise GeodataError(result[1])


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_projected_numbers_without_crs(tmp_path: Path) -> None:
    metres = [LineString([(500000, 3900000), (501000, 3901000)])]
    path = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"class": ["县道"]}, geometry=metres).to_file(path, driver="GeoJSON")
    text = path.read_text(encoding="utf-8").replace('"crs"', '"_crs"')
    path.write_text(text, encoding="utf-8")
    codes = [p.code for p in _errors(lambda: read_layer(path, ROADS_LAYER))]
    assert codes == ["projected_coordinates"]


def test_roads_outside_china_unless_said(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    kassel = [LineString([(9.45, 51.30), (9.50, 51.32)])]
    gpd.GeoDataFrame({"class": ["primary"]}, geometry=kassel, crs=4326).to_file(path)
    assert [p.code for p in _errors(lambda: read_layer(path, ROADS_LAYER))] == ["outside_china"]
    assert len(read_layer(path, ROADS_LAYER, outside_china=True).gdf) == 1


# --- the city -----------------------------------------------------------------------------------


def _towns() -> gpd.GeoDataFrame:
    return read_layer(GOOD / "townships.geojson", "townships").gdf


def test_city_with_and_without_roads(tmp_path: Path) -> None:
    towns = _towns()
    without = assemble_city(towns)
    assert without.roads is None
    raw = _frame().rename(columns={"道路等级": "road_class", "设计时速": "speed_kmh"})
    raw = raw.rename(columns={"单行": "oneway", "桥梁": "bridge", "道路名称": "name"})
    city = assemble_city(towns, roads=raw.to_crs(4544))  # any CRS: brought to degrees
    assert city.roads is not None
    _check_expected(city.roads)
    path = tmp_path / "roads.gpkg"
    _frame().to_file(path, layer="roads")
    city = assemble_city(towns, roads=read_layer(path, ROADS_LAYER).gdf)
    assert city.roads is not None and len(city.roads) == 4


def test_city_roads_problems_and_study_area() -> None:
    towns = _towns()
    bad = gpd.GeoDataFrame({"road_class": ["国道", "bogus"]}, geometry=LINES[:2], crs=4326)
    problems = _errors(lambda: assemble_city(towns, roads=bad))
    assert [(p.code, p.source, p.row) for p in problems] == [("unknown_road_class", "roads", 1)]
    far = gpd.GeoDataFrame(
        {"road_class": ["国道"]}, geometry=[LineString([(110.0, 30.0), (110.1, 30.1)])], crs=4326
    )
    problems = _errors(lambda: assemble_city(towns, roads=far))
    assert [p.code for p in problems] == ["roads_outside_study_area"]
    assert "110.0000" in problems[0].message
    # Roads may run beyond the study area as long as some reach it.
    both = gpd.GeoDataFrame(
        {"road_class": ["国道", "国道"]}, geometry=[LINES[0], far.geometry.iloc[0]], crs=4326
    )
    assert len(assemble_city(towns, roads=both).roads) == 2  # type: ignore[arg-type]


def test_demo_city_reads_a_roads_layer_when_present(tmp_path: Path) -> None:
    demo = load_demo_city()
    has_roads = ROADS_LAYER in set(pyogrio.list_layers(DEMO_GPKG)[:, 0])
    assert (demo.roads is not None) == has_roads
    copy = tmp_path / "demo.gpkg"
    copy.write_bytes(DEMO_GPKG.read_bytes())
    if not has_roads:
        assert demo.roads is None
        extent = demo.townships.total_bounds
        line = LineString([(extent[0], extent[1]), (extent[2], extent[3])])
        gpd.GeoDataFrame(
            {"name": ["示例路"], "road_class": ["county"], "speed_kmh": [None], "oneway": [0]},
            geometry=[line],
            crs=4326,
        ).to_file(copy, layer="roads", driver="GPKG")
    city = load_demo_city(copy)
    assert city.roads is not None and len(city.roads) > 0
    assert list(city.roads.columns) == [*ROAD_COLUMNS, "geometry"]
    assert set(city.roads["road_class"].dropna()) <= set(ROAD_CLASSES)


def test_roads_stay_out_of_the_city_layers() -> None:
    assert ROADS_LAYER not in LAYER_NAMES and ROADS_LAYER not in SCHEMAS
    assert (*LAYER_NAMES, ROADS_LAYER) == INPUT_LAYER_NAMES
    assert schema_for(ROADS_LAYER).geometry == "line"
    assert schema_for("villages") is SCHEMAS["villages"]


def test_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "县乡道路.geojson"
    _frame().to_file(path, driver="GeoJSON")
    assert geodata_main(["check", str(path)]) == 0  # layer told by the file name
    assert "4 roads" in capsys.readouterr().out
    bad = tmp_path / "net.geojson"
    _frame({"道路等级": ["一级公路"] * 4}).to_file(bad, driver="GeoJSON")
    assert geodata_main(["check", "--layer", "roads", str(bad)]) == 2
    out = capsys.readouterr().out
    assert "INVALID" in out and "4 rows" in out and "一级公路" in out
    towns = GOOD / "townships.geojson"
    assert geodata_main(["check", str(towns), str(path)]) == 0
    assert "OK across layers" in capsys.readouterr().out


def test_city_files_take_a_roads_file(tmp_path: Path) -> None:
    from analysis.cli.inputs import load_city_files

    path = tmp_path / "roads.gpkg"
    _frame().to_file(path, layer="roads")
    towns, points = GOOD / "townships.geojson", GOOD / "contact_points.csv"
    assert load_city_files(towns, points).roads is None
    city = load_city_files(towns, points, roads=path)
    assert city.roads is not None
    _check_expected(city.roads)
    bad = tmp_path / "bad_roads.geojson"
    _frame({"道路等级": ["国道", "bogus", "国道", "国道"]}).to_file(bad, driver="GeoJSON")
    problems = _errors(lambda: load_city_files(towns, points, roads=bad))
    assert [(p.code, p.source, p.row) for p in problems] == [
        ("unknown_road_class", "bad_roads.geojson", 1)
    ]
