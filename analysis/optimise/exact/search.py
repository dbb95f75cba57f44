"""The searches of the exact solve: a first plan, and the branch and bound over fixed columns.

Used by :func:`analysis.optimise.exact.milp.solve_milp` after column generation
(:mod:`analysis.optimise.exact.colgen`); the trees themselves are
:func:`analysis.optimise.exact.branch.branch_and_bound`.
"""

from __future__ import annotations

import numpy as np

from analysis.optimise.exact.branch import STRONG_DEPTH, TreeResult, branch_and_bound, node_model
from analysis.optimise.exact.budget import Budget
from analysis.optimise.exact.colgen import (
    LpBound,
    fixed_columns,
    lp_bound,
    start_columns,
    widened_model,
)
from analysis.optimise.exact.handover import HANDOVER_MAX_COLUMNS
from analysis.optimise.exact.milp_model import MilpArrays, combined_objective, met_units_of
from analysis.optimise.heuristics.greedy import lp_round
from analysis.optimise.heuristics.swapsearch import local_search
from analysis.optimise.model.compact import compact_lp
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.progress import Reporter


def first_plan(
    problem: CoverageProblem,
    arrays: MilpArrays,
    plan: Solution,
    met: int | None,
    lp: LpBound | None,
    budget: Budget,
) -> tuple[Solution | None, LpBound | None]:
    """A plan meeting the most met units any plan can (relaxed mode), and the LP.

    The LP relaxation (with the met-units row) by column generation, then its rounding,
    or else the first plan of a dive over the restricted master.
    """
    bound = (
        lp
        if lp is not None
        else lp_bound(arrays, start_columns(problem, plan.columns), budget=budget)
    )
    if bound is None:
        return None, None
    rounded = lp_round(problem, bound.x_value, cancel=budget.stopped)
    if keeps(problem, arrays, rounded, True, met):
        return rounded, bound
    tree = branch_and_bound(
        bound.model, np.zeros(0, np.int64), -1.0,
        lambda c: combined_objective(problem, arrays, c),
        budget=budget.sub(0.2), stop_on_improvement=0.0, max_nodes=500,
    )  # fmt: skip
    if tree.value < 0:
        return None, bound
    return Solution(tree.columns, tree.value, np.inf, "heuristic", "highs", 0.0), bound


#: The proof tree restarts over the columns fixing leaves when its incumbent has improved
#: (at most this many times): a better incumbent fixes more columns, and every node LP of
#: the new tree is smaller (demo city, no site rules: 3,600 -> 1,100 columns).
MAX_RESTARTS = 3
#: Nodes of one proof tree before HiGHS' MILP solver takes over
#: (:mod:`analysis.optimise.exact.handover`). Where the tree proves, it needs tens to a
#: few hundred nodes; where the LP gap is large it visits thousands without moving its
#: bound, and HiGHS' root cuts close the gap faster.
PROOF_NODES = 200
#: Share of the time left for a proof tree over more columns than HiGHS is given (the
#: rest is a margin: such trees did not finish in the family, and their first LP overran).
BIG_TREE_SHARE = 0.6
#: The gap the trees aim at first, below the request's (``1e-4``: "proven optimal"). Where
#: the exact optimum is cheap (most requests: a few dozen nodes) the planner gets it, the
#: same plan as before the request's gap was raised; after :data:`SETTLE_NODES` nodes a
#: proof tree settles for the request's gap (the townships objective's people tie-break on the
#: dense generated city: 48 s for 1e-6, the request's 1e-4 proven long before).
EXACT_REL_GAP = 1e-6
#: Nodes of a proof tree before it settles for the request's gap. Proof trees go best
#: first: with a strong incumbent that is the smallest proof, and the proven bound falls
#: node by node (the valley city's relaxed population request: depth first left a gap of
#: 1.6e-4 after 200 nodes, best first 5.5e-5 after 50).
SETTLE_NODES = 50


