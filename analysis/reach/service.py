"""The reach of one point (a planner's click): villages in reach and the roads to draw.

One Dijkstra from the point (a virtual node on the transposed graph, as in
:func:`analysis.reach.times.travel_pairs`, whose answer for that point it equals), then per
segment the share reached from each end: a person at share ``p`` of segment ``u -> v``
reaches the point via ``u`` in ``p * back + d[u]`` minutes and via ``v`` in
``(1 - p) * forward + d[v]``. The point's own segment adds the stretch around its foot from
which people ride straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from analysis.errors import AnalysisProblems
from analysis.reach.legs import (
    as_xy,
    block_minutes,
    check_inputs,
    dijkstra_rows,
    extra_pairs,
    limits_per_source,
    place_legs,
    reversed_graph,
    segment_minutes,
    target_columns,
    with_virtual_sources,
)
from analysis.reach.network.types import (
    Attachment,
    FloatArray,
    IntArray,
    RoadNetwork,
    TravelMode,
)


@dataclass(frozen=True, eq=False)
class PointReach:
    """What one point reaches within its limit.

    Parameters
    ----------
    minutes
        Per target: minutes to the point, ``inf`` beyond the limit.
    reached_from_start, reached_from_end
        Per segment: the share of its length (0-1) from which people reach the point through
        its ``edge_from`` / ``edge_to`` node.
    point_edge
        The point's segment (-1 when it is not on the network).
    point_span
        Shares ``(start, end)`` of the point's own segment from which people ride straight
        to its foot (``(nan, nan)`` when none).
    limit_minutes
        The limit used.
    """

    minutes: FloatArray
    reached_from_start: FloatArray
    reached_from_end: FloatArray
    point_edge: int
    point_span: tuple[float, float]
    limit_minutes: float

    @property
    def targets(self) -> IntArray:
        """Indices of the targets in reach."""
        return np.flatnonzero(np.isfinite(self.minutes))

    def segments(self) -> tuple[IntArray, FloatArray, FloatArray]:
        """Pieces of road to draw: segment, start share and end share (from ``edge_from``).

        A segment reached from both ends so that the two pieces meet is one whole piece.
        """
        start, end = self.reached_from_start, self.reached_from_end
        whole = (start > 0) & (end > 0) & (start + end >= 1.0)
        head = np.flatnonzero((start > 0) & ~whole)
        tail = np.flatnonzero((end > 0) & ~whole)
        full = np.flatnonzero(whole)
        edges = [full, head, tail]
        starts = [np.zeros(full.size), np.zeros(head.size), 1.0 - end[tail]]
        ends = [np.ones(full.size), start[head], np.ones(tail.size)]
        lo, hi = self.point_span
        if self.point_edge >= 0 and hi > lo:
            edges.append(np.array([self.point_edge]))
            starts.append(np.array([lo]))
            ends.append(np.array([hi]))
        return (
            np.concatenate(edges).astype(np.int64),
            np.concatenate(starts),
            np.concatenate(ends),
        )


def point_reach(
    network: RoadNetwork,
    mode: TravelMode,
    point: Attachment,
    targets: Attachment,
    limit_minutes: float,
    *,
    point_xy_m: ArrayLike | None = None,
    target_xy_m: ArrayLike | None = None,
) -> PointReach:
    """The targets and road stretches from which one point is within ``limit_minutes``.

    Parameters as in :func:`analysis.reach.times.travel_pairs`, with ``point`` an
    :class:`Attachment` of exactly one place and one limit.

    Raises
    ------
    AnalysisError
        Not exactly one point, or the inputs :func:`~analysis.reach.times.travel_pairs`
        rejects.
    """
    pxy, txy = as_xy(point_xy_m), as_xy(target_xy_m)
    if point.size != 1:
        problems = AnalysisProblems()
        problems.add(
            "reach_one_point",
            f"The reach of one point needs exactly one point; got {point.size}.",
            value=str(point.size),
        )
        problems.raise_if_errors()
    check_inputs(network, mode, {"points": point, "villages": targets}, _xy(pxy, txy))
    limits = limits_per_source(limit_minutes, 1)
    src = place_legs(network, mode, point)
    tgt = place_legs(network, mode, targets)
    n = network.n_nodes
    if np.isfinite(src.arrive_from[0]) or np.isfinite(src.arrive_to[0]):
        graph = with_virtual_sources(reversed_graph(network, mode), src)
        node_minutes = dijkstra_rows(graph, np.array([n]), limits)[0, :n]
    else:
        node_minutes = np.full(n, np.inf)
    on, columns, on_legs = target_columns(tgt)
    block = block_minutes(node_minutes[None, columns], columns, on, on_legs, targets.size)
    es, et, em = extra_pairs(network, mode, src, tgt, (pxy, txy), targets.offroad_kmh, limits)
    np.minimum.at(block, (np.zeros(es.size, np.int64), et), em)
    minutes = np.where(block[0] <= limits[0], block[0], np.inf)
    from_start, from_end = _shares(network, mode, node_minutes, float(limits[0]))
    return PointReach(
        minutes=minutes,
        reached_from_start=from_start,
        reached_from_end=from_end,
        point_edge=int(src.edge[0]),
        point_span=_own_span(
            network, mode, int(src.edge[0]), src.fraction[0], src.offroad_min[0], limits[0]
        ),
        limit_minutes=float(limits[0]),
    )


def _shares(
    network: RoadNetwork, mode: TravelMode, node_minutes: FloatArray, limit: float
) -> tuple[FloatArray, FloatArray]:
    """Per segment, the share reached through its start node and through its end node."""
    forward, backward = segment_minutes(network, mode)
    spare_start = limit - node_minutes[network.edge_from]
    spare_end = limit - node_minutes[network.edge_to]
    with np.errstate(divide="ignore", invalid="ignore"):
        # Leaving towards the start node is riding the segment backwards, and vice versa.
        start = np.where(spare_start >= 0, np.clip(spare_start / backward, 0.0, 1.0), 0.0)
        end = np.where(spare_end >= 0, np.clip(spare_end / forward, 0.0, 1.0), 0.0)
    return np.nan_to_num(start), np.nan_to_num(end)


def _own_span(
    network: RoadNetwork,
    mode: TravelMode,
    edge: int,
    share: float,
    offroad: float,
    limit: float,
) -> tuple[float, float]:
    """Shares of the point's segment from which people ride straight to its foot."""
    if edge < 0 or not offroad <= limit:
        return (float("nan"), float("nan"))
    forward, backward = segment_minutes(network, mode)
    spare = limit - offroad
    with np.errstate(divide="ignore"):
        # Before the foot people ride forwards to it, after it backwards.
        lo = share - spare / forward[edge] if forward[edge] > 0 else 0.0
        hi = share + spare / backward[edge] if backward[edge] > 0 else 1.0
    return (float(max(lo, 0.0)), float(min(hi, 1.0)))


def _xy(pxy: FloatArray | None, txy: FloatArray | None) -> dict[str, FloatArray | None]:
    return {"points": pxy, "villages": txy}
