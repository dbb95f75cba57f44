"""The one map-building pipeline: a dataset's layers once, every view derived from them.

1. :func:`build_layers` builds the whole area's layers (:class:`MapLayers`): townships,
   county outlines and labels, contact points and their radii, collection sites and
   links, homes, villages; every feature tagged with its county as ``k``. Next to them,
   the small per-township lists (:class:`AreaFigures`) a view is computed from.
2. :func:`map_view` derives one view (measure, county) from those lists: the colour
   scale, one fill colour per township, the side panel's figures and the bounds.
3. Two carriers of a view:

   - the 地图 page sends the layers once (:func:`page_data`, the browser keeps them) and
     then only each view (the browser keeps the features whose ``k`` is the county and
     paints the fills);
   - the folium maps (the data page's preview, the simulation and comparison maps) get
     :func:`view_payload`: the same filter and the same fills, applied here.

Pure functions, no Streamlit (the caches are in :mod:`dashboard.map.cache`). Nothing here
imports pandas or geopandas at module level: the 地图 page computes its views without them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dashboard.i18n import Lang
from dashboard.map.palette import ColorScale, color_scale
from dashboard.map.view import MapPayload, js_json, map_data

#: The tooltip label table of :mod:`dashboard.map.data` is module state: one build at a time.
_BUILD_LOCK = threading.Lock()


@dataclass(frozen=True)
class AreaFigures:
    """What a view is computed from (small lists; picklable).

    Parameters
    ----------
    counties
        County names, sorted.
    point_types
        Contact point types present (in data order).
    town_county, town_population, town_blind
        Per township, in the order of the township features.
    values
        ``measure -> value per township`` (None when missing) for the measures the
        dataset has (all with a coverage result, else population and rural share).
    points_by_county
        Number of contact points per county, ``""`` for the whole area.
    coverage
        Coverage share by county, ``""`` for the whole area (None without a result).
    bounds
        ``[[south, west], [north, east]]`` by county, ``""`` for the whole area.
    reach
        How reach was measured, for the legend (:func:`dashboard.map.reach.reach_info`).
    area_level
        What the whole area is (``"province"``, ``"city"``, ``"county"``;
        :func:`geodata.admin.codes.area_level`): names the all-counties choice.
    """

    counties: list[str]
    point_types: list[str]
    town_county: list[str]
    town_population: list[float]
    town_blind: list[bool]
    values: dict[str, list[float | None]]
    points_by_county: dict[str, int]
    coverage: dict[str, float | None]
    bounds: dict[str, list[list[float]]]
    reach: dict[str, Any] = field(default_factory=lambda: {"mode": "radius"})
    area_level: str = "city"


@dataclass(frozen=True)
class MapLayers:
    """The whole area's layers (read-only: shared by every session) and their figures."""

    payload: MapPayload
    figures: AreaFigures


@dataclass(frozen=True)
class MapData:
    """What the 地图 page needs of one dataset in one language (picklable, cacheable).

    Parameters
    ----------
    data_js
        ``cpInit``'s data (:func:`dashboard.map.view.map_data` of the layers) as
        script-safe JSON: sent to the browser once.
    figures
        For :func:`map_view`.
    """

    data_js: str
    figures: AreaFigures


class MapView(NamedTuple):
    """One view: colour scale, fill per township (data order), side-panel figures, bounds."""

    scale: ColorScale
    fills: list[str]
    summary: dict[str, Any]
    bounds: list[list[float]]


def build_layers(
    city: Any,
    result: Any,
    radius_by_type: dict[str, float],
    lang: Lang,
    with_villages: bool,
    geometry: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]],
) -> MapLayers:
    """Return the whole area's layers and figures.

    Parameters
    ----------
    city
        The :class:`geodata.city.CityData`.
    result
        Its :class:`analysis.coverage.api.CoverageResult`, or ``None`` (data preview).
    radius_by_type
        Service radius per point type, used where ``result`` has none.
    lang
        Language of tooltips.
    with_villages
        Build the village layer too (thousands of dots: only when it is switched on).
    geometry
        Display geometry: township GeoJSON by code and county features
        (:func:`dashboard.map.cache.display_geometry`).
    """
    with _BUILD_LOCK:
        return _build(city, result, radius_by_type, lang, with_villages, geometry)


