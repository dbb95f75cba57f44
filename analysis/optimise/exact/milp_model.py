"""The MILP of :mod:`analysis.optimise.exact.milp` as arrays, and HiGHS models built from it.

Columns: ``x`` (one per problem column), ``y`` (one per demand row), and in relaxed mode
``z`` (one per soft rule). Rows: coverage, one point per site, exact counts by type,
county minimums, must-cover townships (see :mod:`analysis.optimise.exact.milp`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from analysis.optimise.exact.budget import MILP_SETUP_CPU_PER_NNZ, MILP_SHARE, Budget
from analysis.optimise.model.problem import CoverageProblem, FloatArray, IntArray
from analysis.optimise.solverlog import new_highs


@dataclass(frozen=True, eq=False)
class MilpArrays:
    """The full MILP in column-wise arrays.

    Parameters
    ----------
    a
        Constraint matrix (CSC), columns ``[x | y | z]``.
    cost, col_lower, col_upper, row_lower, row_upper
        Objective (maximised) and bounds.
    n_x
        Number of ``x`` columns (the first ones).
    soft_rules
        Per soft rule (county minimum or must-cover), the ``x`` columns it counts and
        the requirement.
    big_m
        Objective weight of a met unit of a soft rule (relaxed mode; 0 when the number
        of met units is fixed by a constraint instead).
    """

    a: sp.csc_matrix
    cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    n_x: int
    soft_rules: tuple[tuple[IntArray, int], ...]
    big_m: float
    relaxed: bool


def build_arrays(
    problem: CoverageProblem,
    relaxed: bool,
    *,
    met_units: int | None = None,
    coverage: bool = True,
) -> MilpArrays:
    """Assemble the MILP of ``problem`` (strict, or relaxed with soft rules).

    Parameters
    ----------
    problem
        The problem.
    relaxed
        Soft county minimums and must-cover townships (``z`` columns).
    met_units
        Relaxed mode: require ``sum z >= met_units`` (lexicographic: first as many met
        units as possible, found by :func:`max_met_units`, then coverage). ``None``
        weights each met unit above all the population instead (big M).
    coverage
        ``False`` zeroes the population weights (to count met units only).
    """
    n, m = problem.n_columns, problem.n_rows
    big_m = float(problem.weights.sum()) + 1.0
    if met_units is not None or not coverage:
        big_m = 0.0 if coverage else 1.0
    col_county = problem.column_county
    soft: list[tuple[IntArray, int]] = []
    for k, t in np.argwhere(problem.minimum_new > 0):
        cols = np.flatnonzero((col_county == k) & (problem.column_type == t))
        soft.append((cols, int(problem.minimum_new[k, t])))
    soft += [(g, 1) for g in problem.must_cover]
    nz = len(soft) if relaxed else 0
    ncol = n + m + nz
    cov = sp.hstack(
        [-problem.cover.astype(float), sp.identity(m, format="csr"), sp.csr_matrix((m, nz))]
    )
    multi = np.flatnonzero(np.bincount(problem.column_site, minlength=problem.n_sites) > 1)
    site_rows = sp.csr_matrix(
        (np.ones(n), (problem.column_site, np.arange(n))), shape=(problem.n_sites, ncol)
    )[multi]
    n_types = len(problem.type_names)
    type_rows = sp.csr_matrix(
        (np.ones(n), (problem.column_type, np.arange(n))), shape=(n_types, ncol)
    )
    empty = np.zeros(0, dtype=np.int64)
    r_idx = np.concatenate([empty, *(np.full(c.size, s) for s, (c, _) in enumerate(soft))])
    c_idx = np.concatenate([empty, *(c for c, _ in soft)])
    soft_rows = sp.csr_matrix(
        (np.ones(r_idx.size), (r_idx.astype(np.int64), c_idx.astype(np.int64))),
        shape=(len(soft), ncol),
    ).tolil()
    if relaxed:
        for s in range(nz):
            soft_rows[s, n + m + s] = -1.0
    blocks = [cov, site_rows, type_rows, soft_rows.tocsr()]
    extra_lower = np.zeros(0)
    if relaxed and met_units is not None:
        met_row = sp.csr_matrix(
            (np.ones(nz), (np.zeros(nz, np.int64), np.arange(n + m, ncol))), shape=(1, ncol)
        )
        blocks.append(met_row)
        extra_lower = np.array([float(met_units)])
    a = sp.vstack(blocks).tocsc()
    a.sort_indices()
    need = np.array([r for _, r in soft], dtype=float)
    counts = problem.counts.astype(float)
    return MilpArrays(
        a=a,
        cost=np.concatenate([np.zeros(n), problem.weights * float(coverage), np.full(nz, big_m)]),
        col_lower=np.zeros(ncol),
        col_upper=np.concatenate([np.ones(n + m), need[:nz]]),
        row_lower=np.concatenate(
            [
                np.full(m + multi.size, -np.inf),
                counts,
                np.zeros(len(soft)) if relaxed else need,
                extra_lower,
            ]
        ),
        row_upper=np.concatenate(
            [
                np.zeros(m),
                np.ones(multi.size),
                counts,
                np.full(len(soft) + extra_lower.size, np.inf),
            ]
        ),
        n_x=n,
        soft_rules=tuple(soft),
        big_m=big_m,
        relaxed=relaxed,
    )


def to_lp(arrays: MilpArrays, x_columns: IntArray, integral: bool) -> highspy.HighsLp:
    """HiGHS model over the ``x`` columns ``x_columns`` (all ``y``, ``z`` columns kept)."""
    keep = np.concatenate(
        [np.asarray(x_columns, np.int64), np.arange(arrays.n_x, arrays.a.shape[1])]
    )
    a = arrays.a[:, keep]
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = int(keep.size)
    lp.num_row_ = int(a.shape[0])
    lp.col_cost_ = arrays.cost[keep]
    lp.col_lower_ = arrays.col_lower[keep]
    lp.col_upper_ = arrays.col_upper[keep]
    lp.row_lower_ = arrays.row_lower
    lp.row_upper_ = arrays.row_upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    if integral:
        n_sel = int(np.asarray(x_columns).size)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_sel + [
            highspy.HighsVarType.kContinuous
        ] * (keep.size - n_sel)
    return lp


def met_units_of(arrays: MilpArrays, n_columns: int, columns: IntArray) -> int:
    """Units of the soft rules a plan meets (``sum min(placed, requirement)``)."""
    chosen = np.zeros(n_columns, dtype=bool)
    chosen[np.asarray(columns, np.int64)] = True
    return int(sum(min(int(chosen[c].sum()), need) for c, need in arrays.soft_rules))


def max_met_units(
    problem: CoverageProblem,
    time_limit_s: float = 10.0,
    *,
    budget: Budget | None = None,
    plan: IntArray | None = None,
) -> int | None:
    """Most units of the soft rules any plan can meet (``None`` if HiGHS cannot tell).

    ``budget`` (time left and cancel of the calling solve) replaces ``time_limit_s``. A
    proven answer is remembered for the problem object (the preview and the exact solve
    of one request ask the same question; with must-cover townships it is a MILP over
    every column, 1-3 s on the demo city, 4 s on the dense generated city under load).
    ``plan``: a plan known to keep the counts; when it meets the county minimums' most
    (the small count model) plus every must-cover township, that is the answer and the
    MILP over every column is not needed.
    """
    if problem in _MET_UNITS:
        return _MET_UNITS[problem]
    arrays = build_arrays(problem, True, coverage=False)
    if not arrays.soft_rules:
        return 0
    budget = budget if budget is not None else Budget(time_limit_s)
    small = len(problem.type_names) <= MAX_COUNT_MODEL_TYPES
    if small and (not problem.must_cover or plan is not None):
        # only counts by county and type matter, and which counts a county can hold is
        # Hall's condition on its sites: a model over those counts is exact (HiGHS needs
        # ~0.2 s on the 6,000 binaries of the demo city, milliseconds on the counts)
        counted = _run_max(_county_count_model(problem), budget)
        county = None if counted is None else counted[0]
        reached = -1 if plan is None else met_units_of(arrays, problem.n_columns, plan)
        if county is None or not problem.must_cover:
            met = county
        elif reached >= county + len(problem.must_cover):
            met = reached  # the plan reaches an upper bound
        else:
            met = _max_over_columns(problem, arrays, budget)
    else:
        met = _max_over_columns(problem, arrays, budget)
    if met is not None:
        _MET_UNITS[problem] = met
    return met


def met_units_plan(problem: CoverageProblem, budget: Budget) -> IntArray | None:
    """A plan meeting the most soft-rule units any plan can (``None`` if HiGHS cannot tell).

    The met-units MILP over every column (its coverage is whatever HiGHS found first);
    remembered, so when :func:`max_met_units` had to solve that MILP this costs nothing.
    """
    if problem not in _MET_PLANS:
        met = _max_over_columns(problem, build_arrays(problem, True, coverage=False), budget)
        if met is None:
            return None
        _MET_UNITS[problem] = met
    return _MET_PLANS[problem]


def _max_over_columns(problem: CoverageProblem, arrays: MilpArrays, budget: Budget) -> int | None:
    """The met-units MILP over every column; remembers its plan. ``None`` also when the
    time left cannot hold HiGHS' setup of so large a model (:meth:`Budget.fits`)."""
    if not budget.fits(MILP_SETUP_CPU_PER_NNZ * arrays.a.nnz):
        return None
    out = _run_max(to_lp(arrays, np.arange(problem.n_columns), integral=True), budget)
    if out is None:
        return None
    value, x = out
    _MET_PLANS[problem] = np.flatnonzero(x[: problem.n_columns] > 0.5).astype(np.int64)
    return value


