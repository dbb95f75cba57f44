"""Statistics-bureau files: 统计用区划代码 and 城乡分类代码 as the planners receive them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geodata import GeodataError, assemble_city, read_layer
from geodata.admin.codes import KIND_CODES_ENV, class_code_kinds

_VILLAGES = """统计用区划代码,名称,城乡分类代码,人口,经度,纬度
620102001001,东风社区,111,3000,104.55,35.55
620102001002,东湖社区,112,2000,104.56,35.56
620102002001,西湖社区,121,2500,104.65,35.55
620123101001,柳泉村,220,2200,104.55,35.65
620123101002,柳河村,210,2300,104.56,35.66
620123201001,石门村,220,1500,104.65,35.65
620123201002,石岭村,122,1500,104.66,35.66
"""


def _townships(tmp_path: Path) -> Path:
    """Townships as the bureau writes them: 12-digit codes ending 000, no county code."""
    rows = [
        ("620102001000", "东风街道", "示范区", 5000, box(104.5, 35.5, 104.6, 35.6)),
        ("620102002000", "西湖街道", "示范区", 2500, box(104.6, 35.5, 104.7, 35.6)),
        ("620123101000", "柳泉镇", "示范县", 4500, box(104.5, 35.6, 104.6, 35.7)),
        ("620123201000", "石门乡", "示范县", 3000, box(104.6, 35.6, 104.7, 35.7)),
    ]
    gdf = gpd.GeoDataFrame(
        {
            "统计用区划代码": [r[0] for r in rows],
            "名称": [r[1] for r in rows],
            "县区": [r[2] for r in rows],
            "人口": [r[3] for r in rows],
            "城乡分类代码": ["111", "111", "220", "220"],
        },
        geometry=[r[4] for r in rows],
        crs=4326,
    )
    path = tmp_path / "乡镇.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def _villages(tmp_path: Path, text: str = _VILLAGES) -> Path:
    path = tmp_path / "村级统计用区划代码.csv"
    path.write_text(text, encoding="gb18030")
    return path


def test_a_bureau_village_file_loads_with_kinds_and_derived_codes(tmp_path: Path) -> None:
    villages = read_layer(_villages(tmp_path), "villages")
    gdf = villages.gdf
    assert list(gdf["kind"]) == ["urban", "urban", "urban", "rural", "rural", "rural", "urban"]
    assert list(gdf["township_code"]) == [
        "620102001",
        "620102001",
        "620102002",
        "620123101",
        "620123101",
        "620123201",
        "620123201",
    ]
    towns = read_layer(_townships(tmp_path), "townships")
    assert list(towns.gdf["code"]) == ["620102001", "620102002", "620123101", "620123201"]
    assert list(towns.gdf["county_code"]) == ["620102", "620102", "620123", "620123"]
    assert list(towns.gdf["kind"]) == ["urban", "urban", "rural", "rural"]
    city = assemble_city(towns.gdf, gdf)
    assert city.villages is not None and len(city.villages) == 7


def test_the_kind_mapping_is_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _villages(tmp_path)
    by_arg = read_layer(path, "villages", kind_codes={"122": "rural", "121": "rural"}).gdf
    assert by_arg["kind"].iloc[2] == "rural" and by_arg["kind"].iloc[6] == "rural"
    monkeypatch.setenv(KIND_CODES_ENV, "122=rural")
    assert class_code_kinds()["122"] == "rural"
    by_env = read_layer(path, "villages").gdf
    assert by_env["kind"].iloc[6] == "rural" and by_env["kind"].iloc[2] == "urban"
    monkeypatch.setenv(KIND_CODES_ENV, "12=rural,220=city")
    with pytest.raises(GeodataError) as exc:
        read_layer(path, "villages")
    assert [p.code for p in exc.value.problems] == ["bad_kind_codes_setting"]


def test_codes_that_are_not_12_digits_are_reported(tmp_path: Path) -> None:
    text = _VILLAGES.replace("620123201002,", "62012320100,")
    with pytest.raises(GeodataError) as exc:
        read_layer(_villages(tmp_path, text), "villages")
    bad = [p for p in exc.value.problems if p.code == "bad_admin_code"]
    assert len(bad) == 1 and bad[0].row == 6 and "62012320100" in (bad[0].value or "")


def test_the_township_part_must_exist(tmp_path: Path) -> None:
    text = _VILLAGES.replace("620123201002,", "620199999002,")
    villages = read_layer(_villages(tmp_path, text), "villages").gdf
    towns = read_layer(_townships(tmp_path), "townships").gdf
    with pytest.raises(GeodataError) as exc:
        assemble_city(towns, villages)
    codes = {p.code: p for p in exc.value.problems}
    assert "620199999" in codes["unknown_township_code"].params["codes"]
