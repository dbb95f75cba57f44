"""Township boundaries as they come: overlaps and gaps reported, an optional snap-and-clean."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geodata import assemble_city, read_layer
from geodata.boundaries.clean import clean_boundaries
from geodata.boundaries.topology import boundary_issues, equal_area_crs

GOOD = Path(__file__).resolve().parent / "data" / "good"


def _towns(geoms: list[Polygon]) -> gpd.GeoDataFrame:
    n = len(geoms)
    return gpd.GeoDataFrame(
        {
            "code": [f"62010200{i + 1}" for i in range(n)],
            "name": ["东镇", "西镇", "南镇", "北镇", "中镇"][:n],
            "county": ["示范县"] * n,
            "population": [1000] * n,
            "kind": ["rural"] * n,
        },
        geometry=geoms,
        crs=4326,
    )


def _messy() -> gpd.GeoDataFrame:
    """Four 0.1° squares: 西镇 reaches 0.002° into 东镇; a 0.001° sliver hole in the middle."""
    return _towns(
        [
            box(104.5, 35.5, 104.6, 35.6),
            box(104.598, 35.5, 104.7, 35.6),  # overlaps 东镇 by 0.002° x 0.1°
            box(104.5, 35.601, 104.6, 35.7),  # a 0.001° gap above 东镇 ...
            box(104.6, 35.601, 104.7, 35.7),
            # ... closed on the outside by a strip, so that the gap is a hole of the union
            Polygon(
                [
                    (104.45, 35.45),
                    (104.75, 35.45),
                    (104.75, 35.75),
                    (104.45, 35.75),
                    (104.45, 35.45),
                ]
            ).difference(box(104.5, 35.5, 104.7, 35.7)),
        ]
    )


def test_overlaps_and_gaps_are_found_with_their_area_and_townships() -> None:
    issues = boundary_issues(_messy(), source="乡镇边界.geojson")
    table = issues.table
    overlap = table[table["kind"] == "overlap"]
    assert list(overlap["names"]) == ["东镇、西镇"]
    crs = equal_area_crs(_messy())
    expected = box(104.598, 35.5, 104.6, 35.6)
    area = gpd.GeoSeries([expected], crs=4326).to_crs(crs).area.iloc[0] / 1e6
    assert overlap["area_km2"].iloc[0] == pytest.approx(area, rel=1e-3)
    gap = table[table["kind"] == "gap"]
    assert len(gap) == 1 and set(gap["names"].iloc[0].split("、")) == {
        "东镇",
        "西镇",
        "南镇",
        "北镇",
        "中镇",
    }
    assert gap.crs.to_epsg() == 4326 and gap.geometry.iloc[0].bounds[1] == pytest.approx(35.6)
    codes = {p.code: p for p in issues.warnings}
    assert set(codes) == {"township_overlap", "township_gap"}
    assert codes["township_overlap"].source == "乡镇边界.geojson"
    assert codes["township_overlap"].severity == "warning"
    assert codes["township_gap"].params["wkt"][0].startswith("POLYGON")


def test_clean_boundaries_leave_none_behind() -> None:
    cleaned = clean_boundaries(_messy(), tolerance_m=20.0, max_gap_km2=5.0)
    assert len(cleaned.before.table) == 2
    assert cleaned.after.table.empty
    towns = cleaned.townships
    assert towns.crs.to_epsg() == 4326 and list(towns["code"]) == list(_messy()["code"])
    # 东镇, listed first, keeps the overlap; the sliver (2 km², 111 m wide) joins a neighbour.
    east = box(104.5, 35.5, 104.6, 35.6)
    assert towns.geometry.iloc[0].intersection(east).area / east.area > 0.9999
    assert towns.geometry.iloc[1].intersection(east).area / east.area < 1e-4
    assert towns.geometry.is_valid.all()


def test_a_big_gap_stays_and_is_still_reported() -> None:
    cleaned = clean_boundaries(_messy(), max_gap_km2=0.01)
    assert list(cleaned.after.table["kind"]) == ["gap"]


def test_the_city_reports_them_naming_the_users_file(tmp_path: Path) -> None:
    path = tmp_path / "我的乡镇.geojson"
    _messy().to_file(path, driver="GeoJSON")
    towns = read_layer(path, "townships").gdf
    city = assemble_city(towns, sources={"townships": path.name})
    found = {(p.code, p.source) for p in city.warnings}
    assert ("township_overlap", "我的乡镇.geojson") in found
    assert ("township_gap", "我的乡镇.geojson") in found


def test_cross_layer_problems_name_the_users_files_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.cli.main import main

    villages = tmp_path / "我的村庄.csv"
    villages.write_text(
        "统计用区划代码,名称,城乡分类代码,人口,经度,纬度\n620199999001,外村,220,10,104.55,35.55\n",
        encoding="utf-8",
    )
    argv = ["report", "--townships", str(GOOD / "townships.geojson"), "--villages", str(villages)]
    argv += ["--points", str(GOOD / "contact_points.csv"), "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "[我的村庄.csv" in err and "no township of townships.geojson" in err


def test_the_good_townships_have_no_issues() -> None:
    towns = read_layer(GOOD / "townships.geojson", "townships").gdf
    assert boundary_issues(towns).table.empty
    assert boundary_issues(towns.iloc[0:0]).table.empty


def test_the_report_command_can_clean_the_boundaries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.cli.main import main

    path = tmp_path / "乡镇.geojson"
    towns = read_layer(GOOD / "townships.geojson", "townships").gdf
    towns.loc[1, "geometry"] = box(104.598, 35.5, 104.7, 35.6)
    towns.to_file(path, driver="GeoJSON")
    argv = ["report", "--townships", str(path), "--points", str(GOOD / "contact_points.csv")]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    assert "overlap each other" in capsys.readouterr().err
    assert main([*argv, "--clean-boundaries", "--out", str(tmp_path / "b")]) == 0
    assert "overlap each other" not in capsys.readouterr().err
