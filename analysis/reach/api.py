"""Which places a contact point or collection site reaches: one answer for every caller.

A :class:`Reach` is chosen once per analysis (:func:`reach_for`) and carried by the coverage
result, so the KPIs, the 3-5 collection-site rule, the impact of new points, the optimiser's
coverage sets and the exports all use the same test:

* ``radius``: a place is reached when its ground distance to the point is at most the
  point type's radius (metres; the projected distance is compared with the radius times the
  mean local scale factor, as in :mod:`analysis.coverage.engine.small`);
* ``road``: a place is reached when a person there can travel to the point within the point
  type's minutes, on foot or by car (:mod:`analysis.reach.road`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
import shapely
from numpy.typing import NDArray

from analysis.coverage.crs import MetricCRS
from analysis.coverage.engine.small import pairs_within
from analysis.coverage.engine.types import FloatArray, IntArray, PlaceArrays
from analysis.reach.network.report import NetworkReport, network_report
from analysis.reach.road import RoadModel, road_model_for
from analysis.standards.load import Standards
from geodata.errors import Problem

ReachMode = Literal["radius", "road"]
REACH_MODES: tuple[ReachMode, ...] = ("radius", "road")


@dataclass(frozen=True, eq=False)
class Reach:
    """The reach test of one analysis.

    Parameters
    ----------
    mode
        ``"radius"`` or ``"road"``.
    standards
        Radii (radius mode), minutes and travel modes (road mode) by point type.
    road
        The road network and the places' joins to it (road mode only).
    """

    mode: ReachMode
    standards: Standards
    road: RoadModel | None = None

    def __post_init__(self) -> None:
        if self.mode == "road" and self.road is None:
            raise ValueError("road reach needs a road model")

    @property
    def unit(self) -> str:
        """``"m"`` (radius) or ``"min"`` (road)."""
        return "min" if self.mode == "road" else "m"

    def limit_for(self, point_type: str) -> float:
        """Radius in metres or travel time in minutes of a point of ``point_type``."""
        if self.mode == "road":
            return float(self.standards.reach_minutes_for(point_type))
        return float(self.standards.radius_m_for(point_type))

    def limits(self, point_types: NDArray[Any]) -> FloatArray:
        """:meth:`limit_for` of each point (one lookup per distinct type)."""
        types = np.asarray(point_types).astype(str)
        if types.size == 0:
            return np.empty(0)
        unique, inverse = np.unique(types, return_inverse=True)
        per_type = np.array([self.limit_for(str(t)) for t in unique], float)
        return per_type[inverse.reshape(-1)]

    def point_pairs(
        self, places: PlaceArrays, points: PlaceArrays, point_types: NDArray[Any]
    ) -> tuple[IntArray, IntArray]:
        """Every ``(place, point)`` index pair with the place within the point's reach."""
        if places.size == 0 or points.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if self.road is None:
            return pairs_within(places, points, self.limits(point_types))
        types = np.asarray(point_types).astype(str)
        modes = np.array([self.standards.travel_mode_for(str(t)) for t in types], dtype=object)
        return self.road.pairs(places, points, self.limits(types), modes)

    def site_pairs(self, places: PlaceArrays, sites: PlaceArrays) -> tuple[IntArray, IntArray]:
        """Every ``(place, site)`` pair with the place within the collection site's reach."""
        if places.size == 0 or sites.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        std = self.standards
        if self.road is None:
            return pairs_within(places, sites, np.full(sites.size, std.collection_site_radius_m))
        limits = np.full(sites.size, float(std.collection_site_reach_minutes))
        modes = np.full(sites.size, std.collection_site_travel_mode, dtype=object)
        return self.road.pairs(places, sites, limits, modes)

    def point_cover(
        self, places: PlaceArrays, points: PlaceArrays, point_types: NDArray[Any]
    ) -> sp.csc_matrix:
        """Boolean ``(n_places, n_points)`` matrix of :meth:`point_pairs`."""
        r, p = self.point_pairs(places, points, point_types)
        return _matrix(r, p, places.size, points.size)

    def site_cover(self, places: PlaceArrays, sites: PlaceArrays) -> sp.csc_matrix:
        """Boolean ``(n_places, n_sites)`` matrix of :meth:`site_pairs`."""
        r, s = self.site_pairs(places, sites)
        return _matrix(r, s, places.size, sites.size)

    def nearest_point_minutes(
        self, places: PlaceArrays, points: PlaceArrays, point_types: NDArray[Any]
    ) -> FloatArray:
        """Minutes from each place to its nearest contact point (road mode; NaN otherwise).

        Each point is reached the way its type travels (on foot or by car); unreachable
        places get ``inf``.
        """
        if self.road is None:
            return np.full(places.size, np.nan)
        types = np.asarray(point_types).astype(str)
        modes = np.array([self.standards.travel_mode_for(str(t)) for t in types], dtype=object)
        return self.road.nearest_minutes(places, points, modes)

    def service_area(self, lon: float, lat: float, point_type: str, metric: MetricCRS) -> Any:
        """Where a point of ``point_type`` at ``lon, lat`` is reached from, in EPSG:4326:
        the road stretches within its minutes (road mode) or its radius circle."""
        x, y = metric.to_xy(np.array([lon]), np.array([lat]))
        k = metric.scale_factor(np.array([lon]), np.array([lat]))
        if self.road is None:
            circle = shapely.Point(float(x[0]), float(y[0])).buffer(
                self.limit_for(point_type) * float(k[0]), 64
            )
            return _to_lonlat(circle, metric)
        place = PlaceArrays(np.asarray(x, float), np.asarray(y, float), np.asarray(k, float))
        mode = self.standards.travel_mode_for(point_type)
        lines = self.road.service_lines(place, self.limit_for(point_type), mode)
        return _to_lonlat(lines, metric)

    def road_report(
        self, places: PlaceArrays, ids: NDArray[Any], names: NDArray[Any], kinds: NDArray[Any]
    ) -> NetworkReport | None:
        """Places off the road network and small road pieces with their places (road mode)."""
        if self.road is None:
            return None
        return network_report(
            self.road.network,
            self.road.attach(places),
            ids=ids,
            names=names,
            kinds=kinds,
            x_m=places.x_m,
            y_m=places.y_m,
        )

    def describe(self) -> dict[str, Any]:
        """What reach was used, for the KPIs, the brief and the workbook."""
        std = self.standards
        types = sorted(std.radius_by_type_m)
        if self.mode == "road":
            return {
                "reach_mode": "road",
                "reach_minutes_by_type": {t: std.reach_minutes_for(t) for t in types},
                "travel_mode_by_type": {t: std.travel_mode_for(t) for t in types},
                "collection_site_reach_minutes": std.collection_site_reach_minutes,
            }
        return {
            "reach_mode": "radius",
            "radius_m_by_type": {t: std.radius_m_for(t) for t in types},
            "collection_site_radius_m": std.collection_site_radius_m,
        }


