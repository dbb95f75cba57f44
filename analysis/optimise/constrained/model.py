"""The capacitated maximal-covering MILP with township minimums, as HiGHS arrays.

Columns ``[x | y | z | u]``: binary ``x[j]`` per (site, type) column; ``y``; the ``z`` of the
soft county rules in relaxed mode (as in :mod:`analysis.optimise.exact.milp_model`, whose
rule rows are reused); ``u[t]`` the shortfall of township ``t`` against its minimum, in
people. Rows (demand rows merged where that is exact, see :func:`merge_rows`):

* with capacities, ``y[i, j]`` in [0, 1] is the share of row ``i``'s unserved people that
  column ``j`` serves: ``sum_j y[i, j] <= 1``; ``y[i, j] <= x[j]``;
  ``sum_i pop[i] y[i, j] <= cap_people(j) x[j]``; ``sum_i villages[i] y[i, j] <=
  cap_sites x[j]``; objective ``sum w[i] y[i, j]`` (people beyond a capacity count as
  unserved);
* without capacities (township minimum only) the plain covering rows
  ``y[i] <= sum_j a[i, j] x[j]``;
* township rows (a blind-spot township reached, no people) are plain covering rows in both;
* township minimum: ``sum over t's rows of pop[i] y + u[t] >= need[t]``; ``u`` is fixed
  at 0 (``mode="hard"``), minimised (``"min"``), or its sum capped (``"cap"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import scipy.sparse as sp

from analysis.optimise.exact.milp_model import build_arrays
from analysis.optimise.model.problem import CoverageProblem, FloatArray, IntArray

Mode = Literal["hard", "min", "cap"]


@dataclass(frozen=True, eq=False)
class TownshipNeed:
    """A township below its minimum before the plan.

    Parameters
    ----------
    code, name, county
        The township.
    population
        Its people.
    before
        People covered (served, with capacities) before the plan.
    required
        People the minimum asks for (``share * population``).
    rows
        Its demand rows in the problem.
    """

    code: str
    name: str
    county: str
    population: float
    before: float
    required: float
    rows: IntArray

    @property
    def need(self) -> float:
        """People the plan must add."""
        return max(self.required - self.before, 0.0)


@dataclass(frozen=True, eq=False)
class ConstrainedInput:
    """The problem with unserved people as population, and the constraints per column.

    Parameters
    ----------
    problem
        Rows: demand rows (``population`` = people not yet served, ``weights`` their
        objective weight) then blind-spot township rows (no people).
    capacity
        People each column can serve (``inf`` = unlimited).
    sites_cap
        Villages a point can serve (``inf`` = unlimited).
    villages
        Village-equivalents of each row's unserved people (0 on township rows).
    townships
        Townships below the minimum (``need > 0``).
    capacitated
        Capacities are on (assignment ``y[i, j]``); else plain covering.
    """

    problem: CoverageProblem
    capacity: FloatArray
    sites_cap: float
    villages: FloatArray
    townships: tuple[TownshipNeed, ...]
    capacitated: bool


@dataclass(frozen=True, eq=False)
class ConstrainedMilp:
    """The assembled model (maximised) and how to read a solution back.

    ``y_row``/``y_col`` give each ``y`` its (merged) row and column (-1 on plain rows);
    ``row_people``/``row_town`` the merged rows' people and township (-1 none).
    """

    a: sp.csc_matrix
    cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    n_x: int
    y_row: IntArray
    y_col: IntArray
    row_people: FloatArray
    row_town: IntArray
    n_z: int
    n_u: int

    @property
    def u_start(self) -> int:
        """Index of the first shortfall column."""
        return self.n_x + self.y_row.size + self.n_z

    def to_highs(self, fixed: IntArray | None = None) -> highspy.HighsLp:
        """HiGHS model; ``fixed`` (chosen columns) fixes every ``x`` and drops integrality."""
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = int(self.a.shape[1]), int(self.a.shape[0])
        lower, upper = self.col_lower.copy(), self.col_upper.copy()
        if fixed is not None:
            on = np.zeros(self.n_x)
            on[np.asarray(fixed, np.int64)] = 1.0
            lower[: self.n_x] = upper[: self.n_x] = on
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.cost, lower, upper
        lp.row_lower_, lp.row_upper_ = self.row_lower, self.row_upper
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.a.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.a.data.astype(float)
        if fixed is None:
            n_other = lp.num_col_ - self.n_x
            lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n_x + [
                highspy.HighsVarType.kContinuous
            ] * n_other
        return lp

    def served(self, values: FloatArray) -> tuple[FloatArray, FloatArray]:
        """People served per merged row and per ``x`` column by a solution's values."""
        y = np.asarray(values[self.n_x : self.n_x + self.y_row.size], float).clip(0, 1)
        people = self.row_people[self.y_row] * y
        by_row = np.bincount(self.y_row, weights=people, minlength=self.row_people.size)
        cols = self.y_col >= 0
        by_col = np.bincount(self.y_col[cols], weights=people[cols], minlength=self.n_x)
        return by_row.astype(float), by_col.astype(float)


