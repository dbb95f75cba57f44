"""Road reach of one city: its road graph, places joined to it, travel minutes between them.

:func:`road_model_for` builds the graph from the city's road layer once per process (and
per road layer, metric CRS and settings); :class:`RoadModel` answers "which places reach
which points within so many minutes" for the coverage, the optimiser and the map.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis.coverage.crs import MetricCRS
from analysis.coverage.engine.types import FloatArray, IntArray, PlaceArrays
from analysis.reach.cache import cached_travel_pairs
from analysis.reach.network.attach import attach
from analysis.reach.network.build import NetworkBuild, build_network
from analysis.reach.network.types import TRAVEL_MODES, Attachment, RoadNetwork, TravelMode
from analysis.reach.service import point_reach
from analysis.reach.times import nearest_minutes
from analysis.standards.load import Standards
from geodata.schema import ROAD_CLASSES

#: Threads running travel_pairs' search batches side by side (the default numba kernel
#: releases the GIL; the answer does not depend on it): every core, at most 2 (this machine
#: kind has 2; measured in bench/README.md).
SEARCH_THREADS = max(1, min(2, os.cpu_count() or 1))
#: Road models kept in memory (a province graph is ~1 GB: keep few).
_MODELS_KEPT = 2
_MODELS: OrderedDict[str, RoadModel] = OrderedDict()


@dataclass(frozen=True, eq=False)
class RoadModel:
    """A city's road graph and how places join it.

    Parameters
    ----------
    build
        The graph and what building it found (pieces, junctions).
    max_offroad_m
        Places farther than this from every road are not on the road network.
    offroad_kmh
        Walking speed from a place to its nearest road.
    """

    build: NetworkBuild
    max_offroad_m: float
    offroad_kmh: float
    _attached: dict[bytes, Attachment] = field(default_factory=dict, repr=False)

    @property
    def network(self) -> RoadNetwork:
        """The routable graph."""
        return self.build.network

    def attach(self, places: PlaceArrays) -> Attachment:
        """Join ``places`` to their nearest road (memoised by their coordinates)."""
        key = hashlib.blake2b(places.x_m.tobytes() + places.y_m.tobytes(), digest_size=16)
        digest = key.digest()
        found = self._attached.get(digest)
        if found is None:
            found = attach(
                self.network,
                places.x_m,
                places.y_m,
                max_offroad_m=self.max_offroad_m,
                offroad_kmh=self.offroad_kmh,
            )
            if len(self._attached) > 16:
                self._attached.clear()
            self._attached[digest] = found
        return found

    def pairs(
        self,
        places: PlaceArrays,
        points: PlaceArrays,
        limit_minutes: FloatArray,
        modes: NDArray[np.object_],
    ) -> tuple[IntArray, IntArray]:
        """Every ``(place, point)`` pair a person at the place travels within the point's
        minutes, in the point's travel mode."""
        rows, cols, _ = self.pair_minutes(places, points, limit_minutes, modes)
        return rows, cols

    def pair_minutes(
        self,
        places: PlaceArrays,
        points: PlaceArrays,
        limit_minutes: FloatArray,
        modes: NDArray[np.object_],
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """:meth:`pairs` with the travel minutes of each pair."""
        targets = self.attach(places)
        sources = self.attach(points)
        rows, cols, minutes = [], [], []
        for mode in _modes(modes):
            idx = np.flatnonzero(modes == mode)
            found = cached_travel_pairs(
                self.network,
                mode,
                _take(sources, idx),
                targets,
                np.asarray(limit_minutes, float)[idx],
                source_xy_m=points.xy()[idx],
                target_xy_m=places.xy(),
                workers=SEARCH_THREADS,
            )
            rows.append(found.target)
            cols.append(idx[found.source])
            minutes.append(found.minutes)
        if not rows:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
        return (
            np.concatenate(rows).astype(np.int64),
            np.concatenate(cols).astype(np.int64),
            np.concatenate(minutes).astype(float),
        )

    def nearest_minutes(
        self, places: PlaceArrays, points: PlaceArrays, modes: NDArray[np.object_]
    ) -> FloatArray:
        """Minutes from each place to the nearest point (each in its own mode; inf: none)."""
        best = np.full(places.size, np.inf)
        if points.size == 0:
            return best
        targets = self.attach(places)
        sources = self.attach(points)
        for mode in _modes(modes):
            idx = np.flatnonzero(modes == mode)
            minutes, _ = nearest_minutes(
                self.network,
                mode,
                _take(sources, idx),
                targets,
                source_xy_m=points.xy()[idx],
                target_xy_m=places.xy(),
            )
            best = np.fmin(best, minutes)
        return best

    def service_lines(
        self, point: PlaceArrays, limit_minutes: float, mode: TravelMode
    ) -> shapely.MultiLineString:
        """The road stretches from which people reach one point within the time (metric)."""
        net = self.network
        reach = point_reach(
            net, mode, self.attach(point), _NO_TARGETS, limit_minutes, point_xy_m=point.xy()
        )
        edges, start, end = reach.segments()
        ax, ay = net.node_x_m[net.edge_from[edges]], net.node_y_m[net.edge_from[edges]]
        bx, by = net.node_x_m[net.edge_to[edges]], net.node_y_m[net.edge_to[edges]]
        x0, y0 = ax + (bx - ax) * start, ay + (by - ay) * start
        x1, y1 = ax + (bx - ax) * end, ay + (by - ay) * end
        coords = np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)
        return shapely.MultiLineString(list(coords)) if len(coords) else shapely.MultiLineString()


