"""What leaders read says what is true: the relaxed speech plan on the demo city, exported.

The plan is the optimiser's relaxed answer to the speech's request (+8 rural, +5
enterprise, +3 association), adopted as a scenario the way the dashboard does it (one
``add_point`` per proposed point, its reason in a ``reason`` column, no room data yet).
Checked in the PDF/Word brief and the Excel workbook: the plan is called 不合规 and every
short county is named with what it lacks; the author and local times are printed; each new
point's newly covered population is :func:`analysis.coverage.impact.point_impact`'s (in order and
alone); headers and values are Chinese; new points without a room are 待建 and not counted
below the room standard; points standing where their type should not are listed; the
service radii used are stated.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.impact import point_impact
from analysis.export import export_scenario
from analysis.export.notes import missing_points, shortfall_text
from analysis.localtime import local_text
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import Proposal, propose
from analysis.plan.edits import add_point
from analysis.plan.scenarios import Scenario, apply_scenario, baseline_scenario, copy_scenario
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData
from geodata.demo.load import DEMO_DATASET_ID, load_demo_city

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
AUTHOR = "王编制"
NAME = "讲话方案（放宽）"


@dataclass(frozen=True)
class Plan:
    """The relaxed speech plan, adopted, with its coverage and exported files."""

    city: CityData
    standards: Standards
    proposal: Proposal
    scenario: Scenario
    before: CoverageResult
    after: CoverageResult
    files: dict[str, Path]


def adopt(city: CityData, proposal: Proposal, name: str, author: str) -> Scenario:
    """The proposal as a scenario, as the dashboard adopts it (reasons, no room figures)."""
    scn = copy_scenario(baseline_scenario(city, DEMO_DATASET_ID, author=author), name)
    for p in proposal.proposed:
        scn = add_point(
            scn, "contact_points", lon=p.lon, lat=p.lat, type=p.type, name=p.name,
            county=p.county, id=p.id,
        )  # fmt: skip
    reasons = {p.id: p.reason_zh for p in proposal.proposed}
    cp = scn.contact_points
    return scn.with_layer("contact_points", cp.assign(reason=cp["id"].map(reasons).fillna("")))


def export(
    city: CityData, scn: Scenario, std: Standards, out: Path, formats: tuple[str, ...]
) -> tuple[CoverageResult, CoverageResult, dict[str, Path]]:
    before = compute_coverage(city, std)
    after = compute_coverage(apply_scenario(city, scn), std)
    files: dict[str, Path] = {}
    for fmt in formats:
        for path in export_scenario(city, scn, before, after, fmt, out, standards=std):
            files[path.name] = path
    return before, after, files


def pdf_text(path: Path) -> str:
    """The PDF's text with line breaks and spaces removed (table cells and lines wrap)."""
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return re.sub(r"\s+", "", run.stdout.decode("utf-8"))


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def overview(path: Path) -> dict[str, Any]:
    return {r[0]: r[1] for r in load_workbook(path)["方案概况"].iter_rows(values_only=True)}


def one(files: dict[str, Path], suffix: str) -> Path:
    (path,) = [p for name, p in files.items() if name.endswith(suffix)]
    return path


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    city = load_demo_city()
    std = load_standards()
    proposal = propose(city, std, ProposalRequest(relaxed=True))
    scn = adopt(city, proposal, NAME, AUTHOR)
    out = tmp_path_factory.mktemp("relaxed")
    before, after, files = export(city, scn, std, out, ("pdf", "docx", "xlsx", "csv"))
    return Plan(city, std, proposal, scn, before, after, files)


def _short_counties(after: CoverageResult, std: Standards) -> dict[str, str]:
    minimums = {"rural": std.county_min_rural, "enterprise": std.county_min_enterprise}
    return {
        str(rec["county"]): shortfall_text(missing_points(rec, minimums))
        for rec in after.counties.to_dict("records")
        if not rec["compliant"]
    }


def test_relaxed_plan_brief_says_not_compliant_and_names_short_counties(plan: Plan) -> None:
    assert not plan.proposal.compliant
    short = _short_counties(plan.after, plan.standards)
    assert short, "a relaxed speech plan leaves counties short (12 rural points < 8 x 2)"
    text = pdf_text(one(plan.files, "_简报.pdf"))
    assert "不合规" in text
    for county, lacks in short.items():
        assert lacks.startswith("缺") and "个" in lacks
        assert f"{county}{lacks}" in text, (county, lacks)
    # The numbers come from the coverage of the plan, e.g. rural points a county lacks.
    for rec in plan.after.counties.to_dict("records"):
        if rec["rural_points_missing"]:
            assert f"{rec['county']}缺农村联系点{rec['rural_points_missing']}个" in text
    doc = Document(str(one(plan.files, "_简报.docx")))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "不合规" in paragraphs
    assert all(f"{c}{lacks}" in paragraphs for c, lacks in short.items())