def merge_rows(
    inp: ConstrainedInput,
) -> tuple[sp.csr_matrix, FloatArray, FloatArray, FloatArray, IntArray]:
    """Rows that matter, merged where exact: cover, weights, people, villages, township.

    Rows with nobody left to serve and no weight, or that no column reaches, are dropped.
    Rows merge when the same columns reach them, they lie in the same township (with a
    minimum) and, with capacities, a person weighs the same in both (a capacity prefers
    heavier people); with a collection-site capacity rows never merge (a site serves
    one village, whatever its size).
    """
    p = inp.problem
    csr = p.cover.tocsr()
    csr.sort_indices()
    town = np.full(p.n_rows, -1, np.int64)
    for t, need in enumerate(inp.townships):
        town[need.rows] = t
    reach = np.diff(csr.indptr)
    keep = np.flatnonzero(((p.weights > 0) | (town >= 0)) & (reach > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p.population > 0, np.round(p.weights / p.population, 9), -1.0)
    no_merge = np.isfinite(inp.sites_cap) and inp.capacitated
    keys: dict[bytes, int] = {}
    group = np.empty(keep.size, np.int64)
    for k, i in enumerate(keep):
        extra = np.array(
            [town[i], i if no_merge or p.population[i] <= 0 else -1], np.int64
        ).tobytes()
        if inp.capacitated:
            extra += ratio[i : i + 1].tobytes()
        key = csr.indices[csr.indptr[i] : csr.indptr[i + 1]].tobytes() + b"|" + extra
        group[k] = keys.setdefault(key, len(keys))
    n = len(keys)
    first = np.full(n, -1, np.int64)
    first[group[::-1]] = keep[::-1]

    def _sum(values: FloatArray) -> FloatArray:
        return np.bincount(group, weights=values[keep], minlength=n).astype(float)

    cover = csr[first] if n else sp.csr_matrix((0, p.n_columns), dtype=bool)
    return cover, _sum(p.weights), _sum(p.population), _sum(inp.villages), town[first]


def build_milp(
    inp: ConstrainedInput, *, relaxed: bool = False, met_units: int | None = None,
    mode: Mode = "hard", shortfall_cap: float = 0.0, rules: bool = True,
) -> ConstrainedMilp:  # fmt: skip
    """Assemble the model (see the module docstring).

    Parameters
    ----------
    inp
        The constrained problem.
    relaxed, met_units
        County rules soft, at least ``met_units`` of them met (as the exact solver does).
    mode, shortfall_cap
        Township shortfall ``u``: 0 (``"hard"``), minimised (``"min"``, coverage not
        counted) or ``sum u <= shortfall_cap`` (``"cap"``).
    rules
        ``False`` leaves out the rules rows (counts, sites, county minimums): to evaluate
        a fixed plan.
    """
    p = inp.problem
    n = p.n_columns
    cover, w, people, villages, town = merge_rows(inp)
    m = cover.shape[0]
    pair = inp.capacitated & (people > 0)
    coo = cover.tocoo()
    on_pair = pair[coo.row]
    y_row = np.concatenate([coo.row[on_pair], np.flatnonzero(~pair)]).astype(np.int64)
    y_col = np.concatenate([coo.col[on_pair], np.full(int((~pair).sum()), -1)]).astype(np.int64)
    n_y, n_t = y_row.size, len(inp.townships)
    arrays = build_arrays(p, relaxed and rules, met_units=met_units if relaxed else None)
    rule_rows = arrays.a.tocsr()[p.n_rows :] if rules else sp.csr_matrix((0, arrays.a.shape[1]))
    z_cols = np.arange(arrays.n_x + p.n_rows, arrays.a.shape[1])
    n_z = z_cols.size
    ncol = n + n_y + n_z + n_t
    yi = n + np.arange(n_y)
    blocks: list[sp.csr_matrix] = []
    lower: list[FloatArray] = []
    upper: list[FloatArray] = []

    def add(
        r: IntArray, c: IntArray, v: FloatArray, n_rows: int, lo: FloatArray, up: FloatArray
    ) -> None:
        blocks.append(sp.csr_matrix((v, (r, c)), shape=(n_rows, ncol)))
        lower.append(lo)
        upper.append(up)

    plain = np.flatnonzero(~pair)  # y[i] <= sum_j a[i, j] x[j]
    sub = cover[plain].tocoo()
    y_of_plain = yi[np.count_nonzero(on_pair) + np.arange(plain.size)]
    add(
        np.concatenate([np.arange(plain.size), sub.row]),
        np.concatenate([y_of_plain, sub.col]),
        np.concatenate([np.ones(plain.size), -np.ones(sub.row.size)]),
        plain.size, np.full(plain.size, -np.inf), np.zeros(plain.size),
    )  # fmt: skip
    k = np.flatnonzero(y_col >= 0)
    if k.size:
        rows_multi = np.flatnonzero(np.bincount(y_row[k], minlength=m) > 1)
        index = np.full(m, -1, np.int64)
        index[rows_multi] = np.arange(rows_multi.size)
        on = index[y_row[k]] >= 0
        add(index[y_row[k]][on], yi[k][on], np.ones(int(on.sum())), rows_multi.size,
            np.full(rows_multi.size, -np.inf), np.ones(rows_multi.size))  # fmt: skip
        add(np.concatenate([np.arange(k.size)] * 2), np.concatenate([yi[k], y_col[k]]),
            np.concatenate([np.ones(k.size), -np.ones(k.size)]), k.size,
            np.full(k.size, -np.inf), np.zeros(k.size))  # fmt: skip
        for load, cap in ((people, inp.capacity), (villages, np.full(n, inp.sites_cap))):
            total = np.bincount(y_col[k], weights=load[y_row[k]], minlength=n)
            binds = np.flatnonzero(np.isfinite(cap) & (total > cap))
            at = np.full(n, -1, np.int64)
            at[binds] = np.arange(binds.size)
            on = at[y_col[k]] >= 0
            add(np.concatenate([at[y_col[k]][on], np.arange(binds.size)]),
                np.concatenate([yi[k][on], binds]),
                np.concatenate([load[y_row[k]][on], -cap[binds]]), binds.size,
                np.full(binds.size, -np.inf), np.zeros(binds.size))  # fmt: skip
    in_town = town[y_row] >= 0
    need = np.array([t.need for t in inp.townships], float)
    add(np.concatenate([town[y_row][in_town], np.arange(n_t)]),
        np.concatenate([yi[in_town], n + n_y + n_z + np.arange(n_t)]),
        np.concatenate([people[y_row][in_town], np.ones(n_t)]),
        n_t, need, np.full(n_t, np.inf))  # fmt: skip
    if mode == "cap" and n_t:
        add(np.zeros(n_t, np.int64), n + n_y + n_z + np.arange(n_t), np.ones(n_t), 1,
            np.array([-np.inf]), np.array([shortfall_cap]))  # fmt: skip
    n_r = rule_rows.shape[0]
    blocks.append(
        sp.hstack([rule_rows[:, :n], sp.csr_matrix((n_r, n_y)), rule_rows[:, z_cols],
                   sp.csr_matrix((n_r, n_t))]).tocsr()
    )  # fmt: skip
    lower.append(arrays.row_lower[p.n_rows :][:n_r])
    upper.append(arrays.row_upper[p.n_rows :][:n_r])
    a = sp.vstack(blocks).tocsc()
    a.sort_indices()
    y_cost = np.zeros(n_y) if mode == "min" else w[y_row]
    u_cost = -np.ones(n_t) if mode == "min" else np.zeros(n_t)
    z_cost = np.zeros(n_z) if mode == "min" else arrays.cost[z_cols]
    u_upper = np.zeros(n_t) if mode == "hard" else need
    return ConstrainedMilp(
        a=a,
        cost=np.concatenate([np.zeros(n), y_cost, z_cost, u_cost]),
        col_lower=np.zeros(ncol),
        col_upper=np.concatenate([np.ones(n + n_y), arrays.col_upper[z_cols], u_upper]),
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        n_x=n,
        y_row=y_row,
        y_col=y_col,
        row_people=people,
        row_town=town,
        n_z=n_z,
        n_u=n_t,
    )
