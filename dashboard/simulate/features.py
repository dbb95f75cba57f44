"""The scenario's points as GeoJSON for the simulation map (points, radii, sites, homes).

Split from :mod:`dashboard.simulate.map` (which re-exports :func:`point_features` and
:func:`nearest_point`). Every text is escaped here before it reaches HTML.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from dashboard.i18n import Lang, point_type_label, t

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario

#: Decimals of coordinates sent to the map (~1 m).
DECIMALS = 5


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _pt(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(x), DECIMALS), round(float(y), DECIMALS)]}


def _tip(title: str, rows: list[tuple[str, str]]) -> str:
    return _tip_text(title, tuple(rows))


@functools.lru_cache(maxsize=16384)
def _tip_text(title: str, rows: tuple[tuple[str, str], ...]) -> str:
    """A point's tooltip (escaped), kept: a click changes one point's, not the others'."""
    body = "<br>".join(f"<span class='s'>{html.escape(k)}</span> {html.escape(v)}" for k, v in rows)
    return f"<div class='sim-tip'><b>{html.escape(title)}</b><br>{body}</div>"


def _county(value: Any, fallback: str) -> str:
    text = "" if value is None else str(value).strip()
    return fallback if text in ("", "nan", "None") else text


def point_features(
    scenario: Scenario,
    radius_by_type: dict[str, float],
    selected: str | None,
    lang: Lang,
    county_of: dict[str, str] | None = None,
    areas: Callable[[float, float, str], dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the scenario's layers as GeoJSON: points, radii, sites, homes, moves.

    Parameters
    ----------
    scenario
        The working scenario (removed points are drawn greyed and struck through).
    radius_by_type
        Service radius (m) per contact point type.
    selected
        ``"layer:id"`` of the selected point, or ``None``.
    lang
        Language of the tooltips.
    county_of
        County of each contact point id (from the coverage result), for points whose
        county is filled only when the scenario is applied (new points).
    areas
        Road mode: ``(lon, lat, type) -> GeoJSON geometry`` of a point's service area (the
        road stretches it reaches, :func:`dashboard.map.cache.service_area`); the radii
        layer then holds those lines instead of circles.
    """
    county_of = county_of or {}
    points, radii, moves, sites, homes = [], [], [], [], []
    cp = scenario.layer("contact_points")
    xs, ys = cp.geometry.x.to_numpy(), cp.geometry.y.to_numpy()
    for i, row in enumerate(cp.itertuples(index=False)):
        status, ptype = str(row.status), str(row.type)
        sel = selected == f"contact_points:{row.id}"
        tip = _tip(
            str(row.name),
            [
                (t("sim_tip_type", lang), point_type_label(ptype, lang)),
                (t("sim_tip_status", lang), t(f"sim_status_{status}", lang)),
                (t("sim_tip_county", lang), _county(row.county, county_of.get(str(row.id), ""))),
            ],
        )
        geom = _pt(xs[i], ys[i])
        points.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {"t": ptype, "s": status, "sel": sel, "tip": tip},
            }
        )
        if status != "removed" and areas is not None:
            area = areas(float(xs[i]), float(ys[i]), ptype)
            if area.get("coordinates"):
                radii.append(
                    {"type": "Feature", "geometry": area, "properties": {"t": ptype, "s": status}}
                )
        elif status != "removed" and radius_by_type.get(ptype):
            radii.append(
                {
                    "type": "Feature",
                    "geometry": geom,
                    "properties": {"t": ptype, "s": status, "r": radius_by_type[ptype]},
                }
            )
        if status == "moved" and not (np.isnan(row.orig_lon) or np.isnan(row.orig_lat)):
            line = [
                [round(float(row.orig_lon), DECIMALS), round(float(row.orig_lat), DECIMALS)],
                geom["coordinates"],
            ]
            moves.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": line},
                    "properties": {"style": {"color": "#1565c0", "weight": 2, "dashArray": "4 4"}},
                }
            )
    cs = scenario.layer("collection_sites")
    cs = cs[cs["status"] != "removed"]
    for x, y, name, status in zip(
        cs.geometry.x, cs.geometry.y, cs["name"], cs["status"], strict=True
    ):
        sites.append(
            {
                "type": "Feature",
                "geometry": _pt(x, y),
                "properties": {
                    "s": str(status),
                    "tip": _tip(
                        str(name), [(t("sim_tip_status", lang), t(f"sim_status_{status}", lang))]
                    ),
                },
            }
        )
    hs = scenario.layer("homes")
    for row, x, y in zip(hs.itertuples(index=False), hs.geometry.x, hs.geometry.y, strict=True):
        status = str(row.status)
        homes.append(
            {
                "type": "Feature",
                "geometry": _pt(x, y),
                "properties": {
                    "t": "home",
                    "s": status,
                    "sel": selected == f"homes:{row.id}",
                    "tip": _tip(
                        str(row.name),
                        [(t("sim_tip_status", lang), t(f"sim_status_{status}", lang))],
                    ),
                },
            }
        )
    return {
        "points": _fc(points),
        "radii": _fc(radii),
        "moves": _fc(moves),
        "sites": _fc(sites),
        "homes": _fc(homes),
    }


def _field(point: Any, name: str) -> Any:
    """``point[name]`` of a mapping, else ``point.name`` (a dataclass or named tuple)."""
    if isinstance(point, Mapping):
        return point.get(name)
    return getattr(point, name, None)


def pending_features(points: Iterable[Any] | None, lang: Lang) -> dict[str, Any]:
    """Points an optimiser proposed and the planner has not adopted yet, as GeoJSON.

    Parameters
    ----------
    points
        Each with ``id``, ``name``, ``type``, ``lon``, ``lat`` (WGS84), as mappings or
        objects with those attributes; ``None`` or empty: no feature.
    lang
        Language of the tooltips.

    Returns
    -------
    dict
        A FeatureCollection; ``properties.t`` is the point type (its colour), ``tip`` an
        escaped tooltip. The map draws them as dashed badges (:mod:`dashboard.simulate.map`).
    """
    out = []
    for point in points or ():
        lon, lat = _field(point, "lon"), _field(point, "lat")
        if lon is None or lat is None or not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        ptype = str(_field(point, "type") or "other")
        name = str(_field(point, "name") or _field(point, "id") or "")
        tip = _tip(
            name,
            [
                (t("sim_tip_type", lang), point_type_label(ptype, lang)),
                (t("sim_tip_status", lang), t("sim_tip_pending", lang)),
            ],
        )
        out.append(
            {
                "type": "Feature",
                "geometry": _pt(float(lon), float(lat)),
                "properties": {"t": ptype, "id": str(_field(point, "id") or ""), "tip": tip},
            }
        )
    return _fc(out)


def nearest_point(scenario: Scenario, lon: float, lat: float, max_deg: float) -> str | None:
    """Return ``"layer:id"`` of the contact point or home nearest to a click, within ``max_deg``."""
    best: tuple[float, str] | None = None
    for layer in ("contact_points", "homes"):
        frame = scenario.layer(layer)
        if frame.empty:
            continue
        d = np.hypot(frame.geometry.x.to_numpy() - lon, frame.geometry.y.to_numpy() - lat)
        i = int(np.argmin(d))
        if d[i] <= max_deg and (best is None or d[i] < best[0]):
            best = (float(d[i]), f"{layer}:{frame['id'].iloc[i]}")
    return best[1] if best else None


#: Half size (degrees lon, lat) of the box a county label must keep free of point badges:
#: a three-character label and a badge at the whole-city zoom (~0.003 degrees per pixel).
LABEL_CLEAR_DEG = (0.10, 0.05)


def label_features(
    labels: dict[str, Any],
    townships: Any,
    points_xy: np.ndarray,
    clear: tuple[float, float] = LABEL_CLEAR_DEG,
) -> dict[str, Any]:
    """Return the county labels moved off the point badges where they would overlap them.

    A label whose box (``clear``) holds a point goes to the nearest representative point
    of one of its county's townships whose box holds none (it stays put when every place
    is crowded). The input is not changed.

    Parameters
    ----------
    labels
        The payload's ``county_labels`` FeatureCollection (``properties.k``: county).
    townships
        Township polygons with a ``county`` column (EPSG:4326).
    points_xy
        ``(n, 2)`` lon/lat of the points drawn as badges.
    """
    if not len(points_xy) or not labels.get("features"):
        return labels
    reps = townships.geometry.representative_point()
    county = townships["county"].astype(str).to_numpy()
    rx, ry = reps.x.to_numpy(), reps.y.to_numpy()

    def free(x: float, y: float) -> bool:
        dx = np.abs(points_xy[:, 0] - x) < clear[0]
        dy = np.abs(points_xy[:, 1] - y) < clear[1]
        return not bool((dx & dy).any())

    out = []
    for feat in labels["features"]:
        x, y = feat["geometry"]["coordinates"]
        if not free(x, y):
            mine = county == str(feat["properties"].get("k", ""))
            order = np.argsort(np.hypot(rx[mine] - x, ry[mine] - y))
            for cx, cy in zip(rx[mine][order], ry[mine][order], strict=True):
                if free(cx, cy):
                    feat = {
                        **feat,
                        "geometry": {"type": "Point", "coordinates": _pt(cx, cy)["coordinates"]},
                    }
                    break
        out.append(feat)
    return _fc(out)


def fit_height(bounds: list[list[float]], width_px: float, lo: int = 420, hi: int = 640) -> int:
    """Return a map height (px) that fits ``bounds`` to ``width_px`` without empty bands.

    The area's height/width ratio in Web Mercator times the expected width, plus the fit
    padding, clamped to ``[lo, hi]``.
    """
    (south, west), (north, east) = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(max(east - west, 1e-6))
    ratio = (merc(north) - merc(south)) / dx
    return int(max(lo, min(hi, round(ratio * (width_px - 20) + 20))))
