"""Every reader on the good samples (geodata.io.readers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geodata import read_layer, read_table_headers

GOOD = Path(__file__).resolve().parent / "data" / "good"
TOWN_CODES = ["620102001", "620102002", "620123101", "620123201"]
TOWN_NAMES = ["东风街道", "西湖街道", "柳泉镇", "石门乡"]


@pytest.mark.parametrize(
    "file_name",
    [
        "townships.geojson",
        "townships.gpkg",
        "townships_gbk_no_cpg.zip",
        "townships_utf8_cpg.zip",
    ],
)
def test_township_readers(file_name: str) -> None:
    loaded = read_layer(GOOD / file_name, "townships")
    gdf = loaded.gdf
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["code"]) == TOWN_CODES
    assert list(gdf["name"]) == TOWN_NAMES  # GBK without .cpg decoded, not mojibake
    assert list(gdf["kind"]) == ["urban", "urban", "rural", "rural"]
    assert list(gdf["rural_population"]) == [0, 0, 4500, 3000]
    assert gdf["population"].dtype == np.int64
    # The GBK shapefile is in EPSG:4544 (CGCS2000 Gauss-Kruger): reprojected to degrees.
    minx, miny, maxx, maxy = gdf.total_bounds
    assert (minx, miny, maxx, maxy) == pytest.approx((104.5, 35.5, 104.7, 35.7), abs=1e-6)
    assert loaded.warnings == ()


def test_gpkg_picks_the_layer_named_like_the_layer() -> None:
    assert len(read_layer(GOOD / "townships.gpkg", "townships").gdf) == 4


@pytest.mark.parametrize(
    "file_name", ["villages_gbk.csv", "villages.xlsx", "villages_gb18030_tab.txt"]
)
def test_village_tables(file_name: str) -> None:
    gdf = read_layer(GOOD / file_name, "villages").gdf
    assert len(gdf) == 12
    assert gdf["code"].iloc[0] == "620102001001"  # float from Excel -> 12-digit text
    assert set(gdf["township_code"]) == set(TOWN_CODES)
    assert set(gdf["kind"]) == {"urban", "rural"}
    assert not gdf["is_township_seat"].any()
    assert gdf.geometry.x.between(104.5, 104.7).all()


def test_contact_points_csv_chinese_values() -> None:
    gdf = read_layer(GOOD / "contact_points.csv", "contact_points").gdf
    assert list(gdf["type"]) == ["urban_community", "rural", "enterprise", "association"]
    assert list(gdf["opinions_collected"]) == [40, 25, 10, 8]
    assert list(gdf["staff"]) == [0, 0, 0, 0]
    assert gdf["area_m2"].isna().all()


@pytest.mark.parametrize(
    ("file_name", "system"),
    [("contact_points_gcj02.csv", "gcj02"), ("contact_points_bd09.csv", "bd09")],
)
def test_web_map_coordinates_converted(file_name: str, system: str) -> None:
    truth = read_layer(GOOD / "contact_points.csv", "contact_points").gdf
    got = read_layer(GOOD / file_name, "contact_points", coord_system=system).gdf  # type: ignore[arg-type]
    assert np.abs(got.geometry.x - truth.geometry.x).max() < 1e-6
    assert np.abs(got.geometry.y - truth.geometry.y).max() < 1e-6
    raw = read_layer(GOOD / file_name, "contact_points").gdf  # declared WGS84: stays offset
    assert np.abs(raw.geometry.x - truth.geometry.x).max() > 1e-3


def test_kml_and_kmz() -> None:
    cps = read_layer(GOOD / "contact_points.kml", "contact_points").gdf
    assert list(cps["id"]) == ["CP01", "CP02", "CP03", "CP04"]
    assert cps["name"].iloc[0] == "东风社区联系点"
    homes = read_layer(GOOD / "homes.kmz", "homes").gdf
    assert list(homes["area_m2"]) == [80.0, 50.0]


def test_cgcs2000_geojson_treated_as_wgs84() -> None:
    homes = read_layer(GOOD / "homes_cgcs2000.geojson", "homes").gdf
    assert homes.crs.to_epsg() == 4326
    assert homes.geometry.x.iloc[0] == pytest.approx(104.56)


def test_utf8_bom_csv_and_optional_id() -> None:
    sites = read_layer(GOOD / "collection_sites_utf8_bom.csv", "collection_sites").gdf
    assert list(sites.columns[:3]) == ["id", "name", "contact_point_id"]
    assert sites["contact_point_id"].iloc[0] == "CP01"
    assert list(sites["informants"]) == [0] * 8


def test_hostile_names_are_kept_verbatim() -> None:
    gdf = read_layer(GOOD / "contact_points_html_names.csv", "contact_points").gdf
    assert gdf["name"].iloc[0] == '<script>alert("x")</script>'


def test_warnings_for_repairs_and_3d() -> None:
    three_d = read_layer(GOOD / "townships_3d_warn.geojson", "townships")
    assert [w.code for w in three_d.warnings] == ["dropped_z_m"]
    assert not three_d.gdf.has_z.any()
    bow = read_layer(GOOD / "townships_self_intersection_warn.geojson", "townships")
    assert [w.code for w in bow.warnings] == ["repaired_geometry"]
    assert bow.gdf.is_valid.all()
    assert bow.gdf.geom_type.iloc[0] == "MultiPolygon"


def test_read_table_headers() -> None:
    assert read_table_headers(GOOD / "villages_gbk.csv") == [
        "编码",
        "名称",
        "乡镇编码",
        "人口",
        "类型",
        "经度",
        "纬度",
    ]
    assert "rural_pop" in read_table_headers(GOOD / "townships_utf8_cpg.zip")


def test_codes_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "homes.csv"
    path.write_text("编号,名称,经度,纬度\n007,甲,104.55,35.55\n0010,乙,104.56,35.56\n", "utf-8")
    assert list(read_layer(path, "homes").gdf["id"]) == ["007", "0010"]


def test_column_map_override(tmp_path: Path) -> None:
    path = tmp_path / "homes.csv"
    path.write_text("编号,点位名称,X坐标,Y坐标\nH1,甲,104.55,35.55\n", encoding="utf-8")
    gdf = read_layer(
        path, "homes", column_map={"点位名称": "name", "X坐标": "lon", "Y坐标": "lat"}
    ).gdf
    assert gdf["name"].iloc[0] == "甲"
    assert gdf.geometry.x.iloc[0] == pytest.approx(104.55)
