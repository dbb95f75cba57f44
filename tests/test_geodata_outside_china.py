"""Data outside China: refused by default (naming the setting), accepted when the user says so.

The worked-example tiny city is moved, shape for shape, to Kenya (UTM 37S, south of the
equator) and to Germany (UTM 32N) by ``tests/support/outside_china.py``. With
``outside_china`` it reads, assembles and gives the tiny city's hand-worked coverage (2,500
people, 2,000 covered); coordinates must still be longitude/latitude degrees.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from geodata import GeodataError, assemble_city, read_layer
from tests.support.outside_china import PLACES, write_city_files

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=sorted(PLACES))
def foreign(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    place = str(request.param)
    return {"place": place, **write_city_files(tmp_path_factory.mktemp(place), place)}


def test_refused_without_the_setting_naming_it(foreign: dict) -> None:
    with pytest.raises(GeodataError) as exc:
        read_layer(foreign["villages"], "villages")
    codes = {p.code for p in exc.value.problems}
    assert codes == {"outside_china"}, codes
    assert "--outside-china" in exc.value.problems[0].message
    assert "数据不在中国境内" in exc.value.problems[0].message


def test_accepted_with_the_setting_and_coverage_computed(foreign: dict) -> None:
    from analysis.coverage.api import compute_coverage

    layers = {
        layer: read_layer(foreign[key], layer, outside_china=True).gdf
        for key, layer in (
            ("townships", "townships"),
            ("villages", "villages"),
            ("points", "contact_points"),
        )
    }
    assert set(layers["villages"]["kind"]) == {"urban", "rural"}  # read from urban_rural
    city = assemble_city(
        layers["townships"],
        layers["villages"],
        layers["contact_points"],
        outside_china=True,
    )
    assert city.outside_china
    result = compute_coverage(city)
    expected_epsg = PLACES[foreign["place"]][0]
    assert result.crs.to_epsg() == expected_epsg
    # The tiny city's hand-worked answer (tests/test_coverage.py): 2,000 of 2,500 covered.
    assert (result.kpis.population_total, result.kpis.population_covered) == (2500, 2000)


def test_cross_layer_check_without_the_setting_is_refused_too(foreign: dict) -> None:
    towns = read_layer(foreign["townships"], "townships", outside_china=True).gdf
    with pytest.raises(GeodataError) as exc:
        assemble_city(towns)
    assert {p.code for p in exc.value.problems} == {"outside_china"}


def test_points_outside_the_townships_get_no_chinese_web_map_hint(foreign: dict) -> None:
    towns = read_layer(foreign["townships"], "townships", outside_china=True).gdf
    far = gpd.GeoDataFrame(
        {"id": ["X"], "name": ["far"], "type": ["rural"]},
        geometry=gpd.points_from_xy([towns.total_bounds[2] + 1.0], [towns.total_bounds[3]]),
        crs=4326,
    )
    with pytest.raises(GeodataError) as exc:
        assemble_city(towns, contact_points=far, outside_china=True)
    (problem,) = exc.value.problems
    assert problem.code == "outside_study_area"
    assert "GCJ" not in problem.message and "BD-09" not in problem.message


def test_still_longitude_latitude(tmp_path: Path) -> None:
    table = tmp_path / "homes.csv"
    table.write_text("id,name,lon,lat\nH1,a,36.8,-1.3\nH2,b,236.8,-1.3\n", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        read_layer(table, "homes", outside_china=True)
    assert [(p.code, p.row) for p in exc.value.problems] == [("invalid_lonlat", 1)]
    swapped = tmp_path / "homes_swapped.csv"
    swapped.write_text("id,name,lon,lat\nH1,a,-1.3,36.8\nH2,b,51.3,9.3\n", encoding="utf-8")
    assert read_layer(swapped, "homes", outside_china=True).gdf.shape[0] == 2  # both valid
    really = tmp_path / "homes_really_swapped.csv"
    really.write_text("id,name,lon,lat\nH1,a,-1.3,136.8\nH2,b,-1.4,136.9\n", encoding="utf-8")
    with pytest.raises(GeodataError) as exc:
        read_layer(really, "homes", outside_china=True)
    assert [p.code for p in exc.value.problems] == ["swapped_lat_lon"]


def test_chinese_web_map_datums_refused_outside_china(foreign: dict) -> None:
    with pytest.raises(GeodataError) as exc:
        read_layer(foreign["villages"], "villages", coord_system="gcj02", outside_china=True)
    assert [p.code for p in exc.value.problems] == ["coord_system_outside_china"]


def test_demo_city_is_in_china() -> None:
    from geodata.demo.load import load_demo_city

    assert not load_demo_city().outside_china


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geodata", "check", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_geodata_check_flag(foreign: dict) -> None:
    files = [str(foreign[k]) for k in ("townships", "villages", "points")]
    refused = _check(*files)
    assert refused.returncode == 2, refused.stdout
    assert "--outside-china" in refused.stdout and "[outside_china]" in refused.stdout
    accepted = _check(*files, "--outside-china")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "OK across layers" in accepted.stdout
