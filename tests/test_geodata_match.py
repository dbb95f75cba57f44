"""Points without coordinates placed by name or address against the loaded villages/townships."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from shapely.geometry import Point

from analysis.cli.main import main
from geodata import GeodataError
from geodata.city import CityData
from geodata.demo.load import load_demo_city
from geodata.match.frame import match_points
from geodata.match.names import name_key, strip_offices
from geodata.match.table import place_point_table

DEMO_GPKG = Path(__file__).resolve().parent.parent / "geodata" / "demo" / "demo_city.gpkg"

#: (名称, 地址) -> (status, code) on the demo city.
_ROWS: list[tuple[str, str, str, str]] = [
    ("上关村村委会", "", "ambiguous", ""),  # 渭阳镇 and 新兰镇 both have one
    ("上关村民委员会", "洮峪县新兰镇", "matched", "990123107209"),
    ("义下村", "丰塬县", "matched", "990121107222"),  # three 义下村, one in 丰塬县
    ("三松社区居委会", "", "matched", "990102005002"),  # not 三松村: the suffix says community
    ("三松", "", "ambiguous", ""),
    ("园云镇人民政府", "", "matched", "990121101"),
    ("西关街道办事处", "", "ambiguous", ""),  # in 崆源区 and 北塬区
    ("西关街道办事处", "北塬区", "matched", "990103002"),
    ("不存在村委会", "", "unmatched", ""),
    ("东永村", "渭宁县", "ambiguous", ""),  # the county contradicts both: the planner checks
    ("丰塬县园云镇沙徐村基层立法联系点", "", "matched", ""),
]


@pytest.fixture(scope="module")
def demo() -> CityData:
    return load_demo_city()


def _sheet(tmp_path: Path, rows: list[tuple[str, str, str, str]] = _ROWS) -> Path:
    path = tmp_path / "联系点名单.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["编号", "名称", "类型", "地址"])
        for i, (name, address, _, _) in enumerate(rows):
            writer.writerow([f"P{i:02d}", name, "农村", address])
    return path


def test_suffixes_are_stripped_and_say_the_level() -> None:
    assert name_key("柳泉村村委会") == ("柳泉", "village")
    assert name_key("柳泉村民委员会") == ("柳泉", "village")
    assert name_key("东风社区居委会") == ("东风", "community")
    assert name_key("东风社区居民委员会") == ("东风", "community")
    assert name_key("东风社区") == ("东风", "community")
    assert name_key("柳泉镇人民政府") == ("柳泉", "township")
    assert name_key("石门乡人民政府") == ("石门", "township")
    assert name_key("西关街道办事处") == ("西关", "township")
    assert name_key(" 东村 ") == ("东村", "village")  # one character left: the word stays
    assert strip_offices("柳泉村村委会基层立法联系点") == ("柳泉村", "village")


def test_names_and_addresses_are_matched_on_the_demo_city(demo: CityData) -> None:
    got = match_points([r[0] for r in _ROWS], [r[1] for r in _ROWS], demo.townships, demo.villages)
    table = got.table
    assert list(table["status"]) == [r[2] for r in _ROWS]
    for (_, _, status, code), found in zip(_ROWS, table["code"], strict=True):
        if status == "matched" and code:
            assert found == code
    assert {c.code for c in got.candidates[0]} == {"990123104209", "990123107209"}
    assert len(got.candidates[9]) == 2
    # A township is placed on its seat village.
    seat = demo.villages[demo.villages["is_township_seat"]]
    seat = seat[seat["township_code"] == "990121101"].geometry.iloc[0]
    assert (table.loc[5, "lon"], table.loc[5, "lat"]) == (seat.x, seat.y)


def test_a_sheet_without_coordinates_is_placed_and_choices_resolve(
    tmp_path: Path, demo: CityData
) -> None:
    path = _sheet(tmp_path)
    placed = place_point_table(path, "contact_points", demo.townships, demo.villages)
    assert len(placed.loaded.gdf) == sum(r[2] == "matched" for r in _ROWS)
    warned = {(p.code, p.row) for p in placed.loaded.warnings}
    assert ("point_match_ambiguous", 0) in warned and ("point_match_unmatched", 8) in warned
    assert all(p.source == "联系点名单.csv" for p in placed.loaded.warnings)
    again = place_point_table(
        path, "contact_points", demo.townships, demo.villages, choices={0: "990123104209"}
    )
    assert again.matches.table.loc[0, "status"] == "matched"
    assert "P00" in set(again.loaded.gdf["id"])


def test_a_sheet_with_neither_name_nor_address_is_refused(tmp_path: Path, demo: CityData) -> None:
    path = tmp_path / "x.csv"
    path.write_text("编号,类型\n1,农村\n", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        place_point_table(path, "contact_points", demo.townships, demo.villages)
    assert [p.code for p in exc.value.problems] == ["missing_coordinates"]


def test_the_report_command_places_points_and_writes_the_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    gpkg = tmp_path / "city.gpkg"
    shutil.copy(DEMO_GPKG, gpkg)
    out = tmp_path / "out"
    argv = ["report", "--townships", str(gpkg), "--villages", str(gpkg)]
    assert main([*argv, "--points", str(_sheet(tmp_path)), "--out", str(out)]) == 0
    with (out / "point_matches.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == [r[2] for r in _ROWS]
    assert rows[0]["row"] == "1" and "上关村" in rows[0]["candidates"]
    err = capsys.readouterr().err
    assert "matches several places" in err and "matches no village" in err


def test_townships_alone_place_a_township_inside_its_polygon(demo: CityData) -> None:
    got = match_points(["园云镇人民政府", "沙徐村"], ["", ""], demo.townships, None)
    assert list(got.table["status"]) == ["matched", "unmatched"]
    town = demo.townships[demo.townships["code"] == "990121101"].geometry.iloc[0]
    assert town.contains(Point(got.table.loc[0, "lon"], got.table.loc[0, "lat"]))
