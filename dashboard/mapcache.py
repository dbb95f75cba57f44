"""Cached map payloads: the GeoJSON of one view (dataset, measure, county, language).

Keyed on simple values (the dataset id and strings); the city and the coverage result are
passed as ``_``-prefixed arguments Streamlit does not hash. Display geometry (simplified
townships, county outlines) is cached once per dataset; the per-view payload only adds
colours and tooltips. The folium map itself is never cached: it is rebuilt from the
payload on every rerun (milliseconds).
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from dashboard import services
from dashboard.i18n import Lang
from dashboard.mapview import MapPayload
from dashboard.palette import ColorScale

_BUILD_LOCK = threading.Lock()

# geopandas, shapely, the data layer and the analysis are imported inside the functions:
# a warm start draws the demo city's map from the persisted cache without loading them.


@st.cache_resource(show_spinner=False, max_entries=8)
def display_geometry(
    dataset_id: str, _city: Any
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Return display geometry of a dataset: township GeoJSON by code, county features.

    Cached per dataset id (``cache_resource``: read-only dicts shared by every session,
    never copied).
    """
    import shapely

    from dashboard import mapdata

    towns = _city.townships
    geoms = mapdata.display_geoms(towns.geometry)
    by_code = {
        str(code): shapely.geometry.mapping(g) for code, g in zip(towns["code"], geoms, strict=True)
    }
    return by_code, mapdata.county_features(towns["county"], geoms)


