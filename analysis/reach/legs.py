"""The legs of a trip between two places on the road graph, shared by every reach function.

A trip from a place (a village) to a contact point is: the off-road walk to the foot on the
village's segment, the ride along that segment to one of its end nodes, the network path, the
ride along the point's segment from one of its end nodes to its foot, and the point's own
off-road walk. Two places on the same segment also travel directly along it, and two places
close together may simply walk across (a straight off-road walk).

The network part runs Dijkstra from the points on the *transposed* graph (so one-way streets
count in the direction people travel, towards the point), each point being a virtual node
appended to the graph and joined to its segment's end nodes with the partial time plus its
off-road walk: the distances Dijkstra returns are then exact times "from this node to the
point", and a village's time is ``min(leave_u + d[u], leave_v + d[v])``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from analysis.errors import AnalysisProblems
from analysis.reach.network.types import (
    TRAVEL_MODES,
    Attachment,
    FloatArray,
    IntArray,
    RoadNetwork,
    TravelMode,
)

#: Transposed graphs per network and mode, built once (a click must not rebuild them).
_REVERSED: weakref.WeakKeyDictionary[RoadNetwork, dict[str, sp.csr_matrix]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class Legs:
    """How each place of an :class:`Attachment` joins the graph, in minutes.

    ``leave_*``: from the place (off-road walk included) to the segment's start / end node;
    ``arrive_*``: from that node to the place. ``inf`` where the mode cannot go that way
    (against a one-way street by car, a motorway on foot) and for places off the network.
    """

    node_from: IntArray
    node_to: IntArray
    leave_from: FloatArray
    leave_to: FloatArray
    arrive_from: FloatArray
    arrive_to: FloatArray
    offroad_min: FloatArray
    edge: IntArray
    fraction: FloatArray


def segment_minutes(network: RoadNetwork, mode: TravelMode) -> tuple[FloatArray, FloatArray]:
    """Minutes along each whole segment forwards (``edge_from -> edge_to``) and backwards."""
    forward = network.edge_minutes(mode)
    backward = forward.copy()
    if mode == "drive":
        backward[network.edge_oneway] = np.inf
    return forward, backward


def part(fraction: FloatArray, minutes: FloatArray) -> FloatArray:
    """``fraction * minutes`` with a zero share costing nothing even on an impassable segment."""
    with np.errstate(invalid="ignore"):
        return np.where(fraction <= 0.0, 0.0, fraction * minutes)


def place_legs(network: RoadNetwork, mode: TravelMode, places: Attachment) -> Legs:
    """The :class:`Legs` of every place (``inf`` for places not on the network)."""
    on = places.on_network
    edge = np.where(on, places.edge, 0)
    forward, backward = segment_minutes(network, mode)
    length = network.edge_length_m[edge] if network.n_edges else np.zeros(places.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(length > 0.0, np.clip(places.along_m, 0.0, length) / length, 0.0)
    fraction = np.where(on, fraction, 0.0)
    offroad = np.where(on, places.offroad_minutes, np.inf)
    f = forward[edge] if network.n_edges else np.full(places.size, np.inf)
    b = backward[edge] if network.n_edges else np.full(places.size, np.inf)
    before, after = fraction, 1.0 - fraction
    node_from = network.edge_from[edge] if network.n_edges else np.zeros(places.size, np.int64)
    node_to = network.edge_to[edge] if network.n_edges else np.zeros(places.size, np.int64)
    return Legs(
        node_from=np.where(on, node_from, 0).astype(np.int64),
        node_to=np.where(on, node_to, 0).astype(np.int64),
        leave_from=offroad + part(before, b),
        leave_to=offroad + part(after, f),
        arrive_from=part(before, f) + offroad,
        arrive_to=part(after, b) + offroad,
        offroad_min=offroad,
        edge=np.where(on, places.edge, -1).astype(np.int64),
        fraction=fraction,
    )


def reversed_graph(network: RoadNetwork, mode: TravelMode) -> sp.csr_matrix:
    """The transposed graph of ``mode`` (row: to, column: from), cached per network."""
    per_mode = _REVERSED.setdefault(network, {})
    if mode not in per_mode:
        graph = network.graph(mode).T.tocsr()
        graph.sort_indices()
        per_mode[mode] = graph
    return per_mode[mode]


def source_seeds(legs: Legs) -> tuple[IntArray, IntArray, FloatArray]:
    """Where each place's search starts: CSR arrays ``seed_ptr``, ``seed_node``, ``seed_minutes``.

    Place ``i`` starts at ``seed_node[seed_ptr[i]:seed_ptr[i + 1]]`` (its segment's start
    and/or end node) with the minutes from that node to the place (its ``arrive_*`` legs);
    infinite legs are left out, so a place off the network has no seed.
    """
    use = np.stack([np.isfinite(legs.arrive_from), np.isfinite(legs.arrive_to)], axis=1)
    seed_ptr = np.zeros(legs.node_from.shape[0] + 1, np.int64)
    np.cumsum(use.sum(axis=1), out=seed_ptr[1:])
    seed_node = np.stack([legs.node_from, legs.node_to], axis=1)[use].astype(np.int64)
    seed_minutes = np.stack([legs.arrive_from, legs.arrive_to], axis=1)[use].astype(np.float64)
    return seed_ptr, seed_node, seed_minutes


def with_seed_rows(
    graph: sp.csr_matrix, seed_ptr: IntArray, seed_node: IntArray, seed_minutes: FloatArray
) -> sp.csr_matrix:
    """``graph`` (``n x n``) with one extra row ``n + i`` per seed list ``i`` (its arcs)."""
    n, k = graph.shape[0], seed_ptr.shape[0] - 1
    indptr = np.concatenate([graph.indptr, graph.indptr[-1] + seed_ptr[1:] - seed_ptr[0]])
    first, last = int(seed_ptr[0]), int(seed_ptr[-1])
    indices = np.concatenate([graph.indices, seed_node[first:last].astype(graph.indices.dtype)])
    values = np.concatenate([graph.data, seed_minutes[first:last]])
    return sp.csr_matrix((values, indices, indptr.astype(graph.indptr.dtype)), shape=(n + k, n + k))


def with_virtual_sources(graph: sp.csr_matrix, legs: Legs) -> sp.csr_matrix:
    """``graph`` (transposed) with one extra row per place joined to its segment's ends.

    Row ``n + i`` holds arcs to the place's start and end nodes weighted with the time from
    those nodes to the place (its :func:`source_seeds`). No arc points *into* a virtual
    node, so no path passes through one. Explicit zero weights are kept: csgraph reads an
    explicit zero in a CSR matrix as an edge of length 0.
    """
    return with_seed_rows(graph, *source_seeds(legs))


def dijkstra_rows(graph: sp.csr_matrix, indices: IntArray, limits: FloatArray) -> FloatArray:
    """Minutes from every node to each source row, stopped just past the rows' top limit."""
    # Just past the limit: a trip of exactly the limit must not be cut off by rounding.
    top = float(np.nextafter(limits.max(), np.inf))
    return np.atleast_2d(dijkstra(graph, directed=True, indices=indices, limit=top))


