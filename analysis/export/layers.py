"""Build the export layers of a scenario: townships with coverage, point layers with status.

The villages (the demand) are exported too, when the city has them, so that an exported
GeoPackage holds everything needed to recompute the same KPIs.

Every point layer keeps all its points, removed ones included, with a ``status`` column
(``existing`` | ``proposed`` | ``moved`` | ``removed``), the township it lies in
(``township_code``, ``township``) and its coordinates (``lon``, ``lat``) in the requested
system. Contact points also carry their coverage figures and, when a baseline is given,
the newly covered population of each new point, in order and alone
(:func:`analysis.coverage.impact.point_impact`, the one definition used everywhere). Contact points
and homes carry ``room_status`` (``ok`` | ``below`` | ``pending``: a planned point whose
room is not set up yet, "待建"; its unknown figures are left empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage.impact import point_impact
from analysis.coverage.kpis import PLANNED_STATUSES, RoomCheck, contact_point_room, home_room
from analysis.errors import AnalysisError
from analysis.export.constraints_note import constraints_note
from analysis.export.coords import convert_coords, set_lon_lat
from analysis.export.model import (
    COORD_SYSTEMS,
    POINT_LAYERS,
    CoverageLike,
    ExportBundle,
)
from analysis.standards.load import Standards, load_standards
from analysis.standards.site_rules import placement_warnings
from geodata.city import CityData
from geodata.errors import Problem
from geodata.schema import POINT_TYPES

if TYPE_CHECKING:
    from analysis.coverage.api import CoverageResult

#: Township columns exported (those present in the city/coverage tables, in this order).
TOWNSHIP_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "county",
    "county_code",
    "kind",
    "population",
    "rural_population",
    "urban_population",
    "covered_population",
    "rural_covered_population",
    "urban_covered_population",
    "uncovered_population",
    "coverage_share",
    "coverage_share_before",
    "rural_coverage_share",
    "urban_coverage_share",
    "is_blind_spot",
    "contact_points",
)
#: Columns taken from ``CoverageResult.contact_points``.
POINT_COVERAGE_COLUMNS: tuple[str, ...] = (
    "radius_m",
    "sites_within",
    "site_rule",
    "covered_population",
)
_LEADING = ("id", "name", "type", "status")
#: Counts that become float only through missing values (removed points after a merge):
#: written as integers, missing as 0.
_COUNT_COLUMNS: frozenset[str] = frozenset(
    {
        "radius_m",
        "sites_within",
        "covered_population",
        "rural_covered_population",
        "urban_covered_population",
        "newly_covered_population",
        "newly_covered_alone",
        "rural_newly_covered_population",
        "uncovered_population",
        "population",
        "rural_population",
        "urban_population",
        "contact_points",
    }
)
_TRAILING = ("township_code", "township", "lon", "lat")
#: Columns of :func:`analysis.coverage.impact.point_impact` written on the contact point layer.
IMPACT_EXPORT_COLUMNS: tuple[str, ...] = (
    "newly_covered_population",
    "newly_covered_alone",
    "rural_newly_covered_population",
)


def build_bundle(
    city: CityData,
    points: Mapping[str, gpd.GeoDataFrame],
    coverage_after: CoverageLike,
    coverage_before: CoverageLike | None = None,
    *,
    coords: str = "wgs84",
    title: str = "",
    meta: Mapping[str, str] | None = None,
    standards: Standards | None = None,
) -> ExportBundle:
    """Assemble the export layers and KPI tables of one plan.

    Parameters
    ----------
    city
        The base city (townships are taken from it).
    points
        ``contact_points``, ``collection_sites`` and ``homes`` GeoDataFrames in EPSG:4326,
        e.g. a ``Scenario``'s layers; a missing ``status`` column means ``existing``.
    coverage_after
        Coverage of the plan (``compute_coverage(apply_scenario(city, scenario))``).
    coverage_before
        Coverage of the baseline, for before/after figures; ``None`` for none.
    coords
        ``"wgs84"`` (default) or ``"gcj02"`` for the written coordinates.
    title
        Scenario name.
    meta
        Extra key/value information (author, dates ...).
    standards
        The standards the coverage was computed with (default
        :func:`analysis.standards.load.load_standards`): county minimums, site rules, room
        standards and radii.

    Returns
    -------
    ExportBundle
        Layers and KPI dictionaries ready for any format writer.

    Raises
    ------
    AnalysisError
        ``unknown_coords`` for an unsupported coordinate system, ``missing_layer`` when a
        point layer is absent.
    """
    if coords not in COORD_SYSTEMS:
        raise AnalysisError(
            [
                Problem(
                    "unknown_coords",
                    f"Unknown coordinate system {coords!r}; use one of {', '.join(COORD_SYSTEMS)}.",
                    value=str(coords),
                    params={"allowed": list(COORD_SYSTEMS)},
                )
            ]
        )
    missing = [name for name in POINT_LAYERS if name not in points]
    if missing:
        raise AnalysisError(
            [
                Problem("missing_layer", f"The plan has no {name!r} layer.", source=name)
                for name in missing
            ]
        )
    std = standards if standards is not None else load_standards()
    townships = township_layer(city, coverage_after, coverage_before)
    layers: dict[str, gpd.GeoDataFrame] = {"townships": townships}
    if city.villages is not None:
        layers["villages"] = _clean_types(city.villages.reset_index(drop=True))
    for name in POINT_LAYERS:
        layer = point_layer(points[name], city.townships)
        if name == "contact_points":
            layer = _with_room(layer, contact_point_room(layer, std))
            layer = _with_point_coverage(layer, coverage_after, coverage_before)
        elif name == "homes":
            layer = _with_room(layer, home_room(layer, std))
        layers[name] = layer
    converted = {name: convert_coords(layer, coords) for name, layer in layers.items()}
    for name in converted:
        if name != "townships":
            set_lon_lat(converted[name])
    before = coverage_before.kpis.to_dict() if coverage_before is not None else {}
    return ExportBundle(
        layers=converted,
        kpis_after=coverage_after.kpis.to_dict(),
        kpis_before=before,
        coords=coords,  # type: ignore[arg-type]
        title=title,
        counties=coverage_after.counties.copy(),
        counties_before=(
            coverage_before.counties.copy() if coverage_before is not None else pd.DataFrame()
        ),
        meta=dict(meta or {}),
        county_minimums={"rural": std.county_min_rural, "enterprise": std.county_min_enterprise},
        reach_m=reach_by_type(points["contact_points"], coverage_after, std),
        site_radius_m=float(std.collection_site_radius_m),
        reach=_reach_description(coverage_after),
        placement=site_warnings(city, points["contact_points"], std),
        constraints_note=constraints_note(std, coverage_after, coverage_before),
    )


def _reach_description(coverage: CoverageLike) -> dict[str, Any]:
    """The coverage's reach (radius when the result does not say)."""
    reach = getattr(coverage, "reach", None)
    return reach.describe() if reach is not None else {"reach_mode": "radius"}


