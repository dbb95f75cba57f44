"""Road lines of the demo city: laid edges chained into lines, and the expressway.

Each named road's edges become as few lines as possible: a line breaks where the road itself
branches and where it goes onto or off a bridge (``level`` 1). Roads meet at shared vertices
(the ground graph's nodes), so a spur ends exactly on a vertex of the road it joins.

The expressway is drawn apart from the ground graph, as a smooth curve past the county towns:
it meets no road except through its interchanges' ramps (short lines whose ends are exactly a
vertex of the expressway and of a national road), and passes over roads and ravines on
viaducts (level 1).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import shapely
import shapely.ops

from geodata.demo.roads import RoadPlan

EXPRESSWAY_NAME = "G22青兰高速"
_VIADUCT_MARGIN_M = 90.0


def chain_lines(plan: RoadPlan) -> list[tuple[int, int, np.ndarray]]:
    """``(road, level, coordinates)`` of every line, road by road."""
    g = plan.graph
    out: list[tuple[int, int, np.ndarray]] = []
    edges_of: dict[int, list[int]] = defaultdict(list)
    for e in np.flatnonzero(plan.edge_road >= 0).tolist():
        edges_of[int(plan.edge_road[e])].append(e)
    for road in sorted(edges_of):
        edges = edges_of[road]
        adj: dict[int, list[int]] = defaultdict(list)
        for e in edges:
            adj[int(g.a[e])].append(e)
            adj[int(g.b[e])].append(e)

        def _breaks(node: int, adj: dict[int, list[int]] = adj) -> bool:
            es = adj[node]
            return len(es) != 2 or bool(g.bridge[es[0]]) != bool(g.bridge[es[1]])

        seen: set[int] = set()
        starts = sorted(n for n in adj if _breaks(n)) or [min(adj)]
        for start in starts:
            for first in adj[start]:
                if first in seen:
                    continue
                nodes, e, node = [start], first, start
                while True:
                    seen.add(e)
                    node = int(g.b[e]) if int(g.a[e]) == node else int(g.a[e])
                    nodes.append(node)
                    nxt = [x for x in adj[node] if x not in seen]
                    if _breaks(node) or not nxt:
                        break
                    e = nxt[0]
                out.append((road, int(g.bridge[first]), g.xy[nodes]))
    return out


def _chaikin(xy: np.ndarray, rounds: int) -> np.ndarray:
    for _ in range(rounds):
        q = 0.75 * xy[:-1] + 0.25 * xy[1:]
        r = 0.25 * xy[:-1] + 0.75 * xy[1:]
        xy = np.vstack([xy[:1], np.column_stack([q, r]).reshape(-1, 2), xy[-1:]])
    return xy


def expressway_line(
    rng: np.random.Generator, city: shapely.Geometry, waypoints: np.ndarray
) -> shapely.LineString:
    """A smooth, gently wandering curve through ``waypoints``, clipped to the city."""
    pts = [waypoints[0]]
    for p, q in itertools.pairwise(waypoints):
        d = q - p
        normal = np.array([-d[1], d[0]]) / np.linalg.norm(d)
        for f in (0.33, 0.67):
            pts.append(p + f * d + normal * rng.normal(0, 900.0))
        pts.append(q)
    line = shapely.segmentize(shapely.linestrings(_chaikin(np.array(pts), 5)), 250.0)
    parts = shapely.get_parts(shapely.intersection(line, city))
    return parts[np.argmax(shapely.length(parts))]


def _intervals(
    line: shapely.LineString, others: shapely.Geometry, ravines: shapely.Geometry
) -> list[tuple[float, float]]:
    """Stretches of ``line`` (arc lengths) on viaducts: over roads and over ravines."""
    spans: list[tuple[float, float]] = []
    for pt in shapely.get_parts(shapely.intersection(line, others)):
        for x, y in shapely.get_coordinates(pt):
            t = float(shapely.line_locate_point(line, shapely.Point(x, y)))
            spans.append((t - _VIADUCT_MARGIN_M, t + _VIADUCT_MARGIN_M))
    for part in shapely.get_parts(shapely.intersection(line, ravines)):
        ends = shapely.get_coordinates(part)
        ts = [float(shapely.line_locate_point(line, shapely.Point(*c))) for c in ends]
        spans.append((min(ts) - 60.0, max(ts) + 60.0))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for lo, hi in spans:
        lo, hi = max(lo, 0.0), min(hi, float(line.length))
        if merged and lo <= merged[-1][1] + 150.0:  # a short gap is one long viaduct
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _ramp(
    line: shapely.LineString,
    spans: list[tuple[float, float]],
    near: np.ndarray,
    targets: np.ndarray,
    obstacles: shapely.Geometry,
) -> tuple[float, np.ndarray] | None:
    """Arc length on the expressway and the national-road vertex of the interchange near
    ``near``: the shortest ramp (>= 250 m) that crosses no road, off any viaduct."""
    ts = np.arange(0.0, line.length, 50.0)
    pts = shapely.get_coordinates(shapely.line_interpolate_point(line, ts))
    keep = np.hypot(*(pts - near).T) < 7_000
    for lo, hi in spans:
        keep &= (ts < lo - 150) | (ts > hi + 150)
    cand = np.flatnonzero(np.hypot(*(targets - near).T) < 7_000)
    if not keep.any() or not len(cand):
        return None
    d = np.hypot(*(pts[keep][:, None] - targets[cand][None]).T).T
    for flat in np.argsort(d, axis=None)[:400]:
        i, j = np.unravel_index(flat, d.shape)
        if d[i, j] < 250:
            continue
        ramp = _ramp_xy(pts[keep][i], targets[cand[j]])
        if not shapely.crosses(shapely.linestrings(ramp), obstacles):
            return float(ts[keep][i]), targets[cand[j]]
    return None


def _ramp_xy(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A ramp's three vertices: a gentle bend between its two ends."""
    d = end - start
    return np.array([start, (start + end) / 2 + 0.12 * np.array([-d[1], d[0]]), end])


