"""A small hand-built city for the scenario and workspace tests (a hostile point name).

Imported by ``tests/test_scenarios.py``, ``tests/test_workspace.py`` and
``tests/test_workspace_faults.py``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, Polygon

from geodata.city import CityData

#: A point name that is markup, a script and SQL at once.
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>'; DROP TABLE scenarios;--"


def make_city(n_cp: int = 4, n_sites: int = 6, n_homes: int = 2, seed: int = 0) -> CityData:
    """A small hand-built city: two townships in two counties, random points inside them."""
    rng = np.random.default_rng(seed)
    townships = gpd.GeoDataFrame(
        {
            "code": ["110101001", "110102001"],
            "name": ["东街道", "西乡"],
            "county": ["东城区", "西县"],
            "county_code": ["110101", "110102"],
            "population": [30000, 20000],
            "rural_population": [0, 20000],
            "kind": ["urban", "rural"],
        },
        geometry=[
            Polygon([(116.0, 39.0), (116.5, 39.0), (116.5, 39.5), (116.0, 39.5)]),
            Polygon([(116.5, 39.0), (117.0, 39.0), (117.0, 39.5), (116.5, 39.5)]),
        ],
        crs=4326,
    )

    def pts(n: int) -> list[Point]:
        return [
            Point(x, y)
            for x, y in zip(
                rng.uniform(116.01, 116.99, n), rng.uniform(39.01, 39.49, n), strict=True
            )
        ]

    types = ["urban_community", "rural", "enterprise", "association"]
    contact_points = gpd.GeoDataFrame(
        {
            "id": [f"C{i}" for i in range(n_cp)],
            "name": [HOSTILE if i == 0 else f"联系点{i}" for i in range(n_cp)],
            "type": [types[i % 4] for i in range(n_cp)],
            "county": ["东城区" if i % 2 == 0 else "西县" for i in range(n_cp)],
            "opinions_collected": rng.integers(0, 100, n_cp).astype("int64"),
            "opinions_adopted": rng.integers(0, 20, n_cp).astype("int64"),
            "area_m2": rng.uniform(20, 80, n_cp).round(1),
            "staff": np.ones(n_cp, dtype="int64"),
        },
        geometry=pts(n_cp),
        crs=4326,
    )
    sites = gpd.GeoDataFrame(
        {
            "id": [f"S{i}" for i in range(n_sites)],
            "name": [f"采集点{i}" for i in range(n_sites)],
            "contact_point_id": [f"C{i % max(n_cp, 1)}" if i % 3 else None for i in range(n_sites)],
            "site_type": ["village"] * n_sites,
            "informants": rng.integers(1, 6, n_sites).astype("int64"),
        },
        geometry=pts(n_sites),
        crs=4326,
    )
    homes = gpd.GeoDataFrame(
        {
            "id": [f"H{i}" for i in range(n_homes)],
            "name": [f"代表之家{i}" for i in range(n_homes)],
            "county": ["东城区"] * n_homes,
            "area_m2": [60.0] * n_homes,
            "administrators": np.ones(n_homes, dtype="int64"),
            "volunteers": np.full(n_homes, 2, dtype="int64"),
            "activities_last_year": np.full(n_homes, 12, dtype="int64"),
        },
        geometry=pts(n_homes),
        crs=4326,
    )
    return CityData(townships, None, contact_points, sites, homes, name="测试市")
