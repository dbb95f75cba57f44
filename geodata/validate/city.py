"""Cross-layer checks of a city: points in the study area, township codes, population sums,
overlaps and gaps between townships.

A problem names the user's own file (``sources``: layer → file name) where one is known,
the layer name otherwise; a problem spanning two layers names the other file in its text.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely

from geodata.boundaries.topology import boundary_issues
from geodata.errors import Problem
from geodata.io.limits import POPULATION_MISMATCH_SHARE
from geodata.schema import LayerName

_LIST_MAX = 50


def _listed(values: list[str]) -> str:
    more = f" ... (+{len(values) - _LIST_MAX} more)" if len(values) > _LIST_MAX else ""
    return ", ".join(values[:_LIST_MAX]) + more


def _township_index(townships: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """Index of the township covering each point, -1 where none does."""
    tree = shapely.STRtree(townships.geometry.to_numpy())
    pts, towns = tree.query(points.geometry.to_numpy(), predicate="covered_by")
    out = np.full(len(points), -1, dtype=np.int64)
    # A point on a shared border belongs to the first township found; either is right.
    out[pts[::-1]] = towns[::-1]
    return out


def check_study_area(
    townships: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    layer: str,
    *,
    outside_china: bool = False,
    source: str = "",
) -> list[Problem]:
    """Error listing the ids of points outside the union of the townships.

    The hint about Chinese web-map coordinates (GCJ-02/BD-09) is left out for data the
    user placed outside China, where those systems do not exist.
    """
    if points.empty:
        return []
    inside = _township_index(townships, points) >= 0
    id_col = "code" if layer == "villages" else "id"
    outside = [str(v) for v in points.loc[~inside, id_col]]
    if not outside:
        return []
    return [
        Problem(
            "outside_study_area",
            f"{len(outside)} {layer} lie outside the study area (the union of the townships): "
            f"{_listed(outside)}. Check their coordinates"
            + (
                ""
                if outside_china
                else " (or their coordinate system: GCJ-02/BD-09 data must be declared as such)"
            )
            + ", or add the missing townships.",
            source=source or layer,
            column=id_col,
            value=_listed(outside),
            params={"ids": outside, "layer": layer},
        )
    ]


def check_township_codes(
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame,
    *,
    source: str = "villages",
    townships_source: str = "townships",
) -> list[Problem]:
    """Error listing the villages whose ``township_code`` matches no township."""
    known = set(townships["code"])
    bad = villages.loc[~villages["township_code"].isin(known)]
    if bad.empty:
        return []
    pairs = [f"{c} ({t})" for c, t in zip(bad["code"], bad["township_code"], strict=True)]
    return [
        Problem(
            "unknown_township_code",
            f"{len(bad)} villages name a township_code that no township of {townships_source} "
            f"has: {_listed(pairs)}. Use the townships' 9-digit codes.",
            source=source,
            column="township_code",
            value=_listed(sorted(set(bad["township_code"]))),
            params={"codes": sorted(set(bad["township_code"])), "villages": list(bad["code"])},
        )
    ]


def check_population_totals(
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame,
    *,
    source: str = "townships",
    villages_source: str = "villages",
) -> list[Problem]:
    """Warning per township whose villages' population differs by more than 5% from its own."""
    sums = villages.groupby("township_code")["population"].sum()
    problems: list[Problem] = []
    for row, (code, name, total) in enumerate(
        zip(townships["code"], townships["name"], townships["population"], strict=True)
    ):
        if code not in sums.index:
            continue
        summed = int(sums[code])
        share = abs(summed - int(total)) / max(int(total), 1)
        if share > POPULATION_MISMATCH_SHARE:
            problems.append(
                Problem(
                    "population_mismatch",
                    f"Township {name} ({code}) has population {int(total):,} but its villages "
                    f"in {villages_source} sum to {summed:,} ({share:.0%} apart, more than "
                    f"{POPULATION_MISMATCH_SHARE:.0%}). Check both sources.",
                    source=source,
                    row=row,
                    column="population",
                    value=str(int(total)),
                    severity="warning",
                    params={"code": code, "township": int(total), "villages": summed},
                )
            )
    return problems


