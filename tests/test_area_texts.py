"""The whole area in the review texts and the brief follows the data: 全省 / 全市 / 全县 (#16).

A dataset whose county codes span two prefecture-level cities is a province: the review's
adoption findings, its headline metric, the command line's summary and the brief (read back
from the real PDF and Word files) say 全省 (province-wide), a city's say 全市 (city-wide).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from analysis.export import export_scenario
from analysis.export.brief_review import REVIEW_HEADING
from analysis.review.api import ReviewResult, review_points
from analysis.review.reasons import reason_text
from dashboard.i18n import t
from dashboard.review.frames import area_wide, reason
from geodata.admin.codes import area_name_zh, frame_area_level
from geodata.city import CityData
from geodata.demo.load import load_demo_city, load_demo_records
from tests.support.export_fixtures import Case, make_case

ADOPTION = ("low_adoption", "top_adoption")


def _as_province(city: CityData, counties: int) -> CityData:
    """The same city with its first ``counties`` counties moved to another prefecture."""
    towns = city.townships.copy()
    codes = sorted(towns["county_code"].unique())[:counties]
    moved = towns["county_code"].isin(codes)
    towns.loc[moved, "county_code"] = "42" + towns.loc[moved, "county_code"].str[2:]
    return dataclasses.replace(city, townships=towns)


@pytest.fixture(scope="module")
def reviews() -> dict[str, ReviewResult]:
    city = load_demo_city()
    records = load_demo_records()
    return {
        "city": review_points(city, records),
        "province": review_points(_as_province(city, 3), records),
    }


def test_area_level_of_the_tables() -> None:
    city = load_demo_city()
    assert frame_area_level(city.townships) == "city"
    assert frame_area_level(_as_province(city, 3).townships) == "province"
    one = city.townships[city.townships["county"] == city.townships["county"].iloc[0]]
    assert frame_area_level(one) == "county"
    assert frame_area_level(pd.DataFrame({"name": ["甲"]})) == "city"
    assert [area_name_zh(x) for x in ("province", "city", "county", "?")] == [
        "全省",
        "全市",
        "全县",
        "全市",
    ]


@pytest.mark.parametrize(
    ("level", "zh", "en"), [("province", "全省", "province-wide"), ("city", "全市", "city-wide")]
)
def test_review_findings_name_the_area(
    reviews: dict[str, ReviewResult], level: str, zh: str, en: str
) -> None:
    result = reviews[level]
    assert result.area_level == level
    found = result.findings[result.findings["code"].isin(ADOPTION)]
    assert set(found["code"]) == set(ADOPTION)  # the demo records have both findings
    other = ({"全省", "全市"} - {zh}).pop()
    for rec in found.to_dict("records"):
        assert rec["params"]["level"] == level
        assert f"于{zh}" in rec["text"] and other not in rec["text"]
        assert rec["text"] == reason_text(rec["code"], rec["params"])
        assert reason(rec["code"], rec["params"]) == rec["text"]  # the page, in Chinese
        zh_key = f"review_reason_{rec['code']}"
        assert t(zh_key, "en", **rec["params"], whole=t(f"area_wide_{level}", "en")).count(en)
    reasons = " ".join(result.ranking["reasons"])
    assert zh in reasons and other not in reasons
    assert area_wide(level) == zh
    assert t("review_metric_rate", "zh", whole=area_wide(level)) == f"{zh}意见采纳率"
    assert t("review_metric_rate", "en", whole=t(f"area_wide_{level}", "en")).endswith(en)


def test_a_finding_without_its_level_reads_as_a_city() -> None:
    params = {"rate": 0.05, "city": 0.3}
    assert reason_text("low_adoption", params) == "意见采纳率5%，远低于全市30%"
    assert reason("low_adoption", params) == "意见采纳率5%，远低于全市30%"


def test_command_line_summary(reviews: dict[str, ReviewResult]) -> None:
    from analysis.cli.review import _summary

    assert "全省意见采纳率" in _summary(reviews["province"])
    assert "全市意见采纳率" in _summary(reviews["city"])


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


def _pdf_text(path: Path) -> str:
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return run.stdout.decode("utf-8").replace("\n", "")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(("level", "zh"), [("province", "全省"), ("city", "全市")])
def test_brief_names_the_area(
    case: Case, reviews: dict[str, ReviewResult], tmp_path: Path, level: str, zh: str
) -> None:
    # The fixture city's two counties (410101, 410102); moving one makes a province.
    city = _as_province(case.city, 1) if level == "province" else case.city
    assert frame_area_level(city.townships) == level
    other = ({"全省", "全市"} - {zh}).pop()
    texts = {}
    for fmt in ("docx", "pdf"):
        (path,) = export_scenario(
            city, case.scenario, case.before, case.after, fmt, tmp_path, review=reviews[level]
        )
        if fmt == "docx":
            doc = Document(str(path))
            cells = [c.text for tb in doc.tables for row in tb.rows for c in row.cells]
            texts[fmt] = "\n".join([p.text for p in doc.paragraphs] + cells)
        else:
            texts[fmt] = _pdf_text(path)
    for fmt, text in texts.items():
        assert f"{zh}2个县区中" in text, fmt  # the summary's compliance sentence
        assert REVIEW_HEADING in text, fmt
        assert f"{zh}意见采纳率27.3%" in text, fmt  # the review section
        assert other not in text, fmt


def test_review_page_on_a_province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's metric and findings say 全省 for a province-level dataset in use."""
    from streamlit.testing.v1 import AppTest

    from dashboard import state
    from dashboard.services import data as services
    from dashboard.services.review import Records
    from tests.support.e2e import APP

    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(tmp_path / "ws.gpkg"))
    dataset = services.Dataset("u-province-test", _as_province(load_demo_city(), 3))
    page = str(APP.parent / "views" / "review.py")
    at = AppTest.from_file(page, default_timeout=300)
    at.session_state[state.USER_DATASET] = dataset
    at.session_state[state.REVIEW_RECORDS] = Records(
        load_demo_records(), "运行记录.xlsx", "d1", dataset.id
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["全省意见采纳率"] == "27.3%" and "全市意见采纳率" not in metrics
    lists = " ".join(h.proto.body for h in at.get("html") if "class='cp-review'" in h.proto.body)
    assert "远低于全省" in lists and "全市" not in lists
