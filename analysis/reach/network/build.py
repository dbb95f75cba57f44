"""Build a routable :class:`~analysis.reach.network.types.RoadNetwork` from road lines.

Rules (in this order):

1. **Directions.** A line with ``oneway == -1`` is reversed, then it is one-way like a line
   with ``oneway == 1`` (cars go in the digitised direction only; walkers both ways).
2. **Vertices quantised.** Every vertex, and every split point below, gets a key on a
   ``grid_m`` grid (1 cm by default); two points with the same key are at the same place.
   Lengths are measured on the coordinates as given, so quantising loses no length.
3. **Line ends snapped.** Each end of a line part joins the nearest point of another part
   within ``snap_tolerance_m`` (a KD-tree over all points); without one, the nearest
   segment of another part within the tolerance, which is cut at the foot: a *T junction*.
   A line end joins another line's end at any level (a bridge's ends meet its approach
   roads) but a point or segment inside another line only at the same level. A line end
   joins a motorway at the motorway's vertices within the tolerance, but its segments'
   middles only when lying on them (within the grid): a ramp ending on an expressway is an
   interchange, a road that stops a metre beside one is not.
   The same rule holds for ends at exactly the same place as another line's vertex. An end
   never snaps onto its own part (a nearly closed ring stays open; short first segments do
   not fold up). Inner vertices are never merged by distance, only when equal: two parallel
   roads a metre apart, or a dual carriageway, stay two roads.
   *Dead ends* (a node reached from at most one other node once points at one place are
   joined and crossings cut) snap the same way, in rounds: an end that meets only a
   duplicate of its line or a zero-length line is still a dead end and looks past them
   (past the points of its node and of the lines running from it: a duplicate is no other
   road); the tip of a line turning back on itself snaps like a line end; and where dead
   ends joined each other and are a dead end still (two ends beside each other, both
   from one crossing), they snap again, until nothing is left within the tolerance.
4. **Crossings.** Two non-motorway lines of the same level are cut and joined where they
   cross (also where they share an inner vertex). Motorways (:data:`MOTORWAY_CLASSES`) are
   joined *only* by rule 3: a road passing over or under an expressway does not join it,
   even at the same level, even at a shared inner vertex; nor do two expressways that only
   cross. Lines at different levels never join at a crossing (a bridge is no junction).
   Segments overlapping on one line are cut at each other's ends and joined there.
5. **Nodes.** Points joined by rules 2-4 are merged (connected components of the join
   pairs); a node sits at the mean of its merged points that lie on a line (a snapped
   line end moves onto the line it joins), else at the mean of its line ends and dead
   ends.
6. **Segments.** Each straight segment, cut at its split points, gives one edge per piece
   with its own length. Pieces whose two ends merged into one node (zero length after
   quantising, or an overshoot shorter than the tolerance: a line end just past a crossing
   road snaps back to the crossing) are dropped; of
   duplicate edges (same nodes, same direction rule, same walkability) the fastest is kept.
   Both are counted, with their length, in :class:`NetworkBuild`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import shapely
from numpy.typing import NDArray

from analysis.errors import AnalysisProblems
from analysis.reach.network.joins import join_points
from analysis.reach.network.noding import crossings
from analysis.reach.network.pieces import label_pieces
from analysis.reach.network.segments import Records, append_records, explode
from analysis.reach.network.types import BoolArray, FloatArray, IntArray, RoadNetwork
from geodata.schema import MOTORWAY_CLASSES, ROAD_CLASSES

#: Default snapping tolerance for line ends, metres (digitising gaps in county road files).
DEFAULT_SNAP_TOLERANCE_M = 2.0
#: Default quantisation grid of vertices, metres.
DEFAULT_GRID_M = 0.01


@dataclass(frozen=True, eq=False)
class NetworkBuild:
    """A road network and what building it found.

    Parameters
    ----------
    network
        The routable graph.
    n_lines, n_parts, n_points
        Input lines, their parts, and points (vertices + split points) before merging.
    merged_points
        Points merged into another one, or dropped with all their edges
        (``n_points - network.n_nodes``).
    crossings
        Crossings of ordinary roads that became junctions by cutting a segment.
    snapped_to_points
        Line ends (and dead ends) joined to a point of another line at a distance > 0 (each
        end counted: two ends snapped to each other count 2; an end snapping again in a
        later round counts again).
    t_junctions
        Line ends (and dead ends) that cut another line's segment (T junctions).
    zero_length_dropped, zero_length_dropped_m
        Edges dropped because both ends merged into one node, and their length.
    duplicates_dropped, duplicates_dropped_m
        Duplicate edges dropped (a faster twin was kept), and their length.
    n_pieces
        Connected pieces of the network.
    """

    network: RoadNetwork
    n_lines: int
    n_parts: int
    n_points: int
    merged_points: int
    crossings: int
    snapped_to_points: int
    t_junctions: int
    zero_length_dropped: int
    zero_length_dropped_m: float
    duplicates_dropped: int
    duplicates_dropped_m: float
    n_pieces: int

    def counts(self) -> dict[str, int | float]:
        """What the build found, by name (for the CLI's and the UI's summaries)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "network"}


