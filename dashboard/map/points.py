"""GeoJSON payloads of the point layers: contact points, radii, sites and links, homes, villages.

Like :mod:`dashboard.map.data`: pure functions, escaped compact tooltips, rounded coordinates;
every feature carries its county as ``k`` (a collection site and its link: the county of
its contact point, none when it names none).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.i18n import Lang, fmt_int, fmt_km, fmt_pop, fmt_share, point_type_label, t
from dashboard.map.data import DECIMALS, _num, _table, fc
from dashboard.map.palette import minutes_text


def _point_coords(gdf: gpd.GeoDataFrame) -> np.ndarray:
    if gdf.empty:
        return np.empty((0, 2))
    return np.round(shapely.get_coordinates(gdf.geometry.values), DECIMALS)


def contact_point_features(
    points: gpd.GeoDataFrame,
    table: pd.DataFrame | None,
    radius_by_type: dict[str, float],
    lang: Lang,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return contact points (badge per type) and their service radius circles."""
    info = table.set_index("id") if table is not None and not table.empty else None
    xy = _point_coords(points)
    feats: list[dict[str, Any]] = []
    radii: list[dict[str, Any]] = []
    for i, row in enumerate(points.itertuples(index=False)):
        pid = str(row.id)
        extra = info.loc[pid] if info is not None and pid in info.index else None
        radius = _num(extra["radius_m"]) if extra is not None and "radius_m" in extra else None
        if radius is None:
            radius = radius_by_type.get(str(row.type))
        collected = _num(getattr(row, "opinions_collected", None)) or 0.0
        adopted = _num(getattr(row, "opinions_adopted", None)) or 0.0
        rows = [
            (t("tip_type", lang), point_type_label(str(row.type), lang)),
            (t("tip_county", lang), str(getattr(row, "county", "") or "")),
            (t("tip_radius", lang), fmt_km(radius)),
        ]
        if extra is not None and "sites_within" in extra:
            rule = str(extra.get("site_rule", ""))
            rows.append((t("tip_sites", lang), fmt_int(_num(extra["sites_within"]))))
            if rule:
                rows.append((t("tip_site_rule", lang), t(f"rule_{rule}", lang)))
        if extra is not None and "covered_population" in extra:
            rows.append((t("tip_covered", lang), fmt_pop(_num(extra["covered_population"]), lang)))
        rows += [
            (t("tip_opinions", lang), fmt_int(collected)),
            (t("tip_adopted", lang), fmt_int(adopted)),
            (t("tip_adoption", lang), fmt_share(adopted / collected if collected else None)),
        ]
        area = _num(getattr(row, "area_m2", None))
        if area:
            rows.append((t("tip_area", lang), f"{area:,.0f} m²"))
        staff = _num(getattr(row, "staff", None))
        if staff is not None:
            rows.append((t("tip_staff", lang), fmt_int(staff)))
        coords = [float(xy[i, 0]), float(xy[i, 1])]
        county = str(getattr(row, "county", "") or "")
        props = {"t": str(row.type), "k": county, "tip": _table(rows, str(row.name))}
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": props,
            }
        )
        if radius:
            radii.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": coords},
                    "properties": {"t": str(row.type), "k": county, "r": float(radius)},
                }
            )
    return fc(feats), fc(radii)


def site_features(
    sites: gpd.GeoDataFrame, points: gpd.GeoDataFrame, lang: Lang
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return collection sites and the lines linking each to its contact point."""
    xy = _point_coords(sites)
    pxy = _point_coords(points)
    where = {str(pid): i for i, pid in enumerate(points["id"])} if not points.empty else {}
    names = {
        str(pid): str(n)
        for pid, n in zip(points.get("id", []), points.get("name", []), strict=False)
    }
    counties = {
        str(pid): str(c or "")
        for pid, c in zip(points.get("id", []), points.get("county", []), strict=False)
    }
    feats: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for i, row in enumerate(sites.itertuples(index=False)):
        cp = str(getattr(row, "contact_point_id", "") or "")
        linked = cp in where
        rows = [
            (
                t("tip_contact_point", lang),
                names.get(cp, t("none_value", lang)) if cp else t("none_value", lang),
            ),
            (t("tip_site_type", lang), str(getattr(row, "site_type", "") or "")),
            (t("tip_informants", lang), fmt_int(_num(getattr(row, "informants", None)))),
        ]
        coords = [float(xy[i, 0]), float(xy[i, 1])]
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": {
                    "o": 0 if linked else 1,
                    "k": counties.get(cp, "") if linked else "",
                    "tip": _table(rows, str(row.name)),
                },
            }
        )
        if linked:
            j = where[cp]
            links.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [coords, [float(pxy[j, 0]), float(pxy[j, 1])]],
                    },
                    "properties": {"k": counties.get(cp, "")},
                }
            )
    return fc(feats), fc(links)


def home_features(homes: gpd.GeoDataFrame, lang: Lang) -> dict[str, Any]:
    """Return representative homes with their tooltips."""
    xy = _point_coords(homes)
    feats: list[dict[str, Any]] = []
    for i, row in enumerate(homes.itertuples(index=False)):
        area = _num(getattr(row, "area_m2", None))
        rows = [
            (t("tip_county", lang), str(getattr(row, "county", "") or "")),
            (t("tip_area", lang), f"{area:,.0f} m²" if area else "—"),
            (t("tip_administrators", lang), fmt_int(_num(getattr(row, "administrators", None)))),
            (t("tip_volunteers", lang), fmt_int(_num(getattr(row, "volunteers", None)))),
            (t("tip_activities", lang), fmt_int(_num(getattr(row, "activities_last_year", None)))),
        ]
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(xy[i, 0]), float(xy[i, 1])]},
                "properties": {
                    "k": str(getattr(row, "county", "") or ""),
                    "tip": _table(rows, str(row.name)),
                },
            }
        )
    return fc(feats)


def village_features(
    villages: gpd.GeoDataFrame,
    covered: pd.Series | None,
    lang: Lang,
    county_of_township: dict[str, str] | None = None,
    minutes: pd.Series | None = None,
) -> dict[str, Any]:
    """Return villages as small dots, flagged covered/uncovered when known.

    With ``county_of_township`` (township code -> county), each village carries its
    county as ``k``; with ``minutes`` (by village code, road mode) its tooltip says how
    many minutes its nearest contact point is away.
    """

    xy = _point_coords(villages)
    feats: list[dict[str, Any]] = []
    flags = (
        covered.reindex(villages["code"].astype(str)).to_numpy() if covered is not None else None
    )
    mins = minutes.reindex(villages["code"].astype(str)).to_numpy() if minutes is not None else None
    for i, row in enumerate(villages.itertuples(index=False)):
        flag = (
            None
            if flags is None
            else bool(flags[i])
            if flags[i] is not None and flags[i] == flags[i]
            else None
        )
        rows = [
            (t("tip_population", lang), fmt_pop(_num(row.population), lang)),
            (
                t("tip_kind", lang),
                t(f"kind_{row.kind}", lang) if row.kind in ("urban", "rural") else str(row.kind),
            ),
        ]
        if flag is not None:
            rows.append((t("tip_covered_flag", lang), t("yes" if flag else "no", lang)))
        if mins is not None:
            rows.append((t("tip_minutes", lang), minutes_text(mins[i], lang)))
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(xy[i, 0]), float(xy[i, 1])]},
                "properties": {
                    "c": 1 if flag or flag is None else 0,
                    "k": (county_of_township or {}).get(str(row.township_code), ""),
                    "tip": _table(rows, str(row.name)),
                },
            }
        )
    return fc(feats)
