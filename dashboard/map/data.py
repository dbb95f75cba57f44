"""GeoJSON payloads of the map, built from a city and its coverage result.

Pure functions (no Streamlit, no folium): they turn validated layers and the analysis
tables into small GeoJSON dicts whose features carry a ready ``style`` and escaped
tooltip/popup HTML. Geometry is simplified for display and rounded to 5 decimals (~1 m),
which keeps the map script small and the redraw fast. No numbers are computed here beyond
display ratios: every measure comes from :class:`analysis.coverage.api.CoverageResult`.
"""

from __future__ import annotations

import html
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.i18n import Lang, fmt_int, fmt_pop, fmt_share, t
from dashboard.map.palette import COUNTY_COLOR, ColorScale, color_scale, minutes_text

#: Display simplification tolerance (coverage simplification: about the side, in degrees,
#: of the smallest triangle kept; ~1-2 px at city scale).
SIMPLIFY_DEG = 0.003
#: Decimals kept in display coordinates (4 = ~10 m).
DECIMALS = 4


def display_geoms(geoms: gpd.GeoSeries, simplify: float = SIMPLIFY_DEG) -> np.ndarray:
    """Return polygons simplified as a coverage (shared edges stay shared), rounded.

    Parameters
    ----------
    geoms
        Township polygons (EPSG:4326).
    simplify
        Tolerance in degrees (0 keeps every vertex).
    """
    arr = np.asarray(geoms.values, dtype=object)
    if simplify and len(arr):
        if np.isin(shapely.get_type_id(arr), (3, 6)).all():
            arr = shapely.coverage_simplify(arr, simplify)
        else:
            arr = shapely.simplify(arr, simplify, preserve_topology=True)
    return shapely.transform(arr, lambda xy: np.round(xy, DECIMALS))


