"""The nodes of the road graph: points at one place joined, then dead ends snapped in rounds.

Rounds (rules 3 and 5 of :mod:`analysis.reach.network.build`): first every line end and
every dead end (a node reached from at most one other node) snaps to the nearest eligible
point or segment. A dead end that joined another dead end this way (two line ends beside
each other, both coming from one crossing) may be a dead end still: it snaps again, past
the points it holds and the roads running from it, until no dead end that merged in a round
has anything left within the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from analysis.reach.network.nodes import (
    Pieces,
    exact_nodes,
    join_snaps,
    loose_nodes,
    nodes_of,
    recut,
)
from analysis.reach.network.noding import Splits, snap_ends
from analysis.reach.network.segments import Quantiser, Records, Segments, append_records
from analysis.reach.network.types import BoolArray, IntArray

#: Rounds of snapping at most (each joins dead ends that are still within the tolerance of
#: something; real files need one or two).
MAX_ROUNDS = 16


@dataclass(frozen=True, eq=False)
class Joined:
    """The points joined into nodes.

    Parameters
    ----------
    records
        Every point: vertices, then the split points (crossings, then T junctions).
    node
        Node of each record (numbered from 0).
    pieces
        The segments cut at every split point.
    dead_end
        Per record: a line end, or a point of a dead end (placed like a line end).
    to_points, t_junctions
        Ends joined to a point at a distance > 0; ends that cut a segment.
    """

    records: Records
    node: IntArray
    pieces: Pieces
    dead_end: BoolArray
    to_points: int
    t_junctions: int


def join_points(
    records: Records,
    segments: Segments,
    tree: shapely.STRtree,
    quant: Quantiser,
    tolerance_m: float,
    cross: Splits,
) -> Joined:
    """Join ``records`` (vertices, then the crossings' split points ``cross``) into nodes."""
    split_seg, split_t = cross.seg, cross.t
    split_rec = records.size - cross.size + np.arange(cross.size)
    nodes = exact_nodes(records, segments, split_seg, split_t, split_rec)
    sources = records.is_end | nodes.loose
    dead_end = sources.copy()
    to_points = t_junctions = 0
    for _ in range(MAX_ROUNDS):
        snaps = snap_ends(records, segments, tree, quant, tolerance_m, nodes, sources)
        to_points += snaps.to_points
        t_junctions += snaps.t_junctions
        new = snaps.splits
        snap_rec = records.size + np.arange(new.size)
        records = append_records(records, quant, segments, new.seg, new.x_m, new.y_m)
        split_seg = np.concatenate([split_seg, new.seg])
        split_t = np.concatenate([split_t, new.t])
        split_rec = np.concatenate([split_rec, snap_rec])
        dead_end = np.concatenate([dead_end, np.zeros(new.size, bool)])
        node = join_snaps(
            nodes,
            records,
            np.concatenate([snaps.union_a, snaps.split_end]),
            np.concatenate([snaps.union_b, snap_rec]),
            split_seg,
            split_rec,
        )
        pieces = recut(nodes.pieces, segments, split_seg, split_t, split_rec, new.seg)
        # Dead ends made in this round by joining dead ends snap again.
        sources = loose_nodes(node, pieces, _merged(nodes.node, node))[node]
        if not sources.any():
            break
        nodes = nodes_of(records, segments, node, pieces)
        dead_end |= sources
    return Joined(
        records=records,
        node=node,
        pieces=pieces,
        dead_end=dead_end,
        to_points=to_points,
        t_junctions=t_junctions,
    )


def _merged(before: IntArray, after: IntArray) -> BoolArray:
    """Per node of ``after``: it holds points of several nodes of ``before`` (the records
    beyond ``before`` are new points, each its own)."""
    n = int(after.max()) + 1 if after.size else 0
    old = np.concatenate([before, before.size + np.arange(after.size - before.size)])
    # Several: some point's old node is not the one written last.
    last = np.full(n, -1)
    last[after] = old
    merged = np.zeros(n, bool)
    merged[after[last[after] != old]] = True
    return merged
