"""Find overlaps and gaps between township polygons (warnings with a preview geometry).

Boundaries drawn by different offices overlap along shared edges and leave slivers between
them. :func:`boundary_issues` lists every overlap (two townships claiming the same ground)
and every gap (a hole in the union of the townships: ground nobody claims) larger than
:data:`MIN_ISSUE_AREA_M2`, with its area in km², the townships involved and its geometry
(EPSG:4326) so the data page can draw or list it. Areas are measured in a Lambert
azimuthal equal-area projection centred on the townships.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.errors import Problem

#: Overlaps and gaps smaller than this (m²) are digitising noise and not reported.
MIN_ISSUE_AREA_M2: float = 100.0
#: Longest edge (degrees) kept before projecting: a long straight edge in degrees is curved
#: in the projection, and two townships sharing it with different vertices would overlap.
SEGMENT_DEG: float = 0.002
#: Most overlaps/gaps listed one by one in a problem (all are in the issue table).
_LIST_MAX = 20
#: Columns of the issue table.
ISSUE_COLUMNS = ("kind", "area_km2", "codes", "names", "geometry")


@dataclass(frozen=True)
class BoundaryIssues:
    """Overlaps and gaps of a township layer.

    Parameters
    ----------
    table
        GeoDataFrame (EPSG:4326): ``kind`` (``overlap``/``gap``), ``area_km2``, ``codes`` and
        ``names`` (the townships involved, ``、``-joined) and the issue's ``geometry``.
    warnings
        ``township_overlap`` and ``township_gap`` problems (one each, listing the issues).
    """

    table: gpd.GeoDataFrame
    warnings: tuple[Problem, ...]


def to_equal_area(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, pyproj.CRS]:
    """Polygons in :func:`equal_area_crs`, densified in degrees first (see SEGMENT_DEG)."""
    crs = equal_area_crs(gdf)
    dense = shapely.segmentize(gdf.to_crs(4326).geometry.to_numpy(), SEGMENT_DEG)
    return gpd.GeoSeries(dense, crs=4326).to_crs(crs).to_numpy(), crs


def equal_area_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """A Lambert azimuthal equal-area CRS centred on a layer (areas in m²)."""
    lon0, lat0, lon1, lat1 = (float(v) for v in gdf.to_crs(4326).total_bounds)
    return pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={(lat0 + lat1) / 2:.6f} +lon_0={(lon0 + lon1) / 2:.6f} "
        "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def overlaps_and_gaps(
    geoms: np.ndarray, min_area: float
) -> tuple[list[tuple[int, int, shapely.Geometry]], list[shapely.Geometry]]:
    """Overlapping pairs ``(i, j, piece)`` and gap polygons of planar polygons."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    pieces = shapely.intersection(geoms[left], geoms[right])
    areas = shapely.area(pieces)
    overlaps = [
        (int(i), int(j), p)
        for i, j, p, a in zip(left, right, pieces, areas, strict=True)
        if a > min_area
    ]
    union = shapely.union_all(shapely.make_valid(geoms))
    holes: list[shapely.Geometry] = []
    for poly in shapely.get_parts(union):
        if isinstance(poly, shapely.Polygon):
            holes.extend(shapely.Polygon(ring) for ring in poly.interiors)
    gaps = [h for h in holes if h.area > min_area]
    return overlaps, gaps


def boundary_issues(
    townships: gpd.GeoDataFrame,
    *,
    source: str = "townships",
    min_area_m2: float = MIN_ISSUE_AREA_M2,
) -> BoundaryIssues:
    """Overlaps and gaps between the townships, as a table and as warnings.

    Parameters
    ----------
    townships
        Township polygons with ``code`` and ``name`` (any CRS).
    source
        The user's file name, shown in the warnings.
    min_area_m2
        Smaller overlaps and gaps are ignored.
    """
    if len(townships) < 2 or not np.isfinite(townships.total_bounds).all():
        empty = gpd.GeoDataFrame(
            pd.DataFrame(columns=list(ISSUE_COLUMNS)), geometry="geometry", crs=4326
        )
        return BoundaryIssues(empty, ())
    geoms, crs = to_equal_area(townships)
    codes = [str(c) for c in townships["code"]]
    names = [str(n) for n in townships["name"]]
    overlaps, gaps = overlaps_and_gaps(geoms, min_area_m2)
    rows: list[dict[str, object]] = []
    for i, j, piece in overlaps:
        rows.append(_row("overlap", piece, [i, j], codes, names))
    if gaps:
        tree = shapely.STRtree(geoms)
        for gap in gaps:
            near = tree.query(shapely.buffer(gap, 1.0), predicate="intersects")
            rows.append(_row("gap", gap, sorted(int(k) for k in near), codes, names))
    table = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=list(ISSUE_COLUMNS)), geometry="geometry", crs=crs
    ).to_crs(4326)
    return BoundaryIssues(table, tuple(_warnings(table, source)))


def _row(
    kind: str, geom: shapely.Geometry, idx: list[int], codes: list[str], names: list[str]
) -> dict[str, object]:
    return {
        "kind": kind,
        "area_km2": round(float(geom.area) / 1e6, 4),
        "codes": "、".join(codes[k] for k in idx),
        "names": "、".join(names[k] for k in idx),
        "geometry": geom,
    }


def _warnings(table: gpd.GeoDataFrame, source: str) -> list[Problem]:
    out: list[Problem] = []
    for kind, code, what in (
        ("overlap", "township_overlap", "overlap each other"),
        ("gap", "township_gap", "leave gaps (ground no township claims) between them"),
    ):
        part = table[table["kind"] == kind]
        if part.empty:
            continue
        listed = [
            f"{n} ({a:.3f} km²)" for n, a in zip(part["names"], part["area_km2"], strict=True)
        ]
        more = f" ... (+{len(listed) - _LIST_MAX} more)" if len(listed) > _LIST_MAX else ""
        out.append(
            Problem(
                code,
                f"{len(part)} places where township boundaries {what}, "
                f"{part['area_km2'].sum():.3f} km² in all: {'; '.join(listed[:_LIST_MAX])}{more}. "
                "Population and coverage are counted per township as drawn; correct the "
                "boundaries, or choose the snap-and-clean step.",
                source=source,
                severity="warning",
                value="; ".join(listed[:_LIST_MAX]),
                params={
                    "count": len(part),
                    "area_km2": round(float(part["area_km2"].sum()), 4),
                    "townships": list(part["names"]),
                    "areas_km2": [float(a) for a in part["area_km2"]],
                    "wkt": [shapely.to_wkt(g, rounding_precision=6) for g in part.geometry][
                        :_LIST_MAX
                    ],
                },
            )
        )
    return out
