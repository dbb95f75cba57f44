"""Joining a township population table (geodata.io.population)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geodata import GeodataError, join_population, read_layer, validate_layer

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture()
def boundaries(tmp_path: Path) -> gpd.GeoDataFrame:
    """Township boundaries without population, read as the UI would."""
    raw = gpd.read_file(GOOD / "townships.geojson").drop(columns=["population"])
    path = tmp_path / "townships.geojson"
    raw.to_file(path)
    return read_layer(path, "townships", optional_columns=("population",)).gdf


def test_join_by_name_gbk_csv(boundaries: gpd.GeoDataFrame) -> None:
    joined = join_population(boundaries, GOOD / "township_population_by_name_gbk.csv")
    clean, problems = validate_layer(joined, "townships")
    assert problems == []
    assert list(clean["population"]) == [9000, 6100, 4400, 2900]
    # rural population derived again from kind for the new totals
    assert list(clean["rural_population"]) == [0, 0, 4400, 2900]


def test_join_by_code_xlsx_with_rural(boundaries: gpd.GeoDataFrame) -> None:
    joined = join_population(boundaries, GOOD / "township_population_by_code.xlsx")
    clean, _ = validate_layer(joined, "townships")
    assert list(clean["population"]) == [1, 2, 3, 4]
    assert list(clean["rural_population"]) == [0, 0, 3, 4]


def test_join_raw_headers(tmp_path: Path) -> None:
    raw = gpd.read_file(GOOD / "townships.geojson").rename(columns={"name": "乡镇名称"})
    joined = join_population(raw, GOOD / "township_population_by_name_gbk.csv")
    assert list(joined["population"]) == [9000, 6100, 4400, 2900]


def test_unmatched_names_listed_on_both_sides(boundaries: gpd.GeoDataFrame, tmp_path: Path) -> None:
    table = tmp_path / "pop.csv"
    table.write_text(
        "乡镇名称,人口\n东风街道,1\n西湖街道,2\n柳泉 镇,3\n石门镇,4\n新区,5\n", encoding="utf-8"
    )
    with pytest.raises(GeodataError) as exc:
        join_population(boundaries, table)
    (problem,) = exc.value.problems
    assert problem.code == "population_unmatched"
    # "柳泉 镇" matches after removing spaces; the rest do not.
    assert problem.params == {
        "boundaries_unmatched": ["石门乡"],
        "table_unmatched": ["石门镇", "新区"],
    }


def test_duplicates_and_bad_values(boundaries: gpd.GeoDataFrame, tmp_path: Path) -> None:
    dup = tmp_path / "dup.csv"
    dup.write_text(
        "名称,人口\n东风街道,1\n东风街道,1\n西湖街道,2\n柳泉镇,3\n石门乡,4\n", encoding="utf-8"
    )
    with pytest.raises(GeodataError) as exc:
        join_population(boundaries, dup)
    assert [p.code for p in exc.value.problems] == ["population_duplicate_key"]
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,人口\n东风街道,-1\n西湖街道,多\n", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        join_population(boundaries, bad)
    assert [p.code for p in exc.value.problems] == ["negative_value", "not_a_number"]


def test_table_errors(boundaries: gpd.GeoDataFrame, tmp_path: Path) -> None:
    no_pop = tmp_path / "nopop.csv"
    no_pop.write_text("名称,面积\n东风街道,1\n", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        join_population(boundaries, no_pop)
    assert [p.code for p in exc.value.problems] == ["missing_column"]
    with pytest.raises(GeodataError) as exc:
        join_population(boundaries, GOOD / "townships.geojson")
    assert [p.code for p in exc.value.problems] == ["population_table_format"]
    only_code = tmp_path / "code.csv"
    only_code.write_text("区划代码,人口\n620102001,1\n", encoding="utf-8")
    nameless = boundaries.drop(columns=["code"])
    with pytest.raises(GeodataError) as exc:
        join_population(nameless, only_code)
    assert [p.code for p in exc.value.problems] == ["population_no_join_key"]
