"""The hand-built tiny city of the coverage tests (imported by tests/test_coverage*.py and others).

The tiny city lives in UTM zone 48N (EPSG:32648, the demo city's zone) at local metric
offsets from (460000, 3940000), i.e. near 104.6°E 35.6°N; every answer is worked out by hand
in the comments of ``tests/test_coverage.py``. Points sit at least 300 m away from any
radius boundary, so the projection's scale factor (0.9996...) cannot flip a result.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.city import CityData

E0, N0 = 460_000.0, 3_940_000.0
UTM48N = pyproj.CRS.from_epsg(32648)


_SHIFT = [0.0, 0.0]  # translation of the whole city, metres (see ``shifted_tiny_city``)
_TO_LONLAT = pyproj.Transformer.from_crs(UTM48N, 4326, always_xy=True)


def to_lonlat(
    x: list[float] | np.ndarray, y: list[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Local metric offsets -> WGS84 degrees."""
    x0, y0 = E0 + _SHIFT[0], N0 + _SHIFT[1]
    lon, lat = _TO_LONLAT.transform(np.asarray(x, float) + x0, np.asarray(y, float) + y0)
    return np.asarray(lon), np.asarray(lat)


def points_gdf(xy: list[tuple[float, float]], **columns: list[object]) -> gpd.GeoDataFrame:
    """Point layer in EPSG:4326 from local metric offsets."""
    x = [p[0] for p in xy]
    y = [p[1] for p in xy]
    lon, lat = to_lonlat(x, y)
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def square(x0: float, y0: float, size: float) -> shapely.Polygon:
    """Square township in WGS84 from local metric offsets (densified edges)."""
    t = np.linspace(0, 1, 21)[:-1]
    xs = np.concatenate(
        [x0 + t * size, np.full(20, x0 + size), x0 + size - t * size, np.full(20, x0)]
    )
    ys = np.concatenate(
        [np.full(20, y0), y0 + t * size, np.full(20, y0 + size), y0 + size - t * size]
    )
    lon, lat = to_lonlat(xs, ys)
    return shapely.Polygon(np.column_stack([lon, lat]))


def tiny_townships() -> gpd.GeoDataFrame:
    """T1 urban (county A), T2 rural (A), T3 rural (B); 10 km squares side by side."""
    return gpd.GeoDataFrame(
        {
            "code": ["110101001", "110101002", "110102001"],
            "name": ["一街道", "二镇", "三乡"],
            "county": ["甲区", "甲区", "乙县"],
            "county_code": ["110101", "110101", "110102"],
            "population": [1500, 500, 500],
            "rural_population": [0, 500, 500],
            "kind": ["urban", "rural", "rural"],
        },
        geometry=[square(0, 0, 10_000), square(10_000, 0, 10_000), square(20_000, 0, 10_000)],
        crs=4326,
    )


def tiny_city(
    points_xy: list[tuple[float, float]] | None = None,
    with_villages: bool = True,
) -> CityData:
    """The worked-example city: 3 townships, 6 villages, 2 contact points, 4 sites, 1 home."""
    villages = points_gdf(
        [(2000, 5000), (8000, 5000), (12000, 5000), (19000, 5000), (25000, 5000), (29000, 9000)],
        code=[f"1101010010{i}" for i in range(1, 7)],
        name=[f"村{i}" for i in range(1, 7)],
        township_code=[
            "110101001",
            "110101001",
            "110101002",
            "110101002",
            "110102001",
            "110102001",
        ],
        population=[1000, 500, 300, 200, 400, 100],
        kind=["urban", "urban", "rural", "rural", "rural", "rural"],
    )
    pts = points_xy or [(3000, 5000), (14000, 5000)]
    contact_points = points_gdf(
        pts,
        id=["P1", "P2"][: len(pts)],
        name=["一社区联系点", "二镇联系点"][: len(pts)],
        type=["urban_community", "rural"][: len(pts)],
        county=["甲区", "甲区"][: len(pts)],
        opinions_collected=[20, 10][: len(pts)],
        opinions_adopted=[5, 2][: len(pts)],
        area_m2=[40.0, 20.0][: len(pts)],
        staff=[1, 1][: len(pts)],
    )
    sites = points_gdf(
        [(25500, 5000), (14500, 5000), (16500, 5000), (13000, 6000)],
        id=["S1", "S2", "S3", "S4"],
        name=["采1", "采2", "采3", "采4"],
        contact_point_id=["", "P2", "P2", "P2"],
    )
    homes = points_gdf(
        [(5000, 5000)],
        id=["H1"],
        name=["代表之家"],
        county=["甲区"],
        area_m2=[60.0],
        administrators=[1],
        volunteers=[2],
        activities_last_year=[12],
    )
    return CityData(
        townships=tiny_townships(),
        villages=villages if with_villages else None,
        contact_points=contact_points,
        collection_sites=sites,
        homes=homes,
        name="测试市",
    )


def shifted_tiny_city(dx_m: float, dy_m: float, with_villages: bool = True) -> CityData:
    """The tiny city with every coordinate translated by (dx_m, dy_m) metres in UTM 48N."""
    _SHIFT[:] = [dx_m, dy_m]
    try:
        return tiny_city(with_villages=with_villages)
    finally:
        _SHIFT[:] = [0.0, 0.0]


def frame(columns: dict[str, list[object]]) -> pd.DataFrame:
    """Shorthand for a DataFrame."""
    return pd.DataFrame(columns)
