"""Cached map data: the GeoJSON of a dataset, and of one view (measure, county, language).

Keyed on simple values (the dataset id and strings); the city and the coverage result are
passed as ``_``-prefixed arguments Streamlit does not hash. Display geometry (simplified
townships, county outlines) is cached once per dataset.

- :func:`dataset_map` (the 地图 page): a dataset's layers once per language, with every
  feature tagged by county, and the small per-township lists from which
  :func:`map_view` computes a view (colours, figures, bounds) in microseconds. The demo
  city's is persisted on disk.
- :func:`map_payload` (the data page's preview, the simulation maps): the layers of one
  view (measure, county), coloured.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard.i18n import Lang
from dashboard.map.palette import ColorScale
from dashboard.map.view import MapPayload
from dashboard.services import data as services

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

    from dashboard.map import data as mapdata

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
        Its :class:`analysis.coverage.api.CoverageResult`, or ``None`` (data preview).
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
    from dashboard.map import data as mapdata
    from dashboard.map import points as mappoints

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
        county_of = dict(
            zip(
                city.townships["code"].astype(str),
                city.townships["county"].astype(str),
                strict=True,
            )
        )
        village_fc = mappoints.village_features(villages, covered, lang, county_of)
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


@dataclass(frozen=True)
class MapData:
    """What the 地图 page needs of one dataset in one language (picklable, cacheable).

    The browser gets :attr:`data_js` once (the map's base script); each view (measure,
    county, layers) is then computed here from the small per-township lists: the colour
    scale, one fill colour per township, the side panel's figures and the bounds.

    Parameters
    ----------
    data_js
        ``cpInit``'s data (:func:`dashboard.map.view.map_data`) as script-safe JSON.
    counties
        County names, sorted.
    point_types
        Contact point types present (in data order).
    town_county, town_population, town_blind
        Per township, in the order of the data's township features.
    values
        ``measure -> value per township`` (None when missing) for the measures the
        dataset has (all with a coverage result, else population and rural share).
    points_by_county
        Number of contact points per county.
    coverage
        Coverage share by county, ``""`` for the whole area (None without a result).
    bounds
        ``[[south, west], [north, east]]`` by county, ``""`` for the whole area.
    """

    data_js: str
    counties: list[str]
    point_types: list[str]
    town_county: list[str]
    town_population: list[float]
    town_blind: list[bool]
    values: dict[str, list[float | None]]
    points_by_county: dict[str, int]
    coverage: dict[str, float | None]
    bounds: dict[str, list[list[float]]]


def _build_map_data(
    dataset_id: str, lang: Lang, with_villages: bool, city: Any, result: Any, radii: Any
) -> MapData:
    from dashboard.map import data as mapdata
    from dashboard.map.palette import MEASURES
    from dashboard.map.view import js_json, map_data

    # The per-view payload of the whole area, coloured by coverage: every feature is
    # tagged with its county, so the browser filters; the colours are sent per view.
    measure = "coverage_share" if result is not None else "population"
    payload, _scale, _summary = map_payload(
        dataset_id, measure, "", lang, with_villages, city, result, radii
    )
    towns = mapdata.township_table(city.townships, result.townships if result else None)
    names = towns["county"].astype(str)
    values: dict[str, list[float | None]] = {}
    for m in MEASURES:
        if m in ("population", "rural_share") or result is not None:
            values[m] = [mapdata._num(v) for v in mapdata.measure_values(towns, m).tolist()]
    blind = (
        [bool(b is True) for b in towns["is_blind_spot"].tolist()]
        if "is_blind_spot" in towns.columns
        else [False] * len(towns)
    )
    counties = sorted(set(names))
    bounds = {"": payload.bounds}
    for county in counties:
        bounds[county] = mapdata.bounds(towns[(names == county).to_numpy()])
    point_county = city.contact_points["county"].astype(str) if len(city.contact_points) else []
    points_by_county: dict[str, int] = {"": len(city.contact_points)}
    for c in point_county:
        points_by_county[c] = points_by_county.get(c, 0) + 1
    coverage = {"": _coverage_share(result, "")}
    for county in counties:
        coverage[county] = _coverage_share(result, county)
    return MapData(
        data_js=js_json(map_data(payload, lang)),
        counties=counties,
        point_types=[str(t) for t in city.contact_points["type"].astype(str).unique()],
        town_county=names.tolist(),
        town_population=[float(p) for p in towns["population"].tolist()],
        town_blind=blind,
        values=values,
        points_by_county=points_by_county,
        coverage=coverage,
        bounds=bounds,
    )


@st.cache_data(show_spinner=False, persist="disk", max_entries=8)
def _demo_map_data(dataset_id: str, lang: Lang, with_villages: bool) -> MapData:
    return _dataset_map_data(dataset_id, lang, with_villages)


@st.cache_resource(show_spinner=False, max_entries=8)
def _user_map_data(dataset_id: str, lang: Lang, with_villages: bool) -> MapData:
    # cache_resource: a frozen dataclass shared by the sessions, never copied per rerun.
    return _dataset_map_data(dataset_id, lang, with_villages)


def _dataset_map_data(dataset_id: str, lang: Lang, with_villages: bool) -> MapData:
    from dashboard import warmup

    # geopandas and the analysis are imported now: not while the warm-up imports pandas
    # (it starts only after the first map, so a cold first run never waits for it).
    warmup.wait_if_busy()
    dataset = services.dataset_by_id(dataset_id)
    result = services.coverage(dataset)
    types = [str(t) for t in dataset.city.contact_points["type"].astype(str).unique()]
    radii = services.radius_by_type(types)
    return _build_map_data(dataset_id, lang, with_villages, dataset.city, result, radii)


def dataset_map(dataset_id: str, lang: Lang, with_villages: bool) -> MapData:
    """Return the map data of a dataset with its coverage (:class:`MapData`).

    The demo city's is persisted on disk (``st.cache_data(persist="disk")``, keyed by the
    fingerprint in its id): after the first start its map needs neither geopandas nor the
    analysis. User datasets are cached in memory.

    Raises
    ------
    geodata.errors.GeodataError, analysis.errors.AnalysisError
        When the data cannot be loaded or analysed.
    """
    if services.is_demo_id(dataset_id):
        return _demo_map_data(dataset_id, lang, with_villages)
    return _user_map_data(dataset_id, lang, with_villages)


def map_view(
    data: MapData, measure: str, county: str
) -> tuple[ColorScale, list[str], dict[str, Any], list[list[float]]]:
    """Return one view: colour scale, fill per township, side-panel figures, bounds.

    Parameters
    ----------
    data
        Output of :func:`dataset_map`.
    measure
        Township measure to colour by (population when the dataset lacks it).
    county
        County to show, or ``""`` for the whole area.
    """
    from dashboard.map.palette import color_scale

    if measure not in data.values:
        measure = "population"
    if county not in data.bounds:
        county = ""
    values = data.values[measure]
    idx = [i for i, c in enumerate(data.town_county) if not county or c == county]
    scale = color_scale(measure, [values[i] for i in idx])
    fills = [scale.color(v) for v in values]
    summary: dict[str, Any] = {
        "townships": len(idx),
        "blind": sum(1 for i in idx if data.town_blind[i]),
        "points": data.points_by_county.get(county, 0),
        "population": float(sum(data.town_population[i] for i in idx)),
        "coverage": data.coverage.get(county),
        "measure": measure,
    }
    return scale, fills, summary, data.bounds[county]
