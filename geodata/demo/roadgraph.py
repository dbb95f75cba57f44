"""The ground roads of the demo city may run on: a planar graph over the terrain.

Nodes are a jittered lattice over the ridges (never inside a ravine), the villages, both banks
of every bridge and the street grids of the towns; edges are the Delaunay triangulation's,
minus every edge that would cross a ravine, plus the bridges. A road is a path in this graph,
so roads meet only at shared nodes, wiggle like the lattice, and cross ravines only on bridges.
Costs favour the ridges (steep slopes near a ravine cost more) and vary smoothly at random, so
shortest paths look like hill roads rather than straight lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.spatial import Delaunay, cKDTree

from geodata.demo.terrain import Terrain

_SPACING_M = 520.0
#: A street-grid line id is ``line * STREET_BLOCKS + block`` (block 0: the whole line).
STREET_BLOCKS = 64


@dataclass(frozen=True)
class Town:
    """A street grid: centre, radius, spacing and rotation; every ``arterial_every``-th line
    is an arterial, every other one a secondary road, the rest branch roads."""

    centre: tuple[float, float]
    radius_m: float
    spacing_m: float
    angle: float
    arterial_every: int


@dataclass(frozen=True)
class GroundGraph:
    """Nodes, undirected edges (``a < b``) and what each edge is.

    ``street`` holds the urban class code of a street-grid edge ("" elsewhere) and
    ``street_line`` its grid line and block (-1 elsewhere, see :data:`STREETSTREET_BLOCKS`);
    ``bridge`` marks crossings.
    """

    xy: np.ndarray
    a: np.ndarray
    b: np.ndarray
    length_m: np.ndarray
    cost: np.ndarray
    bridge: np.ndarray
    street: np.ndarray
    street_line: np.ndarray
    village_node: np.ndarray

    def matrix(self, weight: np.ndarray) -> csr_matrix:
        """Symmetric sparse matrix of ``weight`` per edge (for scipy's shortest paths)."""
        n = len(self.xy)
        rows = np.concatenate([self.a, self.b])
        cols = np.concatenate([self.b, self.a])
        return csr_matrix((np.concatenate([weight, weight]), (rows, cols)), shape=(n, n))


def _smooth_field(rng: np.random.Generator, xy: np.ndarray, wavelength_m: float) -> np.ndarray:
    """A smooth random field in [0, 1] (sum of plane waves)."""
    out = np.zeros(len(xy))
    for _ in range(6):
        angle = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / (wavelength_m * rng.uniform(0.6, 1.6))
        out += np.sin(xy @ (k * np.array([np.cos(angle), np.sin(angle)])) + rng.uniform(0, 7))
    return (out - out.min()) / (np.ptp(out) or 1.0)


def _grid(town: Town) -> tuple[np.ndarray, list[tuple[int, int, str, int]]]:
    """Nodes and edges (i, j, class, line id) of one town's street grid."""
    n = int(town.radius_m // town.spacing_m)
    ii, jj = np.meshgrid(np.arange(-n, n + 1), np.arange(-n, n + 1), indexing="ij")
    keep = np.hypot(ii, jj) * town.spacing_m <= town.radius_m
    c, s = np.cos(town.angle), np.sin(town.angle)
    local = np.column_stack([ii[keep], jj[keep]]) * town.spacing_m
    xy = local @ np.array([[c, s], [-s, c]]) + np.array(town.centre)
    index = {(int(p), int(q)): k for k, (p, q) in enumerate(zip(ii[keep], jj[keep], strict=True))}
    edges: list[tuple[int, int, str, int]] = []
    for (p, q), k in index.items():
        for dp, dq, line, axis_value in ((1, 0, 2 * (q + n), q), (0, 1, 2 * (p + n) + 1, p)):
            other = index.get((p + dp, q + dq))
            if other is None:
                continue
            block = 0  # lesser streets are cut into blocks between arterials
            if axis_value % town.arterial_every == 0:
                cls = "arterial"
            else:
                cls = "secondary" if axis_value % 2 == 0 else "branch"
                block = 1 + (p if dp else q) // town.arterial_every + n
            edges.append((k, other, cls, line * STREET_BLOCKS + block))
    return xy, edges


def build_ground(
    rng: np.random.Generator,
    city: shapely.Geometry,
    terrain: Terrain,
    villages_xy: np.ndarray,
    towns: list[Town],
) -> GroundGraph:
    """Build the ground graph (see the module docstring).

    Villages inside a town's street grid are not nodes: the grid passes within a few hundred
    metres of them. ``village_node`` is -1 for those.
    """
    minx, miny, maxx, maxy = city.bounds
    gx, gy = np.meshgrid(np.arange(minx, maxx, _SPACING_M), np.arange(miny, maxy, _SPACING_M))
    gx = gx + (np.arange(gx.shape[0])[:, None] % 2) * _SPACING_M / 2  # a triangular lattice
    lattice = np.column_stack([gx.ravel(), gy.ravel()])
    lattice += rng.uniform(-0.3, 0.3, lattice.shape) * _SPACING_M
    wide = shapely.buffer(terrain.outline, 60.0)
    shapely.prepare(wide)
    lattice = lattice[shapely.contains_xy(city, *lattice.T)]
    lattice = lattice[~shapely.intersects_xy(wide, *lattice.T)]
    in_town = np.zeros(len(lattice), bool)
    vil_in_town = np.zeros(len(villages_xy), bool)
    grids: list[tuple[np.ndarray, list[tuple[int, int, str, int]]]] = []
    for town in towns:
        margin = town.radius_m + town.spacing_m / 2
        in_town |= np.hypot(*(lattice - town.centre).T) < margin
        vil_in_town |= np.hypot(*(villages_xy - town.centre).T) < margin
        grids.append(_grid(town))
    lattice = lattice[~in_town]
    near_village = cKDTree(villages_xy).query(lattice)[0] < 220.0
    lattice = lattice[~near_village]
    banks = terrain.bridges.reshape(-1, 2)
    parts = [villages_xy[~vil_in_town], banks, lattice]
    street_edges: list[tuple[int, int, str, int]] = []
    offset = sum(len(p) for p in parts)
    line_offset = 0
    for g_xy, g_edges in grids:
        parts.append(g_xy)
        street_edges += [(i + offset, j + offset, c, ln + line_offset) for i, j, c, ln in g_edges]
        offset += len(g_xy)
        line_offset += 1 + max(ln for *_, ln in g_edges)
    xy = np.vstack(parts)
    village_node = np.full(len(villages_xy), -1)
    village_node[~vil_in_town] = np.arange(int((~vil_in_town).sum()))
    n_bridge0 = int((~vil_in_town).sum())
    is_street_node = np.zeros(len(xy), bool)
    is_street_node[n_bridge0 + len(banks) + len(lattice) :] = True

    simplices = Delaunay(xy).simplices
    pairs = np.sort(np.vstack([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]]))
    pairs = np.unique(pairs, axis=0)
    seg = shapely.linestrings(np.stack([xy[pairs[:, 0]], xy[pairs[:, 1]]], axis=1))
    length = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    ok = (length < 2.6 * _SPACING_M) & ~(is_street_node[pairs[:, 0]] & is_street_node[pairs[:, 1]])
    ok &= shapely.contains_xy(city, *((xy[pairs[:, 0]] + xy[pairs[:, 1]]) / 2).T)
    rims = shapely.buffer(terrain.lines, terrain.half_width_m, quad_segs=4)
    if len(rims):
        ok[np.unique(shapely.STRtree(rims).query(seg, predicate="intersects")[0])] = False
    bridge_pairs = np.arange(len(banks)).reshape(-1, 2) + n_bridge0
    bridge_lines = shapely.linestrings(terrain.bridges)
    if len(bridge_lines):  # an edge passing between a bank and the rim would cross the bridge
        hit = shapely.STRtree(bridge_lines).query(seg, predicate="crosses")
        ok[hit[0]] = False
    pairs = pairs[ok]
    s_arr = np.array([(i, j) for i, j, _, _ in street_edges], dtype=np.int64).reshape(-1, 2)
    a = np.concatenate([pairs[:, 0], bridge_pairs[:, 0], s_arr.min(axis=1)])
    b = np.concatenate([pairs[:, 1], bridge_pairs[:, 1], s_arr.max(axis=1)])
    n_plain, n_bridge = len(pairs), len(bridge_pairs)
    street = np.array([""] * (n_plain + n_bridge) + [c for *_, c, _ in street_edges], dtype=object)
    street_line = np.concatenate(
        [np.full(n_plain + n_bridge, -1), [ln for *_, ln in street_edges]]
    ).astype(np.int64)
    bridge = np.zeros(len(a), bool)
    bridge[n_plain : n_plain + n_bridge] = True
    length_m = np.hypot(*(xy[a] - xy[b]).T)
    mid = (xy[a] + xy[b]) / 2
    to_ravine = np.full(len(a), 1e9)
    if terrain.lines:
        bed = shapely.get_coordinates(shapely.segmentize(terrain.lines, 100.0))
        to_ravine = cKDTree(bed).query(mid)[0]
    # Slopes near a rim are steep: roads keep to the ridges, and wander with the field.
    slope = 1.0 + 1.6 * np.exp(-np.maximum(to_ravine - 300.0, 0.0) / 700.0)
    wander = 1.0 + 0.9 * _smooth_field(rng, mid, 7_000.0) + 0.5 * rng.random(len(a))
    cost = length_m * slope * wander
    cost[bridge] = length_m[bridge] * 1.5
    cost[street != ""] = length_m[street != ""] * 0.5
    return GroundGraph(
        xy, a, b, length_m, cost, bridge, street, street_line, village_node.astype(np.int64)
    )
