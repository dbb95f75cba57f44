"""A small seeded city for the optimiser tests (imported by tests/test_optimise_*.py).

Four counties of two 10 km x 10 km townships each, laid out 4 x 2 in UTM zone 48N near the
demo city: 甲区 is an urban district (only urban communities), 乙县, 丙县 and 丁县 are rural.
Existing points: one urban community point in 甲区, one rural point in 乙县 and one in 丙县,
one enterprise point in 丙县. County minimums (2 rural, 1 enterprise) then need:
rural 甲区 2, 乙县 1, 丙县 1, 丁县 2 (= 6; 4 without 甲区); enterprise 甲区, 乙县, 丁县 1 (= 3).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geodata.city import CityData

E0, N0 = 460_000.0, 3_940_000.0
UTM48N = pyproj.CRS.from_epsg(32648)
COUNTIES = ("甲区", "乙县", "丙县", "丁县")
TOWN = 10_000.0


def _lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = pyproj.Transformer.from_crs(UTM48N, 4326, always_xy=True)
    lon, lat = tr.transform(np.asarray(x, float) + E0, np.asarray(y, float) + N0)
    return np.asarray(lon), np.asarray(lat)


def _square(x0: float, y0: float) -> shapely.Polygon:
    t = np.linspace(0, 1, 11)[:-1]
    xs = np.concatenate(
        [x0 + t * TOWN, np.full(10, x0 + TOWN), x0 + TOWN - t * TOWN, np.full(10, x0)]
    )
    ys = np.concatenate(
        [np.full(10, y0), y0 + t * TOWN, np.full(10, y0 + TOWN), y0 + TOWN - t * TOWN]
    )
    lon, lat = _lonlat(xs, ys)
    return shapely.Polygon(np.column_stack([lon, lat]))


def small_city(seed: int = 0, villages_per_township: int = 12) -> CityData:
    """The seeded four-county city described in the module docstring."""
    rng = np.random.default_rng(seed)
    t_rows, v_rows, v_xy = [], [], []
    for c, county in enumerate(COUNTIES):
        for j in range(2):
            x0, y0 = c * TOWN, j * TOWN
            code = f"6201{c:02d}{j + 1:03d}"
            kind = "urban" if county.endswith("区") else "rural"
            pops = np.round(rng.lognormal(7.0, 0.8, villages_per_township)).astype(int) + 50
            xy = rng.uniform(300, TOWN - 300, (villages_per_township, 2)) + np.array([x0, y0])
            for k in range(villages_per_township):
                v_rows.append(
                    {
                        "code": f"{code}{k + 1:03d}",
                        "name": f"{county}{j + 1}镇{k + 1}村",
                        "township_code": code,
                        "population": int(pops[k]),
                        "kind": kind,
                        "is_township_seat": k == 0,
                    }
                )
                v_xy.append(xy[k])
            t_rows.append(
                {
                    "code": code,
                    "name": f"{county}{j + 1}镇",
                    "county": county,
                    "county_code": f"6201{c:02d}",
                    "population": int(pops.sum()),
                    "rural_population": int(pops.sum()) if kind == "rural" else 0,
                    "kind": kind,
                    "geometry": _square(x0, y0),
                }
            )
    towns = gpd.GeoDataFrame(t_rows, geometry="geometry", crs=4326)
    vxy = np.array(v_xy)
    lon, lat = _lonlat(vxy[:, 0], vxy[:, 1])
    villages = gpd.GeoDataFrame(v_rows, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    p_xy = np.array([[5_000, 5_000], [15_000, 15_000], [25_000, 5_000], [27_000, 14_000]])
    plon, plat = _lonlat(p_xy[:, 0], p_xy[:, 1])
    points = gpd.GeoDataFrame(
        {
            "id": ["P1", "P2", "P3", "P4"],
            "name": ["甲区社区点", "乙县农村点", "丙县农村点", "丙县企业点"],
            "type": ["urban_community", "rural", "rural", "enterprise"],
            "county": ["甲区", "乙县", "丙县", "丙县"],
            "opinions_collected": [10, 5, 3, 2],
            "opinions_adopted": [3, 1, 1, 0],
            "area_m2": [40.0, 30.0, 30.0, 35.0],
            "staff": [1, 1, 1, 1],
        },
        geometry=gpd.points_from_xy(plon, plat),
        crs=4326,
    )
    s_xy = np.array([[6_000, 5_500], [15_500, 14_000]])
    slon, slat = _lonlat(s_xy[:, 0], s_xy[:, 1])
    sites = gpd.GeoDataFrame(
        {
            "id": ["S1", "S2"],
            "name": ["采集点1", "采集点2"],
            "contact_point_id": ["P1", "P2"],
            "site_type": ["community", "village"],
            "informants": [3, 2],
        },
        geometry=gpd.points_from_xy(slon, slat),
        crs=4326,
    )
    homes = gpd.GeoDataFrame(
        {
            "id": ["H1"],
            "name": ["代表之家"],
            "county": ["甲区"],
            "area_m2": [60.0],
            "administrators": [1],
            "volunteers": [2],
            "activities_last_year": [12],
        },
        geometry=gpd.points_from_xy(plon[:1], plat[:1]),
        crs=4326,
    )
    return CityData(towns, villages, points, sites, homes, name="测试市", is_demo=False)
