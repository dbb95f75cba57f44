"""AppTest of the 运行评估 page on the demo city: the speech's facts, trend, upload problems,
the relocation adopted as a scenario, English."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import t
from tests.support.e2e import APP

TIMEOUT = 180


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    return path


def _review_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("views/review.py").run()
    assert not at.exception
    return at


def _table_with(at: AppTest, column: str, value: str) -> pd.DataFrame:
    for frame in at.dataframe:
        df = frame.value
        if column in df.columns and value in set(df[column].astype(str)):
            return df
    raise AssertionError(f"no table with {value!r} in {column!r}")


def _lists(at: AppTest) -> tuple[str, str]:
    """The adjustment and commendation lists (HTML tables, in page order)."""
    tables = [h.proto.body for h in at.get("html") if "class='cp-review'" in h.proto.body]
    assert len(tables) == 2
    return str(tables[0]), str(tables[1])


def test_demo_page_shows_the_speech_facts(workspace: Path) -> None:
    at = _review_page()
    assert at.title[0].value == t("review_title", "zh")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("review_metric_rate", "zh", whole="全市")] == "27.3%"
    adjust, commend = _lists(at)
    home = adjust.split("DBZJ01")[1].split("</tr>")[0]
    assert "学习类8次" in home and "参与基层治理" in home and "仅2次" in home
    warnings = " ".join(w.value for w in at.warning)
    for pid in ("LXD05", "LXD08", "LXD09", "LXD12"):  # rooms under 30 m², no liaison
        assert pid in warnings
    assert "30" in warnings
    assert "LXD01" in commend and "LXD01" not in adjust
    assert len(at.get("vega_lite_chart")) >= 2  # the map and the trend


def test_trend_of_a_home_and_standards_toggle(workspace: Path) -> None:
    at = _review_page()
    at.selectbox(key=state.REVIEW_POINT).set_value("DBZJ01").run()
    assert not at.exception
    at.toggle(key=state.REVIEW_FAILED_ONLY).set_value(False).run()
    assert not at.exception
    full = _table_with(at, t("review_col_check", "zh"), t("review_check_room", "zh"))
    assert t("yes", "zh") in set(full[t("review_col_met", "zh")])


def test_refused_upload_lists_its_problems(workspace: Path, tmp_path: Path) -> None:
    from geodata.errors import GeodataError
    from geodata.records.read import read_records

    bad = tmp_path / "坏记录.xlsx"
    pd.DataFrame({"编号": ["LXD99"], "期间": ["2025-Q1"], "收集意见数": [-2]}).to_excel(
        bad, index=False
    )
    with pytest.raises(GeodataError) as exc:
        read_records(bad, {"LXD01": "contact_points"})
    at = _review_page()
    at.session_state[state.REVIEW_UPLOAD_PROBLEMS] = exc.value.problems
    at.run()
    assert not at.exception
    assert any(e.value == t("review_upload_refused", "zh") for e in at.error)
    assert state.REVIEW_TEMPLATE in {b.key for b in at.get("download_button")}


def test_uploaded_records_replace_the_demo_ones(workspace: Path, tmp_path: Path) -> None:
    from dashboard.services.review import Records
    from geodata.records.read import read_records

    good = tmp_path / "记录.xlsx"
    pd.DataFrame(
        {"编号": ["LXD01", "LXD02"], "期间": ["2025-Q4", "2025-Q4"], "收集意见数": [4, 0]}
    ).to_excel(good, index=False)
    frame = read_records(good, {"LXD01": "contact_points", "LXD02": "contact_points"})
    from dashboard.services.data import demo_id

    at = _review_page()
    at.session_state[state.REVIEW_RECORDS] = Records(frame, "记录.xlsx", "abc", demo_id())
    at.run()
    assert not at.exception
    prefix = t("review_source_upload", "zh").split("{")[0]
    assert any(c.value.startswith(prefix) and "记录" in c.value for c in at.caption)
    ranking = _table_with(at, t("review_col_id", "zh"), "LXD02")
    assert len(ranking)
    at.button(key=state.REVIEW_RESET).click().run()
    assert not at.exception and state.REVIEW_RECORDS not in at.session_state


def test_relocation_adopted_as_a_scenario(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    at = _review_page()
    at.button(key=state.REVIEW_RELOCATE).click().run()
    assert not at.exception
    moves = _table_with(at, t("review_col_action", "zh"), t("review_action_move", "zh"))
    assert (moves[t("review_col_net", "zh")] > 0).any()
    at.button(key=state.REVIEW_ADOPT).click().run()
    assert not at.exception
    assert any(t("review_adopt_default", "zh") in s.value for s in at.success)
    scn = WorkspaceStore(workspace).load(t("review_adopt_default", "zh"))
    assert (scn.contact_points["status"] == "moved").sum() == (
        moves[t("review_col_action", "zh")] == t("review_action_move", "zh")
    ).sum()


def test_english(workspace: Path) -> None:
    at = _review_page()
    at.radio(key=state.LANG).set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("review_title", "en")
    adjust, _ = _lists(at)
    assert "8 of 12 activities" in adjust.split("DBZJ01")[1].split("</tr>")[0]
