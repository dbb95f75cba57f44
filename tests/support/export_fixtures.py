"""Small, seeded fixtures for the export tests: a six-township city, a plan, coverage.

Imported by ``tests/test_export_*.py`` and ``tests/support/export_formulas.py``.

Names include formula-like text (``=HYPERLINK``, ``-...``, ``@...``) to exercise the
spreadsheet safety of the office exports.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.plan.scenarios import Scenario, apply_scenario, baseline_scenario, normalise_layer
from analysis.standards.load import load_standards
from geodata.city import CityData

LON0, LAT0 = 113.60, 34.70


def make_city() -> CityData:
    """Two counties, six 0.1° townships, four villages each, a few points."""
    rng = np.random.default_rng(7)
    towns, villages = [], []
    names = ["城关街道", "东城街道", "北山镇", "南湖乡", "西河镇", "石桥乡"]
    for i, name in enumerate(names):
        col, row = i % 3, i // 3
        x0, y0 = LON0 + 0.1 * col, LAT0 + 0.1 * row
        county = "甲县" if col < 2 else "乙区"
        kind = "urban" if name.endswith("街道") else "rural"
        code = f"41010{i + 1}001"
        pops = rng.integers(1000, 9000, size=4)
        towns.append(
            {
                "code": code,
                "name": name,
                "county": county,
                "county_code": "410101" if col < 2 else "410102",
                "population": int(pops.sum()),
                "rural_population": int(pops.sum()) if kind == "rural" else 0,
                "kind": kind,
                "geometry": box(x0, y0, x0 + 0.1, y0 + 0.1),
            }
        )
        for j in range(4):
            villages.append(
                {
                    "code": f"{code}{j + 1:03d}",
                    "name": f"{name[:2]}{j + 1}村",
                    "township_code": code,
                    "population": int(pops[j]),
                    "kind": kind,
                    "geometry": Point(x0 + 0.02 + 0.02 * j, y0 + 0.03 + 0.015 * j),
                }
            )
    cps = [
        ("CP001", "城关社区联系点", "urban_community", "甲县", 113.64, 34.74, 40, 11),
        ("CP002", '=HYPERLINK("http://x")', "rural", "甲县", 113.74, 34.86, 12, 3),
        ("CP003", "-北山企业联系点", "enterprise", "甲县", 113.66, 34.84, 5, 1),
        ("CP004", "乙区农村联系点", "rural", "乙区", 113.84, 34.74, 0, 0),
    ]
    contact_points = gpd.GeoDataFrame(
        [
            {
                "id": i,
                "name": n,
                "type": t,
                "county": c,
                "opinions_collected": oc,
                "opinions_adopted": oa,
                "area_m2": 35.0,
                "staff": 1,
                "geometry": Point(x, y),
            }
            for i, n, t, c, x, y, oc, oa in cps
        ],
        crs="EPSG:4326",
    )
    sites = gpd.GeoDataFrame(
        [
            {
                "id": f"S{k:02d}",
                "name": f"采集点{k}",
                "contact_point_id": "CP001",
                "site_type": "village",
                "informants": 3 + k,
                "geometry": Point(113.63 + 0.01 * k, 34.73),
            }
            for k in range(1, 5)
        ],
        crs="EPSG:4326",
    )
    homes = gpd.GeoDataFrame(
        [
            {
                "id": "H1",
                "name": "城关代表之家",
                "county": "甲县",
                "area_m2": 60.0,
                "administrators": 1,
                "volunteers": 3,
                "activities_last_year": 12,
                "geometry": Point(113.65, 34.75),
            },
        ],
        crs="EPSG:4326",
    )
    return CityData(
        townships=gpd.GeoDataFrame(towns, crs="EPSG:4326"),
        villages=gpd.GeoDataFrame(villages, crs="EPSG:4326"),
        contact_points=contact_points,
        collection_sites=sites,
        homes=homes,
        name="测试市",
    )


def make_scenario(city: CityData) -> Scenario:
    """A plan over ``city``: two proposed, one moved and one removed contact point."""
    base = baseline_scenario(city, "fixture", author="测试员", name="测试方案")
    cps = base.contact_points.copy()
    cps.loc[cps["id"] == "CP003", "status"] = "removed"
    moved = cps["id"] == "CP004"
    cps.loc[moved, "status"] = "moved"
    cps.loc[moved, "orig_lon"] = 113.84
    cps.loc[moved, "orig_lat"] = 34.74
    cps.loc[moved, "geometry"] = Point(113.85, 34.85)
    new = gpd.GeoDataFrame(
        [
            {
                "id": "N001",
                "name": "南湖乡农村联系点",
                "type": "rural",
                "county": "甲县",
                "opinions_collected": 0,
                "opinions_adopted": 0,
                "area_m2": 30.0,
                "staff": 1,
                "geometry": Point(113.745, 34.74),
            },
            {
                "id": "N002",
                "name": "@石桥乡企业联系点",
                "type": "enterprise",
                "county": "乙区",
                "opinions_collected": 0,
                "opinions_adopted": 0,
                "area_m2": 30.0,
                "staff": 1,
                "geometry": Point(113.845, 34.835),
            },
        ],
        crs="EPSG:4326",
    )
    new = normalise_layer(new, "contact_points", status="proposed")
    cps = gpd.GeoDataFrame(pd.concat([cps, new], ignore_index=True), crs="EPSG:4326")
    return base.with_layer("contact_points", cps)


@dataclass(frozen=True)
class Case:
    """A city, a plan over it and the coverage before and after."""

    city: CityData
    scenario: Scenario
    before: CoverageResult
    after: CoverageResult


def make_case() -> Case:
    """The fixture city, its plan and both coverages (real engine, default standards)."""
    city = make_city()
    scenario = make_scenario(city)
    standards = load_standards()
    before = compute_coverage(city, standards)
    after = compute_coverage(apply_scenario(city, scenario), standards)
    return Case(city, scenario, before, after)