def check_site_references(
    sites: gpd.GeoDataFrame,
    contact_points: gpd.GeoDataFrame | None,
    *,
    source: str = "collection_sites",
) -> list[Problem]:
    """Warning listing collection sites whose ``contact_point_id`` names no contact point."""
    known = set(contact_points["id"]) if contact_points is not None else set()
    refs = sites["contact_point_id"]
    bad = sites.loc[(refs != "") & ~refs.isin(known)]
    if bad.empty:
        return []
    pairs = [f"{i} → {c}" for i, c in zip(bad["id"], bad["contact_point_id"], strict=True)]
    return [
        Problem(
            "unknown_contact_point",
            f"{len(bad)} collection sites refer to a contact point id that does not exist: "
            f"{_listed(pairs)}. They are kept without a contact point.",
            source=source,
            column="contact_point_id",
            severity="warning",
            params={"ids": list(bad["id"])},
        )
    ]


def check_roads_reach_study_area(
    townships: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, *, source: str = "roads"
) -> list[Problem]:
    """Error when no road touches the study area (roads may run beyond it, but not only).

    Roads of another region, or in another coordinate system than the townships, would
    leave every village "not on the road network".
    """
    if roads.empty or townships.empty:
        return []
    tree = shapely.STRtree(townships.geometry.to_numpy())
    hits, _ = tree.query(roads.geometry.to_numpy(), predicate="intersects")
    if hits.size:
        return []
    lon_min, lat_min, lon_max, lat_max = (float(v) for v in roads.total_bounds)
    return [
        Problem(
            "roads_outside_study_area",
            f"None of the {len(roads)} roads reaches the study area (the roads span longitude "
            f"{lon_min:.4f}-{lon_max:.4f}, latitude {lat_min:.4f}-{lat_max:.4f}). Load the road "
            "layer of this city, in the same coordinate system as the townships (GCJ-02/BD-09 "
            "data must be declared as such).",
            source=source,
            value=f"{lon_min:.4f}, {lat_min:.4f}, {lon_max:.4f}, {lat_max:.4f}",
            params={"count": len(roads)},
        )
    ]


def fill_county_from_townships(
    points: gpd.GeoDataFrame, townships: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Fill empty ``county`` cells from the township each point falls in."""
    if points.empty or "county" not in points.columns:
        return points
    empty = (points["county"] == "").to_numpy()
    if not empty.any():
        return points
    idx = _township_index(townships, points)
    counties = townships["county"].to_numpy()
    filled = points.copy()
    found = np.where(idx >= 0, counties[np.maximum(idx, 0)], "")
    filled["county"] = np.where(empty, found, filled["county"].to_numpy())
    filled["county"] = filled["county"].astype("str")
    return filled


def cross_layer_checks(
    clean: Mapping[LayerName, gpd.GeoDataFrame],
    roads: gpd.GeoDataFrame | None,
    *,
    sources: Mapping[str, str] | None = None,
    outside_china: bool = False,
) -> list[Problem]:
    """Every check across layers (and across townships) of validated layers.

    Parameters
    ----------
    clean
        Validated layers by name; ``"townships"`` required.
    roads
        The validated road layer, or None.
    sources
        The user's file name of each layer (problems name it instead of the layer).
    outside_china
        The data lies outside China (see :func:`check_study_area`).
    """
    named = dict(sources or {})

    def name(layer: str) -> str:
        return named.get(layer, layer)

    town = clean["townships"]
    problems = list(boundary_issues(town, source=name("townships")).warnings)
    point_layers: tuple[LayerName, ...] = (
        "villages",
        "contact_points",
        "collection_sites",
        "homes",
    )
    for layer in point_layers:
        if layer in clean:
            problems.extend(
                check_study_area(
                    town, clean[layer], layer, outside_china=outside_china, source=name(layer)
                )
            )
    if "villages" in clean:
        problems.extend(
            check_township_codes(
                town,
                clean["villages"],
                source=name("villages"),
                townships_source=name("townships"),
            )
        )
        problems.extend(
            check_population_totals(
                town,
                clean["villages"],
                source=name("townships"),
                villages_source=name("villages"),
            )
        )
    if "collection_sites" in clean:
        problems.extend(
            check_site_references(
                clean["collection_sites"],
                clean.get("contact_points"),
                source=name("collection_sites"),
            )
        )
    if roads is not None:
        problems.extend(check_roads_reach_study_area(town, roads, source=name("roads")))
    return problems
