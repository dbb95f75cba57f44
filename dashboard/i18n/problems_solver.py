"""Translations of the solver pool's problems (``analysis.optimise.worker``), by code.

Merged into :data:`dashboard.i18n.problems.PROBLEM_TEXT`.
"""

from __future__ import annotations

SOLVER_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "solver_crashed": (
        "求解进程意外退出，本次方案未算出。请重试；如再次出现，请连同求解设置报告给管理员。",
        "The solver process stopped unexpectedly; the plan was not computed. Try again; if it "
        "happens again, report it with the request.",
    ),
    "solver_failed": (
        "求解器内部出错，本次方案未算出。请重试；如再次出现，请连同求解设置报告给管理员。",
        "The solver stopped on an internal error; the plan was not computed. Try again; if it "
        "happens again, report it with the request.",
    ),
    "solver_unavailable": (
        "求解进程无法启动，暂时无法求解。请联系管理员查看服务器日志。",
        "No solver process could start; ask the administrator to check the server's log.",
    ),
    "solver_workers_invalid": (
        "求解进程数设置（COVERAGE_PLANNER_SOLVER_WORKERS）须为 1 到 32 的整数。",
        "COVERAGE_PLANNER_SOLVER_WORKERS must be a whole number from 1 to 32.",
    ),
}
