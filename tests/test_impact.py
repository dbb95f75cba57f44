"""One definition of a new point's newly covered population (UI, files and brief)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from analysis.coverage.api import compute_coverage
from analysis.coverage.impact import point_impact
from analysis.standards.load import load_standards
from geodata.city import CityData
from geodata.demo.load import load_demo_city


def _with(city: CityData, rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    cp = city.contact_points.copy()
    cp["status"] = "existing"
    new = gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "name": [r[0] for r in rows],
            "type": [r[1] for r in rows],
            "county": "",
            "status": "proposed",
        },
        geometry=[Point(r[2], r[3]) for r in rows],
        crs=4326,
    )
    return gpd.GeoDataFrame(pd.concat([cp, new], ignore_index=True), crs=4326)


def test_in_order_figures_add_up_to_the_plan_gain_and_alone_is_at_least_as_large() -> None:
    city = load_demo_city()
    std = load_standards()
    v = city.villages
    rng = np.random.default_rng(3)
    picks = v.iloc[rng.choice(len(v), 6, replace=False)]
    rows = [
        (f"NEW-{i}", "rural" if i % 2 else "enterprise", g.x, g.y)
        for i, g in enumerate(picks.geometry)
    ]
    pts = _with(city, rows)
    after_city = CityData(**{**city.__dict__, "contact_points": pts.drop(columns="status")})
    before, after = compute_coverage(city, std), compute_coverage(after_city, std)
    imp = point_impact(pts, before, after)
    assert sorted(imp["order"]) == list(range(1, 7))
    gain = after.kpis.population_covered - before.kpis.population_covered
    assert int(imp["newly_covered_population"].sum()) == gain
    assert (imp["newly_covered_alone"] >= imp["newly_covered_population"]).all()
    # Greedy order: the first point brings the most on its own.
    first = imp.iloc[0]
    assert first["newly_covered_population"] == imp["newly_covered_alone"].max()
    rural_gain = after.kpis.rural_population_covered - before.kpis.rural_population_covered
    assert int(imp["rural_newly_covered_population"].sum()) == rural_gain


def test_two_points_on_one_spot_share_the_gain_in_order_but_not_alone() -> None:
    city = load_demo_city()
    std = load_standards()
    g = city.villages.geometry.iloc[500]
    pts = _with(city, [("NEW-A", "rural", g.x, g.y), ("NEW-B", "rural", g.x, g.y)])
    after_city = CityData(**{**city.__dict__, "contact_points": pts.drop(columns="status")})
    imp = point_impact(pts, compute_coverage(city, std), compute_coverage(after_city, std))
    a, b = imp.set_index("id").loc["NEW-A"], imp.set_index("id").loc["NEW-B"]
    assert a["order"] == 1 and b["order"] == 2  # tie broken by id
    assert a["newly_covered_alone"] == b["newly_covered_alone"] == a["newly_covered_population"]
    assert b["newly_covered_population"] == 0


def test_no_new_points_no_rows() -> None:
    city = load_demo_city()
    res = compute_coverage(city)
    cp = city.contact_points.assign(status="existing")
    assert point_impact(cp, res, res).empty