class Labels:
    """Row labels of every tooltip, sent once per map: features refer to them by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        """Return the index of ``text`` (escaped), adding it when new."""
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(html.escape(text))
        return self._index[text]


#: Shared by all layers of one payload (reset by :func:`new_labels`).
_LABELS = Labels()


def new_labels() -> Labels:
    """Start a new label table for one payload and return it."""
    global _LABELS
    _LABELS = Labels()
    return _LABELS


def _table(rows: list[tuple[str, str]], title: str, subtitle: str = "") -> dict[str, Any]:
    """Return a compact tooltip: escaped title, subtitle and ``[label index, value]`` rows.

    The browser builds the HTML table (``window.cpTip`` in :mod:`dashboard.map.view`);
    every text is escaped here, labels once in the shared table.
    """
    tip: dict[str, Any] = {
        "h": html.escape(title),
        "r": [[_LABELS(k), html.escape(v)] for k, v in rows],
    }
    if subtitle:
        tip["s"] = html.escape(subtitle)
    return tip


def fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def township_table(
    city_townships: gpd.GeoDataFrame, result_townships: pd.DataFrame | None
) -> gpd.GeoDataFrame:
    """Join the analysis columns onto the township polygons (by ``code``)."""
    base = city_townships[["code", "name", "county", "population", "rural_population", "geometry"]]
    if result_townships is None:
        return base.copy()
    extra = [
        c
        for c in (
            "covered_population",
            "coverage_share",
            "rural_coverage_share",
            "uncovered_population",
            "is_blind_spot",
            "contact_points",
            "nearest_point_minutes",
        )
        if c in result_townships.columns
    ]
    return base.merge(result_townships[["code", *extra]], on="code", how="left")


def measure_values(towns: pd.DataFrame, measure: str) -> pd.Series:
    """Return the values of ``measure`` per township (a display ratio for rural share)."""
    if measure == "rural_share":
        pop = towns["population"].astype(float)
        return (towns["rural_population"].astype(float) / pop.where(pop > 0)).astype(float)
    if measure in towns.columns:
        return towns[measure].astype(float)
    return pd.Series(np.nan, index=towns.index)


def township_features(
    towns: gpd.GeoDataFrame, geoms: dict[str, dict[str, Any]], measure: str, lang: Lang
) -> tuple[dict[str, Any], ColorScale]:
    """Return the township layer and its colour scale.

    Blind spots carry ``b: 1``; the map hatches them from the same features (no second
    copy of the geometry). Every feature carries its county as ``k`` (the map filters
    on it in the browser).

    Parameters
    ----------
    towns
        Output of :func:`township_table`, already filtered to the view.
    geoms
        Display geometry (GeoJSON mapping) by township code, from :func:`display_geoms`.
    measure
        One of :data:`dashboard.map.palette.MEASURES`.
    lang
        Language of tooltips and popups.
    """
    values = measure_values(towns, measure)
    scale = color_scale(measure, values.tolist())
    has_cov = "coverage_share" in towns.columns
    feats: list[dict[str, Any]] = []
    pop = towns["population"].astype(float)
    rural_share = (towns["rural_population"].astype(float) / pop.where(pop > 0)).to_numpy()
    for i, row in enumerate(towns.itertuples(index=False)):
        geom = geoms[str(row.code)]
        rows = [
            (t("tip_county", lang), str(row.county)),
            (t("tip_population", lang), fmt_pop(row.population, lang)),
            (t("tip_rural_share", lang), fmt_share(_num(rural_share[i]))),
        ]
        is_blind = False
        if has_cov:
            rows += [
                (t("tip_coverage", lang), fmt_share(_num(row.coverage_share))),
                (
                    t("tip_rural_coverage", lang),
                    fmt_share(_num(getattr(row, "rural_coverage_share", None))),
                ),
                (
                    t("tip_uncovered", lang),
                    fmt_pop(_num(getattr(row, "uncovered_population", None)), lang),
                ),
                (t("tip_points", lang), fmt_int(_num(getattr(row, "contact_points", None)))),
            ]
            if "nearest_point_minutes" in towns.columns:
                rows.append((t("tip_minutes", lang), minutes_text(row.nearest_point_minutes, lang)))
            is_blind = bool(getattr(row, "is_blind_spot", False) is True)
        tip = _table(rows, str(row.name), t("tip_blind", lang) if is_blind else "")
        value = _num(values.iloc[i])
        props: dict[str, Any] = {
            "k": str(row.county),
            "tip": tip,
            "style": {
                "fillColor": scale.color(value),
                "fillOpacity": 0.78,
                "color": "#ffffff",
                "weight": 0.8,
                "opacity": 1,
            },
        }
        if is_blind:
            props["b"] = 1
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return fc(feats), scale


def county_features(counties: pd.Series, geoms: np.ndarray) -> dict[str, dict[str, Any]]:
    """Return per county its outline feature and its label feature.

    Parameters
    ----------
    counties
        County name of every township.
    geoms
        Display geometry of every township (same order), from :func:`display_geoms`.

    Returns
    -------
    dict
        ``county -> {"outline": Feature, "label": Feature}``.
    """
    out: dict[str, dict[str, Any]] = {}
    names = counties.astype(str).to_numpy()
    for county in dict.fromkeys(names):
        parts = geoms[names == county]
        try:
            merged = shapely.coverage_union_all(parts)
        except shapely.errors.GEOSException:
            merged = shapely.union_all(parts)
        line = shapely.transform(merged.boundary, lambda xy: np.round(xy, DECIMALS))
        pt = merged.representative_point()
        out[county] = {
            "outline": {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(line),
                "properties": {
                    "k": county,
                    "style": {"color": COUNTY_COLOR, "weight": 2.2, "opacity": 0.9},
                },
            },
            "label": {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(pt.x, DECIMALS), round(pt.y, DECIMALS)],
                },
                "properties": {"k": county, "label": html.escape(county)},
            },
        }
    return out


def bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    """Return ``[[south, west], [north, east]]`` of a layer."""
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    return [[miny, minx], [maxy, maxx]]
