"""Which points are one node, and how segments are cut into pieces between them.

Points (records) are joined by pairs (rules 2-5 of :mod:`analysis.reach.network.build`); a
node is a connected component of the pairs. :func:`exact_nodes` joins only points at one
place (before any snapping), :func:`join_snaps` adds a round of snapping's joins, and
:class:`Nodes` tells which nodes are dead ends: snapping needs it (an end meeting other
lines exactly is still loose when their pieces there add no road).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from analysis.reach.network.segments import Records, Segments
from analysis.reach.network.types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, eq=False)
class Pieces:
    """Segments cut at their split points, in order of segment then along it.

    ``rec``: (from record, to record) of each piece; ``seg``: its segment; ``length_m``.
    """

    rec: IntArray
    seg: IntArray
    length_m: FloatArray


@dataclass(frozen=True, eq=False)
class Nodes:
    """Points joined so far: at one place (rules 2 and 4), then by each round of snapping.

    Parameters
    ----------
    node
        Node of each record.
    loose
        Per record: its node is a dead end, reached from at most one other node by the
        pieces (pieces of zero length and twins of another piece add no neighbour).
    pieces
        The segments cut at the split points given so far.
    n_parts, along_code
        Number of parts; ``node * n_parts + part`` of each part running from a loose node
        (sorted): see :meth:`runs_along`.
    """

    node: IntArray
    loose: BoolArray
    pieces: Pieces
    n_parts: int
    along_code: IntArray

    def runs_along(self, node: IntArray, part: IntArray) -> BoolArray:
        """True where the part ``part`` runs from the loose node ``node`` (has a piece from
        it to its neighbour): the node's own road, or a duplicate of it."""
        code = node * self.n_parts + part
        at = np.searchsorted(self.along_code, code)
        at = np.minimum(at, max(self.along_code.size - 1, 0))
        found: BoolArray = self.along_code[at] == code if self.along_code.size else code < 0
        return found


def exact_nodes(
    records: Records,
    segments: Segments,
    split_seg: IntArray,
    split_t: FloatArray,
    split_rec: IntArray,
) -> Nodes:
    """Nodes of ``records`` joined by rules 2 and 4 only, with the segments cut at the
    split points ``split_rec`` (segment ``split_seg``, fraction ``split_t``)."""
    a, b = _same_place_pairs(records, None, split_seg, split_rec)
    zero = segments.a[records.key[segments.a] == records.key[segments.a + 1]]
    node = _components(records.size, np.concatenate([a, zero]), np.concatenate([b, zero + 1]))
    pieces = pieces_of_segments(segments, split_seg, split_t, split_rec)
    return nodes_of(records, segments, node, pieces)


def nodes_of(records: Records, segments: Segments, node: IntArray, pieces: Pieces) -> Nodes:
    """:class:`Nodes` of the records' nodes ``node`` (numbered from 0) and the ``pieces``."""
    n = int(node.max()) + 1 if node.size else 0
    loose = loose_nodes(node, pieces, np.ones(n, bool))
    a, b = node[pieces.rec[:, 0]], node[pieces.rec[:, 1]]
    part = records.part[segments.a[pieces.seg]]
    # The parts running from each loose node (each piece from it leads to its neighbour).
    from_a, from_b = (a != b) & loose[a], (a != b) & loose[b]
    n_parts = int(records.part.max()) + 1 if records.size else 1
    along_code = np.unique(
        np.concatenate([a[from_a] * n_parts + part[from_a], b[from_b] * n_parts + part[from_b]])
    )
    return Nodes(
        node=node, loose=loose[node], pieces=pieces, n_parts=n_parts, along_code=along_code
    )


def loose_nodes(node: IntArray, pieces: Pieces, which: BoolArray) -> BoolArray:
    """Per node: it is one of ``which`` and a dead end (at most one neighbouring node)."""
    a, b = node[pieces.rec[:, 0]], node[pieces.rec[:, 1]]
    touch = (a != b) & (which[a] | which[b])
    u, v = np.concatenate([a[touch], b[touch]]), np.concatenate([b[touch], a[touch]])
    # At most one neighbour: every neighbour is the one written last (or there is none).
    neighbour = np.full(which.size, -1)
    neighbour[u] = v
    loose = which.copy()
    loose[u[neighbour[u] != v]] = False
    return loose


def join_snaps(
    exact: Nodes,
    records: Records,
    pairs_a: IntArray,
    pairs_b: IntArray,
    split_seg: IntArray,
    split_rec: IntArray,
) -> IntArray:
    """Node of each record: the nodes ``exact`` joined by snapping's pairs ``pairs_a/b``.

    ``records`` are the records of ``exact`` followed by the new split points
    ``split_rec`` (on segments ``split_seg``, all split points, new and old); a new point
    joins the points at its place by rules 2 and 4 too.
    """
    n_old = exact.node.size
    n_exact = int(exact.node.max()) + 1 if n_old else 0
    new = np.arange(n_old, records.size)
    # The new points and every old point at their places (rules 2 and 4 group by place).
    places = np.unique(records.key[new])
    old_key = records.key[:n_old]
    at = np.minimum(np.searchsorted(places, old_key), max(places.size - 1, 0))
    near = np.flatnonzero(places[at] == old_key) if places.size else new[:0]
    a, b = _same_place_pairs(records, np.concatenate([near, new]), split_seg, split_rec)
    # One vertex per exact node, then one per new point.
    vertex = np.concatenate([exact.node, n_exact + np.arange(new.size)])
    pa = vertex[np.concatenate([pairs_a, a])]
    pb = vertex[np.concatenate([pairs_b, b])]
    return _components(n_exact + new.size, pa, pb)[vertex]