def build_network(
    lines: NDArray[np.object_],
    road_class: NDArray[np.integer],
    drive_kmh: NDArray[np.floating],
    oneway: NDArray[np.integer],
    level: NDArray[np.integer],
    *,
    snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
    walk_kmh: float = 4.5,
    grid_m: float = DEFAULT_GRID_M,
) -> NetworkBuild:
    """Build the road graph of ``lines`` by the rules of this module.

    Parameters
    ----------
    lines
        Object array of shapely LineString/MultiLineString in a metric CRS (metres).
    road_class
        Index of each line's class in :data:`geodata.schema.ROAD_CLASSES`.
    drive_kmh
        Driving speed of each line (its own, else its class default), km/h, > 0.
    oneway
        0 both ways, 1 digitised direction only, -1 against it.
    level
        Z-level of each line (0 at ground; bridges 1, tunnels -1 ...).
    snap_tolerance_m, walk_kmh, grid_m
        Snapping distance of line ends, walking speed on roads, quantisation grid.

    Raises
    ------
    AnalysisError
        Arrays of different lengths, geometries that are not lines, classes out of range,
        speeds not > 0, one-way flags outside {-1, 0, 1}; every problem at once.
    """
    lines = np.asarray(lines, dtype=object)
    cls: IntArray = np.asarray(road_class, dtype=np.int64)
    kmh: FloatArray = np.asarray(drive_kmh, dtype=np.float64)
    one: IntArray = np.asarray(oneway, dtype=np.int64)
    z: IntArray = np.asarray(level, dtype=np.int64)
    _validate(lines, cls, kmh, one, z, snap_tolerance_m, grid_m)
    reverse = one == -1
    if reverse.any():
        lines = lines.copy()
        lines[reverse] = shapely.reverse(lines[reverse])
    motorway = np.isin(cls, [ROAD_CLASSES.index(c) for c in MOTORWAY_CLASSES])
    records, segments, quant = explode(lines, z, motorway, grid_m)
    geoms = segments.geometries()
    tree = shapely.STRtree(geoms)
    cross, n_cross = crossings(records, segments, tree, geoms, quant)
    records = append_records(records, quant, segments, cross.seg, cross.x_m, cross.y_m)
    joined = join_points(records, segments, tree, quant, snap_tolerance_m, cross)
    records, node_of = joined.records, joined.node
    n_nodes = int(node_of.max()) + 1 if node_of.size else 0
    piece_rec, piece_seg = joined.pieces.rec, joined.pieces.seg
    piece_len = joined.pieces.length_m
    edge_from, edge_to = node_of[piece_rec[:, 0]], node_of[piece_rec[:, 1]]
    line = records.line[segments.a[piece_seg]]

    all_len = piece_len
    loop = edge_from == edge_to
    keep = ~loop & _fastest_of_twins(edge_from, edge_to, piece_len, line, kmh, one, motorway)
    dup = ~loop & ~keep
    edge_from, edge_to, line = edge_from[keep], edge_to[keep], line[keep]
    piece_len = piece_len[keep]
    node_x, node_y = _node_positions(records, node_of, n_nodes, joined.dead_end)
    # Nodes left without an edge (all their pieces dropped) are no part of the network.
    used = np.zeros(n_nodes, bool)
    used[edge_from] = used[edge_to] = True
    new_id = np.cumsum(used) - 1
    edge_from, edge_to = new_id[edge_from], new_id[edge_to]
    node_x, node_y, n_nodes = node_x[used], node_y[used], int(used.sum())
    edge_class = cls[line]
    component = label_pieces(n_nodes, edge_from, edge_to, piece_len)
    network = RoadNetwork(
        node_x_m=node_x,
        node_y_m=node_y,
        edge_from=edge_from.astype(np.int64),
        edge_to=edge_to.astype(np.int64),
        edge_length_m=piece_len,
        edge_drive_kmh=kmh[line],
        edge_walkable=~motorway[line],
        edge_oneway=one[line] != 0,
        edge_class=edge_class,
        edge_line=line,
        node_component=component,
        walk_kmh=walk_kmh,
    )
    return NetworkBuild(
        network=network,
        n_lines=int(lines.shape[0]),
        n_parts=int(records.part.max()) + 1 if records.size else 0,
        n_points=records.size,
        merged_points=records.size - n_nodes,
        crossings=n_cross,
        snapped_to_points=joined.to_points,
        t_junctions=joined.t_junctions,
        zero_length_dropped=int(np.count_nonzero(loop)),
        zero_length_dropped_m=float(all_len[loop].sum()),
        duplicates_dropped=int(np.count_nonzero(dup)),
        duplicates_dropped_m=float(all_len[dup].sum()),
        n_pieces=int(component.max()) + 1 if component.size else 0,
    )


