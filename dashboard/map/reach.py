"""GeoJSON of road reach for the maps: service areas, the road network, reach labels.

In road mode a contact point's reach is not a circle but the road stretches from which
people reach it within its type's minutes (:meth:`analysis.reach.api.Reach.service_area`):
drawn as thick translucent lines in the type's colour. The road network itself is drawn
faintly under them, one feature per road class (line width by class). Pure functions, no
Streamlit; coordinates rounded like the other layers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from dashboard.map.data import DECIMALS, fc

#: Simplification of drawn road lines, degrees (~30 m: invisible at city zoom).
SIMPLIFY_DEG = 0.0003
#: Drawn width (px) of each road class; unknown classes get the narrowest.
ROAD_WIDTH: dict[str, float] = {
    "expressway": 3.0,
    "urban_expressway": 2.6,
    "national": 2.4,
    "provincial": 2.0,
    "arterial": 1.8,
    "county": 1.6,
    "secondary": 1.3,
    "township": 1.2,
    "branch": 0.9,
    "village": 0.7,
}


def _rounded(geom: Any) -> Any:
    simple = shapely.simplify(geom, SIMPLIFY_DEG)
    return shapely.transform(simple, lambda xy: np.round(xy, DECIMALS))


def service_area_geometry(result: Any, lon: float, lat: float, point_type: str) -> dict[str, Any]:
    """Return one point's service area as a GeoJSON geometry (its radius circle, or in road
    mode the road stretches it reaches), rounded for display."""
    geom = result.reach.service_area(lon, lat, point_type, result.metric)
    if result.reach_mode == "road":
        geom = shapely.line_merge(geom) if not geom.is_empty else geom
    return dict(shapely.geometry.mapping(_rounded(geom)))


def service_area_features(points: Any, result: Any) -> dict[str, Any]:
    """Return the service area of every contact point (road mode): lines with ``t`` (type),
    ``k`` (county) and ``m`` (minutes)."""
    feats: list[dict[str, Any]] = []
    if points is None or points.empty:
        return fc(feats)
    xs, ys = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    counties = points["county"] if "county" in points.columns else [""] * len(points)
    for x, y, ptype, county in zip(xs, ys, points["type"].astype(str), counties, strict=True):
        geom = service_area_geometry(result, float(x), float(y), ptype)
        if not geom.get("coordinates"):
            continue
        props = {"t": ptype, "k": str(county or ""), "m": result.reach.limit_for(ptype)}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return fc(feats)


def road_features(roads: Any) -> dict[str, Any]:
    """Return the road network as one feature per class (``w``: drawn width), simplified."""
    feats: list[dict[str, Any]] = []
    if roads is None or roads.empty:
        return fc(feats)
    classes = roads["road_class"].astype(str).to_numpy() if "road_class" in roads else None
    geoms = np.asarray(roads.geometry.values, dtype=object)
    names = list(ROAD_WIDTH) if classes is not None else [""]
    # Narrow classes first: the wide roads are drawn on top.
    for name in sorted(names, key=lambda c: ROAD_WIDTH.get(c, 0.7)):
        part = geoms if classes is None else geoms[classes == name]
        if not len(part):
            continue
        merged = _rounded(shapely.multilinestrings(shapely.get_parts(part)))
        feats.append(
            {
                "type": "Feature",
                "geometry": dict(shapely.geometry.mapping(merged)),
                "properties": {"w": ROAD_WIDTH.get(name, 0.7)},
            }
        )
    return fc(feats)


def reach_info(result: Any, point_types: list[str]) -> dict[str, Any]:
    """Return what the legend says about reach: mode, minutes and travel mode per type."""
    if result is None or result.reach_mode != "road":
        return {"mode": "radius"}
    std = result.reach.standards
    return {
        "mode": "road",
        "minutes": {p: float(std.reach_minutes_for(p)) for p in point_types},
        "travel": {p: str(std.travel_mode_for(p)) for p in point_types},
    }
