"""The 指标 page's pieces: rule-based card colours, before -> after, the county table (HTML,
escaped, what is missing) and the urban-rural chart's data and computed caption."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from analysis.standards.load import load_standards
from dashboard.i18n import t, whole_area
from dashboard.widgets import kpi_tables
from dashboard.widgets.kpi_cards import delta_verdict, kpi_cards, with_before
from dashboard.widgets.kpi_tables import (
    county_rows,
    county_table_html,
    missing_text,
    urban_rural_caption,
    urban_rural_frame,
)

BASE = {
    "coverage_share": 0.20,
    "rural_coverage_share": 0.07,
    "urban_coverage_share": 0.32,
    "townships_uncovered": 69,
    "townships_total": 106,
    "contact_points_total": 12,
    "contact_points_by_type": {"rural": 4},
    "points_with_3_to_5_sites": 3,
    "counties_compliant": 0,
    "counties_total": 8,
    "opinions_collected": 326,
    "opinions_adopted": 89,
    "adoption_rate": 89 / 326,
    "equity_index": 0.73,
    "equity_flagged": True,
}


def _county(name: str, **values: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "county": name,
        "population": 100_000,
        "rural_population": 60_000,
        "urban_population": 40_000,
        "coverage_share": 0.5,
        "rural_coverage_share": 0.4,
        "urban_coverage_share": 0.65,
        "townships": 10,
        "blind_spot_townships": 2,
        "points_rural": 2,
        "points_enterprise": 1,
        "points_total": 4,
        "exempt_from_rural_minimum": False,
        "compliant": True,
        "rural_points_missing": 0,
        "enterprise_points_missing": 0,
    }
    rec.update(values)
    return rec


def test_rule_cards_are_good_or_bad() -> None:
    cards = {c.key: c for c in kpi_cards(BASE, None, "zh", of_total=True)}
    assert cards["counties_compliant"].value == "0 / 8"
    assert cards["counties_compliant"].status == "bad"
    assert cards["townships_uncovered"].status == "bad"  # 69 blind spots
    assert cards["points_with_3_to_5_sites"].status == "bad"  # 3 of 12
    assert cards["equity_index"].status == "bad"  # flagged
    assert cards["coverage_share"].status is None  # no rule: no verdict
    good = {
        **BASE,
        "townships_uncovered": 0,
        "counties_compliant": 8,
        "points_with_3_to_5_sites": 12,
        "equity_flagged": False,
    }
    cards = {c.key: c for c in kpi_cards(good, None, "zh")}
    assert cards["counties_compliant"].value == "8"  # the simulation page's plain count
    for key in ("counties_compliant", "townships_uncovered", "points_with_3_to_5_sites"):
        assert cards[key].status == "good", key
    # An unflagged equity index is not called good: equal shares of points do not mean
    # rural people are covered as well as urban people.
    assert cards["equity_index"].status is None


def test_deltas_say_better_or_worse() -> None:
    after = {**BASE, "townships_uncovered": 32, "coverage_share": 0.68}
    cards = {c.key: c for c in kpi_cards(after, BASE, "zh")}
    assert cards["townships_uncovered"].delta == "-37"
    assert cards["townships_uncovered"].delta_color == "inverse"  # down is green
    assert cards["coverage_share"].delta_color == "normal"
    assert cards["opinions_collected"].delta_color == "off"
    assert delta_verdict("townships_uncovered", -37) == "better"
    assert delta_verdict("townships_uncovered", 4) == "worse"
    assert delta_verdict("coverage_share", 0.4) == "better"
    assert delta_verdict("coverage_share", -0.1) == "worse"
    assert delta_verdict("coverage_share", 0.0) is None
    assert delta_verdict("contact_points_by_type.rural", 8) is None


def test_before_after_on_every_card() -> None:
    after = {**BASE, "coverage_share": 0.683, "counties_compliant": 5}
    cards = with_before(
        kpi_cards(after, BASE, "zh", of_total=True), kpi_cards(BASE, None, "zh", of_total=True)
    )
    by_key = {c.key: c for c in cards}
    assert by_key["coverage_share"].detail.startswith(
        t("kpi_before_after", "zh", before="20.0%", after="68.3%")
    )
    assert by_key["counties_compliant"].detail.startswith(
        t("kpi_before_after", "zh", before="0 / 8", after="5 / 8")
    )
    assert all(t("kpi_before_after", "zh", before="", after="")[:2] in c.detail for c in cards)


def test_county_rows_status_and_missing() -> None:
    std = load_standards()
    counties = pd.DataFrame(
        [
            _county("甲县"),
            _county(
                "乙县",
                compliant=False,
                points_rural=0,
                points_enterprise=0,
                rural_points_missing=2,
                enterprise_points_missing=1,
            ),
            _county("丙区", compliant=True, exempt_from_rural_minimum=True, points_rural=0),
        ]
    )
    assert missing_text(counties.iloc[1].to_dict(), "zh") == "缺农村2·企业1"
    assert missing_text(counties.iloc[1].to_dict(), "en") == "short 2 rural, 1 enterprise"
    assert missing_text(counties.iloc[0].to_dict(), "zh") == ""
    rows = county_rows(counties, std, None, "zh")
    assert [r.ok for r in rows] == [True, False, True]
    assert rows[0].status == t("kpi_status_ok", "zh")
    assert rows[1].status == f"{t('kpi_status_fail', 'zh')} · 缺农村2·企业1"
    assert rows[2].status == t("kpi_status_ok_exempt", "zh")
    assert rows[1].cells[0] == ("0 / 2", None)  # rural: have / need
    assert rows[2].cells[0] == ("0 / —", None)  # exempt: nothing needed
    # Against a baseline, changed counts carry their delta.
    before = counties.assign(points_rural=[1, 0, 0], coverage_share=[0.3, 0.5, 0.5])
    rows = county_rows(counties, std, before, "zh")
    assert rows[0].cells[0] == ("2 / 2", "+1")
    assert rows[0].cells[3] == ("50%", "+20")
    assert rows[1].cells[0] == ("0 / 2", None)


def test_county_rows_of_a_county_without_urban_people_against_a_baseline() -> None:
    """A county with no urban (or no rural) people has no such coverage share (NaN): the
    table shows "—" and no change, also next to a baseline (a saved plan on 指标)."""
    std = load_standards()
    counties = pd.DataFrame([_county("全农村县", urban_coverage_share=math.nan), _county("乙县")])
    before = counties.assign(coverage_share=[0.3, 0.5])
    rows = county_rows(counties, std, before, "zh")
    column = [c for _, c, _ in kpi_tables._COLUMNS].index("urban_coverage_share")
    assert rows[0].cells[column] == ("—", None)
    assert rows[0].cells[3] == ("50%", "+20")


def test_county_table_is_html_escaped_and_green_red() -> None:
    std = load_standards()
    hostile = "<img src=x onerror=alert(1)>县"
    counties = pd.DataFrame(
        [_county(hostile), _county("乙县", compliant=False, rural_points_missing=1)]
    )
    page = county_table_html(county_rows(counties, std, None, "zh"), "zh")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;县" in page
    assert page.count("<tr class='cp-ok'>") == 1 and page.count("<tr class='cp-fail'>") == 1
    assert "#1e7d32" in page and "#b3261e" in page  # green and red text
    assert len(re.findall(r"<tr class='cp-", page)) == 2


@pytest.fixture()
def one_rural_point() -> pd.DataFrame:
    """The issue's case: a county with one rural point (of one) and 10% rural coverage."""
    return pd.DataFrame(
        [
            _county(
                "黄川县",
                rural_population=158_400,
                urban_population=81_600,
                rural_coverage_share=0.10,
                urban_coverage_share=0.87,
                points_rural=1,
                points_total=1,
            ),
            _county("崆源区", rural_coverage_share=0.05, urban_coverage_share=0.30),
            _county("丰塬县", rural_coverage_share=0.60, urban_coverage_share=0.55),
            _county(
                "城关区", rural_population=0, urban_population=100_000, rural_coverage_share=0.0
            ),
        ]
    )


