"""Road reach through the whole coverage: the tiny city on roads whose times are worked by hand.

The tiny city (``tests/support/coverage_fixtures.py``; villages v1-v6 on y = 5000 except v6)
gets two roads (local metres)::

    R1 county road (40 km/h)   (0,5000) -> (19500,5000)
    R2 county road, a detour around a ravine between T2 and T3:
       (19500,5000) -> (19500,9000) -> (21000,9000) -> (21000,5000) -> (30000,5000)

Every village but v6 lies on a road; v6 (29000,9000) is 4 km from R2: beyond the 2 km
off-road limit, "not on the road network". P1 urban_community (3000,5000) is reached on
foot (4.5 km/h), P2 rural (14000,5000) by car. Ground lengths are the map lengths over the
UTM scale factor (0.9996...), hence the relative tolerance.

By car to P2: v1 12 km = 18 min, v2 6 km = 9 min, v3 2 km = 3 min, v4 5 km = 7.5 min,
v5 5.5 + 4 + 1.5 + 4 + 4 = 19 km = 28.5 min (11 km in a straight line).
On foot to P1: v1 1 km = 13.33 min, v2 5 km = 66.7 min.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.standards.load import load_standards
from tests.support.coverage_fixtures import tiny_city, to_lonlat

REL = {"rel": 2e-3}
CODES = [f"1101010010{i}" for i in range(1, 7)]


def _line(xy: list[tuple[float, float]]) -> shapely.LineString:
    lon, lat = to_lonlat([p[0] for p in xy], [p[1] for p in xy])
    return shapely.LineString(np.column_stack([lon, lat]))


def _roads() -> gpd.GeoDataFrame:
    lines = [
        _line([(0, 5000), (19500, 5000)]),
        _line([(19500, 5000), (19500, 9000), (21000, 9000), (21000, 5000), (30000, 5000)]),
    ]
    return gpd.GeoDataFrame(
        {
            "name": ["R1", "R2"],
            "road_class": ["county", "county"],
            "speed_kmh": [np.nan, np.nan],
            "oneway": [0, 0],
            "level": [0, 0],
        },
        geometry=lines,
        crs=4326,
    )


def _coverage(rural_minutes: float, urban_minutes: float = 20.0) -> CoverageResult:
    std = load_standards(
        reach_mode="road",
        reach_minutes_by_type={"rural": rural_minutes, "urban_community": urban_minutes},
    )
    return compute_coverage(replace(tiny_city(), roads=_roads()), std)


def test_minutes_to_the_nearest_point_are_the_shortest_paths() -> None:
    result = _coverage(30.0)
    d = result.demand.set_index("code").loc[CODES]
    minutes = d["nearest_point_minutes"].to_numpy()
    # v1's nearest by time is P1 on foot (13.3 min) rather than P2 by car (18 min)
    assert minutes[:5] == pytest.approx([1000 / 75, 9.0, 3.0, 7.5, 28.5], **REL)
    # v6 is not on the road network: only a straight walk across country (3 km/h) is left
    assert minutes[5] == pytest.approx(np.hypot(15000, 4000) / 50, **REL)
    assert result.kpis.reach_mode == "road"


def test_covered_population_is_the_exact_answer() -> None:
    # 20 min by car: v1 (18), v2, v3, v4 in; v5 (28.5 min, 11 km) out; v6 off the network
    result = _coverage(20.0)
    d = result.demand.set_index("code").loc[CODES]
    assert d["covered_by_point"].tolist() == [True, True, True, True, False, False]
    p = result.contact_points.set_index("id")
    assert p.loc["P2", "covered_population"] == 1000 + 500 + 300 + 200
    assert p.loc["P1", "covered_population"] == 1000  # on foot: v1 only
    assert p["reach_minutes"].tolist() == [20.0, 20.0]
    # 30 min: v5 comes in by the detour
    wider = _coverage(30.0).demand.set_index("code").loc[CODES, "covered_by_point"]
    assert wider.tolist() == [True, True, True, True, True, False]


def test_a_limit_just_short_of_the_detour_leaves_v5_out() -> None:
    assert not _coverage(28.3).demand.set_index("code").loc[CODES[4], "covered_by_point"]
    assert _coverage(28.7).demand.set_index("code").loc[CODES[4], "covered_by_point"]


def test_township_minutes_are_population_weighted() -> None:
    t = _coverage(30.0).townships.set_index("code")
    v1, v2 = 1000 / 75, 9.0
    assert t.loc["110101001", "nearest_point_minutes"] == pytest.approx(
        (1000 * v1 + 500 * v2) / 1500, **REL
    )


def test_road_mode_without_roads_falls_back_to_the_radius_and_says_so() -> None:
    std = load_standards(reach_mode="road")
    result = compute_coverage(tiny_city(), std)
    assert result.reach_mode == "radius"
    assert "reach_road_without_roads" in {w.code for w in result.warnings}
