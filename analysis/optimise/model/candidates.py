"""Candidate sites for new contact points: villages, township seats or a user list.

Each site carries what the site rules (:mod:`analysis.standards.site_rules`) look at: the level
(街道 street / 镇乡 town) and kind of its township, the kind of the village or community it
stands at, whether that is the township seat, and the candidate list's ``site_type``.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.standards.site_rules import site_context, township_levels
from geodata.city import CityData
from geodata.errors import Problem

#: Columns of :func:`candidate_sites`.
CANDIDATE_COLUMNS = (
    "id", "name", "township_code", "township_name", "county", "township_level",
    "township_kind", "site_kind", "is_seat", "site_type", "geometry",
)  # fmt: skip


def candidate_sites(
    city: CityData,
    source: str | gpd.GeoDataFrame = "villages",
    *,
    excluded_sites: tuple[str, ...] = (),
    excluded_townships: tuple[str, ...] = (),
) -> gpd.GeoDataFrame:
    """Candidate sites (EPSG:4326), columns :data:`CANDIDATE_COLUMNS`.

    Parameters
    ----------
    city
        The validated city.
    source
        ``"villages"`` (every village/community, township seats included),
        ``"seats"`` (township seats only) or a point GeoDataFrame with ``id`` (and
        optionally ``name`` and ``site_type``) uploaded by the user; its township, county
        and nearest village are found by location.
    excluded_sites
        Candidate ids to leave out.
    excluded_townships
        Township codes whose sites are left out.

    Returns
    -------
    geopandas.GeoDataFrame
        ``township_level`` is ``"street"`` or ``"town"``; ``site_kind`` the kind of the
        village the site stands at (``""`` unknown); ``site_type`` the candidate list's
        own type (``""`` when it has none).

    Raises
    ------
    AnalysisError
        No villages to draw candidates from, a user list without ids, or no candidate
        left after the exclusions.
    """
    if isinstance(source, gpd.GeoDataFrame):
        return _candidate_sites(city, source, excluded_sites, excluded_townships)
    # Drawn from the villages, the sites depend only on the townships and villages, which
    # every scenario of a dataset shares (``apply_scenario`` replaces the point layers only):
    # a planner's click does not draw them again. Kept by identity of those frames (held
    # here, so an id is never reused while cached).
    key = (source, tuple(excluded_sites), tuple(excluded_townships))
    with _LOCK:
        for towns, villages, k, sites in _CACHE:
            if towns is city.townships and villages is city.villages and k == key:
                return sites.copy()
    sites = _candidate_sites(city, source, excluded_sites, excluded_townships)
    with _LOCK:
        _CACHE.insert(0, (city.townships, city.villages, key, sites))
        del _CACHE[_CACHE_SIZE:]
    return sites.copy()


#: Sites drawn from villages, by the frames they were drawn from (most recent first).
_CACHE: list[tuple[object, object, tuple[object, ...], gpd.GeoDataFrame]] = []
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def _candidate_sites(
    city: CityData,
    source: str | gpd.GeoDataFrame,
    excluded_sites: tuple[str, ...],
    excluded_townships: tuple[str, ...],
) -> gpd.GeoDataFrame:
    towns = city.townships
    if isinstance(source, gpd.GeoDataFrame):
        sites = _user_sites(city, source)
    else:
        sites = _village_sites(city, source)
    codes = towns["code"].astype(str)
    kinds = towns["kind"].astype(str) if "kind" in towns else pd.Series("", index=towns.index)
    by_code = pd.DataFrame(
        {
            "county": towns["county"].astype(str).to_numpy(),
            "township_name": towns["name"].astype(str).to_numpy(),
            "township_kind": kinds.to_numpy(),
            "township_level": township_levels(towns["name"], kinds),
        },
        index=codes.to_numpy(),
    )
    by_code = by_code[~by_code.index.duplicated()]
    for col in by_code.columns:
        sites[col] = sites["township_code"].map(by_code[col]).fillna("").astype(str)
    keep = ~sites["id"].isin(list(excluded_sites)) & ~sites["township_code"].isin(
        list(excluded_townships)
    )
    sites = sites[keep & (sites["county"] != "")].reset_index(drop=True)
    if sites.empty:
        raise AnalysisError(
            [Problem("no_candidates", "No candidate site is left after the exclusions.")]
        )
    return sites[list(CANDIDATE_COLUMNS)].to_crs(4326)


def _village_sites(city: CityData, source: str) -> gpd.GeoDataFrame:
    """Every village (or township seat) as a site standing at itself."""
    if city.villages is None or city.villages.empty:
        raise AnalysisError(
            [
                Problem(
                    "no_candidate_villages",
                    "There are no villages to place new points at: load a village layer "
                    "or upload a list of candidate sites.",
                )
            ]
        )
    v = city.villages
    seat = (
        v["is_township_seat"].fillna(False).astype(bool).to_numpy()
        if "is_township_seat" in v.columns
        else np.zeros(len(v), bool)
    )
    if source == "seats":
        v, seat = v[seat], seat[seat]
    elif source != "villages":
        raise AnalysisError(
            [Problem("bad_candidate_source", f"Unknown candidate source {source!r}.")]
        )
    return gpd.GeoDataFrame(
        {
            "id": v["code"].astype(str).to_numpy(),
            "name": v["name"].astype(str).to_numpy() if "name" in v else "",
            "township_code": v["township_code"].astype(str).to_numpy(),
            "site_kind": v["kind"].fillna("").astype(str).to_numpy() if "kind" in v else "",
            "is_seat": seat,
            "site_type": "",
        },
        geometry=v.geometry.to_numpy(),
        crs=v.crs,
    )


def _user_sites(city: CityData, source: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A user's candidate list: township and nearest village found by location."""
    if "id" not in source.columns:
        raise AnalysisError(
            [Problem("candidate_without_id", "The candidate list needs an 'id' column.")]
        )
    pts = source.to_crs(4326).reset_index(drop=True)
    ctx = site_context(city, pts.geometry.x.to_numpy(float), pts.geometry.y.to_numpy(float))
    names = pts["name"] if "name" in pts else pts["id"]
    site_type = (
        pts["site_type"].fillna("").astype(str).str.strip().to_numpy()
        if "site_type" in pts.columns
        else ""
    )
    return gpd.GeoDataFrame(
        {
            "id": pts["id"].astype(str).to_numpy(),
            "name": names.fillna("").astype(str).to_numpy(),
            "township_code": ctx["township_code"].astype(str).to_numpy(),
            "site_kind": ctx["site_kind"].astype(str).to_numpy(),
            "is_seat": ctx["is_seat"].astype(bool).to_numpy(),
            "site_type": site_type,
        },
        geometry=pts.geometry.to_numpy(),
        crs=4326,
    )
