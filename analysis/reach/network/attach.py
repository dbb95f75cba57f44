"""Join places (villages, contact points) to their nearest walkable road segment.

Each place walks straight, off the road, to the nearest point (the *foot*) of the nearest
walkable segment: the nearest *edge*, not the nearest node, so a village beside the middle
of a long straight road joins it there. Motorways are never joined (no one walks onto an
expressway). A place farther than ``max_offroad_m`` from every walkable segment is *not on
the road network*: its edge is -1 and it is listed by
:func:`analysis.reach.network.report.network_report`, never dropped.

The nearest segment comes from a KD-tree over points spaced along the segments, with a
bound that makes the answer exact (:class:`EdgeIndex`); the foot and the distance along
the segment are computed in numpy. Measured against shapely's STRtree ``query_nearest``
(``bench/road_graph.py``): several times faster on 100k-600k places.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from analysis.errors import AnalysisProblems
from analysis.reach.network.types import Attachment, FloatArray, IntArray, RoadNetwork

#: Spacing of the index points along the walkable segments, metres: one point at the middle
#: of each piece of at most this length. Smaller: more points, fewer candidates per place.
INDEX_STEP_M = 100.0
#: Nearest index points looked at first per place (more for the few places that need it).
_FIRST_K = 8


@dataclass(frozen=True, eq=False)
class EdgeIndex:
    """Points at the middle of pieces (<= ``step_m``) of each walkable segment, in a KD-tree.

    Every point of a segment lies within ``step_m / 2`` of one of its index points, which
    bounds how far the nearest segment's index point can be and makes the search exact.
    """

    edge: IntArray
    tree: cKDTree
    step_m: float


_INDEX: weakref.WeakKeyDictionary[RoadNetwork, EdgeIndex] = weakref.WeakKeyDictionary()


def edge_index(network: RoadNetwork) -> EdgeIndex:
    """The index of the walkable segments of ``network`` (built once per network)."""
    cached = _INDEX.get(network)
    if cached is None:
        edges = np.flatnonzero(network.edge_walkable).astype(np.int64)
        m = np.maximum(1, np.ceil(network.edge_length_m[edges] / INDEX_STEP_M)).astype(np.int64)
        owner = np.repeat(np.arange(edges.size), m)
        k = np.arange(owner.size) - np.repeat(np.cumsum(m) - m, m)
        t = (k + 0.5) / m[owner]
        a, b = network.edge_from[edges][owner], network.edge_to[edges][owner]
        ax, ay = network.node_x_m[a], network.node_y_m[a]
        px = ax + t * (network.node_x_m[b] - ax)
        py = ay + t * (network.node_y_m[b] - ay)
        # The pieces are at most step_m long on the edge's own length; their drawn length
        # (between the node positions) can differ slightly: take the longest drawn piece.
        drawn = np.hypot(network.node_x_m[b] - ax, network.node_y_m[b] - ay) / m[owner]
        step = float(max(INDEX_STEP_M, drawn.max())) if drawn.size else INDEX_STEP_M
        cached = EdgeIndex(edges[owner], cKDTree(np.column_stack([px, py])), step)
        _INDEX[network] = cached
    return cached


def nearest_edges(
    network: RoadNetwork, x: FloatArray, y: FloatArray, max_m: float
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Nearest walkable edge of each point within ``max_m`` (-1 if none), the distance to
    the foot and the foot's fraction along the edge (exact, see :class:`EdgeIndex`)."""
    n = x.size
    edge = np.full(n, -1, np.int64)
    dist = np.full(n, np.inf)
    frac = np.full(n, np.nan)
    index = edge_index(network)
    todo = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    # Neighbouring queries one after the other touch the same tree nodes: in Z order the
    # search is several times faster than in the places' own (random) order.
    todo = todo[np.argsort(z_order(x[todo], y[todo]), kind="stable")]
    k = _FIRST_K
    while todo.size and index.edge.size:
        k = min(k, index.edge.size)
        reach, idx = index.tree.query(
            np.column_stack([x[todo], y[todo]]), k=k, distance_upper_bound=max_m + index.step_m / 2
        )
        reach, idx = reach.reshape(todo.size, k), idx.reshape(todo.size, k)
        found = idx < index.edge.size
        cand = index.edge[np.where(found, idx, 0)]
        d, t = _foot(network, cand, x[todo][:, None], y[todo][:, None])
        d = np.where(found, d, np.inf)
        best = d.argmin(axis=1)
        rows = np.arange(todo.size)
        best_d = d[rows, best]
        # Exact when every index point that could belong to a nearer edge was seen: fewer
        # than k points within the bound, or the k-th is beyond best + step / 2.
        done = ~found[:, -1] | (reach[:, -1] >= best_d + index.step_m / 2) | (k == index.edge.size)
        hit = done & (best_d <= max_m)
        edge[todo[hit]] = cand[rows, best][hit]
        dist[todo[hit]] = best_d[hit]
        frac[todo[hit]] = t[rows, best][hit]
        todo = todo[~done]
        k *= 4
    return edge, dist, frac


