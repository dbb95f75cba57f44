"""Where lines join: crossings of ordinary roads, line ends snapped onto nearby lines.

Both steps work on candidate pairs from a spatial index and decide in numpy. They return
*split points* (a segment, the fraction ``t`` along it, the point) and *unions* (pairs of
records that are the same node); :mod:`analysis.reach.network.build` applies them. The rules
are written in that module's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

from analysis.reach.network.nodes import Nodes
from analysis.reach.network.segments import Quantiser, Records, Segments
from analysis.reach.network.types import BoolArray, FloatArray, IntArray

#: Segments queried against the index at a time (bounds the memory of the pair arrays).
_CHUNK = 200_000
#: Nearest points looked at per line end (the nearest eligible one wins).
_NEAREST_POINTS = 16


@dataclass(frozen=True, eq=False)
class Splits:
    """Points where segments are cut: segment, fraction along it, coordinates."""

    seg: IntArray
    t: FloatArray
    x_m: FloatArray
    y_m: FloatArray

    @classmethod
    def empty(cls) -> Splits:
        """No split."""
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0))

    @classmethod
    def concat(cls, *items: Splits) -> Splits:
        """All the splits of ``items`` in order."""
        return cls(
            seg=np.concatenate([s.seg for s in items]),
            t=np.concatenate([s.t for s in items]),
            x_m=np.concatenate([s.x_m for s in items]),
            y_m=np.concatenate([s.y_m for s in items]),
        )

    @property
    def size(self) -> int:
        """Number of splits."""
        return int(self.seg.shape[0])


def crossings(
    records: Records,
    segments: Segments,
    tree: shapely.STRtree,
    geoms: np.ndarray,
    quant: Quantiser,
) -> tuple[Splits, int]:
    """Split points where two non-motorway segments of the same level cross.

    A crossing at a vertex of one segment cuts only the other one (the vertex is already a
    point; equal positions are joined later). Parallel and collinear segments never cross
    here; where two segments overlap on one line, each is cut at the other's ends that lie
    inside it. Returns the splits and the number of crossings that
    cut at least one segment.
    """
    rec_a = segments.a
    seg_level = records.level[rec_a]
    local = ~records.motorway[rec_a]
    seg_part = records.part[rec_a]
    out: list[Splits] = []
    n_cross = 0
    candidates = np.flatnonzero(local)
    for start in range(0, candidates.size, _CHUNK):
        chunk = candidates[start : start + _CHUNK]
        hit_in, hit_j = tree.query(geoms[chunk])
        i = chunk[hit_in]
        j = hit_j.astype(np.int64)
        # Each pair once; both ordinary roads at the same level; not two consecutive segments
        # of one part (they meet at their shared vertex).
        keep = (i < j) & local[j] & (seg_level[i] == seg_level[j])
        keep &= ~((seg_part[i] == seg_part[j]) & (rec_a[j] == rec_a[i] + 1))
        i, j = i[keep], j[keep]
        splits, count = _cross_pairs(records, segments, quant, i, j)
        out.append(splits)
        n_cross += count
    return (Splits.concat(*out) if out else Splits.empty()), n_cross


def _cross_pairs(
    records: Records, segments: Segments, quant: Quantiser, i: IntArray, j: IntArray
) -> tuple[Splits, int]:
    i_all, j_all = i, j
    px, py = segments.x0[i], segments.y0[i]
    rx, ry = segments.x1[i] - px, segments.y1[i] - py
    qx, qy = segments.x0[j], segments.y0[j]
    sx, sy = segments.x1[j] - qx, segments.y1[j] - qy
    den = rx * sy - ry * sx
    wx, wy = qx - px, qy - py
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (wx * sy - wy * sx) / den
        u = (wx * ry - wy * rx) / den
    hit = (den != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    flat = (den == 0) & (wx * ry - wy * rx == 0)
    i, j, t, u = i[hit], j[hit], t[hit], u[hit]
    x = px[hit] + t * rx[hit]
    y = py[hit] + t * ry[hit]
    # Collinear overlaps: each segment's ends that lie inside the other cut it there.
    for seg_a, seg_b in ((i_all[flat], j_all[flat]), (j_all[flat], i_all[flat])):
        for end_x, end_y in (
            (segments.x0[seg_b], segments.y0[seg_b]),
            (segments.x1[seg_b], segments.y1[seg_b]),
        ):
            ax, ay = segments.x0[seg_a], segments.y0[seg_a]
            dx, dy = segments.x1[seg_a] - ax, segments.y1[seg_a] - ay
            with np.errstate(divide="ignore", invalid="ignore"):
                f = ((end_x - ax) * dx + (end_y - ay) * dy) / (dx * dx + dy * dy)
            inside = (f > 0) & (f < 1)
            i = np.concatenate([i, seg_a[inside]])
            j = np.concatenate([j, seg_b[inside]])
            t = np.concatenate([t, f[inside]])
            u = np.concatenate([u, np.full(np.count_nonzero(inside), -1.0)])
            x = np.concatenate([x, end_x[inside]])
            y = np.concatenate([y, end_y[inside]])
    key = quant.keys(x, y)
    a_i, a_j = segments.a[i], segments.a[j]
    cut_i = (key != records.key[a_i]) & (key != records.key[a_i + 1])
    # u < 0 marks a collinear end that lies on ``i`` only (a vertex of ``j``: no cut there).
    cut_j = (u >= 0) & (key != records.key[a_j]) & (key != records.key[a_j + 1])
    splits = Splits(
        seg=np.concatenate([i[cut_i], j[cut_j]]),
        t=np.concatenate([t[cut_i], u[cut_j]]),
        x_m=np.concatenate([x[cut_i], x[cut_j]]),
        y_m=np.concatenate([y[cut_i], y[cut_j]]),
    )
    return splits, int(np.count_nonzero(cut_i | cut_j))


@dataclass(frozen=True, eq=False)
class Snaps:
    """What snapping the line ends found.

    ``union_a``/``union_b``: record pairs joined (an end and a point of another line);
    ``splits``: T junctions (an end on the interior of a segment); the counts.
    """

    union_a: IntArray
    union_b: IntArray
    splits: Splits
    split_end: IntArray
    to_points: int
    t_junctions: int


def snap_ends(
    records: Records,
    segments: Segments,
    tree: shapely.STRtree,
    quant: Quantiser,
    tolerance_m: float,
    nodes: Nodes,
    sources: BoolArray,
) -> Snaps:
    """Join each point of ``sources`` (line ends, dead ends) to the nearest eligible point
    within ``tolerance_m``, else to the nearest eligible segment (cutting it there).

    Eligible: on another part; a point that is itself a line end (any level), or any point
    or segment of the same level (motorways included: ramps end on them; but onto the middle
    of a motorway segment only an end lying on it, within the grid). An end whose node is
    loose (``nodes.loose``, a dead end) skips the points of that node and the feet at its
    vertices (joined already), and the parts running from it (its own road or a duplicate
    of it): so it looks past what adds no road. Only the
    ``_NEAREST_POINTS`` nearest points are looked at: an end among more points of its own
    or other levels within the tolerance falls back to the segments.
    """
    ends = np.flatnonzero(sources)
    bound = tolerance_m * (1 + 1e-9) + 1e-9
    xy = np.column_stack([records.x_m, records.y_m])
    dist, idx = cKDTree(xy).query(xy[ends], k=_NEAREST_POINTS, distance_upper_bound=bound)
    found = idx < records.size
    other = np.where(found, idx, 0)
    ok = found & (records.part[other] != records.part[ends][:, None])
    ok &= records.is_end[other] | (records.level[other] == records.level[ends][:, None])
    # A dead end looks past its own node and the parts running from it.
    dead = np.flatnonzero(nodes.loose[ends])
    end_node = nodes.node[ends[dead]][:, None]
    near = other[dead]
    ok[dead] &= ~(nodes.node[near] == end_node) & ~nodes.runs_along(end_node, records.part[near])
    has = ok.any(axis=1)
    first = ok.argmax(axis=1)
    near_end = ends[has]
    near_point = other[has, first[has]]
    to_points = int(np.count_nonzero(dist[has, first[has]] > 0))

    rest = ends[~has]
    feet, foot_end, vertex = _snap_to_segments(records, segments, tree, rest, bound, quant, nodes)
    cut = vertex < 0
    splits = Splits(feet.seg[cut], feet.t[cut], feet.x_m[cut], feet.y_m[cut])
    return Snaps(
        union_a=np.concatenate([near_end, foot_end[~cut]]),
        union_b=np.concatenate([near_point, vertex[~cut]]),
        splits=splits,
        split_end=foot_end[cut],
        to_points=to_points + int(np.count_nonzero(~cut)),
        t_junctions=splits.size,
    )


def _snap_to_segments(
    records: Records,
    segments: Segments,
    tree: shapely.STRtree,
    ends: IntArray,
    bound: float,
    quant: Quantiser,
    nodes: Nodes,
) -> tuple[Splits, IntArray, IntArray]:
    """The nearest eligible foot per end: the foot, its end, and the vertex of its segment
    it falls on (-1: inside the segment, a cut)."""
    if ends.size == 0 or segments.size == 0:
        return Splits.empty(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    points = shapely.points(records.x_m[ends], records.y_m[ends])
    hit_in, hit_seg = tree.query(points, predicate="dwithin", distance=bound)
    e = ends[hit_in]
    s = hit_seg.astype(np.int64)
    rec_a = segments.a[s]
    keep = (records.part[rec_a] != records.part[e]) & (records.level[rec_a] == records.level[e])
    e, s, rec_a = e[keep], s[keep], rec_a[keep]
    px, py = segments.x0[s], segments.y0[s]
    rx, ry = segments.x1[s] - px, segments.y1[s] - py
    norm2 = rx * rx + ry * ry
    with np.errstate(divide="ignore", invalid="ignore"):
        t = ((records.x_m[e] - px) * rx + (records.y_m[e] - py) * ry) / norm2
    t = np.clip(np.nan_to_num(t), 0.0, 1.0)
    fx, fy = px + t * rx, py + t * ry
    d = np.hypot(records.x_m[e] - fx, records.y_m[e] - fy)
    # Onto the middle of a motorway segment only a line end lying on it (within the grid):
    # a road that merely stops beside an expressway is no interchange.
    ok = d <= np.where(records.motorway[rec_a], min(bound, quant.grid_m), bound)
    e, s, t, fx, fy, d = e[ok], s[ok], t[ok], fx[ok], fy[ok], d[ok]
    # A foot at a vertex of its segment is that vertex (no cut); a loose end skips the
    # vertices of its own node (joined already) and the parts running from it.
    key = quant.keys(fx, fy)
    a = rec_a[ok]
    vertex = np.where(key == records.key[a], a, np.where(key == records.key[a + 1], a + 1, -1))
    own = nodes.loose[e] & (vertex >= 0) & (nodes.node[np.maximum(vertex, 0)] == nodes.node[e])
    own |= nodes.runs_along(nodes.node[e], records.part[a])
    e, s, t, fx, fy, d, vertex = (v[~own] for v in (e, s, t, fx, fy, d, vertex))
    # The nearest segment per end (ties: the lower segment index, for a stable result).
    order = np.lexsort((s, d, e))
    first = np.ones(order.size, bool)
    first[1:] = e[order][1:] != e[order][:-1]
    pick = order[first]
    feet = Splits(seg=s[pick], t=t[pick], x_m=fx[pick], y_m=fy[pick])
    return feet, e[pick], vertex[pick]
