"""AppTest of the 方案比较 page: 2-3 scenarios, KPI table with deltas, small maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import state
from dashboard.i18n import t

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "compare.py")
TIMEOUT = 120


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace holding two hand-made scenarios of the demo city."""
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    city = load_demo_city()
    base = baseline_scenario(city, "demo")
    store = WorkspaceStore(path)
    one = copy_scenario(base, "方案<甲>")
    x, y = city.townships.geometry.representative_point().iloc[0].coords[0]
    one = add_point(one, "contact_points", lon=x, lat=y, type="rural")
    store.save(one)
    two = copy_scenario(base, "方案乙")
    for geom in city.townships.geometry.representative_point().iloc[1:4]:
        two = add_point(two, "contact_points", lon=geom.x, lat=geom.y, type="enterprise")
    store.save(two)
    return path


def test_compare_page_table_and_maps(workspace: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    picked = at.multiselect(key=state.CMP_PICK).value
    assert picked[0] == "__baseline__" and set(picked[1:]) == {"方案<甲>", "方案乙"}
    at.multiselect(key=state.CMP_PICK).set_value(["__baseline__", "方案<甲>", "方案乙"]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert len(table.columns) == 1 + 3 + 2  # KPI, three scenarios, two deltas
    assert list(table.columns[1:]) == [
        t("sim_baseline_label", "zh"),
        "方案<甲>",
        t("sim_col_delta", "zh", name="方案<甲>"),
        "方案乙",
        t("sim_col_delta", "zh", name="方案乙"),
    ]
    label = t("kpi_contact_points_total", "zh")
    row = table[table.iloc[:, 0] == label].iloc[0]
    assert list(row.iloc[1:]) == ["12", "13", "+1", "15", "+3"]


def test_compare_needs_two(workspace: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    at.multiselect(key=state.CMP_PICK).set_value(["方案乙"]).run()
    assert not at.exception
    assert len(at.dataframe) == 0
    assert len(at.info) == 1


def _cell_colours(styles: str) -> dict[tuple[int, int], str]:
    """``(row, col) -> css`` from the Styler CSS Streamlit sends with a table."""
    import re

    out: dict[tuple[int, int], str] = {}
    for selectors, css in re.findall(r"([^{}]+)\{([^}]*)\}", styles):
        for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
            out[(int(row), int(col))] = css
    return out


def test_compare_changes_say_better_or_worse(workspace: Path) -> None:
    """Fewer blind spots is green, more is red; a coverage gain is green; names are inert."""
    from streamlit.testing.v1 import AppTest

    from analysis.plan.edits import remove_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    store = WorkspaceStore(workspace)
    store.save(copy_scenario(store.load("方案乙"), "![x](http://e.invalid/x.png)"))
    worse = copy_scenario(baseline_scenario(load_demo_city(), "demo"), "撤点方案")
    for pid in worse.contact_points["id"].iloc[:6]:
        worse = remove_point(worse, "contact_points", str(pid))
    store.save(worse)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.CMP_PICK] = ["__baseline__", "![x](http://e.invalid/x.png)", "撤点方案"]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frame = at.dataframe[0].value
    colours = _cell_colours(at.dataframe[0].proto.arrow_data.styler.styles)
    green, red = "#1e7d32", "#b3261e"
    labels = list(frame.iloc[:, 0])
    blind = labels.index(t("kpi_townships_uncovered", "zh"))
    cover = labels.index(t("kpi_coverage_share", "zh"))
    for col in (3, 5):  # the two change columns
        for row in (blind, cover):
            text = str(frame.iloc[row, col])
            css = colours.get((row, col), "")
            if text.startswith("+") and text.strip("+0 个百分点"):
                assert (green if row == cover else red) in css, (row, col, text, css)
            elif text.startswith("-"):
                assert (red if row == cover else green) in css, (row, col, text, css)
    # the removal plan loses coverage and gains blind spots: both red
    assert str(frame.iloc[cover, 5]).startswith("-") and red in colours[(cover, 5)]
    assert str(frame.iloc[blind, 5]).startswith("+") and red in colours[(blind, 5)]
    # Scenario names reach Markdown only escaped (the reference's caption, the map captions).
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    assert not any("](http" in text for text in texts)
    hostile = "![x](http://e.invalid/x.png)"
    at.multiselect(key=state.CMP_PICK).set_value([hostile, "__baseline__"]).run()
    assert not at.exception, [e.value for e in at.exception]
    from dashboard.safetext import md_escape

    captions = [c.value for c in at.caption]
    assert t("cmp_kpis_caption", "zh", first=md_escape(hostile)) in captions
    assert not any("](http" in text for text in captions)