def test_urban_rural_chart_compares_coverage(one_rural_point: pd.DataFrame) -> None:
    city = {
        "rural_coverage_share": 0.069,
        "urban_coverage_share": 0.317,
        "rural_population_total": 1,
        "urban_population_total": 1,
    }
    frame = urban_rural_frame(one_rural_point, city, "zh", area=whole_area("city", "zh"))
    rural, urban = t("kpi_series_rural", "zh"), t("kpi_series_urban", "zh")
    shares = {(r.area, r.series): r.share for r in frame.itertuples()}
    # One rural point of one no longer reads as over-served: 10 % of rural people covered
    # stands next to 87 % of urban people.
    assert shares[("黄川县", rural)] == pytest.approx(0.10)
    assert shares[("黄川县", urban)] == pytest.approx(0.87)
    assert shares[("黄川县", rural)] < shares[("黄川县", urban)]
    assert ("城关区", rural) not in shares  # no rural people: no 0 % bar
    assert (t("all_area_city", "zh"), urban) in shares
    assert set(frame["series"]) == {rural, urban}


def test_urban_rural_caption_is_computed(one_rural_point: pd.DataFrame) -> None:
    city = {"rural_coverage_share": 0.069, "urban_coverage_share": 0.317}
    text = urban_rural_caption(one_rural_point, city, None, "zh", area="全市")
    assert text.startswith(
        t(
            "kpi_equity_behind",
            "zh",
            n=2,
            total=3,
            county="黄川县",
            rural="10%",
            urban="87%",
        )
    )
    assert t("kpi_equity_city", "zh", area="全市", rural="6.9%", urban="31.7%") in text
    with_base = urban_rural_caption(
        one_rural_point,
        city,
        {"rural_coverage_share": 0.01, "urban_coverage_share": 0.2},
        "zh",
        area="全市",
    )
    assert with_base.endswith(t("kpi_equity_city_before", "zh", rural="1.0%", urban="20.0%"))
    # Where no county's rural people are behind, the caption says so.
    level = one_rural_point.assign(urban_coverage_share=0.0)
    assert urban_rural_caption(level, city, None, "zh", area="全市").startswith(
        t("kpi_equity_none_behind", "zh", total=3)
    )
    # A name that is Markdown stays text in the caption.
    hostile = one_rural_point.assign(county=["![a](http://x.invalid/a.png)", "b", "c", "d"])
    assert "](http" not in urban_rural_caption(hostile, city, None, "zh", area="全市")