def site_warnings(city: CityData, points: gpd.GeoDataFrame, standards: Standards) -> pd.DataFrame:
    """:func:`~analysis.standards.site_rules.placement_warnings`; ``county`` of the township."""
    warnings = placement_warnings(city, standards.active_site_rules, points)
    if warnings.empty or "county" not in city.townships.columns:
        return warnings
    county_of = city.townships.set_index(city.townships["code"].astype(str))["county"]
    county_of = county_of[~county_of.index.duplicated()]
    town = warnings["township_code"].astype(str).map(county_of)
    return warnings.assign(county=town.fillna("").astype(str).to_numpy())


def reach_by_type(
    points: gpd.GeoDataFrame, coverage: CoverageLike, standards: Standards
) -> dict[str, float]:
    """Radius (m) of each contact point type in the plan: the coverage's own, else the standard."""
    live = points
    if "status" in points.columns:
        live = points[points["status"].astype(str) != "removed"]
    types = set(live["type"].astype(str)) if "type" in live.columns else set()
    used: dict[str, float] = {}
    table = coverage.contact_points
    if {"type", "radius_m"} <= set(table.columns):
        for t, radius in zip(table["type"].astype(str), table["radius_m"], strict=True):
            if pd.notna(radius):
                used.setdefault(t, float(radius))
    ordered = [t for t in POINT_TYPES if t in types] + sorted(types - set(POINT_TYPES))
    return {t: used.get(t, standards.radius_by_type_m.get(t, float("nan"))) for t in ordered}


def township_layer(
    city: CityData, coverage_after: CoverageLike, coverage_before: CoverageLike | None = None
) -> gpd.GeoDataFrame:
    """Township polygons with the coverage figures of the plan (and the share before)."""
    base = city.townships[["code", "geometry"]].copy()
    base["code"] = base["code"].astype(str)
    cov = coverage_after.townships.copy()
    cov["code"] = cov["code"].astype(str)
    merged = base.merge(cov, on="code", how="left")
    for col in ("name", "county", "county_code", "kind", "population", "rural_population"):
        if col not in merged.columns and col in city.townships.columns:
            merged[col] = city.townships[col].to_numpy()
    if coverage_before is not None:
        prev = coverage_before.townships[["code", "coverage_share"]].copy()
        prev["code"] = prev["code"].astype(str)
        prev = prev.rename(columns={"coverage_share": "coverage_share_before"})
        merged = merged.merge(prev, on="code", how="left")
    cols = [c for c in TOWNSHIP_COLUMNS if c in merged.columns]
    out = gpd.GeoDataFrame(merged[cols], geometry=merged.geometry, crs=city.townships.crs)
    return _clean_types(out)


