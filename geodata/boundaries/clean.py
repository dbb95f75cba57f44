"""The optional snap-and-clean step of township boundaries (the planner chooses it).

In an equal-area projection: every polygon is repaired (``make_valid``) and snapped to its
neighbours within ``tolerance_m``; an overlap goes to the township listed first in the file
(it is cut from the later ones); a gap no larger than ``max_gap_km2`` joins the neighbouring
township with which it shares the longest edge. Bigger gaps stay (they may be a lake or
another jurisdiction) and are still reported. Returns the cleaned layer in EPSG:4326 and
the issues before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geodata.boundaries.topology import (
    BoundaryIssues,
    boundary_issues,
    overlaps_and_gaps,
    to_equal_area,
)

#: Default snapping distance (m): vertices closer than this to a neighbour's edge move onto it.
SNAP_TOLERANCE_M: float = 20.0
#: Gaps up to this area (km²) are given to a neighbour; larger ones are left and reported.
MAX_GAP_KM2: float = 1.0


@dataclass(frozen=True)
class CleanedBoundaries:
    """Townships after snap-and-clean, with the issues found before and after."""

    townships: gpd.GeoDataFrame
    before: BoundaryIssues
    after: BoundaryIssues


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a geometry (make_valid may add stray lines or points)."""
    parts = [
        p
        for p in shapely.get_parts(shapely.make_valid(geom))
        if p.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def snap_and_clean(geoms: np.ndarray, tolerance_m: float, max_gap_m2: float) -> np.ndarray:
    """Clean planar township polygons (see the module docstring); same order and length."""
    out = np.array([_polygonal(g) for g in geoms], dtype=object)
    tree = shapely.STRtree(out)
    for i in range(len(out)):
        near = [int(k) for k in tree.query(out[i].buffer(tolerance_m)) if k != i]
        if near:
            others = shapely.union_all([out[k].boundary for k in near])
            out[i] = _polygonal(shapely.snap(out[i], others, tolerance_m))
    tree = shapely.STRtree(out)
    for i in range(len(out)):
        # The first township keeps an overlap: later ones lose what earlier ones hold.
        earlier = [int(k) for k in tree.query(out[i], predicate="intersects") if k < i]
        if earlier:
            out[i] = _polygonal(shapely.difference(out[i], shapely.union_all(out[earlier])))
    _, gaps = overlaps_and_gaps(out, 0.0)
    tree = shapely.STRtree(out)
    for gap in gaps:
        if gap.area > max_gap_m2:
            continue
        near = [int(k) for k in tree.query(gap.buffer(1.0), predicate="intersects")]
        if not near:
            continue
        shared = [shapely.intersection(gap.boundary, out[k].buffer(1.0)).length for k in near]
        best = near[int(np.argmax(shared))]
        out[best] = _polygonal(shapely.union(out[best], gap))
    return out


def clean_boundaries(
    townships: gpd.GeoDataFrame,
    *,
    tolerance_m: float = SNAP_TOLERANCE_M,
    max_gap_km2: float = MAX_GAP_KM2,
    source: str = "townships",
) -> CleanedBoundaries:
    """Snap and clean a township layer; see the module docstring for the rules."""
    before = boundary_issues(townships, source=source)
    projected, crs = to_equal_area(townships)
    geoms = snap_and_clean(projected, tolerance_m, max_gap_km2 * 1e6)
    cleaned = townships.copy()
    cleaned = cleaned.set_geometry(
        gpd.GeoSeries(geoms, index=townships.index, crs=crs).to_crs(townships.crs)
    )
    after = boundary_issues(cleaned, source=source)
    return CleanedBoundaries(cleaned, before, after)
