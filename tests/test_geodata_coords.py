"""GCJ-02/BD-09 conversions and coordinate sanity checks (geodata.coords)."""

from __future__ import annotations

import numpy as np
import pytest

from geodata import coords

#: Grid over China used to measure the round trip (also quoted in the README).
LON, LAT = np.meshgrid(np.arange(73.5, 135.01, 0.25), np.arange(18.0, 53.51, 0.25))


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_round_trip_over_china_below_1e7_degrees(system: str) -> None:
    error = coords.round_trip_error_deg(system, LON.ravel(), LAT.ravel())  # type: ignore[arg-type]
    assert error.max() < 1e-7
    assert LON.size > 30_000


def test_known_reference_point() -> None:
    # Tiananmen: WGS84 (116.397, 39.908) -> GCJ-02 about (116.40324, 39.90940).
    gx, gy = coords.wgs84_to_gcj02(116.397, 39.908)
    assert gx == pytest.approx(116.40324, abs=2e-5)
    assert gy == pytest.approx(39.90940, abs=2e-5)
    bx, by = coords.gcj02_to_bd09(gx, gy)
    assert bx - gx == pytest.approx(0.0064, abs=1e-3)
    assert by - gy == pytest.approx(0.0063, abs=1e-3)


def test_offset_is_hundreds_of_metres_in_china() -> None:
    gx, gy = coords.wgs84_to_gcj02(np.array([104.6]), np.array([35.6]))
    offset_m = np.hypot((gx - 104.6) * 111_000 * np.cos(np.radians(35.6)), (gy - 35.6) * 111_000)
    assert 100 < offset_m[0] < 800


def test_outside_china_is_unchanged_by_gcj02() -> None:
    lon, lat = coords.wgs84_to_gcj02(np.array([2.35]), np.array([48.85]))
    assert lon[0] == 2.35 and lat[0] == 48.85


def test_to_wgs84_dispatch_and_vectorised() -> None:
    lon = np.linspace(104.0, 105.0, 1000)
    lat = np.linspace(35.0, 36.0, 1000)
    for system in ("gcj02", "bd09"):
        fwd = coords.wgs84_to_gcj02 if system == "gcj02" else coords.wgs84_to_bd09
        back = coords.to_wgs84(*fwd(lon, lat), system)  # type: ignore[arg-type]
        assert np.abs(back[0] - lon).max() < 1e-7
    same = coords.to_wgs84(lon, lat, "wgs84")
    assert np.array_equal(same[0], lon)
    with pytest.raises(ValueError):
        coords.to_wgs84(lon, lat, "utm")  # type: ignore[arg-type]


def test_swapped_and_projected_detection() -> None:
    lon = np.array([104.5, 104.6, 104.7])
    lat = np.array([35.5, 35.6, 35.7])
    assert not coords.looks_swapped(lon, lat)
    assert coords.looks_swapped(lat, lon)
    assert not coords.looks_projected(lon, lat)
    assert coords.looks_projected(np.array([500000.0, 510000.0]), np.array([3.9e6, 3.91e6]))
    assert coords.in_china(lon, lat).all()
    assert not coords.in_china(np.array([-104.6]), np.array([35.6])).any()