def _build(
    city: Any,
    result: Any,
    radius_by_type: dict[str, float],
    lang: Lang,
    with_villages: bool,
    geometry: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]],
) -> MapLayers:
    from dashboard.map import data as mapdata
    from dashboard.map import points as mappoints
    from dashboard.map import reach as mapreach

    geoms, county_feats = geometry
    labels = mapdata.new_labels()
    towns = mapdata.township_table(city.townships, result.townships if result is not None else None)
    points = city.contact_points
    # The colours in the data: the whole area's, by coverage (population without it).
    town_fc, _ = mapdata.township_features(
        towns, geoms, "coverage_share" if result is not None else "population", lang
    )
    cp_table = result.contact_points if result is not None else None
    cp_fc, radii_fc = mappoints.contact_point_features(points, cp_table, radius_by_type, lang)
    road = result is not None and result.reach_mode == "road"
    if road:
        # Road mode: each point's reach is the road stretches it serves, not a circle.
        radii_fc = mapreach.service_area_features(points, result)
    site_fc, link_fc = mappoints.site_features(city.collection_sites, points, lang)
    village_fc = mapdata.fc([])
    if with_villages:
        covered = minutes = None
        if result is not None and "covered_by_point" in result.demand:
            demand = result.demand.set_index(result.demand["code"].astype(str))
            covered = demand["covered_by_point"]
            if "nearest_point_minutes" in demand.columns:
                minutes = demand["nearest_point_minutes"]
        county_of = dict(zip(towns["code"].astype(str), towns["county"].astype(str), strict=True))
        village_fc = mappoints.village_features(city.villages, covered, lang, county_of, minutes)
    layers = {
        "townships": town_fc,
        "counties": mapdata.fc([f["outline"] for f in county_feats.values()]),
        "county_labels": mapdata.fc([f["label"] for f in county_feats.values()]),
        "roads": mapreach.road_features(city.roads) if road else mapdata.fc([]),
        "radii": radii_fc,
        "site_links": link_fc,
        "villages": village_fc,
        "collection_sites": site_fc,
        "contact_points": cp_fc,
        "homes": mappoints.home_features(city.homes, lang),
    }
    # The search list is not here: it is published once as a file (map/search_index.py).
    extra = {"labels": labels.items}
    payload = MapPayload(layers, mapdata.bounds(towns), extra)
    return MapLayers(payload, _figures(city, towns, result, payload.bounds))


def _figures(city: Any, towns: Any, result: Any, bounds: list[list[float]]) -> AreaFigures:
    from dashboard.map import data as mapdata
    from dashboard.map.palette import MEASURES, ROAD_MEASURES
    from dashboard.map.reach import reach_info

    names = towns["county"].astype(str)
    values: dict[str, list[float | None]] = {}
    for m in (*MEASURES, *ROAD_MEASURES):
        if m in ROAD_MEASURES and m not in towns.columns:
            continue  # road mode only
        if m in ("population", "rural_share") or result is not None:
            values[m] = [mapdata._num(v) for v in mapdata.measure_values(towns, m).tolist()]
    blind = (
        [bool(b is True) for b in towns["is_blind_spot"].tolist()]
        if "is_blind_spot" in towns.columns
        else [False] * len(towns)
    )
    counties = sorted(set(names))
    by_county = {"": bounds}
    for county in counties:
        by_county[county] = mapdata.bounds(towns[(names == county).to_numpy()])
    points_by_county: dict[str, int] = {"": len(city.contact_points)}
    if len(city.contact_points):
        for c in city.contact_points["county"].astype(str):
            points_by_county[c] = points_by_county.get(c, 0) + 1
    return AreaFigures(
        counties=counties,
        point_types=[str(t) for t in city.contact_points["type"].astype(str).unique()],
        town_county=names.tolist(),
        town_population=[float(p) for p in towns["population"].tolist()],
        town_blind=blind,
        values=values,
        points_by_county=points_by_county,
        coverage={c: _coverage_share(result, c) for c in ["", *counties]},
        bounds=by_county,
        reach=reach_info(result, [str(t) for t in city.contact_points["type"].unique()]),
        area_level=city_area_level(city),
    )


