"""Property tests (hypothesis): shares in [0, 1], monotonic coverage, translation invariance."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.coverage.api import compute_coverage
from analysis.coverage.engine.api import run_engine
from analysis.coverage.engine.types import EngineResult, PlaceArrays
from analysis.standards.load import load_standards
from tests.support.coverage_fixtures import points_gdf, shifted_tiny_city, tiny_city

FAST = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

coord = st.integers(0, 30_000)
xy = st.tuples(coord, coord)


def _places(points: list[tuple[int, int]], dx: int = 0, dy: int = 0) -> PlaceArrays:
    arr = np.array(points, float).reshape(-1, 2)
    return PlaceArrays(arr[:, 0] + dx, arr[:, 1] + dy, np.ones(len(arr)))


def _run(
    demand: list[tuple[int, int]],
    pop: list[int],
    points: list[tuple[int, int]],
    radii: list[int],
    sites: list[tuple[int, int]],
    dx: int = 0,
    dy: int = 0,
) -> EngineResult:
    popf = np.array(pop, float)
    return run_engine(
        _places(demand, dx, dy),
        popf,
        popf / 2,
        _places(points, dx, dy),
        np.array(radii, float),
        _places(sites, dx, dy),
        3000.0,
    )


@st.composite
def layouts(draw: st.DrawFn) -> tuple:
    demand = draw(st.lists(xy, min_size=1, max_size=40))
    pop = draw(st.lists(st.integers(0, 5000), min_size=len(demand), max_size=len(demand)))
    points = draw(st.lists(xy, min_size=0, max_size=8))
    radii = draw(st.lists(st.integers(200, 12_000), min_size=len(points), max_size=len(points)))
    sites = draw(st.lists(xy, min_size=0, max_size=8))
    return demand, pop, points, radii, sites


@FAST
@given(layouts(), xy, st.integers(200, 12_000))
def test_adding_a_point_never_lowers_coverage(layout: tuple, new: tuple, radius: int) -> None:
    demand, pop, points, radii, sites = layout
    before = _run(demand, pop, points, radii, sites)
    after = _run(demand, pop, [*points, new], [*radii, radius], sites)
    assert np.all(after.covered_by_point >= before.covered_by_point)
    assert np.all(after.covered_by_network >= before.covered_by_network)
    assert np.all(np.nan_to_num(after.nearest_point_m, nan=np.inf) <= np.nan_to_num(
        before.nearest_point_m, nan=np.inf))  # fmt: skip
    assert np.array_equal(after.point_covered_population[:-1], before.point_covered_population)


@FAST
@given(layouts(), st.integers(0, 5000))
def test_growing_the_radius_never_lowers_coverage(layout: tuple, extra: int) -> None:
    demand, pop, points, radii, sites = layout
    before = _run(demand, pop, points, radii, sites)
    after = _run(demand, pop, points, [r + extra for r in radii], sites)
    assert np.all(after.covered_by_point >= before.covered_by_point)
    assert np.all(after.point_covered_population >= before.point_covered_population)
    assert np.all(after.point_sites_within >= before.point_sites_within)


@FAST
@given(layouts(), st.integers(-800, 800), st.integers(-800, 800))
def test_translating_every_coordinate_changes_nothing(layout: tuple, dx: int, dy: int) -> None:
    demand, pop, points, radii, sites = layout
    a = _run(demand, pop, points, radii, sites)
    b = _run(demand, pop, points, radii, sites, dx, dy)
    assert np.array_equal(a.covered_by_point, b.covered_by_point)
    assert np.array_equal(a.covered_by_site, b.covered_by_site)
    assert np.array_equal(a.point_covered_population, b.point_covered_population)
    assert np.array_equal(a.point_sites_within, b.point_sites_within)
    np.testing.assert_allclose(a.nearest_point_m, b.nearest_point_m, rtol=1e-9)


@FAST
@given(layouts())
def test_engine_agrees_with_brute_force(layout: tuple) -> None:
    demand, pop, points, radii, sites = layout
    r = _run(demand, pop, points, radii, sites)
    d = np.array(demand, float)
    p = np.array(points, float).reshape(-1, 2)
    dist = np.hypot(d[:, None, 0] - p[None, :, 0], d[:, None, 1] - p[None, :, 1])
    within = dist <= np.array(radii, float)[None, :]
    assert np.array_equal(r.covered_by_point, within.any(axis=1))
    np.testing.assert_allclose(
        r.point_covered_population, (within * np.array(pop, float)[:, None]).sum(axis=0)
    )
    if len(points):
        np.testing.assert_allclose(r.nearest_point_m, dist.min(axis=1))
    # The dense-data path (no pair list) gives the same flags, and NaN per-point population.
    popf = np.array(pop, float)
    dense = run_engine(
        _places(demand), popf, popf, _places(points), np.array(radii, float), _places(sites),
        3000.0, pair_budget=-1,
    )  # fmt: skip
    assert np.array_equal(dense.covered_by_point, r.covered_by_point)
    assert np.isnan(dense.point_covered_population).all()


@SLOW
@given(
    st.lists(st.tuples(st.integers(500, 29_500), st.integers(500, 9_500)), max_size=6),
    st.sampled_from(["urban_community", "rural", "enterprise", "school"]),
    st.integers(300, 20_000),
)
def test_kpi_shares_stay_in_0_1(extra: list[tuple[int, int]], ptype: str, radius: int) -> None:
    city = tiny_city()
    n = len(extra)
    pts = points_gdf(
        [(3000, 5000), (14000, 5000), *extra],
        id=[f"P{i}" for i in range(n + 2)],
        type=["urban_community", "rural", *[ptype] * n],
        opinions_collected=[5] * (n + 2),
        opinions_adopted=[1] * (n + 2),
    )
    k = compute_coverage(replace(city, contact_points=pts), load_standards(radius_m=radius)).kpis
    shares = [
        k.coverage_share, k.rural_coverage_share, k.urban_coverage_share, k.rural_point_share,
        k.rural_population_share, k.network_coverage_share, k.adoption_rate,
    ]  # fmt: skip
    assert all(0.0 <= s <= 1.0 for s in shares)
    assert k.population_covered <= k.network_population_covered <= k.population_total


@SLOW
@given(st.integers(-500, 500), st.integers(-500, 500), st.booleans())
def test_translating_the_city_changes_no_kpi(dx: int, dy: int, villages: bool) -> None:
    base = compute_coverage(tiny_city(with_villages=villages)).kpis.to_dict()
    moved = compute_coverage(shifted_tiny_city(dx, dy, with_villages=villages)).kpis.to_dict()
    if villages:
        assert moved == base
    else:
        # The grid is laid over the area's bounds, so a shift moves cells relative to
        # townships; totals stay, coverage moves by at most a few cells' worth.
        assert moved["population_total"] == base["population_total"]
        assert abs(moved["population_covered"] - base["population_covered"]) <= 50
