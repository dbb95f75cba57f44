"""Text encoding detection and header mapping (geodata.io.encoding, geodata.io.columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.errors import GeodataError
from geodata.io.columns import (
    infer_layer_from_headers,
    infer_layer_from_name,
    resolve_column_map,
    suggest_column_map,
)
from geodata.io.encoding import detect_encoding

TEXT = "编码,名称,人口\n620102001001,东风一社区,4000\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (b"code,name\n1,a\n", "utf-8"),
    ],
)
def test_detect_encoding(data: bytes, expected: str) -> None:
    assert detect_encoding(data) == expected


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\x01\x02binary", "not_text"),
        ("a,b\n东风一社区,1\n".encode() + "西湖二社区,2\n".encode("gbk"), "mixed_encoding"),
        (b"a,b\n\x81\x20,1\n", "unknown_encoding"),
    ],
)
def test_detect_encoding_problems(data: bytes, code: str) -> None:
    with pytest.raises(GeodataError) as exc:
        detect_encoding(data, source="x.csv")
    assert [p.code for p in exc.value.problems] == [code]


def test_suggest_column_map_chinese_and_english() -> None:
    headers = ["编码", "名称", "乡镇编码", "人口", "类型", "经度", "纬度", "备注"]
    assert suggest_column_map(headers, "villages") == {
        "编码": "code",
        "名称": "name",
        "乡镇编码": "township_code",
        "人口": "population",
        "类型": "kind",
        "经度": "lon",
        "纬度": "lat",
    }
    assert suggest_column_map([" Name ", "LNG", "Lat", "ID", "Type"], "contact_points") == {
        "ID": "id",
        " Name ": "name",
        "Type": "type",
        "LNG": "lon",
        "Lat": "lat",
    }


def test_canonical_names_win_over_aliases() -> None:
    # "type" is an alias of townships' kind, but a file with both keeps kind -> kind.
    mapping = suggest_column_map(["kind", "type", "code"], "townships")
    assert mapping["kind"] == "kind"
    assert "type" not in mapping


def test_full_width_headers_match() -> None:
    assert suggest_column_map(["面积(平方米)"], "homes") == {"面积(平方米)": "area_m2"}


def test_resolve_column_map_user_override_and_errors() -> None:
    headers = ["编号", "点名", "经度", "纬度"]
    mapping, problems = resolve_column_map(
        headers, "homes", {"点名": "name", "nope": "id", "编号": "bogus"}
    )
    assert mapping["点名"] == "name"
    assert mapping["经度"] == "lon"
    assert sorted(p.code for p in problems) == [
        "column_map_unknown_header",
        "column_map_unknown_target",
    ]


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("乡镇边界.zip", "townships"),
        ("townships.geojson", "townships"),
        ("villages_by_township.csv", "villages"),
        ("全市村社区.xlsx", "villages"),
        ("联系点.csv", "contact_points"),
        ("collection_sites.kml", "collection_sites"),
        ("采集点名单.xlsx", "collection_sites"),
        ("代表之家.kmz", "homes"),
        ("data.csv", None),
    ],
)
def test_infer_layer_from_name(name: str, layer: str | None) -> None:
    assert infer_layer_from_name(name) == layer


def test_infer_layer_from_headers() -> None:
    assert infer_layer_from_headers(["编码", "名称", "乡镇编码", "人口", "类型"]) == "villages"
    assert infer_layer_from_headers(["编号", "名称", "类型", "收集意见"]) == "contact_points"
    assert infer_layer_from_headers(["foo", "bar"]) is None


@pytest.mark.parametrize(
    "header", ["urban_rural", "Urban_Rural", "urban rural", "URBAN-RURAL", "城乡属性", "城乡类型"]
)
@pytest.mark.parametrize("layer", ["villages", "townships"])
def test_urban_rural_header_is_the_kind_column(header: str, layer: str) -> None:
    headers = ["code", "name", "population", header]
    assert suggest_column_map(headers, layer)[header] == "kind"  # type: ignore[arg-type]


def test_statistics_bureau_urban_rural_codes_are_kinds(tmp_path: Path) -> None:
    from geodata.io.readers import read_layer

    table = tmp_path / "villages.csv"
    table.write_text(
        "code,name,township_code,population,urban_rural,lon,lat\n"
        "620102001001,a,620102001,10,111,104.52,35.56\n"
        "620102001002,b,620102001,10,121,104.52,35.56\n"
        "620102001003,c,620102001,10,220,104.52,35.56\n"
        "620102001004,d,620102001,10,乡村,104.52,35.56\n",
        encoding="utf-8",
    )
    kinds = list(read_layer(table, "villages").gdf["kind"])
    assert kinds == ["urban", "urban", "rural", "rural"]