def _same_place_pairs(
    records: Records, subset: IntArray | None, split_seg: IntArray, split_rec: IntArray
) -> tuple[IntArray, IntArray]:
    """Join pairs of rules 2 and 4 among the records ``subset`` (every record at each of
    their places must be in it), or among all records."""
    key, level = records.key, records.level
    pairs: list[tuple[IntArray, IntArray]] = []
    everyone = np.arange(records.size) if subset is None else subset
    # Ordinary roads of one level: every point at the same place joins (crossings at shared
    # vertices, split points of a crossing, duplicates).
    local = everyone[~records.motorway[everyone]]
    pairs.append(_chain(local, key[local], level[local]))
    # Line ends at the same place join each other at any level ...
    ends = everyone[records.is_end[everyone]]
    pairs.append(_chain(ends, key[ends]))
    # ... and every point of their level there (a ramp ending on an expressway's vertex).
    pairs.append(_star_to_ends(records, subset))
    # Split points at the same place of the same segment are one point.
    if subset is not None:
        seg_of = np.full(records.size, -1, np.int64)
        seg_of[split_rec] = split_seg
        split_rec = subset[seg_of[subset] >= 0]
        split_seg = seg_of[split_rec]
    pairs.append(_chain(split_rec, key[split_rec], split_seg))
    return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])


def _components(n: int, pa: IntArray, pb: IntArray) -> IntArray:
    """Connected component of each of ``n`` vertices joined by the pairs."""
    graph = sp.coo_matrix((np.ones(pa.size, np.int8), (pa, pb)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def _chain(idx: IntArray, *keys: IntArray) -> tuple[IntArray, IntArray]:
    """Pairs joining consecutive members of ``idx`` that share every key."""
    if idx.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort(keys[::-1])
    same = np.ones(idx.size - 1, bool)
    for k in keys:
        ks = k[order]
        same &= ks[1:] == ks[:-1]
    s = idx[order]
    return s[:-1][same], s[1:][same]


def _star_to_ends(records: Records, subset: IntArray | None) -> tuple[IntArray, IntArray]:
    """Pairs joining every point of ``subset`` (or every point) to the first line end at
    its place and level, if any."""
    key, level, end = records.key, records.level, records.is_end
    if subset is not None:
        key, level, end = key[subset], level[subset], end[subset]
    n = key.size
    order = np.lexsort((~end, level, key))
    key, level, end = key[order], level[order], end[order]
    start = np.ones(n, bool)
    start[1:] = (key[1:] != key[:-1]) | (level[1:] != level[:-1])
    group_first = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    with_end = end[group_first] & ~start
    if subset is not None:
        order = subset[order]
    return order[group_first[with_end]], order[with_end]


def pieces_of_segments(
    segments: Segments,
    split_seg: IntArray,
    split_t: FloatArray,
    split_rec: IntArray,
    only: IntArray | None = None,
) -> Pieces:
    """Each segment (of ``only``, sorted, if given) cut at its splits."""
    if only is not None:
        mine = np.zeros(segments.size, bool)
        mine[only] = True
        mine = mine[split_seg]
        split_seg, split_t, split_rec = split_seg[mine], split_t[mine], split_rec[mine]
    ids = np.arange(segments.size) if only is None else only
    n = ids.size
    seg = np.concatenate([ids, split_seg, ids])
    t = np.concatenate([np.zeros(n), split_t, np.ones(n)])
    rec = np.concatenate([segments.a[ids], split_rec, segments.a[ids] + 1])
    # Segment first, then along it; the start vertex before any split at t == 0.
    rank = np.concatenate([np.zeros(n), np.ones(split_seg.size), np.full(n, 2)])
    order = np.lexsort((rank, t, seg))
    seg, t, rec = seg[order], t[order], rec[order]
    same = seg[1:] == seg[:-1]
    piece_seg = seg[:-1][same]
    ends = np.column_stack([rec[:-1][same], rec[1:][same]])
    length = (t[1:][same] - t[:-1][same]) * segments.length_m[piece_seg]
    return Pieces(rec=ends, seg=piece_seg, length_m=length)


def recut(
    pieces: Pieces,
    segments: Segments,
    split_seg: IntArray,
    split_t: FloatArray,
    split_rec: IntArray,
    new_seg: IntArray,
) -> Pieces:
    """``pieces`` with the segments ``new_seg`` cut again at all their split points (the
    same pieces, in the same order, as cutting every segment anew)."""
    if new_seg.size == 0:
        return pieces
    redo = np.unique(new_seg)
    fresh = pieces_of_segments(segments, split_seg, split_t, split_rec, only=redo)
    again = np.zeros(segments.size, bool)
    again[redo] = True
    kept = ~again[pieces.seg]
    seg = pieces.seg[kept]
    # Both sorted by segment: the fresh pieces go in where their segments were.
    at = np.searchsorted(seg, fresh.seg)
    return Pieces(
        rec=np.insert(pieces.rec[kept], at, fresh.rec, axis=0),
        seg=np.insert(seg, at, fresh.seg),
        length_m=np.insert(pieces.length_m[kept], at, fresh.length_m),
    )
