"""The map's caches: display geometry and layers per dataset, the 地图 page's data.

The building and the views are in :mod:`dashboard.map.pipeline`; here they are cached.
Keyed on simple values (the dataset id and strings); the city and the coverage result are
passed as ``_``-prefixed arguments Streamlit does not hash.

- :func:`map_layers`: a dataset's whole-area layers (with or without its coverage), in
  memory, shared by every session; the folium maps take their view of them with
  :func:`dashboard.map.pipeline.view_payload`.
- :func:`dataset_map` (the 地图 page): the same layers as script-safe JSON with the
  figures its views are computed from (:func:`dashboard.map.pipeline.map_view`). The demo
  city's is persisted on disk.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.i18n import Lang
from dashboard.map.pipeline import MapData, MapLayers, build_layers, page_data
from dashboard.services import data as services

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


def map_layers(
    dataset_id: str,
    lang: Lang,
    with_villages: bool,
    city: Any,
    result: Any,
    radius_by_type: dict[str, float] | None = None,
    version: str = "",
) -> MapLayers:
    """Return a dataset's whole-area layers (:func:`dashboard.map.pipeline.build_layers`).

    Cached in memory per dataset, coverage or none, ``version``, language and villages
    (``cache_resource``: shared read-only by every session, never copied).

    Parameters
    ----------
    dataset_id
        Cache key of the dataset (``"demo@..."`` or a content hash).
    lang
        Language of tooltips.
    with_villages
        Build the village layer too.
    city
        The :class:`geodata.city.CityData`.
    result
        Its :class:`analysis.coverage.api.CoverageResult`, or ``None`` (data preview).
    radius_by_type
        Service radius per point type, used where ``result`` has none.
    version
        Cache key of ``result`` when it is not the dataset's own (a scenario fingerprint).
    """
    coverage = "" if result is None else f"coverage#{version}#{result.reach_mode}"
    return _layers(dataset_id, coverage, lang, with_villages, city, result, radius_by_type or {})


@st.cache_resource(show_spinner=False, max_entries=32)
def _layers(
    dataset_id: str,
    coverage: str,
    lang: Lang,
    with_villages: bool,
    _city: Any,
    _result: Any,
    _radius_by_type: dict[str, float],
) -> MapLayers:
    geometry = display_geometry(dataset_id, _city)
    return build_layers(_city, _result, _radius_by_type, lang, with_villages, geometry)


@st.cache_data(show_spinner=False, persist="disk", max_entries=16)
def _demo_map_data(dataset_id: str, lang: Lang, with_villages: bool, mode: str) -> MapData:
    return _dataset_map_data(dataset_id, lang, with_villages, mode)


@st.cache_resource(show_spinner=False, max_entries=8)
def _user_map_data(dataset_id: str, lang: Lang, with_villages: bool, mode: str) -> MapData:
    # cache_resource: a frozen dataclass shared by the sessions, never copied per rerun.
    return _dataset_map_data(dataset_id, lang, with_villages, mode)


def _dataset_map_data(dataset_id: str, lang: Lang, with_villages: bool, mode: str) -> MapData:
    from dashboard import warmup

    # geopandas and the analysis are imported now: not while the warm-up imports pandas
    # (it starts only after the first map, so a cold first run never waits for it).
    warmup.wait_if_busy()
    dataset = services.dataset_by_id(dataset_id)
    result = services.coverage(dataset, mode)
    types = [str(t) for t in dataset.city.contact_points["type"].astype(str).unique()]
    radii = services.radius_by_type(types)
    layers = map_layers(dataset_id, lang, with_villages, dataset.city, result, radii)
    return page_data(layers, lang)


def dataset_map(dataset_id: str, lang: Lang, with_villages: bool, mode: str = "radius") -> MapData:
    """Return the 地图 page's data of a dataset with its coverage (:class:`MapData`).

    ``mode`` is the reach mode (``"radius"`` or ``"road"``, :func:`dashboard.services.data.
    reach_mode`): part of every cache key.

    The demo city's is persisted on disk (``st.cache_data(persist="disk")``, keyed by the
    fingerprint in its id): after the first start its map needs neither geopandas nor the
    analysis. User datasets are cached in memory.

    Raises
    ------
    geodata.errors.GeodataError, analysis.errors.AnalysisError
        When the data cannot be loaded or analysed.
    """
    if services.is_demo_id(dataset_id):
        return _demo_map_data(dataset_id, lang, with_villages, mode)
    return _user_map_data(dataset_id, lang, with_villages, mode)


@st.cache_resource(show_spinner=False, max_entries=2048)
def _service_area(
    key: str, lon: float, lat: float, point_type: str, _result: Any
) -> dict[str, Any]:
    from dashboard.map.reach import service_area_geometry

    return service_area_geometry(_result, lon, lat, point_type)


def service_area(
    dataset: Any, result: Any, lon: float, lat: float, point_type: str
) -> dict[str, Any]:
    """Return the GeoJSON geometry of one point's service area (cached per dataset, reach
    mode, place and type): in road mode the road stretches it reaches within its minutes
    (one Dijkstra from the point, a few milliseconds on the demo), else its circle.

    ``result`` is ``dataset``'s coverage result in the session's reach mode (its reach and
    metric CRS are used; a scenario's points are reached on the same roads).
    """
    key = services.coverage_key(dataset, result.reach_mode)
    return _service_area(key, round(lon, 6), round(lat, 6), point_type, result)
