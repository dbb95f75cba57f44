"""AppTest of the 地图 page's all-counties choice: named by the data (全市 / 全省).

The demo city's counties share one prefecture code: 全市. The fictional province
(``COVERAGE_PLANNER_DEMO=province``, 4 prefecture-level cities): 全省, its name in the page's
badge, and no road reach offered (it has no roads).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import fmt_int, t
from dashboard.services import data as services
from tests.support.e2e import APP

TIMEOUT = 300  # the province is generated (a few seconds) and analysed on the first run


def test_demo_city_reads_whole_city() -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=state.MAP_COUNTY).options[0] == t("all_area_city", "zh") == "全市"


def test_province_reads_whole_province(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(services.DEMO_ENV, "province")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert services.demo_choice() == "province"
    assert services.demo_name_key() == "demo_province_name"
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    box = at.selectbox(key=state.MAP_COUNTY)
    assert box.options[0] == t("all_area_province", "zh") == "全省"
    assert len(box.options) == 1 + 13
    assert t("demo_province_name", "zh") in " ".join(m.value for m in at.markdown)
    # The KPI page's urban-rural chart and caption name the whole area the same way.
    at.switch_page("views/kpis.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "全省：农村" in text and "全市：农村" not in text


def test_province_data_page_names_the_province(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 数据 page's badge and its back button name the demo in use (示例省, not 示例市)."""
    monkeypatch.setenv(services.DEMO_ENV, "province")
    page = str(APP.parent / "views" / "data.py")
    at = AppTest.from_file(page, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert t("demo_province_name", "zh") in text and t("demo_city_name", "zh") not in text
    button = at.button(key=state.DATA_BACK_TO_DEMO)
    assert button.label == t("data_back_to_demo_province", "zh") == "返回示例省"
    monkeypatch.setenv(services.DEMO_ENV, "city")
    at = AppTest.from_file(page, default_timeout=TIMEOUT).run()
    assert at.button(key=state.DATA_BACK_TO_DEMO).label == "返回示例市"
    assert t("demo_city_name", "zh") in " ".join(m.value for m in at.markdown)


def test_province_review_page_has_no_demo_city_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo city's two-year records name its own points: not offered for the province."""
    monkeypatch.setenv(services.DEMO_ENV, "province")
    page = str(APP.parent / "views" / "review.py")
    at = AppTest.from_file(page, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [i.value for i in at.info] == [t("review_no_records", "zh")]
    captions = " ".join(c.value for c in at.caption)
    assert t("review_source_demo", "zh") not in captions and "示例市" not in captions


def _template_help(at: AppTest) -> str:
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(state.REVIEW_TEMPLATE)]
    return str(button.proto.help)


@pytest.mark.parametrize("demo", ["province", "city"])
def test_review_help_names_the_data_in_use(monkeypatch: pytest.MonkeyPatch, demo: str) -> None:
    """The records template's help and the records' caption follow the demo in use."""
    monkeypatch.setenv(services.DEMO_ENV, demo)
    page = str(APP.parent / "views" / "review.py")
    at = AppTest.from_file(page, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _template_help(at) + " ".join(c.value for c in at.caption)
    if demo == "province":
        # No records: the template is a blank row per point of the province, no 示例市.
        from analysis.review.tables import review_points_frame
        from geodata.synthetic.province import load_province

        n = fmt_int(len(review_points_frame(load_province())), "zh")
        assert _template_help(at) == t("review_template_help_blank", "zh", n=n)
        assert "示例市" not in shown
    else:
        name = t("demo_city_name", "zh")
        assert _template_help(at) == t("review_template_help_demo", "zh", name=name)
        assert t("review_source_demo", "zh", name=name) in shown