def point_layer(layer: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A point layer with ``status`` and the township each point lies in."""
    out = layer.copy()
    if "status" not in out.columns:
        out["status"] = "existing"
    out["status"] = out["status"].fillna("existing").astype(str)
    if "id" in out.columns:
        out["id"] = out["id"].astype(str)
    out = out.drop(columns=[c for c in ("township_code", "township") if c in out.columns])
    code, name = locate_townships(out, townships)
    out["township_code"] = code
    out["township"] = name
    lead = [c for c in _LEADING if c in out.columns]
    rest = [c for c in out.columns if c not in (*lead, *_TRAILING, out.geometry.name)]
    cols = [*lead, *rest, "township_code", "township"]
    result = gpd.GeoDataFrame(out[cols], geometry=out.geometry, crs=layer.crs or "EPSG:4326")
    return _clean_types(result.reset_index(drop=True))


def locate_townships(
    points: gpd.GeoDataFrame, townships: gpd.GeoDataFrame
) -> tuple[list[str], list[str]]:
    """Code and name of the township containing each point ("" when outside all)."""
    codes = [""] * len(points)
    names = [""] * len(points)
    if points.empty or townships.empty:
        return codes, names
    geoms = np.asarray(points.geometry.values)
    tree = shapely.STRtree(np.asarray(townships.geometry.values))
    pairs = tree.query(geoms, predicate="intersects")
    town_codes = townships["code"].astype(str).to_numpy()
    town_names = townships["name"].astype(str).to_numpy()
    for point_i, town_i in zip(pairs[0], pairs[1], strict=True):
        if not codes[point_i]:
            codes[point_i] = str(town_codes[town_i])
            names[point_i] = str(town_names[town_i])
    return codes, names


def _with_point_coverage(
    layer: gpd.GeoDataFrame, after: CoverageLike, before: CoverageLike | None
) -> gpd.GeoDataFrame:
    figures = after.contact_points
    cols = [c for c in POINT_COVERAGE_COLUMNS if c in figures.columns]
    out = layer.drop(columns=[c for c in cols if c in layer.columns])
    if cols:
        table = figures[["id", *cols]].copy()
        table["id"] = table["id"].astype(str)
        out = out.merge(table, on="id", how="left")
    if before is not None:
        impact = point_impact(
            layer, cast("CoverageResult", before), cast("CoverageResult", after)
        ).set_index("id")
        for col in IMPACT_EXPORT_COLUMNS:
            out[col] = out["id"].map(impact[col]).fillna(0).astype("int64")
    trailing = [c for c in ("township_code", "township") if c in out.columns]
    cols_order = [c for c in out.columns if c not in (*trailing, out.geometry.name)]
    result = gpd.GeoDataFrame(
        out[[*cols_order, *trailing]], geometry=out.geometry, crs=layer.crs or "EPSG:4326"
    )
    return _clean_types(result)


def _with_room(layer: gpd.GeoDataFrame, room: RoomCheck) -> gpd.GeoDataFrame:
    """Add ``room_status``; a planned point's unknown room figures (0 or missing) left empty."""
    out = layer.copy()
    status = np.where(room.meets, "ok", "below").astype(object)
    status[room.pending] = "pending"
    planned = out["status"].astype(str).isin(PLANNED_STATUSES).to_numpy()
    for col, unknown in room.unknown.items():
        blank = unknown & planned
        if col in out.columns and blank.any():
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.loc[blank, col] = np.nan
    out["room_status"] = status
    trailing = [c for c in ("township_code", "township") if c in out.columns]
    rest = [c for c in out.columns if c not in (*trailing, out.geometry.name)]
    return gpd.GeoDataFrame(out[[*rest, *trailing]], geometry=out.geometry, crs=layer.crs)


def _clean_types(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every column a plain type the GIS drivers write well (no NaN in int columns)."""
    out = layer.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.astype(bool)
        elif pd.api.types.is_integer_dtype(series):
            # A nullable integer with gaps (a figure not computed) becomes float NaN, not 0.
            out[col] = series.astype("float64") if series.isna().any() else series.astype("int64")
        elif pd.api.types.is_float_dtype(series):
            if col in _COUNT_COLUMNS and _integral(series):
                out[col] = series.fillna(0).astype("int64")
            else:
                out[col] = series.astype(float)
        else:
            out[col] = series.map(_text).astype(object)
    return out


def _integral(series: pd.Series) -> bool:
    """A float column only because of missing values (all others whole numbers)."""
    values = series.dropna().to_numpy(dtype=float)
    if not len(values) or not series.isna().any():
        return False
    return bool(np.all(np.mod(values, 1.0) == 0.0))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)