def city_area_level(city: Any) -> str:
    """What a dataset's whole area is (``"province"``, ``"city"``, ``"county"``)."""
    from geodata.admin.codes import frame_area_level

    return frame_area_level(city.townships)


def _coverage_share(result: Any, county: str) -> float | None:
    """Coverage share of the view, as the analysis computed it (city KPI or county row)."""
    if result is None:
        return None
    if not county:
        return float(result.kpis.coverage_share)
    rows = result.counties[result.counties["county"].astype(str) == county]
    return float(rows["coverage_share"].iloc[0]) if len(rows) else None


def page_data(layers: MapLayers, lang: Lang) -> MapData:
    """Return what the 地图 page sends once (the layers as script-safe JSON) and its figures."""
    return MapData(js_json(map_data(layers.payload, lang)), layers.figures)


def view_county(figures: AreaFigures, county: str) -> str:
    """Return the county a view shows: ``county`` if the data has it, else ``""`` (all)."""
    return county if county in figures.bounds else ""


def map_view(figures: AreaFigures, measure: str, county: str) -> MapView:
    """Return one view: colour scale, fill per township, side-panel figures, bounds.

    Parameters
    ----------
    figures
        Of :func:`build_layers` (``MapLayers.figures`` or ``MapData.figures``).
    measure
        Township measure to colour by (population when the dataset lacks it).
    county
        County to show, or ``""`` for the whole area (also for an unknown county).
    """
    if measure not in figures.values:
        measure = "population"
    county = view_county(figures, county)
    values = figures.values[measure]
    idx = [i for i, c in enumerate(figures.town_county) if not county or c == county]
    scale = color_scale(measure, [values[i] for i in idx])
    summary: dict[str, Any] = {
        "townships": len(idx),
        "blind": sum(1 for i in idx if figures.town_blind[i]),
        "points": figures.points_by_county.get(county, 0),
        "population": float(sum(figures.town_population[i] for i in idx)),
        "coverage": figures.coverage.get(county),
        "measure": measure,
    }
    return MapView(scale, [scale.color(v) for v in values], summary, figures.bounds[county])


def view_payload(
    layers: MapLayers, measure: str, county: str
) -> tuple[MapPayload, ColorScale, dict[str, Any]]:
    """Return the layers of one view, coloured, for a folium map.

    What the 地图 page's browser does with the same data: keep the features whose county
    ``k`` is the view's (all for the whole area) and paint each township with the view's
    fill. The layers' feature dicts are shared, never changed (townships are copied).

    Returns
    -------
    tuple
        ``(payload, scale, summary)`` (see :func:`map_view`).
    """
    scale, fills, summary, bounds = map_view(layers.figures, measure, county)
    county = view_county(layers.figures, county)
    out: dict[str, dict[str, Any]] = {}
    for name, collection in layers.payload.layers.items():
        feats = collection["features"]
        if name == "townships":
            kept = [_filled(f, fills[i]) for i, f in enumerate(feats) if _in(f, county)]
        else:
            kept = [f for f in feats if _in(f, county)]
        out[name] = {"type": "FeatureCollection", "features": kept}
    return MapPayload(out, bounds, layers.payload.extra), scale, summary


def _in(feature: dict[str, Any], county: str) -> bool:
    return not county or feature["properties"].get("k") == county


def _filled(feature: dict[str, Any], color: str) -> dict[str, Any]:
    props = feature["properties"]
    style = {**props["style"], "fillColor": color}
    return {**feature, "properties": {**props, "style": style}}