#: No targets: a point's service area needs only the road shares.
_NO_TARGETS = Attachment(
    edge=np.empty(0, np.int64), offroad_m=np.empty(0), along_m=np.empty(0), offroad_kmh=3.0
)


def _modes(modes: NDArray[np.object_]) -> list[TravelMode]:
    return [m for m in TRAVEL_MODES if (modes == m).any()]


def _take(att: Attachment, idx: IntArray) -> Attachment:
    return replace(att, edge=att.edge[idx], offroad_m=att.offroad_m[idx], along_m=att.along_m[idx])


def road_model_for(roads: gpd.GeoDataFrame, metric: MetricCRS, std: Standards) -> RoadModel:
    """The road model of ``roads`` (EPSG:4326, canonical columns) in ``metric``.

    Built once per road layer, CRS and settings in this process (the two most recent kept).
    """
    key = _model_key(roads, metric, std)
    found = _MODELS.get(key)
    if found is not None:
        _MODELS.move_to_end(key)
        return found
    model = _build_model(roads, metric, std)
    _MODELS[key] = model
    while len(_MODELS) > _MODELS_KEPT:
        _MODELS.popitem(last=False)
    return model


def _model_key(roads: gpd.GeoDataFrame, metric: MetricCRS, std: Standards) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(np.asarray(shapely.to_wkb(np.asarray(roads.geometry.array, dtype=object))).tobytes())
    for col in ("road_class", "speed_kmh", "oneway", "level"):
        if col in roads:
            h.update(pd.util.hash_pandas_object(roads[col], index=False).to_numpy().tobytes())
    h.update(metric.crs.to_wkt().encode())
    settings: dict[str, Any] = {
        "speeds": std.road_speed_kmh,
        "walk": std.walk_kmh,
        "offroad": std.offroad_kmh,
        "max_offroad": std.max_offroad_m,
        "snap": std.snap_tolerance_m,
    }
    h.update(repr(sorted(settings.items())).encode())
    return h.hexdigest()


def _build_model(roads: gpd.GeoDataFrame, metric: MetricCRS, std: Standards) -> RoadModel:
    lines = np.asarray(roads.to_crs(metric.crs).geometry.array, dtype=object)
    n = len(roads)
    classes = (
        roads["road_class"].astype(object).to_numpy()
        if "road_class" in roads
        else np.full(n, None, dtype=object)
    )
    class_index = pd.Index(ROAD_CLASSES).get_indexer(pd.Index(classes, dtype=object))
    default_kmh = np.array([std.road_speed_kmh[c] for c in ROAD_CLASSES] + [np.nan], float)
    own = (
        pd.to_numeric(roads["speed_kmh"], errors="coerce").to_numpy(float)
        if "speed_kmh" in roads
        else np.full(n, np.nan)
    )
    drive_kmh = np.where(np.isfinite(own), own, default_kmh[class_index])
    oneway = _int_column(roads, "oneway", n).astype(np.int8)
    level = _int_column(roads, "level", n)
    build = build_network(
        lines,
        class_index.astype(np.int64),
        drive_kmh,
        oneway,
        level,
        snap_tolerance_m=float(std.snap_tolerance_m),
        walk_kmh=float(std.walk_kmh),
    )
    build = replace(build, network=_ground_lengths(build.network, metric))
    return RoadModel(build, float(std.max_offroad_m), float(std.offroad_kmh))


def _int_column(roads: gpd.GeoDataFrame, name: str, n: int) -> IntArray:
    if name not in roads:
        return np.zeros(n, np.int64)
    values = pd.to_numeric(roads[name], errors="coerce").fillna(0)
    return values.to_numpy(np.int64)


def _ground_lengths(network: RoadNetwork, metric: MetricCRS) -> RoadNetwork:
    """Segment lengths along the ground: projected length over the local scale factor."""
    if network.n_edges == 0:
        return network
    mid_x = (network.node_x_m[network.edge_from] + network.node_x_m[network.edge_to]) / 2
    mid_y = (network.node_y_m[network.edge_from] + network.node_y_m[network.edge_to]) / 2
    lon, lat = metric.to_lonlat(mid_x, mid_y)
    k = metric.scale_factor(lon, lat)
    return replace(network, edge_length_m=network.edge_length_m / k)
