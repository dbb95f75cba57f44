"""The array model of the placement problem, and what a solution is.

Rows are demand units (villages, or merged groups of villages after
:mod:`analysis.optimise.model.reduce`); columns are (candidate site, point type) pairs. A column
covers the rows within the service radius of its type around its site.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.spatial import cKDTree

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class CoverageProblem:
    """Choose columns to maximise the weight of newly covered rows under the rules.

    Parameters
    ----------
    weights
        Objective weight of each row (population, rural population times the rural
        factor); rows already covered by existing points have weight 0 or are absent.
    population
        Unweighted population of each row (for reporting).
    cover
        Boolean ``(n_rows, n_columns)`` CSC matrix: column ``j`` covers row ``i``.
    column_site, column_type
        Site index and type index of each column.
    site_county
        County index of each candidate site.
    type_names, county_names
        Names behind the type and county indices.
    counts
        Exact number of new points of each type (length ``n_types``).
    minimum_new
        ``(n_counties, n_types)``: new points of each type that each county still needs
        to meet its minimum (existing points already counted).
    must_cover
        Column index arrays: at least one column of each group must be chosen (a
        township that must be covered: the columns that reach it).
    must_cover_names
        Name of each must-cover group (the township code).
    site_ids
        Identifier of each candidate site (village code or user id).
    """

    weights: FloatArray
    population: FloatArray
    cover: sp.csc_matrix
    column_site: IntArray
    column_type: IntArray
    site_county: IntArray
    type_names: tuple[str, ...]
    county_names: tuple[str, ...]
    counts: IntArray
    minimum_new: IntArray
    must_cover: tuple[IntArray, ...] = ()
    must_cover_names: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = field(default=())

    @property
    def n_rows(self) -> int:
        """Number of demand rows."""
        return int(self.cover.shape[0])

    @property
    def n_columns(self) -> int:
        """Number of (site, type) columns."""
        return int(self.cover.shape[1])

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return int(self.site_county.shape[0])

    @property
    def column_county(self) -> IntArray:
        """County index of each column."""
        return self.site_county[self.column_site]

    def covered_rows(self, columns: IntArray) -> BoolArray:
        """Rows covered by at least one of ``columns``."""
        cols = np.asarray(columns, dtype=np.int64)
        if cols.size == 0:
            return np.zeros(self.n_rows, dtype=bool)
        hits = self.cover[:, cols].sum(axis=1)
        return np.asarray(hits).ravel() > 0

    def objective(self, columns: IntArray) -> float:
        """Total weight of the rows covered by ``columns``."""
        return float(self.weights[self.covered_rows(columns)].sum())

    def covered_population(self, columns: IntArray) -> float:
        """Unweighted population of the rows covered by ``columns``."""
        return float(self.population[self.covered_rows(columns)].sum())

    def placed_by_county_type(self, columns: IntArray) -> IntArray:
        """``(n_counties, n_types)`` count of chosen columns."""
        cols = np.asarray(columns, dtype=np.int64)
        out = np.zeros((len(self.county_names), len(self.type_names)), dtype=np.int64)
        np.add.at(out, (self.column_county[cols], self.column_type[cols]), 1)
        return out

    def violations(self, columns: IntArray, *, rules: bool = True) -> list[str]:
        """Every rule the set of ``columns`` breaks (empty when it is a valid plan).

        With ``rules=False`` only the hard structure is checked (counts by type, one point
        per site): what a relaxed plan must still keep.
        """
        cols = np.asarray(columns, dtype=np.int64)
        out: list[str] = []
        sites = self.column_site[cols]
        if np.unique(sites).size != sites.size:
            out.append("more than one point on a site")
        by_type = np.bincount(self.column_type[cols], minlength=len(self.type_names))
        for t, name in enumerate(self.type_names):
            if by_type[t] != self.counts[t]:
                out.append(f"{name}: {by_type[t]} placed, {self.counts[t]} requested")
        if not rules:
            return out
        placed = self.placed_by_county_type(cols)
        short = np.argwhere(placed < self.minimum_new)
        for c, t in short:
            out.append(
                f"{self.county_names[c]}: {placed[c, t]} new {self.type_names[t]}, "
                f"needs {self.minimum_new[c, t]}"
            )
        chosen = set(cols.tolist())
        for name, group in zip(self.must_cover_names, self.must_cover, strict=True):
            if not chosen.intersection(group.tolist()):
                out.append(f"township {name} not covered")
        return out

    def unmet_minimum(self, columns: IntArray) -> IntArray:
        """``(n_counties, n_types)`` new points still missing to meet the minimums."""
        return np.maximum(self.minimum_new - self.placed_by_county_type(columns), 0)


@dataclass(frozen=True, eq=False)
class Solution:
    """A plan found by one of the solvers.

    Parameters
    ----------
    columns
        Chosen column indices.
    objective
        Weighted newly covered population.
    bound
        Proven upper bound on the objective (``inf`` when none is known).
    status
        ``"optimal"``, ``"time_limit"``, ``"cancelled"``, ``"heuristic"`` or
        ``"infeasible"``.
    method
        ``"greedy"``, ``"greedy+swap"`` or ``"highs"``.
    seconds
        Wall time of the solve.
    """

    columns: IntArray
    objective: float
    bound: float
    status: str
    method: str
    seconds: float

    @property
    def gap(self) -> float:
        """Relative gap ``(bound - objective) / bound`` (0 when proven optimal)."""
        if not np.isfinite(self.bound):
            return float("inf")
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)


def coverage_matrix(
    demand_xy_m: FloatArray,
    site_xy_m: FloatArray,
    radius_m: float | FloatArray,
) -> sp.csc_matrix:
    """Boolean ``(n_demand, n_sites)`` matrix of demand within ``radius_m`` of each site.

    Parameters
    ----------
    demand_xy_m, site_xy_m
        ``(n, 2)`` projected coordinates in metres.
    radius_m
        One radius or one per site (metres, already scaled to the projection).
    """
    n_demand, n_sites = demand_xy_m.shape[0], site_xy_m.shape[0]
    if n_demand == 0 or n_sites == 0:
        return sp.csc_matrix((n_demand, n_sites), dtype=bool)
    tree = cKDTree(demand_xy_m)
    radii = np.broadcast_to(np.asarray(radius_m, dtype=float), (n_sites,))
    hits = tree.query_ball_point(site_xy_m, r=radii)
    lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=n_sites)
    indptr = np.zeros(n_sites + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = (
        np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
        if indptr[-1]
        else np.zeros(0, dtype=np.int64)
    )
    data = np.ones(indices.size, dtype=bool)
    mat = sp.csc_matrix((data, indices, indptr), shape=(n_demand, n_sites))
    mat.sort_indices()
    return mat


def build_problem(
    *,
    demand_xy_m: FloatArray,
    weights: FloatArray,
    population: FloatArray,
    site_xy_m: FloatArray,
    site_county: IntArray,
    county_names: tuple[str, ...],
    counts: dict[str, int],
    radius_m_by_type: dict[str, float | FloatArray],
    minimum_new: IntArray | None = None,
    allowed: BoolArray | None = None,
    must_cover_rows: dict[str, IntArray] | None = None,
    site_ids: tuple[str, ...] = (),
    cover_by_type: dict[str, sp.csc_matrix] | None = None,
) -> CoverageProblem:
    """Build a :class:`CoverageProblem` from coordinates.

    Parameters
    ----------
    demand_xy_m, site_xy_m
        Projected coordinates in metres of demand rows and candidate sites.
    weights, population
        Objective weight and population per demand row (0 weight for covered rows).
    site_county
        County index of each site; ``county_names`` names them.
    counts
        Exact number of new points by type name (types with 0 are dropped).
    radius_m_by_type
        Service radius by type (scalar or one per site, metres in the projection).
    minimum_new
        ``(n_counties, n_types)`` new points each county needs (types in the order of
        ``counts``); default none.
    allowed
        ``(n_sites, n_types)``: may this site hold this type; default all.
    must_cover_rows
        Township code -> demand row indices; at least one of those rows must be covered
        by a new point.
    site_ids
        Identifiers of the sites.
    cover_by_type
        Boolean ``(n_demand, n_sites)`` reach of each type's point at each site, when the
        reach is not a radius (travel time on roads); replaces ``radius_m_by_type``.
    """
    type_names = tuple(t for t, n in counts.items() if n > 0)
    keep = [i for i, (_, n) in enumerate(counts.items()) if n > 0]
    n_sites, n_types = site_xy_m.shape[0], len(type_names)
    n_counties = len(county_names)
    allowed_arr = np.ones((n_sites, n_types), bool) if allowed is None else allowed[:, keep]
    blocks, col_site, col_type = [], [], []
    cache: dict[bytes, sp.csc_matrix] = {}
    for t, name in enumerate(type_names):
        if cover_by_type is not None:
            type_cover = cover_by_type[name]
        else:
            radius = np.broadcast_to(np.asarray(radius_m_by_type[name], float), (n_sites,))
            key = radius.tobytes()
            if key not in cache:
                cache[key] = coverage_matrix(demand_xy_m, site_xy_m, radius)
            type_cover = cache[key]
        sites = np.flatnonzero(allowed_arr[:, t])
        blocks.append(type_cover[:, sites])
        col_site.append(sites)
        col_type.append(np.full(sites.size, t, dtype=np.int64))
    cover = sp.hstack(blocks, format="csc") if blocks else sp.csc_matrix((len(weights), 0))
    column_site = np.concatenate(col_site) if col_site else np.zeros(0, np.int64)
    column_type = np.concatenate(col_type) if col_type else np.zeros(0, np.int64)
    minimum = (
        np.zeros((n_counties, n_types), np.int64)
        if minimum_new is None
        else np.asarray(minimum_new, np.int64)[:, keep]
    )
    groups: list[IntArray] = []
    names: list[str] = []
    cover_csr = cover.tocsr()
    for name, rows in (must_cover_rows or {}).items():
        cols = np.unique(cover_csr[np.asarray(rows, np.int64)].indices).astype(np.int64)
        groups.append(cols)
        names.append(name)
    return CoverageProblem(
        weights=np.asarray(weights, float),
        population=np.asarray(population, float),
        cover=cover.astype(bool).tocsc(),
        column_site=column_site.astype(np.int64),
        column_type=column_type,
        site_county=np.asarray(site_county, np.int64),
        type_names=type_names,
        county_names=tuple(county_names),
        counts=np.array([counts[t] for t in type_names], dtype=np.int64),
        minimum_new=minimum,
        must_cover=tuple(groups),
        must_cover_names=tuple(names),
        site_ids=tuple(site_ids),
    )


def stack_group_rows(
    problem: CoverageProblem, groups: sp.csr_matrix, weights: FloatArray
) -> CoverageProblem:
    """Add one row per group of rows, covered by a column when it covers any of them.

    A township row (a township reached by a new point) is the group of its demand rows;
    stacked under them with its own weight, the same machinery (reduction, column
    generation, branch and bound) optimises "townships reached" as it does population.
    The new rows have no population (they count places, not people).

    Parameters
    ----------
    problem
        The problem (its rows are the members of the groups).
    groups
        Boolean ``(n_groups, n_rows)`` matrix: row ``i`` belongs to group ``g``.
    weights
        Objective weight of each group row.
    """
    member = sp.csr_matrix(groups, dtype=np.float64)
    reach = (member @ problem.cover.astype(np.float64)).tocsc()
    reach.data[:] = 1.0
    cover = sp.vstack([problem.cover.astype(bool), reach.astype(bool)], format="csc")
    cover.sort_indices()
    n = member.shape[0]
    return replace(
        problem,
        weights=np.concatenate([problem.weights, np.asarray(weights, float)]),
        population=np.concatenate([problem.population, np.zeros(n)]),
        cover=cover,
    )
