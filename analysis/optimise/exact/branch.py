"""Exact branch and bound on the LP relaxation, for models already reduced by fixing.

After column generation and reduced-cost fixing (:mod:`analysis.optimise.exact.colgen`) the
model has a few hundred columns and an LP bound within a fraction of a percent of the
optimum. HiGHS' MILP solver then spends seconds in its root cut loop and heuristics (the
demo city: 2-5 s, almost all of it at the root), whereas a plain depth-first tree over the
LP relaxation closes the same gap in a few dozen nodes: each node re-solves the LP by
dual simplex from the parent's basis (milliseconds), fixes columns by reduced cost, and
branches on the most fractional column. Deterministic: no threads, no randomness.

Every subtree that is dropped has a proven LP bound, and the largest such bound above the
incumbent is kept, so the returned ``bound`` is a proven upper bound whether or not the
tree was finished (node or time limit, cancel).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from analysis.optimise.exact.budget import Budget
from analysis.optimise.model.compact import CompactLp
from analysis.optimise.model.problem import FloatArray, IntArray
from analysis.optimise.progress import CancelLike
from analysis.optimise.solverlog import new_highs

#: ``improve(columns) -> (columns, value)``: a local search from a new incumbent.
Improve = Callable[[IntArray], tuple[IntArray, float]]

#: An ``x`` value this close to 0 or 1 counts as integral.
INTEGRALITY_TOL = 1e-6
#: Strong branching in the top levels of the tree: the most fractional candidates, each
#: child LP limited to some simplex iterations. The first branchings decide the tree's
#: size: on the demo city without site rules the proof took 347 nodes with the most
#: fractional column, 21-31 with strong branching in the top levels.
STRONG_DEPTH = 4
STRONG_CANDIDATES = 8
STRONG_ITERATIONS = 200


@dataclass(frozen=True, eq=False)
class TreeResult:
    """Outcome of :func:`branch_and_bound`.

    Parameters
    ----------
    columns
        Problem columns of the best plan (the incumbent given, or a better one found).
    value
        Objective of that plan in the model's terms.
    bound
        Proven upper bound on the model's optimum (``>= value``).
    finished
        The tree was exhausted: ``bound`` is within the requested gap of ``value``.
    nodes
        LPs solved.
    seconds
        Wall time.
    """

    columns: IntArray
    value: float
    bound: float
    finished: bool
    nodes: int
    seconds: float


@dataclass(frozen=True, eq=False)
class NodeModel:
    """An LP relaxation loaded in HiGHS, ready for branching on its ``x`` columns.

    Parameters
    ----------
    highs
        HiGHS instance holding the LP (solved or not); branching changes its bounds.
    x_index
        Position in the HiGHS model of each ``x`` column.
    columns
        Problem column of each ``x`` column.
    lower, upper
        Bounds of the ``x`` columns at the root.
    integral_objective
        Every plan's value is an integer (node bounds can be rounded down).
    """

    highs: highspy.Highs
    x_index: NDArray[np.int32]
    columns: IntArray
    lower: FloatArray
    upper: FloatArray
    integral_objective: bool


def node_model(compact: CompactLp) -> NodeModel:
    """Load the compact model in a HiGHS instance set up for branch and bound."""
    h = new_lp_solver()
    h.passModel(compact.to_highs(integral=False))
    n = compact.n_x
    return NodeModel(
        h,
        np.arange(n, dtype=np.int32),
        compact.columns,
        compact.col_lower[:n].copy(),
        compact.col_upper[:n].copy(),
        compact.integral_objective,
    )


def new_lp_solver() -> highspy.Highs:
    """A silent, deterministic HiGHS instance for LPs re-solved after bound changes."""
    h = new_highs()
    # dual simplex from the previous basis is what makes a node cheap; presolve would
    # throw that basis away
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    h.setOptionValue("random_seed", 0)
    return h


@dataclass(eq=False)
class _Node:
    """An open subproblem: bounds on the ``x`` columns, the parent's LP value and basis.

    The child re-solves from its parent's optimal basis: after a depth-first dive the
    instance holds the basis of a node far away, and starting from it took twice the
    simplex iterations (demo city).
    """

    lower: FloatArray
    upper: FloatArray
    parent_bound: float
    basis: highspy.HighsBasis | None = None
    depth: int = 0


def branch_and_bound(
    model: NodeModel,
    incumbent: IntArray,
    incumbent_value: float,
    value_of: Callable[[IntArray], float],
    *,
    rel_gap: float = 1e-6,
    time_limit_s: float = 10.0,
    max_nodes: int = 2_000,
    cancel: CancelLike = None,
    budget: Budget | None = None,
    improve: Improve | None = None,
    stop_on_improvement: float = np.inf,
    strong_depth: int = STRONG_DEPTH,
    accept_gap: float | None = None,
    accept_after: int = 0,
    best_first: bool = False,
) -> TreeResult:
    """Maximise over the binary ``x`` of ``model`` by LP-based branch and bound.

    Parameters
    ----------
    model
        The LP (its ``x`` columns are the only candidates), e.g. :func:`node_model`.
    incumbent, incumbent_value
        A valid plan (problem columns) and its value; subtrees that cannot beat it by more
        than ``rel_gap`` are pruned.
    value_of
        Exact value of a plan given as problem columns (used for new incumbents, so the
        reported value never rests on LP round-off).
    rel_gap
        Relative gap at which a subtree counts as closed.
    time_limit_s, max_nodes
        Stop early (``finished=False``; the bound is still proven).
    cancel
        Event or callable polled before every node and from the node LPs.
    budget
        Time left and cancel for the tree (replaces ``time_limit_s`` and ``cancel``).
    improve
        Local search applied to every new incumbent (its plans must keep the model's
        rules); the tree then prunes against the better value.
    stop_on_improvement
        Return (unfinished) as soon as the incumbent has improved by this much relative to
        ``incumbent_value`` (the caller may then fix columns against it and restart).
    strong_depth
        Strong branching above this depth (:data:`STRONG_DEPTH`; 0: most fractional only).
    accept_gap, accept_after
        After ``accept_after`` nodes, stop (unfinished) as soon as the tree's proven bound
        is within ``accept_gap`` of the incumbent: the tree aims at ``rel_gap`` first and
        settles for the (larger) ``accept_gap`` when that takes long.
    best_first
        Take the open node with the largest bound next (ties: the deepest), not the last
        one: the tree's proven bound then falls node by node, as a proof from a strong
        incumbent needs (depth first keeps the root's other children open to the end).
    """
    t0 = time.perf_counter()
    budget = budget if budget is not None else Budget(time_limit_s, cancel)
    n = model.columns.size
    h, index = model.highs, model.x_index
    best_cols = np.asarray(incumbent, np.int64)
    best = float(incumbent_value)
    dropped = -np.inf  # largest proven bound of a pruned subtree
    stack = [_Node(model.lower.copy(), model.upper.copy(), np.inf)]
    nodes = 0
    # the basis the model came with (the column-generation optimum): given back at the end,
    # so the next tree over the same model starts from it, not from this tree's last node
    # (the dense generated city: 3,000 simplex iterations, 1 s of CPU, to re-solve the
    # root from a node's basis; 14 from the root's)
    root_basis = h.getBasis()

    def closed(bound: FloatArray | float) -> np.ndarray:
        # a subtree is closed when its bound cannot beat the incumbent by rel_gap
        scale = np.maximum(np.abs(bound), 1.0)
        return np.asarray(np.isfinite(bound) & (bound <= best + rel_gap * scale + 1e-9))

    target = incumbent_value + stop_on_improvement * max(abs(incumbent_value), 1.0)
    while stack:
        if nodes >= max_nodes or budget.stopped() or best > target:
            break
        if accept_gap is not None and nodes >= accept_after:
            top = max(best, dropped, max(nd.parent_bound for nd in stack))
            if top - best <= accept_gap * max(abs(top), 1.0) + 1e-9:
                break
        node = stack.pop(_best(stack) if best_first else -1)
        if closed(node.parent_bound):
            dropped = max(dropped, node.parent_bound)
            continue
        h.changeColsBounds(n, index, node.lower, node.upper)
        if node.basis is not None:
            h.setBasis(node.basis)
        budget.attach(h)
        h.run()
        nodes += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            continue
        if status != highspy.HighsModelStatus.kOptimal:
            stack.append(node)  # unresolved (time, cancel): its parent's bound stays open
            break
        lp_value = float(h.getInfo().objective_function_value)
        value = _node_bound(lp_value, model.integral_objective)
        if closed(value):
            dropped = max(dropped, value)
            continue
        solution = h.getSolution()
        x = np.asarray(solution.col_value)[index]
        frac = np.flatnonzero((x > INTEGRALITY_TOL) & (x < 1 - INTEGRALITY_TOL))
        if frac.size == 0:
            cols = model.columns[x > 0.5]
            exact = value_of(cols)
            if exact > best:
                best, best_cols = exact, cols
                if improve is not None:
                    polished, polished_value = improve(cols)
                    if polished_value > best:
                        best, best_cols = polished_value, polished
            dropped = max(dropped, value)  # an integral LP optimum closes its subtree
            continue
        lower, upper = node.lower.copy(), node.upper.copy()
        rc = np.asarray(solution.col_dual)[index]
        dropped = max(
            dropped,
            _fix_by_reduced_cost(rc, x, lp_value, lower, upper, closed, model.integral_objective),
        )
        if node.depth < strong_depth and frac.size > 1:
            j = _strong_branch(h, index, x, frac, lp_value, node, budget)
        else:
            j = int(frac[np.argmin(np.abs(x[frac] - 0.5))])
        down_upper = upper.copy()
        down_upper[j] = 0.0
        up_lower = lower.copy()
        up_lower[j] = 1.0
        # depth first, "point placed" child first: it leads to plans, and the child
        # starts from this node's basis
        # the up child is solved next, from this basis as the instance holds it; the down
        # child keeps a copy for later
        basis = h.getBasis()
        stack.append(_Node(lower, down_upper, value, basis, node.depth + 1))
        # best first may take any node next: the up child keeps the basis too
        stack.append(_Node(up_lower, upper, value, basis if best_first else None, node.depth + 1))
    h.changeColsBounds(n, index, model.lower, model.upper)  # leave the root LP as given
    if root_basis.valid:
        h.setBasis(root_basis)
    open_bound = max((nd.parent_bound for nd in stack), default=-np.inf)
    bound = max(best, dropped, open_bound)
    finished = not stack
    return TreeResult(best_cols, best, bound, finished, nodes, time.perf_counter() - t0)


def _best(stack: list[_Node]) -> int:
    """Index of the open node with the largest bound; the last such (deepest, newest)."""
    bounds = np.fromiter((nd.parent_bound for nd in stack), float, len(stack))
    return int(len(stack) - 1 - np.argmax(bounds[::-1]))


def _strong_branch(
    h: highspy.Highs,
    index: NDArray[np.int32],
    x: FloatArray,
    frac: IntArray,
    lp_value: float,
    node: _Node,
    budget: Budget,
) -> int:
    """The fractional column whose two children lower the LP value most (product rule).

    Each child LP starts from this node's basis with a simplex iteration limit: its value
    only ranks the candidates (no bound is taken from it). The node's LP and basis are
    restored afterwards, so its children start from them as usual. Once ``budget`` is
    stopped no further child LP is solved (16 of them, each a factorisation, ran 0.2 s
    past the deadline under load) and the node's basis is set back without a re-solve.
    """
    candidates = frac[np.argsort(np.abs(x[frac] - 0.5), kind="stable")[:STRONG_CANDIDATES]]
    basis = h.getBasis()
    h.setOptionValue("simplex_iteration_limit", STRONG_ITERATIONS)
    best_score, best = -1.0, int(candidates[0])
    try:
        for c in candidates:
            drops = []
            col, lo, up = int(index[c]), float(node.lower[c]), float(node.upper[c])
            for child_lo, child_up in ((lo, 0.0), (1.0, up)):
                if budget.stopped():
                    break
                h.changeColBounds(col, child_lo, child_up)
                h.setBasis(basis)
                budget.attach(h)
                h.run()
                if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
                    drops.append(np.inf)
                else:
                    drops.append(max(lp_value - float(h.getInfo().objective_function_value), 0))
            h.changeColBounds(col, lo, up)
            if len(drops) < 2:  # stopped: the candidates ranked so far decide
                break
            score = max(min(drops), 1e-9) * max(max(drops), 1e-9)
            if score > best_score:
                best_score, best = score, int(c)
    finally:
        h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
        h.setBasis(basis)
        if not budget.stopped():
            budget.attach(h)
            h.run()
    return best


def _node_bound(lp_value: float, integral: bool) -> float:
    """A node's proven bound: its LP value, rounded down when every plan value is integral.

    The rounding allows for LP round-off (``1e-7`` relative) before taking the floor.
    """
    if not integral:
        return lp_value
    return float(np.floor(lp_value + 1e-7 * max(abs(lp_value), 1.0)))


def _fix_by_reduced_cost(
    rc: FloatArray,
    x: FloatArray,
    value: float,
    lower: FloatArray,
    upper: FloatArray,
    closed: Callable[[FloatArray], np.ndarray],
    integral: bool,
) -> float:
    """Fix columns whose flip provably closes the subtree; return the largest bound dropped.

    A column at 0 with reduced cost ``d <= 0`` bounds every plan of the subtree that
    places it by ``value + d`` (at 1, with ``d >= 0``, every plan that leaves it out by
    ``value - d``), rounded down when plan values are integral: when that bound is
    closed, the column is fixed. ``value`` is the node's LP value itself, not its
    rounded bound: ``floor(v) + d`` can be below ``floor(v + d)``.
    """
    flip = np.where(x < INTEGRALITY_TOL, value + rc, value - rc)
    if integral:
        flip = np.floor(flip + 1e-7 * np.maximum(np.abs(flip), 1.0))
    at_bound = (x < INTEGRALITY_TOL) | (x > 1 - INTEGRALITY_TOL)
    free = lower < upper
    fix = at_bound & free & closed(flip)
    if not fix.any():
        return -np.inf
    zero = fix & (x < INTEGRALITY_TOL)
    upper[zero] = 0.0
    lower[fix & ~zero] = 1.0
    return float(flip[fix].max())
