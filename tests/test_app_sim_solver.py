"""AppTest of the optimiser panel with its solves in the server's solver pool: progress
crosses the process boundary to the page, and a crashed solver process is an error of
that solve only (said in Chinese), after which the next solve works."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest

from dashboard import state

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "simulate.py")
#: Bound of every wait (seconds): a broken pool fails instead of hanging; never asserted on.
WAIT_S = 600


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace file for each test (``COVERAGE_PLANNER_WORKSPACE``)."""
    path = tmp_path / "workspace.gpkg"
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(path))
    return path


def _app() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    at.radio(key=state.OPT_RESOLUTION).set_value("relaxed")
    at.number_input(key=state.OPT_TIME_LIMIT).set_value(120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _solve(at: AppTest) -> Any:
    """Press 求解 and wait until the page has the finished job."""
    at.button(key=state.OPT_SOLVE).click().run()
    deadline = time.monotonic() + WAIT_S
    while state.OPT_JOB in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state[state.OPT_RESULT]


def test_a_crashed_solver_process_is_said_in_chinese_and_the_next_solve_works(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.i18n import t
    from dashboard.i18n.problems_solver import SOLVER_PROBLEM_TEXT
    from dashboard.services import solver

    pool = solver.pool()
    monkeypatch.setattr(pool, "test_hooks", True)
    real = pool.submit
    hooks = ["exit"]  # the first solve's worker calls os._exit

    def submit(*args: Any, **kwargs: Any) -> Any:
        return real(*args, hook=hooks.pop() if hooks else None, **kwargs)

    monkeypatch.setattr(pool, "submit", submit)
    at = _app()
    job = _solve(at)
    assert job.done and job.result is None and not job.cancelled
    assert [p.code for p in job.error.problems] == ["solver_crashed"]
    shown = [e.value.replace("\\", "") for e in at.error]
    said = t("opt_failed", "zh", reason=SOLVER_PROBLEM_TEXT["solver_crashed"][0])
    assert said in shown, shown
    assert len(pool.pids()) == pool.size  # the dead worker was replaced
    job = _solve(at)  # the same session solves again
    assert job.error is None and job.result.status == "optimal"
    assert len(job.result.proposed) == 16
    assert not [e for e in at.error if "求解未完成" in e.value]


def test_progress_reaches_the_page_from_the_solver_process(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.solver_hold import SolveHold

    hold = SolveHold(at="HiGHS")
    hold.patch_pool(monkeypatch)
    at = _app()
    try:
        at.button(key=state.OPT_SOLVE).click().run()
        hold.wait_reached()  # the worker stands at its first exact-solve message
        job = at.session_state[state.OPT_JOB]
        assert job.fraction > 0 and job.message.startswith("HiGHS")
        at.run()
        bars = at.get("progress")
        assert len(bars) == 1 and bars[0].proto.value == int(job.fraction * 100)
        at.button(key=state.OPT_CANCEL).click().run()
    finally:
        hold.release()
    deadline = time.monotonic() + WAIT_S
    while state.OPT_JOB in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    job = at.session_state[state.OPT_RESULT]
    assert job.result.status == "cancelled" and job.fraction == 1.0