@st.cache_data(show_spinner=False, max_entries=64)
def map_payload(
    dataset_id: str,
    measure: str,
    county: str,
    lang: Lang,
    with_villages: bool,
    _city: Any,
    _result: Any,
    _radius_by_type: dict[str, float] | None = None,
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    """Return the map layers, the colour scale and summary figures of one view.

    Parameters
    ----------
    dataset_id
        Cache key of the dataset (``"demo"`` or a content hash).
    measure
        Township measure to colour by.
    county
        County to show, or ``""`` for the whole area.
    lang
        Language of tooltips.
    with_villages
        Build the village layer too (thousands of dots: only when it is switched on).
    _city
        The :class:`geodata.city.CityData` (not hashed).
    _result
        Its :class:`analysis.coverage.CoverageResult`, or ``None`` (data preview).
    _radius_by_type
        Service radius per point type, used when ``_result`` has none.

    Returns
    -------
    tuple
        ``(payload, scale, summary)`` where summary holds counts for the side panel.
    """
    with _BUILD_LOCK:  # the tooltip label table is module state: one build at a time
        return _build_payload(
            dataset_id, measure, county, lang, with_villages, _city, _result, _radius_by_type
        )


def _build_payload(
    dataset_id: str,
    measure: str,
    county: str,
    lang: Lang,
    with_villages: bool,
    _city: Any,
    _result: Any,
    _radius_by_type: dict[str, float] | None,
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    from dashboard import mapdata, mappoints

    city = _city
    geoms, county_feats = display_geometry(dataset_id, city)
    labels = mapdata.new_labels()
    towns = mapdata.township_table(
        city.townships, _result.townships if _result is not None else None
    )
    points = city.contact_points
    sites = city.collection_sites
    homes = city.homes
    villages = city.villages if with_villages else None
    if county:
        towns = towns[towns["county"] == county]
        points = points[points["county"] == county] if "county" in points else points
        homes = homes[homes["county"] == county] if "county" in homes else homes
        if "contact_point_id" in sites:
            sites = sites[sites["contact_point_id"].astype(str).isin(set(points["id"].astype(str)))]
        if villages is not None:
            villages = villages[
                villages["township_code"].astype(str).isin(set(towns["code"].astype(str)))
            ]
    if measure != "population" and _result is None:
        measure = "population"
    town_fc, scale = mapdata.township_features(towns, geoms, measure, lang)
    shown = [county] if county else list(county_feats)
    cp_table = _result.contact_points if _result is not None else None
    cp_fc, radii_fc = mappoints.contact_point_features(
        points, cp_table, _radius_by_type or {}, lang
    )
    site_fc, link_fc = mappoints.site_features(sites, points, lang)
    village_fc = mapdata.fc([])
    if villages is not None:
        covered = None
        if _result is not None and "covered_by_point" in _result.demand:
            demand = _result.demand
            covered = demand.set_index(demand["code"].astype(str))["covered_by_point"]
        village_fc = mappoints.village_features(villages, covered, lang)
    layers = {
        "townships": town_fc,
        "counties": mapdata.fc([county_feats[c]["outline"] for c in shown if c in county_feats]),
        "county_labels": mapdata.fc([county_feats[c]["label"] for c in shown if c in county_feats]),
        "radii": radii_fc,
        "site_links": link_fc,
        "villages": village_fc,
        "collection_sites": site_fc,
        "contact_points": cp_fc,
        "homes": mappoints.home_features(homes, lang),
    }
    blind = sum(1 for f in town_fc["features"] if f["properties"].get("b"))
    summary: dict[str, Any] = {
        "townships": len(towns),
        "blind": blind,
        "points": len(points),
        "population": float(towns["population"].sum()),
        "coverage": _coverage_share(_result, county),
        "measure": measure,
    }
    bounds = mapdata.bounds(towns if not towns.empty else city.townships)
    return MapPayload(layers, bounds, {"labels": labels.items}), scale, summary


def _coverage_share(result: Any, county: str) -> float | None:
    """Coverage share of the view, as the analysis computed it (city KPI or county row)."""
    if result is None:
        return None
    if not county:
        return float(result.kpis.coverage_share)
    rows = result.counties[result.counties["county"].astype(str) == county]
    return float(rows["coverage_share"].iloc[0]) if len(rows) else None


@st.cache_data(show_spinner=False, persist="disk")
def _demo_meta(dataset_id: str) -> tuple[list[str], list[str]]:
    city = services.dataset_by_id(dataset_id).city
    return _meta(city)


def _meta(city: Any) -> tuple[list[str], list[str]]:
    counties = sorted({str(c) for c in city.townships["county"]})
    types = [str(t) for t in city.contact_points["type"].astype(str).unique()]
    return counties, types


def view_meta(dataset_id: str) -> tuple[list[str], list[str]]:
    """Return the counties and the contact point types of a dataset.

    Persisted on disk for the demo city (keyed by its fingerprint id).

    Raises
    ------
    geodata.errors.GeodataError, analysis.errors.AnalysisError
        When the data cannot be loaded.
    """
    if services.is_demo_id(dataset_id):
        return _demo_meta(dataset_id)
    return _meta(services.dataset_by_id(dataset_id).city)


@st.cache_data(show_spinner=False, persist="disk")
def _demo_view(
    dataset_id: str, measure: str, county: str, lang: Lang, with_villages: bool
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    return _view(dataset_id, measure, county, lang, with_villages)


def _view(
    dataset_id: str, measure: str, county: str, lang: Lang, with_villages: bool
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    dataset = services.dataset_by_id(dataset_id)
    result = services.coverage(dataset)
    types = [str(t) for t in dataset.city.contact_points["type"].astype(str).unique()]
    radii = services.radius_by_type(types)
    return map_payload(
        dataset_id, measure, county, lang, with_villages, dataset.city, result, radii
    )


def view(
    dataset_id: str, measure: str, county: str, lang: Lang, with_villages: bool
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    """Return the map payload of one view of a dataset with its coverage colours.

    The demo city's views are persisted on disk (``st.cache_data(persist="disk")``, keyed
    by the fingerprint in its id): after the first start, its map needs neither geopandas
    nor the analysis. User datasets are cached in memory only.

    Raises
    ------
    geodata.errors.GeodataError, analysis.errors.AnalysisError
        When the data cannot be loaded or analysed.
    """
    if services.is_demo_id(dataset_id):
        return _demo_view(dataset_id, measure, county, lang, with_villages)
    return _view(dataset_id, measure, county, lang, with_villages)