def _run_max(lp: highspy.HighsLp, budget: Budget) -> tuple[int, FloatArray] | None:
    """Optimal value of a met-units model, rounded, and its column values (``None`` if
    HiGHS did not prove it)."""
    h = new_highs()
    h.passModel(lp)
    if budget.stopped():  # the model took the time left to build
        return None
    if not budget.run(h, share=MILP_SHARE):  # stopped, and HiGHS did not poll: left behind
        return None
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    return round(h.getInfo().objective_function_value), x


#: Proven answers of :func:`max_met_units` by problem (problems compare by identity).
_MET_UNITS: weakref.WeakKeyDictionary[CoverageProblem, int] = weakref.WeakKeyDictionary()
#: The plans of the met-units MILPs over every column solved so far (see
#: :func:`met_units_plan`).
_MET_PLANS: weakref.WeakKeyDictionary[CoverageProblem, IntArray] = weakref.WeakKeyDictionary()


#: Above this many types the Hall rows of :func:`_county_count_model` (one per subset of
#: types and county) would outnumber the binaries they replace.
MAX_COUNT_MODEL_TYPES = 8


def _county_count_model(problem: CoverageProblem) -> highspy.HighsLp:
    """Met units as a model over ``n[k, t]`` (points per county and type) and ``z[k, t]``.

    ``sum_k n[k, t] = counts[t]``; for every county ``k`` and set of types ``S``,
    ``sum_{t in S} n[k, t] <= `` the sites of ``k`` that may take a type of ``S`` (Hall's
    condition: exactly the counts that distinct sites can hold when the site rules let
    each site take only some types); ``z <= n``, ``z <= minimum``; maximise ``sum z``.
    """
    n_k, n_t = problem.minimum_new.shape
    takes = np.zeros((problem.n_sites, n_t), dtype=bool)
    takes[problem.column_site, problem.column_type] = True
    subsets = [
        np.array([(mask >> t) & 1 for t in range(n_t)], dtype=bool) for mask in range(1, 2**n_t)
    ]
    kt = np.arange(n_k * n_t)
    t_of = kt % n_t
    nkt = n_k * n_t
    hall_r: list[int] = []
    hall_c: list[int] = []
    hall_cap: list[float] = []
    for k in range(n_k):
        mine = takes[problem.site_county == k]
        for sub in subsets:
            row = len(hall_cap)
            hall_cap.append(float(np.count_nonzero(mine[:, sub].any(axis=1))))
            hall_r += [row] * int(sub.sum())
            hall_c += (k * n_t + np.flatnonzero(sub)).tolist()
    n_hall = len(hall_cap)
    rows = sp.vstack(
        [
            sp.csr_matrix((np.ones(nkt), (t_of, kt)), shape=(n_t, 2 * nkt)),
            sp.csr_matrix((np.ones(len(hall_r)), (hall_r, hall_c)), shape=(n_hall, 2 * nkt)),
            sp.hstack([-sp.identity(nkt), sp.identity(nkt)]),
        ]
    ).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2 * nkt, int(rows.shape[0])
    lp.col_cost_ = np.concatenate([np.zeros(nkt), np.ones(nkt)])
    lp.col_lower_ = np.zeros(2 * nkt)
    lp.col_upper_ = np.concatenate(
        [np.full(nkt, float(problem.n_sites)), problem.minimum_new.ravel().astype(float)]
    )
    counts = problem.counts.astype(float)
    lp.row_lower_ = np.concatenate([counts, np.full(n_hall + nkt, -np.inf)])
    lp.row_upper_ = np.concatenate([counts, np.asarray(hall_cap), np.zeros(nkt)])
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = rows.indptr.astype(np.int32)
    lp.a_matrix_.index_ = rows.indices.astype(np.int32)
    lp.a_matrix_.value_ = rows.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * nkt + [
        highspy.HighsVarType.kContinuous
    ] * nkt
    return lp


def combined_objective(problem: CoverageProblem, arrays: MilpArrays, columns: IntArray) -> float:
    """Objective of a plan in the MILP's terms (plus ``big_m`` per met unit if relaxed)."""
    value = problem.objective(columns)
    if arrays.relaxed and arrays.big_m:
        value += arrays.big_m * met_units_of(arrays, problem.n_columns, columns)
    return value
