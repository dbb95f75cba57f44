"""HiGHS' MILP solver over the compact model, when the proof tree hands over.

The branch and bound of :mod:`analysis.optimise.exact.branch` closes small LP gaps in a few
dozen nodes, but it has no cuts: where the LP gap is large (the townships objective, whose
LP spreads fractional points over many townships), it visits thousands of nodes without
moving its bound. HiGHS' root cuts close such gaps: on the demo city's townships request of
the family (+12/+7/+5) it proved at its root, in 2 s of CPU, what the tree had not in 4 s.
It gets the **compact** model over the columns reduced-cost fixing leaves
(:mod:`analysis.optimise.model.compact`): the same optimum as the full model for every plan
better than the incumbent, with a fraction of its rows (the demo: 900 rows instead of 3,800).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import highspy
import numpy as np

from analysis.optimise.exact.budget import MILP_SETUP_CPU_PER_NNZ, MILP_SHARE, Budget
from analysis.optimise.exact.milp_model import MilpArrays
from analysis.optimise.model.compact import CompactLp, compact_lp
from analysis.optimise.model.problem import CoverageProblem, IntArray
from analysis.optimise.progress import Reporter
from analysis.optimise.solverlog import new_highs

#: Above this many columns HiGHS is not given the model: on the dense generated city
#: (fixing kept 9,500 columns) it did not finish its root in 6 s of CPU, and its presolve,
#: which does not watch the time limit, made the solve end up to 6 s late under load.
HANDOVER_MAX_COLUMNS = 4_000


def milp_over_compact(
    problem: CoverageProblem,
    arrays: MilpArrays,
    columns: IntArray,
    incumbent: IntArray,
    incumbent_value: float,
    mip_rel_gap: float,
    budget: Budget,
    report: Reporter,
    value_of: Callable[[IntArray], float],
) -> tuple[IntArray, float, str]:
    """HiGHS MILP over the compact model of ``columns``, started from the incumbent.

    Parameters
    ----------
    columns
        ``x`` columns that may be in a plan better than the incumbent (reduced-cost fixing:
        :func:`analysis.optimise.exact.colgen.fixed_columns`); must contain ``incumbent``.
    incumbent, incumbent_value
        The best plan known and its value in the MILP's terms
        (:func:`~analysis.optimise.exact.milp_model.combined_objective`).
    value_of
        Exact value of a plan in those terms (HiGHS' plan replaces the incumbent only when
        it is better by this measure, not by HiGHS' round-off).

    Returns
    -------
    columns, bound, status
        With more than :data:`HANDOVER_MAX_COLUMNS` columns, or no time left: the
        incumbent, an infinite bound (the caller's bounds stand) and the stop reason.
        Otherwise:
        The best plan (the incumbent unless HiGHS found a better one), a proven upper
        bound in the MILP's terms (``>= incumbent_value``: every plan left out by fixing
        is worse than the incumbent) and HiGHS' status (``"optimal"``, ``"time_limit"``,
        ``"cancelled"``).
    """
    # the compact model has at most the full model's nonzeros over these columns
    setup_cpu = MILP_SETUP_CPU_PER_NNZ * arrays.a.nnz * columns.size / arrays.n_x
    if columns.size > HANDOVER_MAX_COLUMNS or not budget.fits(setup_cpu):
        return np.asarray(incumbent, np.int64), np.inf, _why(budget)
    compact = compact_lp(problem, arrays, columns)
    if budget.stopped():
        return np.asarray(incumbent, np.int64), np.inf, _why(budget)
    h = new_highs()
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    h.passModel(compact.to_highs(integral=True))
    h.setSolution(_start(problem, arrays, compact, incumbent))

    def _progress(event: Any) -> None:
        if budget.stopped():  # perhaps a run left behind (Budget.run): the solve is over
            return
        gap = float(getattr(event.data_out, "mip_gap", np.inf))
        elapsed = budget.elapsed()
        report(elapsed / max(elapsed + budget.left(), 1e-9), f"HiGHS: gap {gap:.2%}")

    if report.active:
        h.cbMipInterrupt.subscribe(_progress)
    if budget.stopped():  # the model took the time left to pass
        return np.asarray(incumbent, np.int64), np.inf, _why(budget)
    if not budget.run(h, share=MILP_SHARE):  # stopped, HiGHS did not poll: left behind
        return np.asarray(incumbent, np.int64), np.inf, _why(budget)
    model_status = h.getModelStatus()
    info = h.getInfo()
    if model_status == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    elif model_status == highspy.HighsModelStatus.kInfeasible:
        # no plan better than the incumbent is left (possible only through round-off)
        status = "optimal"
    else:
        status = "cancelled" if budget.cancelled() else "time_limit"
    dual = float(info.mip_dual_bound)
    if model_status == highspy.HighsModelStatus.kInfeasible or not np.isfinite(dual):
        dual = incumbent_value if model_status == highspy.HighsModelStatus.kInfeasible else np.inf
    chosen = np.asarray(incumbent, np.int64)
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        values = np.asarray(h.getSolution().col_value)[: compact.n_x]
        found = compact.columns[values > 0.5]
        if value_of(found) > incumbent_value:
            chosen = found
    report(1.0, "HiGHS: done", force=True)
    return chosen, max(dual, incumbent_value), status


def _why(budget: Budget) -> str:
    """Status of a handover stopped before HiGHS could run or finish."""
    return "cancelled" if budget.cancelled() else "time_limit"


def _start(
    problem: CoverageProblem, arrays: MilpArrays, compact: CompactLp, plan: IntArray
) -> highspy.HighsSolution:
    """The plan as a complete solution of the compact model (``x``, then ``y`` and ``z``).

    Complete, so that HiGHS does not run an LP of its own to fill in ``y`` and ``z`` (that
    LP does not watch the time limit).
    """
    x = np.zeros(compact.n_x)
    x[np.searchsorted(compact.columns, np.asarray(plan, np.int64))] = 1.0
    n_y = compact.a.shape[1] - compact.n_x - (arrays.a.shape[1] - arrays.n_x - problem.n_rows)
    reach = -(compact.a[:n_y, : compact.n_x] @ x)  # coverage rows come first
    y = np.minimum(reach, 1.0)
    placed = np.zeros(problem.n_columns, dtype=bool)
    placed[np.asarray(plan, np.int64)] = True
    z = [min(int(placed[c].sum()), need) for c, need in arrays.soft_rules] if arrays.relaxed else []
    sol = highspy.HighsSolution()
    sol.col_value = np.concatenate([x, y, np.asarray(z, float)]).tolist()
    sol.value_valid = True
    return sol
