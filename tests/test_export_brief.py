"""Meeting brief (PDF, DOCX) and static map PNG: Chinese text, SC face, the plan's numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from analysis.export import export_scenario
from analysis.export.brief import HEADINGS, fmt_delta, fmt_value
from analysis.export.brief_pdf import NO_LINE_START, cjk_lines
from analysis.export.solve_note import SOLVE_HEADING_ZH
from analysis.export.staticmap import nice_length
from analysis.plan.edits import add_point, move_point
from analysis.plan.scenarios import Scenario
from analysis.plan.solvefacts import SolveFacts
from tests.support.export_fixtures import Case, make_case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
DAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


@pytest.fixture(scope="module")
def files(case: Case, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("brief")
    written = {}
    for fmt in ("pdf", "docx", "png"):
        (path,) = export_scenario(
            case.city, case.scenario, case.before, case.after, fmt, out, date=DAY
        )
        written[fmt] = path
    return written


def _pdf_text(path: Path) -> str:
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return run.stdout.decode("utf-8")


def _expected_strings(case: Case) -> list[str]:
    after, before = case.after.kpis, case.before.kpis
    return [
        "基层立法联系点布局方案简报",
        "测试方案",
        "2026年11月29日",
        *HEADINGS.values(),
        "人口覆盖率",
        f"{before.coverage_share * 100:.1f}%",
        f"{after.coverage_share * 100:.1f}%",
        f"{after.population_covered:,}",
        fmt_delta(after.coverage_share - before.coverage_share, share=True),
        "南湖乡农村联系点",
        "东城街道",
        "113.745000",
        "34.740000",
        "甲县",
        "乙区",
    ]


def test_pdf_holds_chinese_headings_and_numbers(case: Case, files: dict[str, Path]) -> None:
    text = _pdf_text(files["pdf"])
    for expected in _expected_strings(case):
        assert expected in text, expected
    assert "覆盖率" in text
    assert "拟新增基层立法联系点2个、迁移1个、撤销1个" in text.replace("\n", "")


def test_pdf_embeds_the_simplified_chinese_face(files: dict[str, Path]) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("needs pdffonts")
    fonts = subprocess.run(
        ["pdffonts", str(files["pdf"])], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert "NotoSansCJKSC" in fonts
    assert "CJKJP" not in fonts


def test_docx_text_and_tables(case: Case, files: dict[str, Path]) -> None:
    doc = Document(str(files["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for expected in _expected_strings(case):
        assert expected in text + "\n" + cells, expected
    assert len(doc.tables) == 4  # KPIs, counties, new points, site warnings
    kpi = {row.cells[0].text: [c.text for c in row.cells] for row in doc.tables[0].rows}
    share = case.after.kpis.coverage_share, case.before.kpis.coverage_share
    assert kpi["人口覆盖率"][1:3] == [fmt_value(share[1], True), fmt_value(share[0], True)]
    assert kpi["农村联系点数"][1:] == ["2", "3", "+1"]
    points = doc.tables[2]
    header = [c.text for c in points.rows[0].cells]
    assert header == [
        "序",
        "名称",
        "类别",
        "状态",
        "所在乡镇",
        "经纬度",
        "新增覆盖人口\n（按顺序）",
        "单独新增\n覆盖人口",
        "场所",
    ]
    names = {row.cells[1].text: [c.text for c in row.cells] for row in points.rows[1:]}
    assert set(names) == {"南湖乡农村联系点", "@石桥乡企业联系点", "乙区农村联系点"}
    assert names["乙区农村联系点"][3] == "拟迁移"
    assert len(doc.inline_shapes) == 1  # the map
    r_fonts = doc.styles["Normal"].element.rPr.rFonts
    assert r_fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_map_png(files: dict[str, Path]) -> None:
    with Image.open(files["png"]) as img:
        assert img.format == "PNG"
        width, height = img.size
        assert width >= 1200 and height >= 800
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # a drawn map, not a blank page


@pytest.mark.parametrize(
    ("span", "expected"), [(27_000, 5000.0), (100_000, 20_000.0), (3_000, 500.0), (60, 10.0)]
)
def test_scale_bar_length_is_round(span: float, expected: float) -> None:
    assert nice_length(span) == expected


def test_value_formats() -> None:
    assert fmt_value(0.8333, share=True) == "83.3%"
    assert fmt_value(103806) == "103,806"
    assert fmt_delta(0.074, share=True) == "+7.4个百分点"
    assert fmt_delta(-3) == "-3"
    assert fmt_delta(0) == "持平"
    assert fmt_value(None) == "—"


def test_cjk_lines_never_start_with_punctuation() -> None:
    text = "本方案拟新增联系点2个，迁移1个。调整后覆盖率提高，达标县区增加。" * 3
    lines = cjk_lines(text, 10.0, len)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert all(len(line) <= 11 for line in lines)  # a hanging mark may overrun by one


def test_summary_of_a_baseline_says_so(case: Case) -> None:
    from analysis.export import build_bundle
    from analysis.export.brief import summary_text
    from analysis.plan.scenarios import POINT_LAYERS, baseline_scenario

    base = baseline_scenario(case.city, "fixture")
    points = {name: base.layer(name) for name in POINT_LAYERS}
    bundle = build_bundle(case.city, points, case.before, case.before, title=base.name)
    text = summary_text(bundle)
    share = case.before.kpis.coverage_share
    assert text.startswith(f"本方案“{base.name}”为现状布局，现有基层立法联系点4个。")
    assert f"服务半径内人口覆盖率为{share:.1%}。" in text
    assert "新增" not in text


def test_table_cell_lines_carry_a_character_with_a_closing_mark() -> None:
    from analysis.export.brief_pdf import cell_lines

    lines = cell_lines("拟新增行业协会联系点（莲子社区）", 15.0, len)
    assert "".join(lines) == "拟新增行业协会联系点（莲子社区）"
    assert lines == ["拟新增行业协会联系点（莲子社", "区）"]  # never a lone "）"
    assert all(len(line) <= 15 for line in cell_lines("一二三，四五六。" * 4, 3.0, len))


def test_review_section_when_records_exist(case: Case, tmp_path: Path) -> None:
    """七、运行评估: the lists with reasons and the standards summary (#17); absent without."""
    from analysis.export.brief_review import REVIEW_HEADING
    from analysis.review.api import review_points
    from geodata.demo.load import load_demo_city, load_demo_records

    review = review_points(load_demo_city(), load_demo_records())
    written = {}
    for fmt in ("docx", "pdf"):
        (written[fmt],) = export_scenario(
            case.city,
            case.scenario,
            case.before,
            case.after,
            fmt,
            tmp_path,
            date=DAY,
            review=review,
        )
    doc = Document(str(written["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert REVIEW_HEADING in text and "全市意见采纳率27.3%" in text
    assert "场所面积（平方米）未达标" in text
    assert len(doc.tables) == 6  # the four tables, then the adjustment and commendation lists
    adjust = {row.cells[0].text: row.cells[3].text for row in doc.tables[4].rows[1:]}
    assert "学习类8次" in adjust["DBZJ01"]
    commend = [row.cells[0].text for row in doc.tables[5].rows[1:]]
    assert "LXD01" in commend
    pdf = _pdf_text(written["pdf"])
    assert REVIEW_HEADING in pdf and "DBZJ01" in pdf
    without = Document(
        str(
            export_scenario(
                case.city, case.scenario, case.before, case.after, "docx", tmp_path / "no", date=DAY
            )[0]
        )
    )
    assert REVIEW_HEADING not in "\n".join(p.text for p in without.paragraphs)


def _facts(status: str, gap: float, **changes: object) -> SolveFacts:
    base = SolveFacts(
        status=status,
        proven_gap=gap,
        objective=1.2345,
        objective_kind="balanced",
        method="highs",
        solver_seconds=3.25,
        time_limit_s=30.0,
        counts={"rural": 1, "enterprise": 1},
        proposed_ids=("N001", "N002"),
        adopted_at="2026-12-07T10:25:00.000000Z",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _briefs(case: Case, scenario: Scenario, out: Path) -> tuple[str, str]:
    """The DOCX's and the PDF's text, without white space."""
    written = {}
    for fmt in ("pdf", "docx"):
        (written[fmt],) = export_scenario(
            case.city, scenario, case.before, case.after, fmt, out / fmt, date=DAY
        )
    doc = Document(str(written["docx"]))
    docx = "".join("".join(p.text.split()) for p in doc.paragraphs)
    return docx, "".join(_pdf_text(written["pdf"]).split())


def _with_reasons(scenario: Scenario) -> Scenario:
    cp = scenario.layer("contact_points")
    reasons = {"N001": "县区最低配置：甲县；新覆盖6,000人；次优点位南湖2村少覆盖300人"}
    cp = cp.assign(reason=cp["id"].astype(str).map(reasons).fillna(""))
    return scenario.with_layer("contact_points", cp)


@pytest.mark.parametrize(
    ("status", "gap", "expected"),
    [
        ("optimal", 0.0, ("采纳时的求解状态：已证明最优", "相差不超过0.01%", "已证明差距为0%")),
        ("time_limit", 0.0052, ("达到求解时限后停止，未证明最优", "相差不超过0.52%")),
    ],
)
def test_brief_of_an_optimiser_plan_states_its_solve_from_the_facts(
    case: Case, tmp_path: Path, status: str, gap: float, expected: tuple[str, ...]
) -> None:
    scenario = dataclasses.replace(
        _with_reasons(case.scenario),
        description="自动优化新增 2 个联系点（目标：均衡）",
        solve_facts=_facts(status, gap),
    )
    docx, pdf = _briefs(case, scenario, tmp_path)
    wanted = (
        "方案说明：自动优化新增2个联系点（目标：均衡）",
        SOLVE_HEADING_ZH,
        "本方案由自动优化生成（目标：均衡",
        "于2026-12-0718:25采纳",  # Asia/Shanghai
        "求解请求新增农村联系点1个、企业联系点1个",
        *expected,
        "求解用时3.2秒（时限30秒）",
        "采纳后未经手工修改：以上求解状态即本方案的状态。",
        "N001南湖乡农村联系点：县区最低配置：甲县；新覆盖6,000人；次优点位南湖2村少覆盖300人",
    )
    for text in wanted:
        assert text in docx, text
        assert text in pdf, text
    assert "规划假设" not in docx  # no capacity, no township minimum: nothing said of them
    assert docx.count("采纳时的求解状态") == 1  # said once: from the facts, not the description


def test_brief_of_an_edited_plan_says_the_status_is_the_adopted_plans(
    case: Case, tmp_path: Path
) -> None:
    adopted = dataclasses.replace(
        _with_reasons(case.scenario),
        solve_facts=_facts(
            "optimal",
            0.0,
            capacity_population={"rural": 20000.0},
            capacity_sites=5,
            township_min_share=0.3,
        ),
    )
    edited = move_point(adopted, "contact_points", "N001", 113.75, 34.745)
    edited = add_point(edited, "collection_sites", lon=113.70, lat=34.75, name="新采集点")
    docx, pdf = _briefs(case, edited, tmp_path)
    for text in (
        "采纳时的求解状态：已证明最优",
        "本次求解使用的规划假设：每个联系点最多服务农村20,000人；每点最多服务5个村",
        "每个有人口的乡镇至少30%的人口得到服务",
        "采纳后经过手工修改（联系点迁移1个；采集点新增1个）：以上求解状态说的是采纳时的方案，"
        "修改后的方案未经求解证明。",
    ):
        assert text in docx, text
        assert text in pdf, text
    assert "即本方案的状态" not in docx and "即本方案的状态" not in pdf


def test_an_old_plan_keeps_its_description_and_gets_no_solve_section(
    case: Case, tmp_path: Path
) -> None:
    old = "自动优化新增 2 个联系点（目标：均衡）。采纳时的求解状态：已证明最优（已证明……）"
    docx, pdf = _briefs(case, dataclasses.replace(case.scenario, description=old), tmp_path)
    for text in (docx, pdf):
        assert "方案说明：自动优化新增2个联系点（目标：均衡）。采纳时的求解状态：已证明最优" in text
        assert SOLVE_HEADING_ZH not in text
