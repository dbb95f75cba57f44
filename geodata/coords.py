"""Coordinate systems of Chinese web maps and sanity checks of longitude/latitude columns.

GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are obfuscated variants of WGS84 used by web map
pickers. The forward transforms are the published closed forms; the inverses are computed
by fixed-point iteration until the residual is below :data:`INVERSE_TOLERANCE_DEG`.
All functions work on numpy arrays (degrees) and never loop in Python over points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

CoordSystem = Literal["wgs84", "gcj02", "bd09"]
COORD_SYSTEMS: tuple[CoordSystem, ...] = ("wgs84", "gcj02", "bd09")

FloatArray = npt.NDArray[np.float64]

#: Rough bounding box of China (lon_min, lat_min, lon_max, lat_max), degrees.
CHINA_BBOX_DEG: tuple[float, float, float, float] = (73.0, 3.0, 136.0, 54.0)
#: Box in which GCJ-02 offsets apply (outside it the web maps use plain WGS84).
_GCJ_BBOX_DEG = (72.004, 0.8293, 137.8347, 55.8271)
#: Residual (degrees) at which the iterative inverse stops; ~1 cm.
INVERSE_TOLERANCE_DEG: float = 1e-9
_MAX_ITERATIONS = 30

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def _as_arrays(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _delta_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _delta_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _in_gcj_area(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    lon_min, lat_min, lon_max, lat_max = _GCJ_BBOX_DEG
    return (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 degrees to GCJ-02 degrees (points outside China unchanged)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    dlat = _delta_lat(lon_a - 105.0, lat_a - 35.0)
    dlon = _delta_lon(lon_a - 105.0, lat_a - 35.0)
    radlat = lat_a / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_gcj_area(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 degrees to BD-09 degrees."""
    x, y = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def wgs84_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 degrees to BD-09 degrees."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


Transform = Callable[[npt.ArrayLike, npt.ArrayLike], tuple[FloatArray, FloatArray]]


def _invert(
    forward: Transform, lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(x) = target`` by fixed-point iteration (the Jacobian is ~identity)."""
    target_lon, target_lat = _as_arrays(lon, lat)
    est_lon, est_lat = target_lon.copy(), target_lat.copy()
    for _ in range(_MAX_ITERATIONS):
        fwd_lon, fwd_lat = forward(est_lon, est_lat)
        err_lon, err_lat = fwd_lon - target_lon, fwd_lat - target_lat
        est_lon, est_lat = est_lon - err_lon, est_lat - err_lat
        worst = np.nanmax(np.abs(np.concatenate([err_lon.ravel(), err_lat.ravel(), [0.0]])))
        if worst < INVERSE_TOLERANCE_DEG:
            break
    return est_lon, est_lat


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 degrees to WGS84 degrees (iterative inverse)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 degrees to WGS84 degrees (iterative inverse)."""
    return _invert(wgs84_to_bd09, lon, lat)


def to_wgs84(
    lon: npt.ArrayLike, lat: npt.ArrayLike, coord_system: CoordSystem
) -> tuple[FloatArray, FloatArray]:
    """Convert degrees in ``coord_system`` to WGS84 (identity for ``"wgs84"``)."""
    if coord_system == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if coord_system == "bd09":
        return bd09_to_wgs84(lon, lat)
    if coord_system == "wgs84":
        return _as_arrays(lon, lat)
    raise ValueError(f"coord_system must be one of {COORD_SYSTEMS}, got {coord_system!r}")


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the point lies inside :data:`CHINA_BBOX_DEG`."""
    lon_a, lat_a = _as_arrays(lon, lat)
    lon_min, lat_min, lon_max, lat_max = CHINA_BBOX_DEG
    return (lon_a >= lon_min) & (lon_a <= lon_max) & (lat_a >= lat_min) & (lat_a <= lat_max)


def in_lonlat_range(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where longitude is within ±180° and latitude within ±90° (valid degrees)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    return (np.abs(lon_a) <= 180.0) & (np.abs(lat_a) <= 90.0)


def looks_swapped(lon: npt.ArrayLike, lat: npt.ArrayLike, *, outside_china: bool = False) -> bool:
    """True when longitude and latitude look exchanged for most points.

    In China (default): most points fall in China only after exchanging them. With
    ``outside_china`` (anywhere on Earth): most are valid degrees only after exchanging them.
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    finite = np.isfinite(lon_a) & np.isfinite(lat_a)
    if not finite.any():
        return False
    inside = in_lonlat_range if outside_china else in_china
    as_given = inside(lon_a[finite], lat_a[finite])
    swapped = inside(lat_a[finite], lon_a[finite])
    return bool((swapped & ~as_given).mean() > 0.5)


def looks_projected(lon: npt.ArrayLike, lat: npt.ArrayLike) -> bool:
    """True when most values are far beyond ±180/±90: metres of a projected CRS, not degrees."""
    lon_a, lat_a = _as_arrays(lon, lat)
    finite = np.isfinite(lon_a) & np.isfinite(lat_a)
    if not finite.any():
        return False
    big = (np.abs(lon_a[finite]) > 360.0) | (np.abs(lat_a[finite]) > 360.0)
    return bool(big.mean() > 0.5)


def round_trip_error_deg(
    coord_system: Literal["gcj02", "bd09"], lon: npt.ArrayLike, lat: npt.ArrayLike
) -> FloatArray:
    """Largest absolute error (degrees) of WGS84 → ``coord_system`` → WGS84 per point."""
    lon_a, lat_a = _as_arrays(lon, lat)
    if coord_system == "gcj02":
        back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon_a, lat_a))
    else:
        back_lon, back_lat = bd09_to_wgs84(*wgs84_to_bd09(lon_a, lat_a))
    return np.maximum(np.abs(back_lon - lon_a), np.abs(back_lat - lat_a))
