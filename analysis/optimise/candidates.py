"""Candidate sites for new contact points: villages, township seats or a user list."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from analysis.errors import AnalysisError
from geodata.city import CityData
from geodata.errors import Problem

CANDIDATE_COLUMNS = ("id", "name", "township_code", "county", "geometry")


def candidate_sites(
    city: CityData,
    source: str | gpd.GeoDataFrame = "villages",
    *,
    excluded_sites: tuple[str, ...] = (),
    excluded_townships: tuple[str, ...] = (),
) -> gpd.GeoDataFrame:
    """Candidate sites with ``id``, ``name``, ``township_code``, ``county`` (EPSG:4326).

    Parameters
    ----------
    city
        The validated city.
    source
        ``"villages"`` (every village/community, township seats included),
        ``"seats"`` (township seats only) or a point GeoDataFrame with ``id`` (and
        optionally ``name``) uploaded by the user; its township and county are found by
        location.
    excluded_sites
        Candidate ids to leave out.
    excluded_townships
        Township codes whose sites are left out.

    Raises
    ------
    AnalysisError
        No villages to draw candidates from, a user list without ids, or no candidate
        left after the exclusions.
    """
    towns = city.townships
    county_of = pd.Series(towns["county"].astype(str).to_numpy(), index=towns["code"].astype(str))
    if isinstance(source, gpd.GeoDataFrame):
        sites = _user_sites(source, towns)
    else:
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
        if source == "seats":
            if "is_township_seat" not in v.columns:
                v = v.iloc[0:0]
            else:
                v = v[v["is_township_seat"].fillna(False).astype(bool).to_numpy()]
        elif source != "villages":
            raise AnalysisError(
                [Problem("bad_candidate_source", f"Unknown candidate source {source!r}.")]
            )
        sites = gpd.GeoDataFrame(
            {
                "id": v["code"].astype(str).to_numpy(),
                "name": v["name"].astype(str).to_numpy() if "name" in v else "",
                "township_code": v["township_code"].astype(str).to_numpy(),
            },
            geometry=v.geometry.to_numpy(),
            crs=v.crs,
        )
    sites["county"] = sites["township_code"].map(county_of).fillna("").astype(str)
    keep = ~sites["id"].isin(list(excluded_sites)) & ~sites["township_code"].isin(
        list(excluded_townships)
    )
    sites = sites[keep & (sites["county"] != "")].reset_index(drop=True)
    if sites.empty:
        raise AnalysisError(
            [Problem("no_candidates", "No candidate site is left after the exclusions.")]
        )
    return sites[list(CANDIDATE_COLUMNS)].to_crs(4326)


def _user_sites(source: gpd.GeoDataFrame, towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "id" not in source.columns:
        raise AnalysisError(
            [Problem("candidate_without_id", "The candidate list needs an 'id' column.")]
        )
    pts = source.to_crs(4326)
    joined = gpd.sjoin(
        pts[["id", "geometry"]].assign(name=pts["name"] if "name" in pts else pts["id"]),
        towns[["code", "geometry"]].to_crs(4326),
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    return gpd.GeoDataFrame(
        {
            "id": joined["id"].astype(str).to_numpy(),
            "name": joined["name"].astype(str).to_numpy(),
            "township_code": joined["code"].fillna("").astype(str).to_numpy(),
        },
        geometry=joined.geometry.to_numpy(),
        crs=4326,
    )
