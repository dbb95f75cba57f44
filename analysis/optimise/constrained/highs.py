"""One HiGHS run with a time limit, the cancel hook and an optional start plan."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from analysis.optimise.exact.budget import MILP_SHARE, Budget
from analysis.optimise.model.problem import FloatArray, IntArray
from analysis.optimise.progress import CancelLike, Reporter, is_cancelled
from analysis.optimise.solverlog import new_highs

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kModelEmpty: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInterrupt: "cancelled",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
}


@dataclass(frozen=True, eq=False)
class Run:
    """What HiGHS returned.

    ``values`` is ``None`` when it found no feasible solution; ``bound`` is its proven
    dual bound (the objective itself for an LP).
    """

    status: str
    values: FloatArray | None
    objective: float
    bound: float


def run_highs(
    lp: highspy.HighsLp,
    *,
    time_limit_s: float,
    mip_rel_gap: float = 1e-6,
    start: IntArray | None = None,
    cancel: CancelLike = None,
    report: Reporter | None = None,
    budget: Budget | None = None,
) -> Run:
    """Solve ``lp`` (MILP when it has integrality), honouring the time and cancel.

    Parameters
    ----------
    lp
        The model (maximised).
    time_limit_s
        HiGHS ``time_limit``.
    mip_rel_gap
        HiGHS ``mip_rel_gap``.
    start
        ``x`` columns of a start plan (the first columns of the model are ``x``); HiGHS
        completes the other values itself and ignores a start that breaks a row.
    cancel
        Polled from HiGHS' interrupt callbacks (MIP, simplex and IPM): a cancelled run
        stops within a callback's interval with its best plan.
    report
        Progress (the MIP gap).
    budget
        The solve's deadline and cancel (replaces ``time_limit_s``): HiGHS gets the time
        left (a MILP :data:`~analysis.optimise.exact.budget.MILP_SHARE` of it, as its MILP
        solver does not watch its limit everywhere) and an interrupt at the deadline.
    """
    t0 = time.perf_counter()
    h = new_highs()
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.01))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    if start is not None and len(lp.integrality_):
        idx = np.asarray(start, np.int32)
        h.setSolution(int(idx.size), idx, np.ones(idx.size))

    def _interrupt(event: Any) -> None:
        if is_cancelled(cancel):
            event.interrupt()
        if report is not None and not (budget is not None and budget.stopped()):
            # (a run left behind by Budget.run reports nothing: the solve is over)
            gap = float(getattr(event.data_out, "mip_gap", np.inf))
            elapsed = time.perf_counter() - t0
            report(elapsed / max(time_limit_s, 1e-9), f"HiGHS: gap {gap:.2%}")

    if cancel is not None or report is not None:
        h.cbMipInterrupt.subscribe(_interrupt)
        h.cbIpmInterrupt.subscribe(_interrupt)
        h.cbSimplexInterrupt.subscribe(_interrupt)
    if budget is None:
        h.run()
    elif not budget.run(h, share=MILP_SHARE if len(lp.integrality_) else 1.0):
        # stopped, and HiGHS did not poll within Budget.run's grace: left behind
        return Run("cancelled" if budget.cancelled() else "time_limit", None, -np.inf, np.inf)
    status = _STATUS.get(h.getModelStatus(), "error")
    if status == "cancelled" and budget is not None and not budget.cancelled():
        status = "time_limit"  # the budget's interrupt at its deadline
    info = h.getInfo()
    integral = bool(len(lp.integrality_))
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return Run("infeasible" if status == "optimal" else status, None, -np.inf, np.inf)
    values = np.asarray(h.getSolution().col_value, float)
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if integral else objective
    if not np.isfinite(bound):
        bound = np.inf
    return Run(status, values, objective, max(bound, objective))