def prove(
    problem: CoverageProblem,
    arrays: MilpArrays,
    bound: LpBound,
    incumbent: IntArray,
    value: float,
    rel_gap: float,
    budget: Budget,
    report: Reporter,
) -> TreeResult:
    """Branch and bound over the columns reduced-cost fixing leaves (exact for the model).

    With a weak incumbent fixing keeps most columns, and every node LP is large; a first
    tree over the column-generation columns (the restricted master, branched from the
    LP's own basis: a heuristic, it proves nothing for the full model) then finds a
    strong plan, and fixing against it leaves a few hundred columns for the tree that
    proves optimality. Every new incumbent is polished by the swap search, and the proof
    tree restarts over fewer columns when its incumbent improves. The trees aim at
    :data:`EXACT_REL_GAP` (or ``rel_gap`` if smaller) and settle for ``rel_gap`` after
    :data:`SETTLE_NODES` nodes; where the LP already proves ``rel_gap`` (checked at the
    start and again after every better plan) only a proof tree over few columns is tried.
    A proof tree over more columns than HiGHS is given
    (:data:`~analysis.optimise.exact.handover.HANDOVER_MAX_COLUMNS`) branches the
    column-generation LP widened by them, from its optimal basis
    (:func:`~analysis.optimise.exact.colgen.widened_model`), without strong branching.
    """
    fine = min(rel_gap, EXACT_REL_GAP)
    csc = problem.cover.astype(np.float64).tocsc()
    csr = csc.tocsr()

    def value_of(columns: IntArray) -> float:
        return combined_objective(problem, arrays, columns)

    def improve(columns: IntArray) -> tuple[IntArray, float]:
        # the polish stops at the deadline too: the tree's plan so far is kept
        polished, _ = local_search(problem, csc, columns, csr=csr, cancel=budget.stopped)
        return polished, value_of(polished)

    def lp_proves(value: float) -> bool:
        return bound.value - value <= rel_gap * max(abs(bound.value), 1.0) + 1e-9

    def settled(columns: IntArray, incumbent: IntArray, value: float) -> TreeResult | None:
        # the LP already proves the request's gap: the exact optimum only where it is
        # cheap, a proof tree over few columns (no tree over thousands of columns whose
        # first LP alone took 4.5 s of CPU on the dense generated city). Checked again
        # after every better plan: the plain city's relaxed townships request reached the
        # LP's proof with the restricted master's plan, then spent 25 s of CPU in a
        # proof tree over 9,136 columns aiming at the finer gap.
        if lp_proves(value) and columns.size > HANDOVER_MAX_COLUMNS:
            return TreeResult(np.asarray(incumbent, np.int64), value, bound.value, False, 0, 0.0)
        return None

    columns = fixed_columns(bound, value, incumbent)
    proven = lp_proves(value)
    if (done := settled(columns, incumbent, value)) is not None:
        return done
    if columns.size > bound.columns.size and not proven:
        report(0.0, "HiGHS: branch and bound, restricted master", force=True)
        master = branch_and_bound(
            bound.model, incumbent, value, value_of,
            # a heuristic (it proves nothing for the full model) that looks for a better
            # plan, and stops at the first one: on the valley city's relaxed population
            # request it found the optimum at node 29 and went on to node 231 for nothing
            # (the proof tree below restarts on improvements itself)
            # no strong branching: it ranks branchings for a small proof, and cost this
            # search 0.5 s of CPU per node on the dense generated city (16 child LPs each)
            rel_gap=fine, budget=budget.sub(0.5), improve=improve, stop_on_improvement=0.0,
            strong_depth=0,
        )  # fmt: skip
        if master.value > value:
            incumbent, value = master.columns, master.value
            columns = fixed_columns(bound, value, incumbent)
            if (done := settled(columns, incumbent, value)) is not None:
                return done
    tree = TreeResult(np.asarray(incumbent, np.int64), value, bound.value, False, 0, 0.0)
    for restart in range(MAX_RESTARTS + 1):
        if budget.stopped():  # building the compact model of thousands of columns takes time
            break
        report(0.3, f"HiGHS: branch and bound over {columns.size} columns", force=True)
        small = columns.size <= HANDOVER_MAX_COLUMNS
        # over more columns: the column-generation LP widened, from its optimal basis (the
        # compact model's first LP from no basis was seconds of CPU), and no strong
        # branching (16 child LPs of a large model per node: on the dense generated city
        # 30 nodes took 24 s of CPU with it, 60 nodes 10 s without, to a lower bound)
        model = (
            node_model(compact_lp(problem, arrays, columns))
            if small
            else widened_model(bound, arrays, columns)
        )
        tree = branch_and_bound(
            model, incumbent, value, value_of,
            rel_gap=fine, improve=improve, accept_gap=rel_gap, accept_after=SETTLE_NODES,
            best_first=True, strong_depth=STRONG_DEPTH if small else 0,
            # HiGHS cannot take more columns over (handover.py): the tree keeps the time,
            # less a margin: the first LP of so large a model, solved from no basis, ended
            # up to 4 s past its deadline under load (HiGHS does not poll the interrupt in
            # all of its setup)
            budget=budget if small else budget.sub(BIG_TREE_SHARE),
            max_nodes=PROOF_NODES if small else 10**9,
            stop_on_improvement=0.0 if restart < MAX_RESTARTS else np.inf,
        )  # fmt: skip
        if tree.finished or tree.value <= value or budget.stopped():
            break
        incumbent, value = tree.columns, tree.value
        columns = fixed_columns(bound, value, incumbent)
        if (done := settled(columns, incumbent, value)) is not None:
            return done
    return tree


def keeps(
    problem: CoverageProblem, arrays: MilpArrays, plan: Solution, relaxed: bool, met: int | None
) -> bool:
    """Whether ``plan`` is feasible for the MILP (strict rules, or relaxed with ``met``)."""
    if not relaxed:
        return plan.status == "heuristic"
    if problem.violations(plan.columns, rules=False):
        return False
    return met is None or met_units_of(arrays, problem.n_columns, plan.columns) >= met
