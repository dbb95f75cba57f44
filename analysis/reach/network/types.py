"""What the road graph is made of: nodes, directed segments, and places joined to it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: How people travel to a point: on foot (every road but motorways, both ways, at the walking
#: speed) or by car (each road at its own speed, one-way streets respected).
TravelMode = Literal["walk", "drive"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("walk", "drive")


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A road graph in a metric CRS: nodes are junctions and line vertices, edges straight
    segments between two nodes.

    Parameters
    ----------
    node_x_m, node_y_m
        Projected node coordinates, metres.
    edge_from, edge_to
        Node indices of each segment's ends (the digitised direction of its line).
    edge_length_m
        Ground length of each segment, metres.
    edge_drive_kmh
        Driving speed on each segment (its line's own speed, else its class default).
    edge_walkable
        False on motorways (expressway, urban expressway): no one walks there.
    edge_oneway
        True when cars may only go ``edge_from -> edge_to`` (walkers go both ways).
    edge_class
        Index of each segment's class in :data:`geodata.schema.ROAD_CLASSES`.
    edge_line
        Row of the input road line each segment comes from.
    node_component
        Label of the (weakly) connected piece each node belongs to.
    walk_kmh
        Walking speed on roads, km/h.
    """

    node_x_m: FloatArray
    node_y_m: FloatArray
    edge_from: IntArray
    edge_to: IntArray
    edge_length_m: FloatArray
    edge_drive_kmh: FloatArray
    edge_walkable: BoolArray
    edge_oneway: BoolArray
    edge_class: IntArray
    edge_line: IntArray
    node_component: IntArray
    walk_kmh: float = 4.5

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_x_m.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of segments."""
        return int(self.edge_from.shape[0])

    def edge_minutes(self, mode: TravelMode) -> FloatArray:
        """Minutes to travel each segment in ``mode`` (``inf`` where the mode cannot go)."""
        kmh = self.edge_drive_kmh if mode == "drive" else np.full(self.n_edges, self.walk_kmh)
        with np.errstate(divide="ignore"):
            minutes = self.edge_length_m / (kmh * 1000.0 / 60.0)
        if mode == "walk":
            minutes = np.where(self.edge_walkable, minutes, np.inf)
        return minutes

    @cached_property
    def drive_graph(self) -> sp.csr_matrix:
        """Directed ``(n_nodes, n_nodes)`` matrix of driving minutes (row: from, column: to)."""
        return self._graph("drive")

    @cached_property
    def walk_graph(self) -> sp.csr_matrix:
        """Directed ``(n_nodes, n_nodes)`` matrix of walking minutes."""
        return self._graph("walk")

    def graph(self, mode: TravelMode) -> sp.csr_matrix:
        """The graph of ``mode`` (built once per network and mode)."""
        return self.drive_graph if mode == "drive" else self.walk_graph

    def _graph(self, mode: TravelMode) -> sp.csr_matrix:
        minutes = self.edge_minutes(mode)
        usable = np.isfinite(minutes)
        both = usable & ~(self.edge_oneway if mode == "drive" else np.zeros_like(usable))
        rows = np.concatenate([self.edge_from[usable], self.edge_to[both]])
        cols = np.concatenate([self.edge_to[usable], self.edge_from[both]])
        # A zero-length segment would vanish from a sparse matrix (csgraph reads an explicit
        # 0 as "no edge"): give it the smallest positive time instead.
        data = np.maximum(np.concatenate([minutes[usable], minutes[both]]), 1e-9)
        n = self.n_nodes
        # Parallel segments between the same two nodes: keep the fastest (coo -> csr sums
        # duplicates, so take the minimum first).
        key = rows * n + cols
        order = np.lexsort((data, key))
        first = np.ones(order.size, bool)
        first[1:] = key[order][1:] != key[order][:-1]
        keep = order[first]
        return sp.csr_matrix((data[keep], (rows[keep], cols[keep])), shape=(n, n))


@dataclass(frozen=True, eq=False)
class Attachment:
    """Places joined to their nearest road segment by a straight off-road walk.

    Parameters
    ----------
    edge
        Segment each place is joined to; -1 when it is not on the road network (farther
        than the maximum off-road distance from every road).
    offroad_m
        Straight distance from the place to the foot on that segment, metres (NaN when not
        on the network).
    along_m
        Distance along the segment from ``edge_from`` to the foot, metres.
    offroad_kmh
        Walking speed off the road, km/h.
    """

    edge: IntArray
    offroad_m: FloatArray
    along_m: FloatArray
    offroad_kmh: float

    @property
    def size(self) -> int:
        """Number of places."""
        return int(self.edge.shape[0])

    @property
    def on_network(self) -> BoolArray:
        """True for places joined to a segment."""
        return self.edge >= 0

    @property
    def offroad_minutes(self) -> FloatArray:
        """Minutes of the off-road walk of each place (NaN when not on the network)."""
        return self.offroad_m / (self.offroad_kmh * 1000.0 / 60.0)
