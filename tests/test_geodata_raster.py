"""A population raster summed to townships (exact area weighting) and shared to villages."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geodata import GeodataError
from geodata.raster.population import (
    allocate_to_villages,
    apply_raster_population,
    raster_demand_grid,
    raster_population,
    whole_people,
)
from tests.support.raster import VALUES as _VALUES
from tests.support.raster import two_townships as _towns
from tests.support.raster import write_tif as _tif


def test_township_totals_equal_a_hand_computation(tmp_path: Path) -> None:
    got = raster_population(_tif(tmp_path / "pop.tif"), _towns())
    v = _VALUES.astype("float64")
    west = v[:, 0:2].sum() + 0.5 * v[:, 2].sum()  # column 2 is cut in half by the edge
    east = 0.5 * v[:, 2].sum() + v[:, 3].sum()
    assert got.township_population == pytest.approx([west, east], rel=1e-9)
    assert got.raster_total == pytest.approx(v.sum())
    assert got.total == pytest.approx(v.sum())  # nothing counted twice or lost
    assert [p.code for p in got.warnings] == []  # the table says the same


def test_a_projected_raster_and_nodata_cells(tmp_path: Path) -> None:
    # The same layout in Web Mercator metres: the polygons go to the raster, never the reverse.
    towns_m = gpd.GeoDataFrame(
        {"code": ["1", "2"], "name": ["甲", "乙"], "population": [0, 0]},
        geometry=[box(0, 0, 2500, 4000), box(2500, 0, 4000, 4000)],
        crs=3857,
    )
    values = _VALUES.copy()
    values[0, 0] = -99999.0  # nodata counts nothing
    path = _tif(tmp_path / "m.tif", values, "EPSG:3857", transform=from_origin(0, 4000, 1000, 1000))
    got = raster_population(path, towns_m.to_crs(4326))
    v = np.where(values < 0, 0, values).astype("float64")
    west = v[:, 0:2].sum() + 0.5 * v[:, 2].sum()
    assert got.township_population[0] == pytest.approx(west, rel=1e-6)
    assert got.township_population.sum() == pytest.approx(v.sum(), rel=1e-6)


def test_mismatch_partial_cover_and_no_overlap_are_reported(tmp_path: Path) -> None:
    path = _tif(tmp_path / "pop.tif")
    towns = _towns()
    towns["population"] = [5000, 5000]
    codes = [p.code for p in raster_population(path, towns).warnings]
    assert codes == ["raster_total_mismatch"]
    wide = towns.copy()
    wide.geometry = [box(104.4, 35.5, 104.625, 35.7), box(104.625, 35.5, 104.7, 35.7)]
    partial = raster_population(path, wide, mismatch_share=10.0).warnings
    assert [p.code for p in partial] == ["raster_partial_overlap"]
    assert partial[0].params["townships"] == ["西镇"]
    far = towns.copy()
    far.geometry = [box(110, 30, 110.1, 30.1), box(110.1, 30, 110.2, 30.1)]
    with pytest.raises(GeodataError) as exc:
        raster_population(path, far)
    assert [p.code for p in exc.value.problems] == ["raster_no_overlap"]


def test_bad_rasters_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "pop.tif"
    text.write_text("not a tiff", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        raster_population(text, _towns())
    assert [p.code for p in exc.value.problems] == ["raster_unreadable"]
    bare = _tif(tmp_path / "bare.tif", crs=None)
    with pytest.raises(GeodataError) as exc:
        raster_population(bare, _towns())
    assert [p.code for p in exc.value.problems] == ["raster_no_crs"]


def test_townships_and_villages_take_the_raster_population(tmp_path: Path) -> None:
    got = raster_population(_tif(tmp_path / "pop.tif"), _towns())
    towns = apply_raster_population(_towns(), got)
    assert list(towns["population"]) == [round(p) for p in got.township_population]
    assert towns["rural_population"].iloc[0] == round(towns["population"].iloc[0] / 2)
    assert towns["rural_population"].iloc[1] == 0
    villages = gpd.GeoDataFrame(
        {
            "township_code": ["620102001", "620102001", "620102001", "620102002", "620102002"],
            "population": [100, 300, 0, 0, 0],
        },
        geometry=[Point(104.55, 35.6)] * 5,
        crs=4326,
    )
    shared = allocate_to_villages(
        villages["township_code"].to_numpy(),
        villages["population"].to_numpy(),
        towns["code"].to_numpy(),
        towns["population"].to_numpy(),
    )
    west, east = (int(v) for v in towns["population"])
    assert shared[:3].sum() == west and shared[3:].sum() == east
    assert shared[1] == pytest.approx(3 * shared[0], abs=1) and shared[2] == 0
    assert abs(int(shared[3]) - int(shared[4])) <= 1  # no village population: evenly


def test_whole_people_keep_the_total() -> None:
    values = np.array([0.4, 0.4, 0.2, 1.5, 1.5])
    out = whole_people(values, np.array([0, 0, 0, 1, 1]))
    assert out[:3].sum() == 1 and out[3:].sum() == 3


def test_the_report_command_takes_a_population_raster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    from analysis.cli.main import main

    good = Path(__file__).resolve().parent / "data" / "good"
    out = tmp_path / "out"
    argv = ["report", "--townships", str(good / "townships.geojson")]
    argv += ["--points", str(good / "contact_points.csv")]
    argv += ["--population-raster", str(_tif(tmp_path / "pop.tif")), "--out", str(out)]
    assert main(argv) == 0
    towns = pd.read_csv(out / "townships.csv", dtype={"code": str}, encoding="utf-8-sig")
    by_code = dict(zip(towns["code"], towns["population"], strict=True))
    # 东风街道 is the south-west quarter: rows 2-3, columns 0-1 of the raster.
    assert by_code["620102001"] == 100 * (9 + 10 + 13 + 14)
    assert sum(by_code.values()) == int(_VALUES.sum())
    assert "raster counts 13,600 people" in capsys.readouterr().err  # the table said 21,500


def test_the_cells_as_a_demand_grid_add_up_to_the_townships(tmp_path: Path) -> None:
    values = _VALUES.copy()
    values[3, 3] = -99999.0  # nodata: no demand point
    path = _tif(tmp_path / "pop.tif", values)
    grid = raster_demand_grid(path, _towns())
    totals = raster_population(path, _towns()).township_population
    by_town = grid.groupby("township_code")["population"].sum()
    assert by_town.to_numpy() == pytest.approx(totals)
    assert len(grid) == 8 + 4 + 4 + 3  # column 2 counted in both townships, one cell nodata
    west = grid[grid["township_code"] == "620102001"]
    assert west["lon"].min() == pytest.approx(104.525) and west["lat"].max() == pytest.approx(
        35.675
    )
