"""Seeded cities of other shapes for the optimiser's request family (``bench.optimise --family``).

The demo city is one shape: eight counties around a dense core. The family also solves
requests on two generated cities, built straight as the optimiser's array model
(:class:`~analysis.optimise.model.problem.CoverageProblem`, through the same
``build_problem``, township rows and objective weights as a real city), so no geometry,
GeoPackage or coverage run is needed and the committed demo city stays as it is:

* ``valley``: a long valley city, 160 km x 24 km, villages strung along a meandering valley
  floor, four county towns on it, six counties in a row;
* ``plain``: a compact plain city, 64 km x 64 km, a dense core and ~3,000 small villages
  spread evenly, nine counties in a 3 x 3 grid.

Radii, county minimums (2 rural, 1 enterprise, existing points counted) and the site rules
(rural points only in rural villages, urban community points only in urban ones) follow
the standards' defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from analysis.optimise.model.objective import RowBases, objective_weights
from analysis.optimise.model.problem import CoverageProblem, build_problem, stack_group_rows

RADIUS_M = {
    "rural": 10_000.0,
    "enterprise": 5_000.0,
    "association": 5_000.0,
    "urban_community": 3_000.0,
}
MINIMUMS = {"rural": 2, "enterprise": 1}


@dataclass(frozen=True, eq=False)
class ArrayCity:
    """A generated city as arrays (metres).

    Parameters
    ----------
    name
        ``"valley"`` or ``"plain"``.
    xy, population, rural
        Villages: position, people, whether the village is rural.
    township, county
        Township and county index of each village.
    n_townships, n_counties
        Counts.
    existing_xy, existing_type, existing_county
        Existing contact points (at villages).
    """

    name: str
    xy: np.ndarray
    population: np.ndarray
    rural: np.ndarray
    township: np.ndarray
    county: np.ndarray
    n_townships: int
    n_counties: int
    existing_xy: np.ndarray
    existing_type: tuple[str, ...]
    existing_county: np.ndarray


def valley_city(seed: int = 1) -> ArrayCity:
    """The long valley city (see the module docstring)."""
    rng = np.random.default_rng(seed)
    length, n = 160_000.0, 2_400
    x = rng.uniform(0, length, n)
    floor = 12_000 + 6_000 * np.sin(x / 17_000) + 2_000 * np.sin(x / 5_300)
    y = floor + rng.normal(0, 2_500, n)
    towns = np.array([18_000, 62_000, 105_000, 143_000])
    t_xy = np.column_stack([towns, 12_000 + 6_000 * np.sin(towns / 17_000)])
    urban_n = 90
    u = np.vstack([t + rng.normal(0, 1_200, (urban_n, 2)) for t in t_xy])
    xy = np.vstack([np.column_stack([x, y]), u])
    rural = np.concatenate([np.ones(n, bool), np.zeros(len(u), bool)])
    pop = np.where(rural, rng.lognormal(6.3, 0.7, len(xy)), rng.lognormal(8.2, 0.5, len(xy)))
    county = np.minimum((xy[:, 0] / (length / 6)).astype(np.int64), 5)
    township = np.minimum((xy[:, 0] / 8_000).astype(np.int64), 19)
    return _with_points(rng, "valley", xy, np.round(pop), rural, township, county, 6, 20)


def plain_city(seed: int = 2) -> ArrayCity:
    """The compact plain city (see the module docstring)."""
    rng = np.random.default_rng(seed)
    side, n = 64_000.0, 3_000
    xy_r = rng.uniform(0, side, (n, 2))
    core = np.array([side / 2, side / 2]) + rng.normal(0, 2_500, (260, 2))
    xy = np.vstack([xy_r, core])
    rural = np.concatenate([np.ones(n, bool), np.zeros(len(core), bool)])
    pop = np.where(rural, rng.lognormal(5.8, 0.8, len(xy)), rng.lognormal(8.0, 0.6, len(xy)))
    cell = np.clip((xy / (side / 3)).astype(np.int64), 0, 2)
    county = cell[:, 0] * 3 + cell[:, 1]
    tcell = np.clip((xy / (side / 12)).astype(np.int64), 0, 11)
    township = tcell[:, 0] * 12 + tcell[:, 1]
    return _with_points(rng, "plain", xy, np.round(pop), rural, township, county, 9, 144)


def _with_points(
    rng: np.random.Generator,
    name: str,
    xy: np.ndarray,
    pop: np.ndarray,
    rural: np.ndarray,
    township: np.ndarray,
    county: np.ndarray,
    n_counties: int,
    n_townships: int,
) -> ArrayCity:
    """Add one or two existing points per county (a rural one in every other county)."""
    e_xy, e_type, e_county = [], [], []
    for k in range(n_counties):
        mine = np.flatnonzero(county == k)
        big = mine[np.argsort(-pop[mine])][:3]
        e_xy.append(xy[big[0]])
        e_type.append("enterprise" if k % 3 == 0 else "association")
        e_county.append(k)
        r = mine[rural[mine]]
        if k % 2 == 0 and r.size:
            e_xy.append(xy[rng.choice(r)])
            e_type.append("rural")
            e_county.append(k)
    return ArrayCity(
        name, xy, pop, rural, township, county, n_townships, n_counties,
        np.array(e_xy), tuple(e_type), np.array(e_county, np.int64),
    )  # fmt: skip


def city_problem(
    city: ArrayCity,
    counts: dict[str, int],
    *,
    objective: str = "balanced",
    rural_weight: float = 1.0,
    must_cover: tuple[int, ...] = (),
    excluded: tuple[int, ...] = (),
    site_rules: bool = True,
    reach: str = "radius",
) -> CoverageProblem:
    """The optimiser's model of a request on a generated city.

    Parameters
    ----------
    city
        The city.
    counts
        New points by type (keys of :data:`RADIUS_M`).
    objective, rural_weight
        As :class:`~analysis.optimise.model.request.ProposalRequest`.
    must_cover, excluded
        Township indices that must be reached / whose villages may not take a point.
    site_rules
        Rural points only in rural villages, urban community points only in urban ones.
    reach
        ``"radius"`` only: road reach (issue #13) has no array model here yet.
    """
    if reach != "radius":
        raise NotImplementedError("road reach needs the road network of issue #13")
    covered = np.zeros(len(city.xy), bool)
    for p, t in zip(city.existing_xy, city.existing_type, strict=True):
        covered |= np.hypot(*(city.xy - p).T) <= RADIUS_M[t]
    new_pop = np.where(covered, 0.0, city.population)
    sites = np.flatnonzero(~np.isin(city.township, excluded))
    types = [t for t in counts if counts[t] > 0]
    allowed = np.ones((sites.size, len(types)), bool)
    if site_rules:
        for i, t in enumerate(types):
            if t == "rural":
                allowed[:, i] = city.rural[sites]
            elif t == "urban_community":
                allowed[:, i] = ~city.rural[sites]
    existing = np.zeros((city.n_counties, len(types)), np.int64)
    for t, k in zip(city.existing_type, city.existing_county, strict=True):
        if t in types:
            existing[k, types.index(t)] += 1
    minimum = np.zeros((city.n_counties, len(types)), np.int64)
    for i, t in enumerate(types):
        minimum[:, i] = np.maximum(MINIMUMS.get(t, 0) - existing[:, i], 0)
    must = {
        f"T{g}": np.flatnonzero((city.township == g) & (city.population > 0)) for g in must_cover
    }
    problem = build_problem(
        demand_xy_m=city.xy,
        weights=new_pop,
        population=new_pop,
        site_xy_m=city.xy[sites],
        site_county=city.county[sites],
        county_names=tuple(f"C{k}" for k in range(city.n_counties)),
        counts={t: counts[t] for t in types},
        radius_m_by_type={t: RADIUS_M[t] for t in types},
        minimum_new=minimum,
        allowed=allowed,
        must_cover_rows=must,
    )
    blind = [
        g for g in range(city.n_townships)
        if city.population[city.township == g].sum() > 0 and not covered[city.township == g].any()
    ]  # fmt: skip
    members = np.isin(city.township, blind) & (city.population > 0)
    rows = np.flatnonzero(members)
    g_index = {g: i for i, g in enumerate(blind)}
    groups = sp.csr_matrix(
        (np.ones(rows.size), ([g_index[int(city.township[r])] for r in rows], rows)),
        shape=(len(blind), len(city.xy)),
    )
    rural_new = np.where(city.rural & ~covered, city.population, 0.0)
    bases = RowBases(
        population=np.concatenate([new_pop, np.zeros(len(blind))]),
        rural=np.concatenate([rural_new, np.zeros(len(blind))]),
        township=np.concatenate([np.zeros(len(city.xy)), np.ones(len(blind))]),
        population_total=float(city.population.sum()),
        rural_total=float(city.population[city.rural].sum()),
        townships_total=int(
            sum(city.population[city.township == g].sum() > 0 for g in range(city.n_townships))
        ),
    )
    problem = stack_group_rows(problem, groups, np.zeros(len(blind)))
    return replace(problem, weights=objective_weights(bases, objective, rural_weight))
