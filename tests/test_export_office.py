"""CSV and XLSX exports: read back, same values, formulas neutralised, numbers kept."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import Point

from analysis.export import ExportBundle, export_bundle, export_scenario
from geodata.spreadsheet_safety import is_dangerous, neutralise_frame, neutralise_value
from tests.support.export_fixtures import Case, make_case


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


@pytest.fixture(scope="module")
def out(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    for fmt in ("csv", "xlsx"):
        export_scenario(case.city, case.scenario, case.before, case.after, fmt, folder)
    return folder


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-北山企业", "'-北山企业"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
        ("城关", "城关"),
        ("a=b", "a=b"),
        ("-12.5", "-12.5"),  # a number written as text stays readable as that number
        (-12.5, -12.5),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise_value(value: object, expected: object) -> None:
    assert neutralise_value(value) == expected


def test_neutralise_frame_keeps_negative_numbers() -> None:
    frame = pd.DataFrame({"name": ["=x", "ok"], "delta": [-3, 4], "share": [-0.25, 0.5]})
    safe = neutralise_frame(frame)
    assert list(safe["name"]) == ["'=x", "ok"]
    assert list(safe["delta"]) == [-3, 4] and safe["delta"].dtype.kind == "i"
    assert list(safe["share"]) == [-0.25, 0.5]
    assert not is_dangerous("-0.25")


def test_csv_bom_headers_and_points(case: Case, out: Path) -> None:
    raw = (out / "测试方案_contact_points.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(
        out / "测试方案_contact_points.csv", encoding="utf-8-sig", dtype={"编号": str}
    )
    assert list(table.columns[:4]) == ["编号", "名称", "类型", "状态"]
    table = table.set_index("编号").sort_index()
    scen = case.scenario.contact_points.set_index("id").sort_index()
    assert list(table.index) == list(scen.index)
    np.testing.assert_allclose(table["经度"], scen.geometry.x, atol=1e-6, rtol=0)
    np.testing.assert_allclose(table["纬度"], scen.geometry.y, atol=1e-6, rtol=0)
    assert table.loc["N001", "状态"] == "拟新增" and table.loc["CP003", "状态"] == "拟撤销"
    assert table.loc["CP004", "状态"] == "拟迁移" and table.loc["CP001", "状态"] == "现有"
    assert table.loc["N001", "类型"] == "农村"


def test_csv_neutralises_formulas(out: Path) -> None:
    with (out / "测试方案_contact_points.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["编号"]: r for r in csv.DictReader(fh)}
    assert rows["CP002"]["名称"] == '\'=HYPERLINK("http://x")'
    assert rows["CP003"]["名称"] == "'-北山企业联系点"
    assert rows["N002"]["名称"] == "'@石桥乡企业联系点"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows.values() for v in r.values())


def test_csv_kpis_match(case: Case, out: Path) -> None:
    kpis = pd.read_csv(out / "测试方案_kpis.csv", encoding="utf-8-sig").set_index("键")
    after, before = case.after.kpis.to_dict(), case.before.kpis.to_dict()
    assert float(kpis.loc["coverage_share", "调整后"]) == pytest.approx(after["coverage_share"])
    assert float(kpis.loc["coverage_share", "调整前"]) == pytest.approx(before["coverage_share"])
    delta = after["population_covered"] - before["population_covered"]
    assert float(kpis.loc["population_covered", "变化"]) == delta
    assert kpis.loc["coverage_share", "指标"] == "人口覆盖率"
    rural = "contact_points_by_type.rural"
    assert int(kpis.loc[rural, "调整后"]) == after["contact_points_by_type"]["rural"]


def test_xlsx_sheets_values_and_safety(case: Case, out: Path) -> None:
    wb = load_workbook(out / "测试方案.xlsx")
    assert wb.sheetnames == [
        "方案概况",
        "指标",
        "县区达标",
        "选址提示",
        "乡镇(街道)",
        "村(社区)",
        "基层立法联系点",
        "立法信息采集点",
        "代表之家",
    ]
    assert [c.value for c in wb["指标"][1]] == ["指标", "调整前", "调整后", "变化", "键"]
    kpi = {r[4]: r for r in wb["指标"].iter_rows(min_row=2, values_only=True) if r[4]}
    after, before = case.after.kpis.to_dict(), case.before.kpis.to_dict()
    for key in ("population_total", "population_covered", "coverage_share", "counties_compliant"):
        assert kpi[key][1] == pytest.approx(before[key])
        assert kpi[key][2] == pytest.approx(after[key])
    assert (
        kpi["townships_uncovered"][3]
        == after["townships_uncovered"] - before["townships_uncovered"]
    )
    ws = wb["基层立法联系点"]
    header = [c.value for c in ws[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    scen = case.scenario.contact_points.set_index("id")
    for pid, geom in scen.geometry.items():
        assert rows[pid]["经度"] == pytest.approx(geom.x, abs=1e-6)
        assert rows[pid]["纬度"] == pytest.approx(geom.y, abs=1e-6)
    assert rows["CP002"]["名称"] == '\'=HYPERLINK("http://x")'
    assert rows["N002"]["名称"] == "'@石桥乡企业联系点"
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type != "f"
    towns = wb["乡镇(街道)"]
    share_col = [c.value for c in towns[1]].index("覆盖率") + 1
    assert towns.cell(row=2, column=share_col).number_format == "0.0%"


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    layer = gpd.GeoDataFrame(
        {"id": ["A"], "name": ["-5"], "type": ["rural"], "status": ["existing"], "staff": [-2]},
        geometry=[Point(113.7, 34.7)],
        crs="EPSG:4326",
    )
    layer["lon"], layer["lat"] = 113.7, 34.7
    towns = gpd.GeoDataFrame({"code": ["1"], "name": ["=t"]}, geometry=[Point(0, 0).buffer(1)])
    bundle = ExportBundle(
        layers={"townships": towns, "contact_points": layer},
        kpis_after={"delta": -3, "share": -0.5, "label": "=bad"},
        title="neg",
    )
    export_bundle(bundle, "xlsx", tmp_path)
    export_bundle(bundle, "csv", tmp_path)
    wb = load_workbook(tmp_path / "neg.xlsx")
    kpi = {r[4]: r for r in wb["指标"].iter_rows(min_row=2, values_only=True)}
    assert kpi["delta"][2] == -3 and kpi["share"][2] == -0.5
    assert kpi["label"][2] == "'=bad"
    cp = next(wb["基层立法联系点"].iter_rows(min_row=2, values_only=True))
    assert cp[4] == -2  # staff, a number
    assert [c.value for c in wb["乡镇(街道)"][2]][1] == "'=t"
    text = (tmp_path / "neg_kpis.csv").read_text(encoding="utf-8-sig")
    assert ",-3," in text and "'=bad" in text


def test_compliance_wording() -> None:
    from analysis.export.notes import compliance

    minimums = {"rural": 2, "enterprise": 1}
    counties = pd.DataFrame(
        {
            "county": ["甲区", "乙县", "丙县"],
            "compliant": [True, False, False],
            "rural_points_missing": [0, 1, 2],
            "enterprise_points_missing": [0, 1, 0],
            "exempt_from_rural_minimum": [True, False, False],
        }
    )
    verdict = compliance(counties, minimums)
    assert verdict.compliant is False and verdict.verdict == "不合规"
    assert verdict.shortfalls == {
        "乙县": "缺农村联系点1个、企业联系点1个",
        "丙县": "缺农村联系点2个",
    }
    assert verdict.text.startswith(
        "不合规：3个县区中有2个未达到“每个县区至少2个农村联系点、1个企业联系点”"
    )
    assert "甲区无农村人口" in verdict.text
    assert verdict.text.endswith("乙县缺农村联系点1个、企业联系点1个；丙县缺农村联系点2个。")
    ok = compliance(counties.assign(compliant=True), minimums)
    assert ok.compliant and ok.text.startswith("合规：全部3个县区均达到") and not ok.shortfalls
    assert compliance(pd.DataFrame(), minimums).verdict == ""


def test_reach_wording() -> None:
    from analysis.export.notes import distance_text, reach_text

    assert [distance_text(m) for m in (3000, 2500, 10000, 800)] == [
        "3公里",
        "2.5公里",
        "10公里",
        "800米",
    ]
    text = reach_text({"rural": 10000.0, "enterprise": 5000.0}, 3000.0)
    assert text == (
        "覆盖范围按直线服务半径计算：农村联系点10公里、企业联系点5公里；"
        "网络覆盖另计立法信息采集点3公里。"
    )


def test_one_county_is_named_not_counted() -> None:
    """A dataset of one county read "全县1个县区中……" and "全部1个县区均达到"."""
    from analysis.export.notes import compliance, one_county_sentence

    minimums = {"rural": 2, "enterprise": 1}
    rule = "“每个县区至少2个农村联系点、1个企业联系点”"
    one = pd.DataFrame(
        {"county": ["甲县"], "compliant": [False], "rural_points_missing": [1]}
        | {"enterprise_points_missing": [0]}
    )
    short = compliance(one, minimums)
    assert short.text == f"不合规：甲县缺农村联系点1个，未达到{rule}的要求。"
    ok = compliance(one.assign(compliant=True, rural_points_missing=0), minimums)
    assert ok.text == f"合规：甲县达到{rule}的要求。"
    assert one_county_sentence(one, None, rule) == f"甲县未达到{rule}要求。"
    assert one_county_sentence(one.assign(compliant=True), 0, rule) == (
        f"甲县由未达到{rule}要求变为达到。"
    )
    assert one_county_sentence(one.assign(compliant=True), 1, rule) == f"甲县调整后达到{rule}要求。"