def _to_lonlat(geom: Any, metric: MetricCRS) -> Any:
    def fn(xy: FloatArray) -> FloatArray:
        lon, lat = metric.to_lonlat(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, fn)


def _matrix(rows: IntArray, cols: IntArray, n_rows: int, n_cols: int) -> sp.csc_matrix:
    data = np.ones(rows.size, dtype=bool)
    mat = sp.csc_matrix((data, (rows, cols)), shape=(n_rows, n_cols), dtype=bool)
    mat.sum_duplicates()
    mat.sort_indices()
    return mat


def reach_for(
    roads: gpd.GeoDataFrame | None, metric: MetricCRS, standards: Standards
) -> tuple[Reach, tuple[Problem, ...]]:
    """The reach the standards ask for, and why it could not be had.

    Road reach needs a road layer: without one (or with an empty one) the radius is used
    and a warning says so.
    """
    if standards.reach_mode != "road":
        return Reach("radius", standards), ()
    if roads is None or roads.empty:
        warning = Problem(
            "reach_road_without_roads",
            "Road reach was asked for but no road layer is loaded: the service radius is "
            "used instead. Load a road layer (--roads FILE) to measure travel time.",
            severity="warning",
        )
        return Reach("radius", standards), (warning,)
    return Reach("road", standards, road_model_for(roads, metric, standards)), ()


def road_warnings(report: NetworkReport | None, max_offroad_m: float) -> tuple[Problem, ...]:
    """Warnings for places the road network leaves out (never silently dropped)."""
    if report is None:
        return ()
    out: list[Problem] = []
    off = report.off_network
    if len(off):
        sample = "、".join(off["name"].astype(str).head(8))
        out.append(
            Problem(
                "places_off_road_network",
                f"{len(off)} place(s) lie farther than {max_offroad_m:g} m from every road and "
                f"are reached only by a straight walk: {sample}. Check the road layer there.",
                severity="warning",
                params={"count": len(off), "names": sample, "max_offroad_m": max_offroad_m},
            )
        )
    on_small = report.on_small_pieces
    if len(on_small):
        sample = "、".join(on_small["name"].astype(str).head(8))
        out.append(
            Problem(
                "places_on_small_road_pieces",
                f"{len(on_small)} place(s) join road pieces cut off from the main network "
                f"({len(report.small_pieces)} piece(s)): {sample}. A missing junction or "
                "bridge in the road layer makes them look far from everything.",
                severity="warning",
                params={"count": len(on_small), "pieces": len(report.small_pieces),
                        "names": sample},
            )
        )  # fmt: skip
    return tuple(out)
