"""The all-counties choice reads 全省 / 全市 / 全县 from the data everywhere (#16).

No page, table or file falls back to 全市: the 地图 page's county choice, the 指标 page's
urban-rural chart and caption, the brief (Word, read back) and the review's command-line
summary name the whole area by what the data covers. A province (county codes of two
prefecture-level cities) and a one-county dataset are checked by keys and values.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from docx import Document

from dashboard.i18n import has_key, t, whole_area
from dashboard.widgets.kpi_tables import urban_rural_caption, urban_rural_frame
from geodata.admin.codes import frame_area_level
from geodata.city import CityData
from tests.support.export_fixtures import Case, make_case

LEVELS = {"province": ("全省", "Whole province"), "city": ("全市", "Whole city")}
LEVELS["county"] = ("全县", "Whole county")


def _one_county(city: CityData) -> CityData:
    """The fixture city with every township and point in one county (甲县, 410101)."""
    towns = city.townships.assign(county="甲县", county_code="410101")
    points = city.contact_points.assign(county="甲县")
    homes = city.homes.assign(county="甲县") if "county" in city.homes.columns else city.homes
    return dataclasses.replace(city, townships=towns, contact_points=points, homes=homes)


def _province(city: CityData) -> CityData:
    """The fixture city with its second county (410102) in another prefecture (4201)."""
    towns = city.townships.copy()
    moved = towns["county_code"] == "410102"
    towns.loc[moved, "county_code"] = "420102"
    return dataclasses.replace(city, townships=towns)


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


@pytest.fixture(scope="module")
def cities(case: Case) -> dict[str, CityData]:
    out = {"province": _province(case.city), "city": case.city}
    out["county"] = _one_county(case.city)
    assert {level: frame_area_level(c.townships) for level, c in out.items()} == {
        "province": "province",
        "city": "city",
        "county": "county",
    }
    return out


def test_whole_area_names_in_both_languages() -> None:
    for level, (zh, en) in LEVELS.items():
        assert whole_area(level, "zh") == t(f"all_area_{level}", "zh") == zh
        assert whole_area(level, "en") == en
    assert whole_area("?", "zh") == "全市"  # unknown: as the files say it
    assert not has_key("all_counties")  # the old fixed 全市 is gone: nothing falls back to it


@pytest.mark.parametrize("level", list(LEVELS))
def test_urban_rural_chart_and_caption_name_the_area(case: Case, level: str) -> None:
    zh, _ = LEVELS[level]
    area = whole_area(level, "zh")
    counties = case.before.counties
    frame = urban_rural_frame(counties, case.before.kpis, "zh", area=area)
    assert zh in set(frame["area"])
    assert not ({"全省", "全市", "全县"} - {zh}) & set(frame["area"])
    text = urban_rural_caption(counties, case.before.kpis, None, "zh", area=area)
    assert f"{zh}：农村" in text


@pytest.mark.parametrize("level", ["county", "province"])
def test_brief_names_the_area(
    case: Case, cities: dict[str, CityData], tmp_path: Path, level: str
) -> None:
    from analysis.coverage.api import compute_coverage
    from analysis.export import export_scenario
    from analysis.plan.scenarios import apply_scenario
    from analysis.standards.load import load_standards

    zh, _ = LEVELS[level]
    city, std = cities[level], load_standards()
    before = compute_coverage(city, std)
    after = compute_coverage(apply_scenario(city, case.scenario), std)
    (path,) = export_scenario(city, case.scenario, before, after, "docx", tmp_path)
    doc = Document(str(path))
    cells = [c.text for tb in doc.tables for row in tb.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert f"{zh}{len(after.counties)}个县区中" in text
    assert "全市" not in text


def test_review_summary_of_one_county() -> None:
    """The review's command-line summary: 全县 when every township is in one county."""
    from analysis.cli.review import _summary
    from analysis.review.api import review_points
    from geodata.demo.load import load_demo_city, load_demo_records

    city = load_demo_city()
    first = city.townships.iloc[0]
    towns = city.townships.assign(county=first["county"], county_code=first["county_code"])
    result = review_points(dataclasses.replace(city, townships=towns), load_demo_records())
    assert result.area_level == "county"
    text = _summary(result)
    assert "全县意见采纳率" in text and "全市" not in text


def test_pages_on_one_county(
    cities: dict[str, CityData], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 地图 page's county choice and the 指标 page's chart say 全县 for one county."""
    from streamlit.testing.v1 import AppTest

    from dashboard import state
    from dashboard.services import data as services
    from tests.support.e2e import APP

    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(tmp_path / "ws.gpkg"))
    dataset = services.Dataset("u-one-county-test", cities["county"])
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.session_state[state.USER_DATASET] = dataset
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    box = at.selectbox(key=state.MAP_COUNTY)
    assert box.options[0] == whole_area("county", "zh") == "全县"
    assert box.options[1:] == ["甲县"]
    at.switch_page("views/kpis.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "全县：农村" in text and "全市：" not in text
