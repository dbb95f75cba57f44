"""AppTest of the 方案模拟 page: an adopted plan's solve facts, in the interface's language.

Adopting the optimiser's plan stores its solve facts with the scenario (not a sentence in
its description); the page states them from the fields, in English without any Chinese;
a hand edit after adoption is said at once, and an undo takes it back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import t

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "simulate.py")
TIMEOUT = 120
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace file for each test (``COVERAGE_PLANNER_WORKSPACE``)."""
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    return path


def _run(at: AppTest) -> None:
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _facts_captions(at: AppTest) -> list[str]:
    marks = (":material/functions:", ":material/edit_note:", ":material/verified:")
    return [c for c in _captions(at) if c.startswith(marks)]


def test_adopted_plan_states_its_solve_and_an_edit_at_once(workspace: Path) -> None:
    from analysis.workspace.store import WorkspaceStore

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state[state.OPT_TIME_LIMIT] = 25
    _run(at)
    assert not _facts_captions(at)  # the base plan: no solve behind it
    at.button(key=state.OPT_PREVIEW).click()
    _run(at)
    proposal = at.session_state[state.OPT_RESULT].result
    at.button(key=state.OPT_APPLY).click()
    _run(at)
    scn = at.session_state[state.SIM_HISTORY].current
    facts = scn.solve_facts
    assert facts is not None and facts.status == proposal.status == "heuristic"
    assert facts.time_limit_s == 25 and not facts.edited
    assert facts.proposed_ids == tuple(proposal.points["id"])
    # the description is the planner's text, nothing appended to it
    assert scn.description == t(
        "opt_description",
        "zh",
        n=len(proposal.proposed),
        objective=t(f"opt_objective_{proposal.objective_kind}", "zh"),
        method=t(f"opt_method_{proposal.method}", "zh"),
    )
    assert WorkspaceStore(workspace).load(scn.name).solve_facts == facts
    shown = _facts_captions(at)
    assert len(shown) == 2, _captions(at)
    assert "求解说明：本方案由自动优化生成" in shown[0]
    assert "采纳时的求解状态：即时预览（启发式），未证明最优" in shown[0]
    assert "（时限 25 秒）" in shown[0]
    assert shown[1].endswith(t("facts_unedited", "zh"))

    removed = facts.proposed_ids[0]
    at.session_state[state.SIM_SELECTED] = f"contact_points:{removed}"
    _run(at)
    at.button(key=state.SIM_DELETE).click()
    _run(at)
    edited = at.session_state[state.SIM_HISTORY].current.solve_facts
    assert edited is not None and edited.edited
    shown = _facts_captions(at)
    edited_text = ":material/edit_note: 采纳后经过手工修改（基层立法联系点 删除 1 个）"
    assert shown[1].startswith(edited_text)
    assert WorkspaceStore(workspace).load(scn.name).solve_facts == edited  # saved so
    at.button(key=state.SIM_UNDO).click()
    _run(at)
    assert at.session_state[state.SIM_HISTORY].current.solve_facts == facts
    assert _facts_captions(at)[1].endswith(t("facts_unedited", "zh"))
    at.button(key=state.SIM_REDO).click()
    _run(at)

    # The same page in English: no Chinese in what it says of the solve. (Last run: AppTest
    # cannot click after an English run, its widgets' labels are read back in Chinese.)
    at.session_state[state.LANG] = "en"
    _run(at)
    shown = _facts_captions(at)
    assert len(shown) == 2 and all(not CJK.search(text) for text in shown), shown
    assert "Status at adoption: instant preview (heuristic), not proven optimal" in shown[0]
    assert "(time limit 25 s)" in shown[0]
    assert shown[1].startswith(":material/edit_note: Edited by hand since adoption")
    assert "(Contact points 1 removed)" in shown[1]


@pytest.mark.parametrize("status", ["optimal", "time_limit", "cancelled", "heuristic"])
def test_facts_in_english_have_no_chinese_whatever_they_hold(status: str) -> None:
    import math

    from analysis.plan.solvefacts import SolveFacts, with_edit
    from dashboard.simulate.solve_facts import facts_lines

    facts = SolveFacts(
        status=status,
        proven_gap=0.0052 if status != "heuristic" else math.inf,
        objective=2.5,
        objective_kind="balanced",
        method="highs",
        solver_seconds=30.4,
        time_limit_s=30.0,
        counts={"rural": 8, "enterprise": 5, "association": 3},
        capacity_population={"rural": 20000.0},
        capacity_sites=5,
        township_min_share=0.3,
        adopted_at="2026-12-07T10:25:00Z",
    )
    edited = with_edit(with_edit(facts, "move", "contact_points", "A"), "add", "homes", "B")
    assert edited is not None
    for value in (facts, edited):
        en = facts_lines(value, "en")
        assert len(en) == 4 and all(not CJK.search(line) for line in en), en
    en = facts_lines(edited, "en")
    assert "asked for 8 Rural, 5 Enterprise, 3 Industry association" in en[0]
    assert "a point serves at most Rural 20,000 people; a point serves at most 5 villages" in en[2]
    assert "every township has at least 30% of its people served" in en[2]
    assert "(Contact points 1 moved; Representative homes 1 added)" in en[3]
    zh = facts_lines(edited, "zh")
    assert "2026-12-07 18:25 采纳" in zh[0]
    assert "（基层立法联系点 迁移 1 个；代表之家 新增 1 个）" in zh[3]
