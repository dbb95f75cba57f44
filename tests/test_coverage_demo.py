"""The demo city's KPIs reproduce the facts of the speech."""

from __future__ import annotations

import pytest

from analysis.coverage.api import CoverageResult, compute_coverage

demo = pytest.importorskip("geodata.demo.load")


@pytest.fixture(scope="module")
def result() -> CoverageResult:
    return compute_coverage(demo.load_demo_city())


def test_twelve_points_by_type(result: CoverageResult) -> None:
    k = result.kpis
    assert k.contact_points_total == 12
    by_type = k.contact_points_by_type
    assert by_type["urban_community"] == 6
    assert by_type["rural"] == 4
    assert by_type["enterprise"] + by_type["association"] == 2


def test_opinions_and_adoption(result: CoverageResult) -> None:
    k = result.kpis
    assert (k.opinions_collected, k.opinions_adopted) == (326, 89)
    assert round(k.adoption_rate, 3) == 0.273


def test_eight_counties_and_the_agricultural_county(result: CoverageResult) -> None:
    counties = result.counties
    assert result.kpis.counties_total == 8 and len(counties) == 8
    farm = counties[counties["rural_population_share"].round(2) == 0.75]
    assert len(farm) == 1, counties[["county", "rural_population_share"]]
    assert farm["points_rural"].item() == 1
    assert not farm["meets_rural_minimum"].item()


def test_demo_uses_villages_and_utm_48n(result: CoverageResult) -> None:
    assert result.demand_source == "villages"
    assert result.crs.to_epsg() == 32648


def test_demo_tables_add_up(result: CoverageResult) -> None:
    k = result.kpis
    assert result.townships["population"].sum() == k.population_total
    assert result.counties["covered_population"].sum() == k.population_covered
    assert 0 <= k.population_covered <= k.network_population_covered <= k.population_total
    assert k.points_with_3_to_5_sites + k.points_below_3_sites + k.points_above_5_sites == 12
