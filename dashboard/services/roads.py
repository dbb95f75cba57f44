"""The road layer on the data page: its summary and the places it leaves out.

The door to :mod:`analysis.reach` for the 数据 page (like :mod:`dashboard.services.data`):
the road graph is built by the analysis (:func:`analysis.reach.road.road_model_for`, once
per process and road layer) and its report (:func:`analysis.reach.network.report.
network_report`) lists the villages and contact points off the network or on small pieces.
Cached per dataset id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.services import data as services


@dataclass(frozen=True)
class RoadSummary:
    """What the data page shows of a road layer.

    Parameters
    ----------
    classes
        ``road_class, lines, length_km, speed_kmh`` (default speed of the class), longest
        first.
    lines, length_km, pieces
        Road lines, their total length and the connected pieces of the graph.
    places
        ``name, kind (village | point), issue (off | piece), distance_m``: places off the
        network (farthest first), then places on small pieces.
    max_offroad_m
        Beyond this distance from every road a place is off the network.
    """

    classes: pd.DataFrame
    lines: int
    length_km: float
    pieces: int
    places: pd.DataFrame
    max_offroad_m: float

    @property
    def off_network(self) -> int:
        """Villages off the network."""
        return int(((self.places["issue"] == "off") & (self.places["kind"] == "village")).sum())


@st.cache_resource(show_spinner=False, max_entries=4)
def _summary(dataset_id: str, _city: Any) -> RoadSummary:
    import numpy as np

    from analysis.coverage.api import metric_crs_for
    from analysis.coverage.engine.types import PlaceArrays
    from analysis.reach.network.report import network_report
    from analysis.reach.road import road_model_for

    std = services.standards("road")
    metric = metric_crs_for(_city)
    model = road_model_for(_city.roads, metric, std)
    layers = [
        (g, kind)
        for g, kind in ((_city.villages, "village"), (_city.contact_points, "point"))
        if g is not None and len(g)
    ]
    lon = np.concatenate([g.geometry.x.to_numpy() for g, _ in layers]) if layers else np.empty(0)
    lat = np.concatenate([g.geometry.y.to_numpy() for g, _ in layers]) if layers else np.empty(0)
    x, y = metric.to_xy(lon, lat) if lon.size else (np.empty(0), np.empty(0))
    places = PlaceArrays(x, y, metric.scale_factor(lon, lat))
    attachment = model.attach(places)
    names = [str(n) for g, _ in layers for n in g["name"]]
    kinds = [kind for g, kind in layers for _ in range(len(g))]
    report = network_report(
        model.network,
        attachment,
        ids=np.arange(len(names)),
        names=names,
        kinds=kinds,
        x_m=x,
        y_m=y,
    )
    off = report.off_network.assign(issue="off").rename(columns={"nearest_road_m": "distance_m"})
    piece = report.on_small_pieces.assign(issue="piece").rename(columns={"offroad_m": "distance_m"})
    table = pd.concat([off, piece], ignore_index=True)[["name", "kind", "issue", "distance_m"]]
    roads = _city.roads
    length_km = roads.to_crs(metric.crs).length.to_numpy() / 1000.0
    by_class = (
        pd.DataFrame({"road_class": roads["road_class"].astype(str), "km": length_km})
        .groupby("road_class", sort=False)
        .agg(lines=("km", "size"), length_km=("km", "sum"))
        .reset_index()
        .sort_values("length_km", ascending=False, kind="stable")
    )
    by_class["speed_kmh"] = [std.road_speed_kmh.get(c, float("nan")) for c in by_class.road_class]
    return RoadSummary(
        classes=by_class.reset_index(drop=True),
        lines=len(roads),
        length_km=float(length_km.sum()),
        pieces=int(model.build.n_pieces),
        places=table,
        max_offroad_m=float(std.max_offroad_m),
    )


def road_summary(dataset_id: str, city: Any) -> RoadSummary | None:
    """Return the summary of ``city``'s road layer (``None`` without one; cached by id).

    Raises
    ------
    analysis.errors.AnalysisError
        When the road graph cannot be built.
    """
    if city.roads is None or city.roads.empty:
        return None
    return _summary(dataset_id, city)
