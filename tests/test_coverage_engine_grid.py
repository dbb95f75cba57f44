"""The compiled grid kernels (large inputs) give the same answers as the small-input path."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.coverage.engine.api import run_engine
from analysis.coverage.engine.grid import MAX_RING, PointGrid, nearest_ground_m
from analysis.coverage.engine.types import EngineResult, PlaceArrays

FAST = settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def _both(
    demand: PlaceArrays,
    pop: np.ndarray,
    points: PlaceArrays,
    radii: np.ndarray,
    sites: PlaceArrays,
    workers: int = -1,
) -> tuple[EngineResult, EngineResult]:
    args = (demand, pop, pop / 2, points, radii, sites, 3000.0)
    small = run_engine(*args, workers=workers, grid_min_rows=10**12)
    large = run_engine(*args, workers=workers, grid_min_rows=0)
    return small, large


def _assert_same(small: EngineResult, large: EngineResult) -> None:
    np.testing.assert_array_equal(large.covered_by_point, small.covered_by_point)
    np.testing.assert_array_equal(large.covered_by_site, small.covered_by_site)
    np.testing.assert_array_equal(large.nearest_point_m, small.nearest_point_m)
    np.testing.assert_array_equal(large.nearest_site_m, small.nearest_site_m)
    np.testing.assert_array_equal(large.point_covered_population, small.point_covered_population)
    np.testing.assert_array_equal(
        large.point_rural_covered_population, small.point_rural_covered_population
    )
    np.testing.assert_array_equal(large.point_sites_within, small.point_sites_within)
    # Ties may pick another point at the same distance.
    same = large.nearest_point_index == small.nearest_point_index
    assert np.all(same | np.isclose(large.nearest_point_m, small.nearest_point_m))


def _places(rng: np.random.Generator, n: int, span_m: float, scale: bool) -> PlaceArrays:
    x, y = rng.uniform(0, span_m, n), rng.uniform(0, span_m, n)
    k = 1.0 + rng.uniform(0, 2e-3, n) if scale else np.ones(n)
    return PlaceArrays(x, y, k)


def test_seeded_city_with_mixed_radii_scale_factors_and_far_villages() -> None:
    rng = np.random.default_rng(7)
    demand = _places(rng, 30_000, 200_000.0, scale=True)
    # A few villages far outside the points' area take the KD-tree fallback.
    far = PlaceArrays(
        np.array([-2.0e6, 3.0e6, 1.0e5]), np.array([5.0e4, -1.0e6, 4.0e6]), np.ones(3)
    )
    demand = PlaceArrays(
        np.concatenate([demand.x_m, far.x_m]),
        np.concatenate([demand.y_m, far.y_m]),
        np.concatenate([demand.scale, far.scale]),
    )
    pop = rng.integers(0, 3000, demand.size).astype(float)
    points = _places(rng, 400, 200_000.0, scale=True)
    radii = rng.choice([3000.0, 10_000.0], points.size)
    sites = _places(rng, 1_200, 200_000.0, scale=True)
    for workers in (1, 2):
        _assert_same(*_both(demand, pop, points, radii, sites, workers))


def test_rows_beyond_the_rings_take_the_kd_tree() -> None:
    grid = PointGrid.build(
        np.array([0.0, 1000.0, 2000.0, 3000.0] * 25),
        np.repeat(np.arange(25.0) * 1000.0, 4),
        np.ones(100),
        np.full(100, 500.0),
    )
    far = (MAX_RING + 5) * grid.size * 10
    qx, qy = np.array([500.0, far, 700.0]), np.array([500.0, far, -3.0 * far])
    dist, index = nearest_ground_m(grid, qx, qy, np.ones(3), workers=1)
    assert dist[0] == np.hypot(500.0, 500.0)
    assert dist[1] == np.hypot(far - 3000.0, far - 24_000.0)
    assert index[1] == 99  # (3000, 24000), the last point given
    assert dist[2] == np.hypot(700.0 - 1000.0, -3.0 * far)


coord = st.integers(0, 40_000)


@FAST
@given(
    st.lists(st.tuples(coord, coord), min_size=1, max_size=60),
    st.lists(st.tuples(coord, coord), min_size=1, max_size=10),
    st.lists(st.tuples(coord, coord), min_size=0, max_size=10),
    st.integers(200, 15_000),
)
def test_grid_path_equals_small_path(
    demand: list[tuple[int, int]],
    points: list[tuple[int, int]],
    sites: list[tuple[int, int]],
    radius_m: int,
) -> None:
    d = np.array(demand, float)
    p = np.array(points, float)
    s = np.array(sites, float).reshape(-1, 2)
    pop = np.arange(1.0, len(demand) + 1.0)
    radii = np.full(len(points), float(radius_m))
    radii[::2] = radius_m / 3
    small, large = _both(
        PlaceArrays(d[:, 0], d[:, 1], np.ones(len(d))),
        pop,
        PlaceArrays(p[:, 0], p[:, 1], np.ones(len(p))),
        radii,
        PlaceArrays(s[:, 0], s[:, 1], np.ones(len(s))),
    )
    _assert_same(small, large)
