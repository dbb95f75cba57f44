"""Records sheets (geodata.records): periods, validation problems, the template's round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from geodata.demo.load import load_demo_city, load_demo_records
from geodata.errors import GeodataError
from geodata.records.periods import parse_period, quarter_of
from geodata.records.read import read_records
from geodata.records.template import template_frame, template_xlsx

IDS = {"LXD01": "contact_points", "LXD02": "contact_points", "DBZJ01": "homes"}
GOOD = {
    "编号": ["LXD01", "LXD02", "DBZJ01"],
    "期间": ["2025-Q1", "2025年第2季度", "2025年3月"],
    "收集意见数": [5, 3, 0],
    "采纳意见数": [2, 1, 0],
    "反馈意见数": [5, 3, 0],
    "学习活动": [0, 0, 1],
    "议事调解活动": [0, 0, 1],
    "面积": [40, None, 60],
}


def _write(tmp_path: Path, table: dict[str, list[object]], name: str = "记录.xlsx") -> Path:
    path = tmp_path / name
    frame = pd.DataFrame(table)
    if name.endswith(".csv"):
        frame.to_csv(path, index=False, encoding="gbk")
    else:
        frame.to_excel(path, index=False)
    return path


def _codes(exc: pytest.ExceptionInfo[GeodataError]) -> list[str]:
    return [p.code for p in exc.value.errors]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03", "2025-03"),
        ("2025年3月", "2025-03"),
        ("2025/3", "2025-03"),
        (dt.datetime(2025, 5, 1), "2025-05"),
        ("2025-Q1", "2025-Q1"),
        ("2025q4", "2025-Q4"),
        ("2025年第2季度", "2025-Q2"),
        ("2025年三季度", "2025-Q3"),
        ("2025-13", None),
        ("上半年", None),
    ],
)
def test_periods(value: object, expected: str | None) -> None:
    assert parse_period(value) == expected
    if expected:
        assert quarter_of(expected).startswith("2025-Q")


def test_good_sheet_with_chinese_headers(tmp_path: Path) -> None:
    for name in ("记录.xlsx", "记录.csv"):
        frame = read_records(_write(tmp_path, GOOD, name), IDS)
        assert sorted(frame["period"]) == ["2025-03", "2025-Q1", "2025-Q2"]
        by_id = frame.set_index("point_id")
        assert by_id.loc["DBZJ01", "point_layer"] == "homes"
        assert by_id.loc["LXD02", "period"] == "2025-Q2"
        assert by_id.loc["LXD01", "opinions_adopted"] == 2
        assert pd.isna(by_id.loc["LXD02", "area_m2"])  # blank room: unknown, not 0
        assert by_id.loc["LXD02", "activities_research"] == 0  # absent count column: 0


def test_wrong_headers_are_refused_with_what_was_found(tmp_path: Path) -> None:
    bad = {"点位": ["LXD01"], "月": ["2025-01"], "收集意见数": [1]}
    with pytest.raises(GeodataError) as exc:
        read_records(_write(tmp_path, bad), IDS)
    problems = exc.value.errors
    assert {p.code for p in problems} == {"missing_column"}
    assert {p.column for p in problems} == {"point_id", "period"}
    assert "点位" in problems[0].message and "编号" in problems[0].message  # found and accepted


def test_negative_counts_unknown_ids_and_bad_periods_all_at_once(tmp_path: Path) -> None:
    bad = dict(GOOD)
    bad["编号"] = ["LXD01", "LXD99", "DBZJ01"]
    bad["期间"] = ["2025-Q1", "2025-Q1", "明年"]
    bad["收集意见数"] = [-3, -1, 0]
    with pytest.raises(GeodataError) as exc:
        read_records(_write(tmp_path, bad), IDS)
    codes = _codes(exc)
    assert sorted(set(codes)) == ["negative_value", "records_bad_period", "records_unknown_point"]
    unknown = next(p for p in exc.value.errors if p.code == "records_unknown_point")
    assert (unknown.row, unknown.value, unknown.source) == (1, "LXD99", "记录.xlsx")
    assert "LXD01" in unknown.message  # the known ids are listed
    # Identical problems are said once, with their count and rows.
    lines = [line for line in str(exc.value).splitlines() if "negative" in line]
    assert len(lines) == 1 and "2 rows (rows 1, 2)" in lines[0]
    assert exc.value.warnings == ()  # no "adopted above collected" beside a negative count


def test_a_point_twice_in_a_period_is_refused(tmp_path: Path) -> None:
    dup = {
        "编号": ["LXD01", "LXD01", "LXD02", "LXD02"],
        "期间": ["2025-Q1", "2025Q1", "2025-Q2", "2025-05"],
    }
    with pytest.raises(GeodataError) as exc:
        read_records(_write(tmp_path, dup), IDS)
    assert _codes(exc) == ["records_duplicate_period", "records_duplicate_period"]


def test_adopted_above_collected_is_a_warning(tmp_path: Path) -> None:
    table = {
        "编号": ["LXD01"],
        "期间": ["2025-Q1"],
        "收集意见数": [1],
        "采纳意见数": [2],
        "反馈意见数": [3],
    }
    frame = read_records(_write(tmp_path, table), IDS)
    assert [p.code for p in frame.attrs["warnings"]] == [
        "adopted_exceeds_collected",
        "records_answered_exceeds_collected",
    ]


def test_other_formats_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "记录.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        read_records(path, IDS)
    assert _codes(exc) == ["records_format"]


def test_template_round_trips_the_demo_records(tmp_path: Path) -> None:
    city = load_demo_city()
    records = load_demo_records()
    names = dict(zip(city.homes["id"], city.homes["name"], strict=True))
    path = tmp_path / "运行记录模板.xlsx"
    path.write_bytes(template_xlsx(records, names))
    ids = {
        **dict.fromkeys(city.contact_points["id"], "contact_points"),
        **dict.fromkeys(city.homes["id"], "homes"),
    }
    back = read_records(path, ids)
    pd.testing.assert_frame_equal(back, records, check_dtype=False)
    frame = template_frame(records, names)
    assert list(frame.columns[:3]) == ["编号", "名称", "期间"]


def test_empty_template_lists_every_point_and_needs_periods(tmp_path: Path) -> None:
    path = tmp_path / "空白.xlsx"
    path.write_bytes(template_xlsx(None, {}, ("LXD01", "DBZJ01")))
    raw = pd.read_excel(path)
    assert list(raw["编号"]) == ["LXD01", "DBZJ01"]
    with pytest.raises(GeodataError) as exc:  # uploaded without periods: said so, per row
        read_records(path, IDS)
    assert _codes(exc) == ["records_bad_period", "records_bad_period"]