def test_relaxed_plan_excel_says_not_compliant(plan: Plan) -> None:
    xlsx = one(plan.files, ".xlsx")
    meta = overview(xlsx)
    assert meta["县区达标"] == "不合规"
    short = _short_counties(plan.after, plan.standards)
    for county, lacks in short.items():
        assert meta[f"缺口：{county}"] == lacks
        assert f"{county}{lacks}" in meta["县区达标说明"]
    counties = {r["县区"]: r for r in sheet_rows(xlsx, "县区达标")}
    for county, lacks in short.items():
        assert counties[county]["达标"] == "否" and counties[county]["缺口说明"] == lacks


def test_author_and_local_times_in_brief_and_excel(plan: Plan) -> None:
    updated = local_text(plan.scenario.updated_at)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", updated)
    text = pdf_text(one(plan.files, "_简报.pdf"))
    assert f"编制人：{AUTHOR}" in text
    assert f"更新时间：{updated}".replace(" ", "") in text
    assert "T" not in updated and plan.scenario.updated_at not in text  # no raw ISO UTC
    meta = overview(one(plan.files, ".xlsx"))
    assert meta["编制人"] == AUTHOR and meta["方案"] == NAME
    assert meta["更新时间"] == updated
    assert meta["创建时间"] == local_text(plan.scenario.created_at)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", str(meta["导出时间"]))


def test_new_points_figures_are_point_impacts(plan: Plan) -> None:
    """The figure a leader reads for each proposed point is point_impact's, in every file."""
    impact = point_impact(plan.scenario.contact_points, plan.before, plan.after).set_index("id")
    assert set(impact.index) == {p.id for p in plan.proposal.proposed}
    gain = plan.after.kpis.population_covered - plan.before.kpis.population_covered
    assert int(impact["newly_covered_population"].sum()) == gain
    rows = {r["编号"]: r for r in sheet_rows(one(plan.files, ".xlsx"), "基层立法联系点")}
    for pid, fig in impact.iterrows():
        assert rows[pid]["新增覆盖人口（按顺序）"] == fig["newly_covered_population"]
        assert rows[pid]["单独新增覆盖人口"] == fig["newly_covered_alone"]
    csv = pd.read_csv(one(plan.files, "_contact_points.csv"), encoding="utf-8-sig")
    csv = csv.set_index("编号")
    for pid, fig in impact.iterrows():
        assert csv.loc[pid, "新增覆盖人口（按顺序）"] == fig["newly_covered_population"]
    names = plan.scenario.contact_points.set_index("id")["name"]
    doc = Document(str(one(plan.files, "_简报.docx")))
    table = doc.tables[2]
    cells = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for pid, fig in impact.iterrows():
        row = cells[names[pid]]
        assert row[6] == f"{fig['newly_covered_population']:,}"
        assert row[7] == f"{fig['newly_covered_alone']:,}"
        assert row[0] == str(fig["order"])  # listed in the order the figures were counted
    text = pdf_text(one(plan.files, "_简报.pdf"))
    for fig in impact.itertuples():
        assert f"{fig.newly_covered_population:,}" in text


def test_excel_headers_and_values_are_chinese(plan: Plan) -> None:
    xlsx = one(plan.files, ".xlsx")
    wb = load_workbook(xlsx)
    ws = wb["基层立法联系点"]
    header = [c.value for c in ws[1]]
    assert "选址理由" in header and "reason" not in header
    assert all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in header), header
    rows = {r["编号"]: r for r in sheet_rows(xlsx, "基层立法联系点")}
    first = plan.proposal.proposed[0]
    assert rows[first.id]["状态"] == "拟新增" and rows[first.id]["选址理由"] == first.reason_zh
    assert {r["状态"] for r in rows.values()} == {"现有", "拟新增"}
    assert {r["类型"] for r in rows.values()} <= {"城市社区", "农村", "企业", "行业协会"}
    assert {r["3-5规则"] for r in rows.values()} <= {"不足3个", "3-5个", "超过5个"}
    sites = sheet_rows(xlsx, "立法信息采集点")
    assert {r["场所类型"] for r in sites} <= {"村", "社区", "企业", "学校", "行业协会", "其他"}
    villages = sheet_rows(xlsx, "村(社区)")
    assert {r["乡镇驻地"] for r in villages} == {"是", "否"}
    kpis = {r["键"]: r for r in sheet_rows(xlsx, "指标")}
    assert kpis["equity_flagged"]["调整前"] in ("是", "否")
    assert kpis["demand_source"]["调整后"] == "村（社区）人口"
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            assert re.search(r"[\u4e00-\u9fff]", str(cell.value)), (sheet.title, cell.value)


