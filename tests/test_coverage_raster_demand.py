"""The population raster's cells as the coverage demand (people where they actually live).

The raster of tests/support/raster.py: 4 x 4 cells of 0.05 degrees, 100 ... 1600 people,
column 2 cut in half by the edge of the west (7,800 people, half rural) and east (5,800,
urban) townships.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from analysis.coverage.api import compute_coverage
from analysis.errors import AnalysisError
from analysis.export.labels import DEMAND_SOURCE_ZH
from analysis.standards.load import load_standards
from geodata.city import CityData
from geodata.raster.population import (
    apply_raster_population,
    raster_demand_grid,
    raster_population,
)
from tests.support.raster import two_townships, write_tif

# The centre of cell (row 0, column 2): on the edge between the townships.
_EDGE_CELL = (104.625, 35.675)


def _points(*lonlat: tuple[float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [f"P{i}" for i in range(len(lonlat))], "type": ["rural"] * len(lonlat)},
        geometry=[Point(x, y) for x, y in lonlat],
        crs=4326,
    )


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326)


def _city(tmp_path: Path, *, cells: bool = True, **kw: object) -> CityData:
    tif = write_tif(tmp_path / "pop.tif")
    towns = two_townships()
    towns = apply_raster_population(towns, raster_population(tif, towns))
    return CityData(
        townships=towns,
        villages=None,
        contact_points=kw.get("points", _points(_EDGE_CELL)),  # type: ignore[arg-type]
        collection_sites=_empty(),
        homes=_empty(),
        demand_cells=raster_demand_grid(tif, towns) if cells else None,
    )


def test_the_cells_are_the_demand_and_the_population_is_conserved(tmp_path: Path) -> None:
    r = compute_coverage(_city(tmp_path))
    assert r.demand_source == "raster_grid" and r.grid_cell_size_m is None
    assert (r.demand["source"] == "raster").all()
    assert len(r.demand) == 8 + 4 + 4 + 4  # column 2 once per township
    per_town = r.demand.groupby("township_code", observed=True)["population"].sum()
    assert per_town.to_dict() == pytest.approx({"620102001": 7800, "620102002": 5800})
    assert r.townships["population"].tolist() == [7800, 5800]
    assert r.kpis.population_total == 13_600
    # The urban/rural split of each township is kept in every cell (west: half rural).
    west = r.demand[r.demand["township_code"] == "620102001"]
    assert west["rural_population"].to_numpy() == pytest.approx(west["population"] / 2)
    assert (r.demand.loc[r.demand["township_code"] == "620102002", "rural_population"] == 0).all()
    assert set(west["kind"].astype(str)) == {"rural"}
    assert r.kpis.rural_population_total == 3900


def test_covered_population_by_hand(tmp_path: Path) -> None:
    # A point at the edge cell's centre with a 3 km radius reaches that centre only (the
    # next centres are 4.5 km east-west and 5.6 km north-south away): the cell's 300
    # people, 150 on each side of the edge; half of the west's 150 are rural.
    r = compute_coverage(_city(tmp_path), load_standards(radius_m=3000))
    assert r.kpis.population_covered == 300
    assert r.townships["covered_population"].tolist() == [150, 150]
    assert r.contact_points["covered_population"].tolist() == [300]
    assert r.contact_points["rural_covered_population"].tolist() == [75]
    # The uniform grid spreads the same people evenly: another answer.
    grid = compute_coverage(_city(tmp_path, cells=False), load_standards(radius_m=3000))
    assert grid.demand_source == "township_grid"
    assert grid.kpis.population_covered != 300
    assert grid.kpis.population_total == 13_600


def test_without_cells_the_uniform_grid_is_used(tmp_path: Path) -> None:
    r = compute_coverage(_city(tmp_path, cells=False))
    assert r.demand_source == "township_grid" and r.grid_cell_size_m == 500.0
    assert (r.demand["source"] == "grid").all()


def test_villages_stay_the_demand_where_a_township_has_them(tmp_path: Path) -> None:
    city = _city(tmp_path)
    villages = gpd.GeoDataFrame(
        {
            "code": ["620102001001"],
            "name": ["西村"],
            "township_code": ["620102001"],
            "population": [7800],
            "kind": ["rural"],
        },
        geometry=[Point(104.55, 35.6)],
        crs=4326,
    )
    r = compute_coverage(replace(city, villages=villages))
    assert r.demand_source == "villages+raster_grid"
    by_source = r.demand.groupby(r.demand["source"].astype(str))["township_code"].unique()
    assert list(by_source["village"]) == ["620102001"]
    assert set(by_source["raster"]) == {"620102002"}
    assert [w.code for w in r.warnings] == ["township_raster_cells"]
    assert r.kpis.population_total == 13_600
    for source in ("raster_grid", "villages+raster_grid", "raster_grid+township_grid"):
        assert DEMAND_SOURCE_ZH[source]


def test_a_township_without_cells_falls_back_to_the_grid(tmp_path: Path) -> None:
    city = _city(tmp_path)
    assert city.demand_cells is not None
    west_only = city.demand_cells[city.demand_cells["township_code"] == "620102001"]
    r = compute_coverage(replace(city, demand_cells=west_only))
    assert r.demand_source == "raster_grid+township_grid"
    assert r.kpis.population_total == 13_600


def test_bad_cells_are_reported_at_once(tmp_path: Path) -> None:
    cells = pd.DataFrame(
        {
            "township_code": ["620102001", "999"],
            "lon": [104.55, np.nan],
            "lat": [35.6, 35.6],
            "population": [10.0, 5.0],
        }
    )
    with pytest.raises(AnalysisError) as info:
        compute_coverage(replace(_city(tmp_path), demand_cells=cells))
    found = {(p.code, p.source) for p in info.value.problems}
    assert found == {
        ("bad_population", "population_raster"),
        ("unknown_township", "population_raster"),
    }
    with pytest.raises(AnalysisError) as info:
        compute_coverage(replace(_city(tmp_path), demand_cells=cells.drop(columns="lat")))
    assert [p.column for p in info.value.problems] == ["lat"]


def test_the_report_command_uses_the_cells_with_raster_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from analysis.cli.main import main

    good = Path(__file__).resolve().parent / "data" / "good"
    tif = write_tif(tmp_path / "pop.tif")
    argv = ["report", "--townships", str(good / "townships.geojson")]
    argv += ["--points", str(good / "contact_points.csv"), "--population-raster", str(tif)]
    kpis = {}
    for flag in ("--raster-demand", None):
        out = tmp_path / f"out{flag}"
        assert main([*argv, *([flag] if flag else []), "--out", str(out)]) == 0
        kpis[flag] = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["--raster-demand"]["demand_source"] == "raster_grid"
    assert kpis[None]["demand_source"] == "township_grid"
    for figures in kpis.values():
        assert figures["population_total"] == 13_600  # the raster's people, whole
    capsys.readouterr()
    bad = [*argv[:5], "--raster-demand", "--out", str(tmp_path / "bad")]
    assert main(bad) == 2
    assert "--raster-demand" in capsys.readouterr().err


def test_the_optimiser_places_a_point_by_the_raster_cells(tmp_path: Path) -> None:
    from analysis.optimise.model.request import ProposalRequest
    from analysis.optimise.propose import propose

    # No point yet; two candidates: the edge cell's centre (300 people within 3 km) and the
    # centre of the south-east cell (1,600 people): counted by the cells, the second wins.
    city = _city(tmp_path, points=_points())
    candidates = gpd.GeoDataFrame(
        {"id": ["edge", "south_east"]},
        geometry=[Point(*_EDGE_CELL), Point(104.675, 35.525)],
        crs=4326,
    )
    request = ProposalRequest(
        counts={"rural": 1},
        objective="population",
        candidates=candidates,
        relaxed=True,
        site_rules=False,
    )
    plan = propose(city, load_standards(radius_m=3000), request)
    assert list(plan.points["site_id"]) == ["south_east"]
    assert plan.kpis_after.population_covered == 1600
    assert plan.kpis_after.demand_source == "raster_grid"


def test_merge_cells_sums_people_at_their_weighted_centre() -> None:
    from analysis.coverage.grid_demand import merge_cells

    town, x, y, people = merge_cells(
        np.array([0, 0, 0, 1]),
        np.array([100.0, 300.0, 1500.0, 200.0]),
        np.array([100.0, 100.0, 100.0, 100.0]),
        np.array([30.0, 10.0, 5.0, 7.0]),
        1000.0,
    )
    assert town.tolist() == [0, 0, 1]  # two cells of township 0 share a block, not township 1
    assert people.tolist() == [40.0, 5.0, 7.0]
    assert x.tolist() == pytest.approx([(30 * 100 + 10 * 300) / 40, 1500.0, 200.0])
    assert y.tolist() == pytest.approx([100.0, 100.0, 100.0])


def test_more_cells_than_max_cells_are_merged_and_conserved(tmp_path: Path) -> None:
    r = compute_coverage(_city(tmp_path), load_standards(grid_max_cells=5))
    assert r.demand_source == "raster_grid" and len(r.demand) < 20
    per_town = r.demand.groupby("township_code", observed=True)["population"].sum()
    assert per_town.to_dict() == pytest.approx({"620102001": 7800, "620102002": 5800})
