"""The seeded fictional province (geodata.synthetic.province) and naming the area by the data.

Generated once per module (a few seconds): sizes, validity through the same checks as a
user's upload, codes, determinism by seed, the disk cache, and 全省/全市/全县.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geodata.admin.codes import area_level
from geodata.synthetic import province
from geodata.validate.layers import assemble_city


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return province.build_province()


def test_sizes_of_a_province(layers: dict[str, gpd.GeoDataFrame]) -> None:
    towns = layers["townships"]
    assert len(towns) == province.N_TOWNSHIPS == 1500
    assert 19_000 <= len(layers["villages"]) <= 21_000
    assert len(layers["contact_points"]) == province.N_CONTACT_POINTS == 300
    assert set(layers["contact_points"]["type"]) == {
        "urban_community",
        "rural",
        "enterprise",
        "association",
    }
    assert len(layers["collection_sites"]) >= 600 and len(layers["homes"]) == 150
    assert towns["county"].nunique() == province.N_COUNTIES == 13
    assert towns["county_code"].str[:4].nunique() == len(province.PREFECTURES) == 4
    assert set(towns["kind"]) == {"urban", "rural"}
    assert set(layers["villages"]["kind"]) == {"urban", "rural"}


def test_layers_pass_the_uploads_checks(layers: dict[str, gpd.GeoDataFrame]) -> None:
    city = assemble_city(**layers, name=province.PROVINCE_NAME_ZH)  # raises on any error
    assert not city.warnings  # no overlaps, gaps, stray points or wrong totals
    towns = city.townships
    assert (towns.geom_type == "Polygon").all()  # every township in one piece
    # Villages carry their township's code (12 = 9 + 3 digits) and lie inside it.
    vil = city.villages
    assert (vil["code"].str.len() == 12).all() and (
        vil["code"].str[:9] == vil["township_code"]
    ).all()
    joined = gpd.sjoin(vil[["code", "township_code", "geometry"]], towns[["code", "geometry"]])
    assert (joined["township_code"] == joined["code_right"]).all()
    assert len(joined) == len(vil)
    # Township totals add up from the villages.
    sums = vil.groupby("township_code")["population"].sum()
    assert (towns.set_index("code")["population"] == sums.reindex(towns["code"])).all()


def test_layout_is_a_province_in_a_projected_crs(layers: dict[str, gpd.GeoDataFrame]) -> None:
    towns = layers["townships"]
    assert towns.crs.to_epsg() == 4326
    metric = towns.to_crs(province.WORK_CRS)
    west, south, east, north = metric.total_bounds
    assert 350_000 < east - west < 500_000 and 250_000 < north - south < 420_000
    area_km2 = metric.area.sum() / 1e6
    assert 80_000 < area_km2 < 160_000


def test_same_seed_same_province_other_seed_other(layers: dict[str, gpd.GeoDataFrame]) -> None:
    again = province.build_province(province.SEED)
    for name, gdf in layers.items():
        assert gdf.drop(columns="geometry").equals(again[name].drop(columns="geometry")), name
        assert gdf.geometry.geom_equals_exact(again[name].geometry, 1e-9).all(), name
    other = province.build_province(province.SEED + 1)
    assert not other["villages"]["code"].equals(layers["villages"]["code"])


def test_load_province_caches_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = province.province_path()
    assert str(path).startswith(str(tmp_path)) and not path.exists()
    city = province.load_province()
    assert path.exists()
    assert city.name == province.PROVINCE_NAME_ZH and city.is_demo and city.roads is None
    stamp = path.stat().st_mtime_ns
    again = province.load_province()
    assert path.stat().st_mtime_ns == stamp  # read, not generated again
    assert again.villages["code"].equals(city.villages["code"])


def test_area_level_follows_the_data(layers: dict[str, gpd.GeoDataFrame]) -> None:
    towns = layers["townships"]
    assert area_level(towns["county_code"], towns["county"]) == "province"
    one_city = towns[towns["county_code"].str[:4] == "9801"]
    assert area_level(one_city["county_code"], one_city["county"]) == "city"
    one_county = towns[towns["county"] == towns["county"].iloc[0]]
    assert area_level(one_county["county_code"], one_county["county"]) == "county"
    # Codes that are not the bureau's say nothing about prefectures: a city.
    assert area_level(["A1", "B2"], ["甲县", "乙县"]) == "city"
    assert area_level([], ["甲县", "乙县"]) == "city"
    assert area_level(["", ""], ["甲县", "甲县"]) == "county"