def test_new_points_without_room_are_pending_not_below_standard(plan: Plan) -> None:
    new_ids = {p.id for p in plan.proposal.proposed}
    cp = plan.after.contact_points.set_index("id")
    assert cp.loc[list(new_ids), "room_pending"].all()
    assert cp.loc[list(new_ids), "meets_room_standard"].all()
    # The plan adds 16 points with no room yet: the count below the standard is the base's.
    below_before = plan.before.kpis.points_below_room_standard
    assert plan.after.kpis.points_below_room_standard == below_before
    rows = {r["编号"]: r for r in sheet_rows(one(plan.files, ".xlsx"), "基层立法联系点")}
    for pid in new_ids:
        assert rows[pid]["面积(平方米)"] == "待建" and rows[pid]["专职人员"] == "待建"
        assert rows[pid]["场所状况"] == "待建"
    assert rows["LXD01"]["场所状况"] in ("达标", "不达标")
    assert isinstance(rows["LXD01"]["专职人员"], int)
    text = pdf_text(one(plan.files, "_简报.pdf"))
    assert f"{len(new_ids)}个拟新增（迁移）联系点的场所待建" in text
    kpis = {r["键"]: r for r in sheet_rows(one(plan.files, ".xlsx"), "指标")}
    assert kpis["points_below_room_standard"]["变化"] == 0


def test_reach_used_is_stated(plan: Plan) -> None:
    text = pdf_text(one(plan.files, "_简报.pdf"))
    assert "覆盖范围按直线服务半径计算" in text
    for t, zh in (("rural", "农村"), ("enterprise", "企业"), ("urban_community", "城市社区")):
        km = plan.standards.radius_m_for(t) / 1000
        assert f"{zh}联系点{km:g}公里" in text
    meta = overview(one(plan.files, ".xlsx"))
    assert "农村联系点10公里" in meta["覆盖口径"]


def test_site_rule_warnings_are_listed_in_brief_and_excel(plan: Plan, tmp_path: Path) -> None:
    """A rural point placed by hand in a street community is named in both files."""
    villages = plan.city.villages
    assert villages is not None
    towns = plan.city.townships.set_index("code")
    street = villages[
        villages["township_code"].map(towns["name"]).str.endswith("街道")
        & (villages["kind"] == "urban")
    ].iloc[0]
    town = towns.loc[street["township_code"]]
    scn = add_point(
        plan.scenario, "contact_points", lon=street.geometry.x, lat=street.geometry.y,
        type="rural", name="手工农村点", id="HAND-01",
    )  # fmt: skip
    _, _, files = export(plan.city, scn, plan.standards, tmp_path, ("pdf", "xlsx"))
    expected = (
        f"HAND-01手工农村点农村联系点位于街道社区{town['county']}{town['name']}{street['name']}"
    )
    assert expected in pdf_text(one(files, "_简报.pdf"))
    rows = {r["编号"]: r for r in sheet_rows(one(files, ".xlsx"), "选址提示")}
    assert rows["HAND-01"]["选址问题"] == "农村联系点位于街道社区"
    assert rows["HAND-01"]["所在位置"] == f"{town['county']}{town['name']}{street['name']}"
    assert "选址不符合" in overview(one(files, ".xlsx"))["选址提示"]


def test_a_compliant_plan_says_so(plan: Plan, tmp_path: Path) -> None:
    """Fill every shortfall by hand (rural points at rural villages): the brief says 合规."""
    villages = plan.city.villages
    assert villages is not None
    county_of = plan.city.townships.set_index("code")["county"]
    rural = villages[villages["kind"] == "rural"].assign(
        county=lambda v: v["township_code"].map(county_of)
    )
    scn = plan.scenario
    minimums = {"rural": plan.standards.county_min_rural, "enterprise": 1}
    for rec in plan.after.counties.to_dict("records"):
        sites = rural[rural["county"] == rec["county"]]
        k = 0
        for t, n in missing_points(rec, minimums).items():
            for _ in range(n):
                g = sites.geometry.iloc[k]
                k += 1
                scn = add_point(
                    scn, "contact_points", lon=g.x, lat=g.y, type=t, county=rec["county"]
                )
    _, after, files = export(plan.city, scn, plan.standards, tmp_path, ("pdf", "xlsx"))
    assert after.counties["compliant"].all()
    text = pdf_text(one(files, "_简报.pdf"))
    assert f"合规：全部{len(after.counties)}个县区均达到" in text and "不合规" not in text
    assert overview(one(files, ".xlsx"))["县区达标"] == "合规"


def test_changed_standards_change_the_stated_rule_and_radius(plan: Plan, tmp_path: Path) -> None:
    std = replace(
        plan.standards, radius_by_type_m={**plan.standards.radius_by_type_m, "rural": 8000.0}
    )
    _, after, files = export(plan.city, plan.scenario, std, tmp_path, ("xlsx",))
    meta = overview(one(files, ".xlsx"))
    assert "农村联系点8公里" in meta["覆盖口径"]
    assert (
        after.contact_points.loc[after.contact_points["type"] == "rural", "radius_m"].eq(8000).all()
    )
