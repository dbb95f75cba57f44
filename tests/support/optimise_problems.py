"""Seeded random optimiser problems on plain arrays (no city, no GeoDataFrame).

Imported by ``tests/test_optimise_core.py``, ``tests/test_optimise_properties.py``,
``tests/test_optimise_branch.py`` and ``tests/test_optimise_preview.py``.
"""

from __future__ import annotations

import numpy as np

from analysis.optimise.model.problem import CoverageProblem, build_problem


def random_problem(
    seed: int,
    n_demand: int = 60,
    n_sites: int = 12,
    counts: dict[str, int] | None = None,
    minimum: bool = True,
    must_cover: int = 0,
) -> CoverageProblem:
    """Random instance on a 40 km square, sites at villages, two counties (x < 20 km)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 40_000, (n_demand, 2))
    pop = np.round(rng.lognormal(6, 1, n_demand))
    sites = rng.choice(n_demand, n_sites, replace=False)
    county = (xy[sites, 0] >= 20_000).astype(np.int64)
    counts = counts or {"rural": 2, "enterprise": 1, "association": 1}
    minimum_new = np.zeros((2, len(counts)), np.int64)
    if minimum:
        minimum_new[:, 0] = 1
    town = (xy[:, 1] // 10_000).astype(int)
    must = {f"T{t}": np.flatnonzero(town == t) for t in range(must_cover)}
    return build_problem(
        demand_xy_m=xy,
        weights=pop,
        population=pop,
        site_xy_m=xy[sites],
        site_county=county,
        county_names=("A", "B"),
        counts=counts,
        radius_m_by_type={"rural": 9_000.0, "enterprise": 5_000.0, "association": 5_000.0},
        minimum_new=minimum_new,
        must_cover_rows=must,
    )


def property_problem(
    seed: int, counts: dict[str, int], minimum: list[list[int]], must: int
) -> CoverageProblem:
    """50 villages, 14 sites on a 30 km square, two counties (x < 15 km), ``must`` towns."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 30_000, (50, 2))
    pop = np.round(rng.lognormal(6, 1, 50))
    sites = rng.choice(50, 14, replace=False)
    town = (xy[:, 1] // 10_000).astype(int)
    return build_problem(
        demand_xy_m=xy,
        weights=pop,
        population=pop,
        site_xy_m=xy[sites],
        site_county=(xy[sites, 0] >= 15_000).astype(np.int64),
        county_names=("A", "B"),
        counts=counts,
        radius_m_by_type={"rural": 7_000.0, "enterprise": 4_000.0},
        minimum_new=np.array(minimum, np.int64),
        must_cover_rows={f"T{t}": np.flatnonzero(town == t) for t in range(must)},
    )


def clustered_problem(
    seed: int,
    n_demand: int = 700,
    n_sites: int = 160,
    counts: dict[str, int] | None = None,
    must_cover: int = 0,
) -> CoverageProblem:
    """Clustered villages on a 60 km square, three counties, county minimums.

    Large enough (3 types x ``n_sites`` columns > 300, an LP gap above zero) for the exact
    solve to take its own path naturally: column generation, reduced-cost fixing and the
    branch and bound (:mod:`analysis.optimise.exact.milp`).
    """
    rng = np.random.default_rng(seed)
    centres = rng.uniform(5_000, 55_000, (8, 2))
    which = rng.integers(0, 8, n_demand // 2)
    xy = np.vstack(
        [
            centres[which] + rng.normal(0, 3_000, (n_demand // 2, 2)),
            rng.uniform(0, 60_000, (n_demand - n_demand // 2, 2)),
        ]
    )
    pop = np.round(rng.lognormal(6, 1, n_demand))
    sites = rng.choice(n_demand, n_sites, replace=False)
    county = np.minimum((xy[sites, 0] // 20_000).astype(np.int64), 2)
    counts = counts or {"rural": 6, "enterprise": 3, "association": 2}
    minimum_new = np.zeros((3, len(counts)), np.int64)
    minimum_new[:, 0] = 1
    if len(counts) > 1:
        minimum_new[seed % 3, 1] = 1
    town = (xy[:, 1] // 15_000).astype(int)
    must = {f"T{t}": np.flatnonzero(town == t) for t in range(must_cover)}
    return build_problem(
        demand_xy_m=xy,
        weights=pop,
        population=pop,
        site_xy_m=xy[sites],
        site_county=county,
        county_names=("A", "B", "C"),
        counts=counts,
        radius_m_by_type={"rural": 8_000.0, "enterprise": 4_000.0, "association": 4_000.0},
        minimum_new=minimum_new,
        must_cover_rows=must,
    )
