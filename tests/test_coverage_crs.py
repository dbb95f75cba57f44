"""Metric CRS choice and distance accuracy against geodesic distances (pyproj.Geod)."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from analysis.coverage.crs import choose_metric_crs
from analysis.errors import AnalysisError

GEOD = pyproj.Geod(ellps="WGS84")


def test_one_zone_extent_uses_utm_of_the_centroid() -> None:
    m = choose_metric_crs([104.2, 105.1], [35.2, 36.0])
    assert (m.kind, m.crs.to_epsg()) == ("utm", 32648)
    assert choose_metric_crs([116.0, 117.0], [39.5, 40.5]).crs.to_epsg() == 32650
    assert choose_metric_crs([150.0, 151.0], [-34.0, -33.0]).crs.to_epsg() == 32756


def test_wide_extent_uses_a_centred_conformal_conic() -> None:
    m = choose_metric_crs([73.0, 135.0], [18.0, 53.0])
    assert m.kind == "lcc"
    op = m.crs.coordinate_operation
    assert op is not None and "Lambert Conic Conformal" in op.method_name
    params = {p.name: p.value for p in op.params}
    assert params["Latitude of 1st standard parallel"] == pytest.approx(18 + 35 / 6, abs=1e-6)
    assert params["Latitude of 2nd standard parallel"] == pytest.approx(18 + 5 * 35 / 6, abs=1e-6)
    assert params["Longitude of false origin"] == pytest.approx(104.0)


def test_bad_coordinates_raise() -> None:
    with pytest.raises(AnalysisError):
        choose_metric_crs([], [])
    with pytest.raises(AnalysisError):
        choose_metric_crs([500000.0], [4000000.0])


@pytest.mark.parametrize(
    ("lon_range", "lat_range"),
    [((104.0, 105.2), (35.0, 36.2)), ((101.6, 107.9), (20.0, 50.0)), ((73.0, 135.0), (18.0, 53.0))],
)
def test_scale_factor_matches_pyproj(
    lon_range: tuple[float, float], lat_range: tuple[float, float]
) -> None:
    m = choose_metric_crs(list(lon_range), list(lat_range))
    rng = np.random.default_rng(1)
    lon = rng.uniform(*lon_range, 500)
    lat = rng.uniform(*lat_range, 500)
    exact = pyproj.Proj(m.crs).get_factors(lon, lat).meridional_scale
    assert np.abs(m.scale_factor(lon, lat) - exact).max() < 1e-8


@pytest.mark.parametrize(
    ("lon_range", "lat_range", "raw_error_m"),
    [((104.0, 105.2), (35.0, 36.2), 5.0), ((73.0, 135.0), (18.0, 53.0), 300.0)],
)
def test_corrected_distances_match_geodesics(
    lon_range: tuple[float, float], lat_range: tuple[float, float], raw_error_m: float
) -> None:
    """Up to 30 km apart: corrected map distances are within 10 cm of the geodesic."""
    m = choose_metric_crs(list(lon_range), list(lat_range))
    rng = np.random.default_rng(0)
    n = 5000
    lon1, lat1 = rng.uniform(*lon_range, n), rng.uniform(*lat_range, n)
    dist = rng.uniform(100, 30_000, n)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, n), dist)
    x1, y1 = m.to_xy(lon1, lat1)
    x2, y2 = m.to_xy(lon2, lat2)
    d_map = np.hypot(x2 - x1, y2 - y1)
    k = (m.scale_factor(lon1, lat1) + m.scale_factor(lon2, lat2)) / 2
    assert np.abs(d_map - dist).max() > raw_error_m  # uncorrected error is real ...
    assert np.abs(d_map / k - dist).max() < 0.10  # ... and the correction removes it