def attach(
    network: RoadNetwork,
    x_m: ArrayLike,
    y_m: ArrayLike,
    *,
    max_offroad_m: float,
    offroad_kmh: float,
) -> Attachment:
    """Join each place to the nearest walkable segment within ``max_offroad_m``.

    Parameters
    ----------
    network
        The road network.
    x_m, y_m
        Places in the network's metric CRS, metres.
    max_offroad_m
        Farthest straight walk from a place to a road; beyond it the place is not on the
        road network (edge -1, distances NaN).
    offroad_kmh
        Walking speed off the road, km/h.

    Returns
    -------
    Attachment
        Per place: the edge, the off-road distance to the foot, and the distance from the
        edge's ``edge_from`` node to the foot along the edge (on the edge's own length
        ``edge_length_m``, so times along it interpolate linearly).
    """
    x = np.asarray(x_m, dtype=np.float64).ravel()
    y = np.asarray(y_m, dtype=np.float64).ravel()
    problems = AnalysisProblems()
    if x.shape != y.shape:
        problems.add("attach_shape", f"{x.size} x values for {y.size} y values")
    if not (max_offroad_m >= 0 and offroad_kmh > 0):
        problems.add(
            "attach_settings",
            f"max_offroad_m={max_offroad_m}, offroad_kmh={offroad_kmh}: need >= 0 and > 0",
        )
    problems.raise_if_errors()
    n = x.size
    edge = np.full(n, -1, np.int64)
    offroad = np.full(n, np.nan)
    along = np.full(n, np.nan)
    e, d, t = nearest_edges(network, x, y, max_offroad_m)
    on = e >= 0
    edge[on] = e[on]
    offroad[on] = d[on]
    along[on] = t[on] * network.edge_length_m[e[on]]
    return Attachment(edge=edge, offroad_m=offroad, along_m=along, offroad_kmh=float(offroad_kmh))


def z_order(x: FloatArray, y: FloatArray) -> NDArray[np.uint64]:
    """Morton (Z-order) key of each point on a 2**16 grid over the points' extent."""
    if x.size == 0:
        return np.zeros(0, np.uint64)
    span = max(float(x.max() - x.min()), float(y.max() - y.min()), 1e-9)
    cells = float(2**16 - 1)
    qx = ((x - x.min()) / span * cells).astype(np.uint64)
    qy = ((y - y.min()) / span * cells).astype(np.uint64)
    return _spread(qx) | (_spread(qy) << np.uint64(1))


def _spread(v: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The 16 low bits of ``v`` moved to the even bit positions."""
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def _foot(
    network: RoadNetwork, e: IntArray, x: FloatArray, y: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Distance from each place to its foot on edge ``e`` and the foot's fraction along it."""
    a, b = network.edge_from[e], network.edge_to[e]
    ax, ay = network.node_x_m[a], network.node_y_m[a]
    dx, dy = network.node_x_m[b] - ax, network.node_y_m[b] - ay
    norm2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = ((x - ax) * dx + (y - ay) * dy) / norm2
    t = np.clip(np.nan_to_num(t), 0.0, 1.0)
    return np.hypot(x - (ax + t * dx), y - (ay + t * dy)), t


def nearest_road_m(network: RoadNetwork, x_m: ArrayLike, y_m: ArrayLike) -> FloatArray:
    """Straight distance from each place to the nearest walkable segment, without limit."""
    x = np.asarray(x_m, dtype=np.float64).ravel()
    y = np.asarray(y_m, dtype=np.float64).ravel()
    edge, dist, _ = nearest_edges(network, x, y, np.inf)
    return np.where(edge >= 0, dist, np.nan)
