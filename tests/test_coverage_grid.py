"""Township grid demand: population conserved, one cell at least, urban/rural split kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import shapely

from analysis.coverage.api import compute_coverage
from analysis.coverage.grid_demand import township_grid
from analysis.standards.load import load_standards
from tests.support.coverage_fixtures import tiny_city


def test_grid_cells_fill_a_square_and_split_population() -> None:
    square = shapely.box(0, 0, 2000, 1000)
    tiny = shapely.box(5000, 5000, 5100, 5100)  # smaller than one cell
    grid = township_grid(np.array([square, tiny], dtype=object), [800, 30], [200, 30], 500.0)
    counts = np.bincount(grid.township_index)
    assert counts.tolist() == [8, 1]  # 4 x 2 cells of 500 m; the tiny one gets its point
    assert grid.population[grid.township_index == 0] == pytest.approx(100.0)
    assert grid.rural_population[grid.township_index == 0] == pytest.approx(25.0)
    assert grid.population.sum() == pytest.approx(830)
    assert shapely.contains_xy(tiny, grid.x_m[-1], grid.y_m[-1])


def test_cell_size_grows_to_respect_max_cells() -> None:
    square = shapely.box(0, 0, 100_000, 100_000)
    grid = township_grid(np.array([square], dtype=object), [1000], [0], 500.0, max_cells=1000)
    assert grid.cell_size_m == pytest.approx(100_000 / np.sqrt(1000))
    assert grid.x_m.size <= 1100


def test_township_grid_demand_in_compute_coverage() -> None:
    r = compute_coverage(tiny_city(with_villages=False))
    assert r.demand_source == "township_grid" and r.grid_cell_size_m == 500.0
    assert (r.demand["source"] == "grid").all()
    per_town = r.demand.groupby("township_code", observed=True)["population"].sum()
    assert per_town.round().tolist() == [1500, 500, 500]
    assert r.kpis.population_total == 2500 and r.kpis.rural_population_total == 1000
    # A radius covering the whole area covers everyone.
    full = compute_coverage(tiny_city(with_villages=False), load_standards(radius_m=40_000))
    assert full.kpis.population_covered == 2500


def test_townships_without_villages_get_grid_cells_and_a_warning() -> None:
    city = tiny_city()
    villages = city.villages[city.villages["township_code"] != "110102001"]
    r = compute_coverage(replace(city, villages=villages))
    assert r.demand_source == "villages+township_grid"
    assert [w.code for w in r.warnings] == ["township_without_villages"]
    assert r.kpis.population_total == 2500
    assert set(r.demand.loc[r.demand["source"] == "grid", "township_code"].astype(str)) == {
        "110102001"
    }
