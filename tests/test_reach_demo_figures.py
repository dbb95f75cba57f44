"""The figures docs/method.md gives for the demo city's circles against its roads.

"The demo city's roads" in docs/method.md: villages within a rural point's 10 km circle but
beyond its 20-minute drive, and the reverse, for today's 4 rural points and for a rural point
at each of the 82 rural township seats. Computed here with the reach code itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.engine.types import PlaceArrays
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[CoverageResult, CoverageResult]:
    import os

    os.environ["COVERAGE_PLANNER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    city = load_demo_city()
    return compute_coverage(city, load_standards(reach_mode="road")), compute_coverage(city)


def _figures(
    results: tuple[CoverageResult, CoverageResult], lon: np.ndarray, lat: np.ndarray
) -> list[tuple[int, int]]:
    road, circle = results
    assert road.reach is not None and circle.reach is not None and road.metric is not None
    m = road.metric
    villages = load_demo_city().villages
    assert villages is not None
    vx, vy = m.to_xy(villages.geometry.x.to_numpy(), villages.geometry.y.to_numpy())
    k = m.scale_factor(villages.geometry.x.to_numpy(), villages.geometry.y.to_numpy())
    places = PlaceArrays(vx, vy, k)
    px, py = m.to_xy(lon, lat)
    points = PlaceArrays(px, py, m.scale_factor(lon, lat))
    types = np.full(lon.size, "rural", dtype=object)
    by_road = np.zeros(len(villages), bool)
    by_road[road.reach.point_pairs(places, points, types)[0]] = True
    in_circle = np.zeros(len(villages), bool)
    in_circle[circle.reach.point_pairs(places, points, types)[0]] = True
    pop = villages["population"].to_numpy(float)
    sets = (in_circle, by_road, in_circle & ~by_road, by_road & ~in_circle)
    return [(int(s.sum()), round(pop[s].sum())) for s in sets]


def test_todays_rural_points(results: tuple[CoverageResult, CoverageResult]) -> None:
    cp = load_demo_city().contact_points
    rural = cp[cp["type"] == "rural"]
    found = _figures(results, rural.geometry.x.to_numpy(), rural.geometry.y.to_numpy())
    assert found == [(142, 139_295), (69, 76_918), (73, 62_377), (0, 0)]


def test_a_rural_point_at_every_rural_township_seat(
    results: tuple[CoverageResult, CoverageResult],
) -> None:
    city = load_demo_city()
    villages = city.villages
    assert villages is not None
    kind = villages["township_code"].map(city.townships.set_index("code")["kind"]).astype(str)
    seats = villages[villages["is_township_seat"].astype(bool) & kind.eq("rural")]
    assert len(seats) == 82
    found = _figures(results, seats.geometry.x.to_numpy(), seats.geometry.y.to_numpy())
    assert found == [
        (1_895, 2_037_359), (1_237, 1_436_796), (667, 637_386), (9, 36_823)
    ]  # fmt: skip


def test_places_off_the_road_network_are_named(
    results: tuple[CoverageResult, CoverageResult],
) -> None:
    """The road report (and its warning) lists the demo's far villages by their names."""
    road, _ = results
    assert road.road_report is not None
    off = road.road_report.off_network
    villages = off[off["kind"] == "village"]
    assert len(villages) > 0
    demo = load_demo_city().villages
    assert demo is not None
    names = dict(zip(demo["code"].astype(str), demo["name"].astype(str), strict=True))
    assert [names[c] for c in villages["id"]] == list(villages["name"])
