"""Coverage engine on a tiny hand-built city; every expected value is worked out by hand.

Layout (metres, UTM 48N offsets; see ``tests/support/coverage_fixtures.py``)::

    T1 urban 甲区 [0,10k]   T2 rural 甲区 [10k,20k]   T3 rural 乙县 [20k,30k]   (y in [0,10k])
    villages  v1 (2000,5000) 1000 urban   v2 (8000,5000) 500 urban     (T1)
              v3 (12000,5000) 300 rural   v4 (19000,5000) 200 rural    (T2)
              v5 (25000,5000) 400 rural   v6 (29000,9000) 100 rural    (T3)
    points    P1 urban_community (3000,5000) r=3 km: v1 at 1 km
              P2 rural (14000,5000) r=10 km: v2 6 km, v3 2 km, v4 5 km (v5 11 km, v6 15.5 km out)
    sites     S1 (25500,5000)  S2 (14500,5000)  S3 (16500,5000)  S4 (13000,6000); r=3 km
              -> v3 (S4 1.41 km), v4 (S3 2.5 km), v5 (S1 0.5 km) covered by a site;
                 P1 has 0 sites within 3 km (below), P2 has S2, S3, S4 within 10 km (ok)

Map distances differ from ground distances by the UTM scale factor (~0.9996), hence the
relative tolerance on distances.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.errors import AnalysisError
from analysis.standards.load import load_standards
from tests.support.coverage_fixtures import points_gdf, tiny_city

DIST = {"rel": 1e-3}


@pytest.fixture(scope="module")
def result() -> CoverageResult:
    return compute_coverage(tiny_city())


def test_metric_crs_is_the_utm_zone_of_the_city(result: CoverageResult) -> None:
    assert result.crs.to_epsg() == 32648


def test_village_flags_and_distances(result: CoverageResult) -> None:
    d = result.demand.set_index("code")
    codes = [f"1101010010{i}" for i in range(1, 7)]
    assert d.loc[codes, "covered_by_point"].tolist() == [True, True, True, True, False, False]
    assert d.loc[codes, "covered_by_site"].tolist() == [False, False, True, True, True, False]
    assert d.loc[codes, "covered_by_network"].tolist() == [True] * 5 + [False]
    assert d.loc[codes, "nearest_point_id"].astype(str).tolist() == ["P1", "P1"] + ["P2"] * 4
    expected_point = [1000, 5000, 2000, 5000, 11000, np.hypot(15000, 4000)]
    assert d.loc[codes, "nearest_point_m"].to_numpy() == pytest.approx(expected_point, **DIST)
    expected_network = [1000, 5000, np.hypot(1000, 1000), 2500, 500, np.hypot(3500, 4000)]
    assert d.loc[codes, "nearest_network_m"].to_numpy() == pytest.approx(expected_network, **DIST)
    assert d.loc[codes, "township_code"].astype(str).tolist() == [
        "110101001", "110101001", "110101002", "110101002", "110102001", "110102001"
    ]  # fmt: skip
    assert d.loc[codes, "county"].astype(str).tolist() == ["甲区"] * 4 + ["乙县"] * 2


def test_township_table(result: CoverageResult) -> None:
    t = result.townships.set_index("code")
    assert t["population"].tolist() == [1500, 500, 500]
    assert t["covered_population"].tolist() == [1500, 500, 0]
    assert t["rural_covered_population"].tolist() == [0, 500, 0]
    assert t["urban_covered_population"].tolist() == [1500, 0, 0]
    assert t["uncovered_population"].tolist() == [0, 0, 500]
    assert t["is_blind_spot"].tolist() == [False, False, True]
    assert t["coverage_share"].tolist() == [1.0, 1.0, 0.0]
    assert t["network_covered_population"].tolist() == [1500, 500, 400]
    assert t["contact_points"].tolist() == [1, 1, 0]
    assert np.isnan(t.loc["110101001", "rural_coverage_share"])  # no rural people: undefined


def test_county_table(result: CoverageResult) -> None:
    c = result.counties.set_index("county")
    assert c.loc["甲区", "population"] == 2000 and c.loc["乙县", "population"] == 500
    assert c.loc["甲区", "covered_population"] == 2000 and c.loc["乙县", "covered_population"] == 0
    by_type = ["points_urban_community", "points_rural", "points_enterprise"]
    assert c.loc["甲区", by_type].tolist() == [1, 1, 0]
    assert c["meets_rural_minimum"].tolist() == [False, False]
    assert c["compliant"].tolist() == [False, False]
    assert c["rural_points_missing"].tolist() == [1, 2]
    assert c.loc["甲区", "rural_point_share"] == 0.5
    assert c.loc["甲区", "rural_population_share"] == 0.25
    assert c.loc["甲区", "equity_index"] == 2.0 and not c.loc["甲区", "equity_flag"]
    assert c.loc["乙县", "equity_index"] == 0.0 and c.loc["乙县", "equity_flag"]


def test_contact_point_table(result: CoverageResult) -> None:
    p = result.contact_points.set_index("id")
    assert p["radius_m"].tolist() == [3000.0, 10000.0]
    assert p["sites_within"].tolist() == [0, 3]
    assert p["site_rule"].tolist() == ["below", "ok"]
    assert p["covered_population"].tolist() == [1000, 1000]  # P2: v2 + v3 + v4
    assert p["rural_covered_population"].tolist() == [0, 500]
    assert p["township_code"].tolist() == ["110101001", "110101002"]
    assert p["meets_room_standard"].tolist() == [True, False]  # P2 room is 20 m2
    assert p["adoption_rate"].tolist() == [0.25, 0.2]


def test_kpis(result: CoverageResult) -> None:
    k = result.kpis
    assert (k.population_total, k.population_covered, k.coverage_share) == (2500, 2000, 0.8)
    assert (k.rural_population_total, k.rural_population_covered) == (1000, 500)
    assert (k.rural_coverage_share, k.urban_coverage_share) == (0.5, 1.0)
    assert (k.townships_total, k.townships_uncovered) == (3, 1)
    assert k.contact_points_total == 2
    assert k.contact_points_by_type == {
        "urban_community": 1, "rural": 1, "enterprise": 0, "association": 0, "school": 0,
        "other": 0,
    }  # fmt: skip
    assert (k.rural_point_share, k.rural_population_share) == (0.5, 0.4)
    assert k.equity_index == pytest.approx(1.25) and not k.equity_flagged
    assert k.collection_sites_total == 4
    assert (k.points_with_3_to_5_sites, k.points_below_3_sites, k.points_above_5_sites) == (1, 1, 0)
    assert (k.counties_total, k.counties_compliant) == (2, 0)
    assert (k.opinions_collected, k.opinions_adopted) == (30, 7)
    assert k.adoption_rate == pytest.approx(7 / 30)
    assert (k.network_population_covered, k.network_coverage_share) == (2400, 0.96)
    assert (k.points_below_room_standard, k.homes_total, k.homes_below_standard) == (1, 1, 0)
    assert k.counties_equity_flagged == 1
    json.dumps(k.to_dict())


def test_radius_override_changes_coverage() -> None:
    # 12 km for every type: P1 (3000,5000) now reaches v2 and v3 too; P2 reaches v5 (11 km)
    k = compute_coverage(tiny_city(), load_standards(radius_m=12_000)).kpis
    assert k.population_covered == 2400
    assert k.townships_uncovered == 0


def test_no_points_means_nothing_covered() -> None:
    city = tiny_city()
    empty = city.contact_points.iloc[0:0]
    from dataclasses import replace

    r = compute_coverage(replace(city, contact_points=empty))
    assert r.kpis.population_covered == 0 and r.kpis.townships_uncovered == 3
    assert r.demand["nearest_point_m"].isna().all()
    assert r.kpis.contact_points_total == 0 and r.kpis.adoption_rate == 0.0
    assert r.kpis.network_population_covered == 900  # v3 300 + v4 200 + v5 400 (sites)
    assert r.kpis.rural_point_share == 0.0 and r.kpis.equity_flagged


def test_all_problems_reported_at_once() -> None:
    from dataclasses import replace

    city = tiny_city()
    points = city.contact_points.copy()
    points.loc[0, "type"] = "spaceship"
    villages = city.villages.copy()
    villages.loc[5, "township_code"] = "999999999"
    homes = city.homes.drop(columns="id")
    with pytest.raises(AnalysisError) as info:
        compute_coverage(replace(city, contact_points=points, villages=villages, homes=homes))
    codes = sorted(p.code for p in info.value.problems)
    assert codes == ["missing_column", "unknown_point_type", "unknown_township"]


def test_point_county_falls_back_to_township() -> None:
    from dataclasses import replace

    city = tiny_city()
    pts = points_gdf([(25000, 6000)], id=["P9"], name=["x"], type=["rural"], county=[""])
    r = compute_coverage(replace(city, contact_points=pts))
    assert r.contact_points["county"].tolist() == ["乙县"]
    assert r.counties.set_index("county").loc["乙县", "points_rural"] == 1


def test_point_outside_every_township_without_county() -> None:
    from dataclasses import replace

    city = tiny_city()
    pts = points_gdf(
        [(3000, 5000), (60000, 5000)], id=["P1", "PX"], name=["a", "b"],
        type=["urban_community", "rural"], county=["", ""],
    )  # fmt: skip
    r = compute_coverage(replace(city, contact_points=pts))
    assert r.contact_points["county"].tolist() == ["甲区", ""]
    assert r.contact_points["township_code"].tolist() == ["110101001", ""]
    assert r.counties["county"].tolist() == ["甲区", "乙县"]
    assert r.counties["points_total"].sum() == 1
    assert r.kpis.contact_points_total == 2