def _validate(
    lines: NDArray[np.object_],
    road_class: IntArray,
    drive_kmh: FloatArray,
    oneway: IntArray,
    level: IntArray,
    snap_tolerance_m: float,
    grid_m: float,
) -> None:
    problems = AnalysisProblems()
    n = lines.shape[0]
    for name, arr in (("road_class", road_class), ("drive_kmh", drive_kmh), ("oneway", oneway)):
        if arr.shape != (n,):
            problems.add("road_array_length", f"{name} has {arr.shape} values for {n} lines")
    if level.shape != (n,):
        problems.add("road_array_length", f"level has {level.shape} values for {n} lines")
    if problems.has_errors:
        problems.raise_if_errors()
    kinds = shapely.get_type_id(lines)
    bad = np.flatnonzero(~np.isin(kinds, [1, 5]) & ~shapely.is_missing(lines))
    if bad.size:
        problems.add(
            "road_not_line", f"rows {bad[:10].tolist()} are not LineString/MultiLineString"
        )
    out = np.flatnonzero((road_class < 0) | (road_class >= len(ROAD_CLASSES)))
    if out.size:
        problems.add(
            "road_class_range", f"rows {out[:10].tolist()}: class index outside ROAD_CLASSES"
        )
    slow = np.flatnonzero(~(drive_kmh > 0) | ~np.isfinite(drive_kmh))
    if slow.size:
        problems.add("road_speed", f"rows {slow[:10].tolist()}: drive_kmh must be a number > 0")
    flag = np.flatnonzero(~np.isin(oneway, [-1, 0, 1]))
    if flag.size:
        problems.add("road_oneway", f"rows {flag[:10].tolist()}: oneway must be -1, 0 or 1")
    if not (snap_tolerance_m >= 0 and grid_m > 0):
        problems.add(
            "road_tolerance", f"snap {snap_tolerance_m} m, grid {grid_m} m: need >= 0, > 0"
        )
    problems.raise_if_errors()


def _fastest_of_twins(
    edge_from: IntArray,
    edge_to: IntArray,
    length_m: FloatArray,
    line: IntArray,
    drive_kmh: FloatArray,
    oneway: IntArray,
    motorway: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """True for the edge kept among duplicates (same nodes, direction rule, walkability)."""
    one = oneway[line] != 0
    lo = np.where(one, edge_from, np.minimum(edge_from, edge_to))
    hi = np.where(one, edge_to, np.maximum(edge_from, edge_to))
    minutes = length_m / drive_kmh[line]
    walk = ~motorway[line]
    order = np.lexsort((np.arange(lo.size), minutes, walk, one, hi, lo))
    same = np.ones(max(order.size - 1, 0), bool)
    for k in (lo, hi, one, walk):
        ks = k[order]
        same &= ks[1:] == ks[:-1]
    first = np.ones(order.size, bool)
    first[1:] = ~same
    keep = np.zeros(order.size, bool)
    keep[order[first]] = True
    return keep


def _node_positions(
    records: Records, node_of: IntArray, n_nodes: int, dead_end: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Mean of a node's points on a line (not at a dead end: a line end, the tip of a line
    turning back), else of all its points."""
    inner = ~dead_end
    w = np.bincount(node_of, weights=inner.astype(float), minlength=n_nodes)
    has_inner = w > 0
    weight = np.where(has_inner[node_of], inner, True).astype(float)
    total = np.bincount(node_of, weights=weight, minlength=n_nodes)
    x = np.bincount(node_of, weights=weight * records.x_m, minlength=n_nodes) / total
    y = np.bincount(node_of, weights=weight * records.y_m, minlength=n_nodes) / total
    return x, y