def network_minutes(node_minutes: FloatArray, targets: Legs, columns: IntArray) -> FloatArray:
    """Minutes from each target to the source(s) of ``node_minutes``.

    ``node_minutes`` is ``(rows, n_columns)``: the minutes from the graph nodes ``columns``
    (sorted, unique) to each source row. The result is ``(rows, n_targets)``.
    """
    at_from = np.searchsorted(columns, targets.node_from)
    at_to = np.searchsorted(columns, targets.node_to)
    via_from = targets.leave_from + node_minutes[:, at_from]
    via_to = targets.leave_to + node_minutes[:, at_to]
    return np.minimum(via_from, via_to)


def same_segment_pairs(
    network: RoadNetwork, mode: TravelMode, sources: Legs, targets: Legs
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (source, target) on the same segment and the time straight along it."""
    on_t = np.flatnonzero(targets.edge >= 0)
    order = on_t[np.argsort(targets.edge[on_t], kind="stable")]
    sorted_edges = targets.edge[order]
    on_s = np.flatnonzero(sources.edge >= 0)
    lo = np.searchsorted(sorted_edges, sources.edge[on_s], side="left")
    hi = np.searchsorted(sorted_edges, sources.edge[on_s], side="right")
    counts = hi - lo
    source = np.repeat(on_s, counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    target = order[np.arange(counts.sum()) + starts]
    forward, backward = segment_minutes(network, mode)
    edge = sources.edge[source]
    ahead = sources.fraction[source] - targets.fraction[target]
    along = np.where(ahead >= 0.0, part(ahead, forward[edge]), part(-ahead, backward[edge]))
    minutes = targets.offroad_min[target] + along + sources.offroad_min[source]
    return source.astype(np.int64), target.astype(np.int64), minutes


def walk_minutes_per_m(kmh: float) -> float:
    """Minutes per metre at ``kmh``."""
    return 60.0 / (kmh * 1000.0)


def direct_walk_pairs(
    source_xy: FloatArray, target_xy: FloatArray, kmh: float, max_minutes: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """(source, target) pairs a straight off-road walk joins within each source's limit."""
    if source_xy.shape[0] == 0 or target_xy.shape[0] == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    per_m = walk_minutes_per_m(kmh)
    if np.all(np.isfinite(max_minutes)):
        radius_m = float(max_minutes.max()) / per_m
    else:  # no limit: every pair (the bounding box's diagonal reaches them all)
        radius_m = float(np.hypot(*np.ptp(np.vstack([source_xy, target_xy]), axis=0))) + 1.0
    near = cKDTree(source_xy).sparse_distance_matrix(
        cKDTree(target_xy), radius_m, output_type="ndarray"
    )
    source = near["i"].astype(np.int64)
    target = near["j"].astype(np.int64)
    minutes = near["v"] * per_m
    keep = minutes <= max_minutes[source]
    return source[keep], target[keep], minutes[keep]


def subset(legs: Legs, rows: IntArray) -> Legs:
    """The legs of the places ``rows``."""
    return Legs(**{name: getattr(legs, name)[rows] for name in Legs.__dataclass_fields__})


def target_columns(targets: Legs) -> tuple[IntArray, IntArray, Legs]:
    """Targets on the network, the sorted graph nodes they leave by, and their legs."""
    on = np.flatnonzero(targets.edge >= 0)
    columns = np.unique(np.concatenate([targets.node_from[on], targets.node_to[on]]))
    return on, columns, subset(targets, on)


def block_minutes(
    node_minutes: FloatArray, columns: IntArray, on: IntArray, on_legs: Legs, n_targets: int
) -> FloatArray:
    """``(rows, n_targets)`` network minutes from each target to each source row."""
    block = np.full((node_minutes.shape[0], n_targets), np.inf)
    if on.size:
        block[:, on] = network_minutes(node_minutes, on_legs, columns)
    return block


def extra_pairs(
    network: RoadNetwork,
    mode: TravelMode,
    sources: Legs,
    targets: Legs,
    xy: tuple[FloatArray | None, FloatArray | None],
    walk_kmh: float,
    limits: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Trips that bypass the network: along a shared segment, or a straight walk across."""
    source, target, minutes = same_segment_pairs(network, mode, sources, targets)
    if xy[0] is not None and xy[1] is not None:
        ws, wt, wm = direct_walk_pairs(xy[0], xy[1], walk_kmh, limits)
        source = np.concatenate([source, ws])
        target = np.concatenate([target, wt])
        minutes = np.concatenate([minutes, wm])
    keep = minutes <= limits[source]
    return source[keep], target[keep], minutes[keep]


def check_inputs(
    network: RoadNetwork,
    mode: str,
    named: dict[str, Attachment],
    xy: dict[str, FloatArray | None],
) -> None:
    """Raise one :class:`AnalysisError` listing every inconsistent input."""
    problems = AnalysisProblems()
    if mode not in TRAVEL_MODES:
        problems.add(
            "reach_mode_unknown",
            f"Unknown travel mode {mode!r}; use one of {', '.join(TRAVEL_MODES)}.",
            value=str(mode),
        )
    for name, places in named.items():
        bad = (places.edge < -1) | (places.edge >= network.n_edges)
        if bad.any():
            problems.add(
                "reach_bad_edge",
                f"{int(bad.sum())} {name} are joined to segments the road network does not "
                f"have (first: {int(places.edge[bad][0])}; valid: -1 to {network.n_edges - 1}); "
                "attach them to this network again.",
                source=name,
                row=int(np.flatnonzero(bad)[0]),
            )
        on = places.on_network & ~bad
        offroad, along = places.offroad_m[on], places.along_m[on]
        if (
            not np.all(np.isfinite(offroad) & (offroad >= 0) & np.isfinite(along))
            or not places.offroad_kmh > 0
        ):
            problems.add(
                "reach_bad_offroad",
                f"The off-road walk or the position along the road of some {name} is missing "
                f"or negative, or the off-road speed {places.offroad_kmh!r} km/h is not "
                "positive; attach them again.",
                source=name,
            )
        coords = xy.get(name)
        if coords is not None and coords.shape != (places.size, 2):
            problems.add(
                "reach_bad_coordinates",
                f"The coordinates of the {name} have shape {coords.shape}; expected "
                f"({places.size}, 2) metric x/y, one row per place.",
                source=name,
            )
    problems.raise_if_errors()


def limits_per_source(limit_minutes: ArrayLike, n_sources: int) -> FloatArray:
    """Each source's limit in minutes (a scalar applies to all); raises on bad values."""
    limits = np.asarray(limit_minutes, dtype=np.float64)
    problems = AnalysisProblems()
    if limits.ndim == 0:
        limits = np.full(n_sources, float(limits))
    if limits.shape != (n_sources,):
        problems.add(
            "reach_bad_limits",
            f"Got {limits.size} reach limits for {n_sources} points; give one number or one "
            "per point.",
            value=str(limits.shape),
        )
    elif np.isnan(limits).any() or (limits < 0).any():
        problems.add(
            "reach_bad_limits",
            "Reach limits must be minutes >= 0; found a negative or missing value.",
            value=str(limits[np.isnan(limits) | (limits < 0)][:3].tolist()),
        )
    problems.raise_if_errors()
    return limits


def as_xy(xy: ArrayLike | None) -> FloatArray | None:
    """Coordinates as a float ``(n, 2)`` array, or None."""
    return None if xy is None else np.asarray(xy, dtype=np.float64)
