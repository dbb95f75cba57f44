"""Loess-hill terrain of the demo city: a dendritic pattern of ravines (沟壑) and their bridges.

The demo city lies in 黄土高原 gully country: flat-topped ridges cut by deep ravines that a road
crosses only on a bridge. Ravines are grown as random walks from the city edge inwards (main
gullies, upstream), branching twice; a ravine bends around every village and point and stops
short of other ravines, the urban core and the county towns, so the ridges between them stay
connected around the ravine heads. All lengths in metres, in the builder's metric plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

KM = 1000.0
#: Half-width (m) of a ravine by order: 0 main gully, 1 branch, 2 twig.
HALF_WIDTH_M = (320.0, 200.0, 130.0)
_STEP_M = 400.0
_CLEAR_POINTS_M = 180.0  # gap between a ravine's rim and any village or point
_CLEAR_RAVINES_M = 1_600.0  # a ravine stops this far from another (ridges stay passable)
_TURNS = (0.0, 0.3, -0.3, 0.6, -0.6, 0.9, -0.9, 1.2, -1.2)


@dataclass(frozen=True)
class Terrain:
    """Ravine centrelines, their order and outline, and the bridge sites across them.

    Parameters
    ----------
    lines
        Centreline of each ravine (metric).
    order
        0 main gully, 1 branch, 2 twig.
    outline
        Union of the ravines' outlines (centrelines buffered by their half-width).
    bridges
        ``(k, 2, 2)``: both bank ends of each bridge (a straight crossing).
    """

    lines: list[shapely.LineString]
    order: np.ndarray
    outline: shapely.Geometry
    bridges: np.ndarray

    @property
    def half_width_m(self) -> np.ndarray:
        """Half-width of each ravine (m)."""
        return np.array(HALF_WIDTH_M)[self.order]


@dataclass
class _Grower:
    rng: np.random.Generator
    city: shapely.Geometry
    points: cKDTree
    keep_out: list[tuple[np.ndarray, float]]
    vertices: list[np.ndarray]
    tree: cKDTree | None = None

    def _free(self, c: np.ndarray, order: int, start: np.ndarray, own: list[np.ndarray]) -> bool:
        if not shapely.contains_xy(self.city, *c):
            return False
        if self.points.query(c)[0] < HALF_WIDTH_M[order] + _CLEAR_POINTS_M:
            return False
        if any(np.hypot(*(c - xy)) < r for xy, r in self.keep_out):
            return False
        if len(own) > 4 and np.min(np.hypot(*(np.asarray(own[:-4]) - c).T)) < _CLEAR_RAVINES_M:
            return False
        if self.tree is not None:
            near = self.tree.data[self.tree.query_ball_point(c, _CLEAR_RAVINES_M)]
            # A branch may start at its parent: only its junction's neighbourhood is exempt.
            if len(near) and np.any(np.hypot(*(near - start).T) > _CLEAR_RAVINES_M + 400):
                return False
        return True

    def add(self, xy: np.ndarray) -> None:
        """Record a finished ravine (later ones keep clear of it)."""
        self.vertices.append(xy)
        self.tree = cKDTree(np.vstack(self.vertices))

    def grow(self, start: np.ndarray, heading: float, length_m: float, order: int) -> np.ndarray:
        """Random walk upstream from ``start``; bends around obstacles, stops when boxed in."""
        own = [start]
        theta = heading
        for _ in range(int(length_m / _STEP_M)):
            theta += 0.25 * (heading - theta) + self.rng.normal(0.0, 0.22)
            for turn in _TURNS:
                step = _STEP_M * np.array([np.cos(theta + turn), np.sin(theta + turn)])
                if self._free(own[-1] + step, order, start, own):
                    theta += turn
                    own.append(own[-1] + step)
                    break
            else:
                break
        return np.array(own)


def _headings(xy: np.ndarray) -> np.ndarray:
    d = np.diff(xy, axis=0)
    return np.arctan2(d[:, 1], d[:, 0])


def _bridge_sites(
    rng: np.random.Generator, xy: np.ndarray, order: int, junctions: list[int]
) -> list[np.ndarray]:
    """Bank-to-bank crossings along one ravine: every 9-14 km on a main gully, one on a branch."""
    n = len(xy)
    if order == 0:
        spacing = rng.uniform(9, 14) * KM / _STEP_M
        at = np.arange(rng.uniform(0.3, 0.8) * spacing, n - 3, spacing).astype(int)
    elif order == 1 and n * _STEP_M > 6 * KM:
        at = np.array([int(rng.uniform(0.3, 0.7) * n)])
    else:
        return []
    out = []
    heading = _headings(xy)
    span = HALF_WIDTH_M[order] + 140.0
    for i in at:
        if any(abs(i - j) < 3 for j in junctions) or i < 2:
            continue  # not at a confluence nor at the outlet
        normal = np.array([-np.sin(heading[i]), np.cos(heading[i])])
        mid = (xy[i] + xy[i + 1]) / 2
        out.append(np.array([mid - span * normal, mid + span * normal]))
    return out


def build_terrain(
    rng: np.random.Generator,
    city: shapely.Geometry,
    points_xy: np.ndarray,
    keep_out: list[tuple[np.ndarray, float]],
    n_main: int = 9,
) -> Terrain:
    """Grow the ravines of the demo city.

    Parameters
    ----------
    rng
        The terrain's own random generator (the city's other layers never draw from it).
    city
        City outline (metric).
    points_xy
        Villages and points a ravine must not swallow.
    keep_out
        ``(centre, radius_m)`` discs kept free of ravines (the urban core, county towns).
    n_main
        Number of main gullies, started evenly along the city edge.
    """
    grower = _Grower(rng, city, cKDTree(points_xy), keep_out, [])
    ring = shapely.get_exterior_ring(city)
    centre = np.array(shapely.centroid(city).coords[0])
    lines: list[np.ndarray] = []
    orders: list[int] = []
    bridges: list[np.ndarray] = []
    for k in range(n_main):
        frac = (k + rng.uniform(0.2, 0.8)) / n_main
        edge = np.array(shapely.line_interpolate_point(ring, frac, normalized=True).coords[0])
        inward = (centre - edge) / np.linalg.norm(centre - edge)
        start = edge + 600.0 * inward  # the outlet, just inside the edge
        heading = np.arctan2(inward[1], inward[0]) + rng.uniform(-0.45, 0.45)
        _grow_tree(grower, start, heading, rng.uniform(30, 48) * KM, 0, lines, orders, bridges)
    outline = shapely.union_all(
        [
            shapely.buffer(shapely.linestrings(xy), HALF_WIDTH_M[o], quad_segs=4)
            for xy, o in zip(lines, orders, strict=True)
        ]
    )
    return Terrain(
        lines=[shapely.linestrings(xy) for xy in lines],
        order=np.array(orders, dtype=np.int64),
        outline=outline,
        bridges=np.array(bridges).reshape(-1, 2, 2),
    )


def _grow_tree(
    grower: _Grower,
    start: np.ndarray,
    heading: float,
    length_m: float,
    order: int,
    lines: list[np.ndarray],
    orders: list[int],
    bridges: list[np.ndarray],
) -> None:
    """Grow one ravine, then its branches (upstream, alternating sides), recursively."""
    rng = grower.rng
    xy = grower.grow(start, heading, length_m, order)
    if len(xy) < 6:
        return
    lines.append(xy)
    orders.append(order)
    grower.add(xy)
    if order >= 2:
        bridges.extend(_bridge_sites(rng, xy, order, []))
        return
    heading_at = _headings(xy)
    junctions: list[int] = []
    side = rng.choice([-1.0, 1.0])
    i = int(rng.uniform(2, 5) * KM / _STEP_M)
    while i < len(xy) - 4:
        angle = heading_at[i] + side * rng.uniform(0.7, 1.15)
        child = rng.uniform(0.25, 0.5) * len(xy) * _STEP_M
        _grow_tree(grower, xy[i], angle, child, order + 1, lines, orders, bridges)
        junctions.append(i)
        side = -side
        i += int(rng.uniform(2.5, 6.0) * KM / _STEP_M)
    bridges.extend(_bridge_sites(rng, xy, order, junctions))