def expressway_pieces(
    line: shapely.LineString,
    other_roads: shapely.Geometry,
    national_xy: np.ndarray,
    ravines: shapely.Geometry,
    interchange_near: np.ndarray,
) -> list[tuple[str, int, np.ndarray]]:
    """``(kind, level, coordinates)`` of the expressway's pieces and its ramps."""
    spans = _intervals(line, other_roads, ravines)
    cuts = {0.0, float(line.length)}
    for lo, hi in spans:
        cuts |= {lo, hi}
    ramps: list[tuple[float, np.ndarray]] = []
    for near in interchange_near:
        found = _ramp(line, spans, near, national_xy, other_roads)
        if found is not None:
            ramps.append(found)
            cuts.add(found[0])
    pieces: list[tuple[str, int, np.ndarray]] = []
    edges = sorted(cuts)
    for lo, hi in itertools.pairwise(edges):
        if hi - lo < 1.0:
            continue
        piece = shapely.ops.substring(line, lo, hi)
        mid = (lo + hi) / 2
        level = int(any(a <= mid <= b for a, b in spans))
        pieces.append(("main", level, shapely.get_coordinates(piece)))
    for t, target in ramps:
        # The ramp starts on exactly the vertex where the expressway was cut.
        start = shapely.get_coordinates(shapely.ops.substring(line, t, t))[0]
        start = next((p[0] for _, _, p in pieces if np.allclose(p[0], start, atol=1e-6)), start)
        pieces.append(("ramp", 0, _ramp_xy(start, target)))
    return pieces


def remote_from_roads(lines: list[shapely.LineString], xy: np.ndarray) -> np.ndarray:
    """Distance (m) from each of ``xy`` to the nearest road line."""
    tree = shapely.STRtree(lines)
    return tree.query_nearest(shapely.points(xy), return_distance=True, all_matches=False)[1]


def oneway_choices(rng: np.random.Generator, candidates: list[int], n: int) -> set[int]:
    """A few one-way streets of the urban core."""
    return {int(r) for r in rng.permutation(candidates)[:n]}


__all__ = [
    "EXPRESSWAY_NAME",
    "chain_lines",
    "expressway_line",
    "expressway_pieces",
    "oneway_choices",
    "remote_from_roads",
]
