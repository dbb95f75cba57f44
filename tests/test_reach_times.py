"""Road travel times (analysis.reach): against networkx on random graphs, against hand-worked
small networks (one-way streets, a river with two bridges, an expressway crossing without a
junction), the nearest point, one point's reach and the disk cache."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import analysis.reach.cache as cache_module
from analysis.errors import AnalysisError
from analysis.reach.cache import cache_key, cached_travel_pairs, evict, load_pairs
from analysis.reach.kernels import csgraph_minutes
from analysis.reach.legs import place_legs, source_seeds
from analysis.reach.network.types import Attachment, RoadNetwork, TravelMode
from analysis.reach.service import point_reach
from analysis.reach.times import TravelPairs, nearest_minutes, travel_pairs

MODES: tuple[TravelMode, ...] = ("walk", "drive")


# --- building networks and places by hand --------------------------------------------------


def network(
    xy: list[tuple[float, float]],
    edges: list[tuple[int, int, float]],
    *,
    oneway: set[int] = frozenset(),  # type: ignore[assignment]
    motorway: set[int] = frozenset(),  # type: ignore[assignment]
    length_m: list[float] | None = None,
) -> RoadNetwork:
    """Nodes at ``xy``; edges ``(from, to, kmh)`` as long as the straight line unless given."""
    x = np.array([p[0] for p in xy], float)
    y = np.array([p[1] for p in xy], float)
    a = np.array([e[0] for e in edges], np.int64)
    b = np.array([e[1] for e in edges], np.int64)
    length = np.hypot(x[a] - x[b], y[a] - y[b]) if length_m is None else np.array(length_m)
    k = len(edges)
    return RoadNetwork(
        node_x_m=x,
        node_y_m=y,
        edge_from=a,
        edge_to=b,
        edge_length_m=length,
        edge_drive_kmh=np.array([e[2] for e in edges], float),
        edge_walkable=np.array([i not in motorway for i in range(k)], bool),
        edge_oneway=np.array([i in oneway for i in range(k)], bool),
        edge_class=np.zeros(k, np.int64),
        edge_line=np.arange(k, dtype=np.int64),
        node_component=np.zeros(len(xy), np.int64),
        walk_kmh=4.5,
    )


def places(spec: list[tuple[int, float, float]], kmh: float = 4.0) -> Attachment:
    """``(edge, along_m, offroad_m)`` per place (edge -1: off the network)."""
    edge = np.array([s[0] for s in spec], np.int64)
    offroad = np.array([s[2] if s[0] >= 0 else np.nan for s in spec], float)
    return Attachment(edge, offroad, np.array([s[1] for s in spec], float), kmh)


def as_dict(pairs: TravelPairs) -> dict[tuple[int, int], float]:
    return {
        (int(s), int(t)): float(m)
        for s, t, m in zip(pairs.source, pairs.target, pairs.minutes, strict=True)
    }


def minutes_at(kmh: float, metres: float) -> float:
    return metres / (kmh * 1000.0 / 60.0)


# --- random networks and an independent networkx reference ----------------------------------


def random_network(rng: np.random.Generator, n: int = 40, m: int = 90) -> RoadNetwork:
    x, y = rng.uniform(0, 3000, n), rng.uniform(0, 3000, n)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    a, b = a[a != b], b[a != b]
    k = a.size
    return RoadNetwork(
        node_x_m=x,
        node_y_m=y,
        edge_from=a.astype(np.int64),
        edge_to=b.astype(np.int64),
        edge_length_m=np.hypot(x[a] - x[b], y[a] - y[b]) * rng.uniform(1, 1.3, k) + 1,
        edge_drive_kmh=rng.choice([20.0, 40.0, 80.0], k),
        edge_walkable=rng.random(k) < 0.85,
        edge_oneway=rng.random(k) < 0.3,
        edge_class=np.zeros(k, np.int64),
        edge_line=np.arange(k, dtype=np.int64),
        node_component=np.zeros(n, np.int64),
    )


def random_places(
    rng: np.random.Generator, net: RoadNetwork, n: int
) -> tuple[Attachment, np.ndarray]:
    """Places on random segments (some at either end node, some off the network)."""
    edge = rng.integers(-1, net.n_edges, n)
    length = net.edge_length_m[np.maximum(edge, 0)]
    draw = rng.random(n)
    along = np.where(draw < 0.15, 0.0, np.where(draw > 0.85, length, rng.random(n) * length))
    offroad = np.where(edge >= 0, rng.uniform(0, 300, n), np.nan)
    return Attachment(edge.astype(np.int64), offroad, along, 3.0), rng.uniform(0, 3000, (n, 2))


def reference_pairs(
    net: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    limits: np.ndarray,
    xy: tuple[np.ndarray, np.ndarray] | None,
) -> dict[tuple[int, int], float]:
    """Shortest paths in networkx on the graph with every foot inserted as a real node."""
    graph = nx.DiGraph()

    def arc(a: object, b: object, w: float) -> None:
        if np.isfinite(w) and (not graph.has_edge(a, b) or graph[a][b]["w"] > w):
            graph.add_edge(a, b, w=w)

    forward = net.edge_minutes(mode)
    backward = np.where(net.edge_oneway, np.inf, forward) if mode == "drive" else forward
    feet: dict[int, set[float]] = {}
    for group in (sources, targets):
        for e, a in zip(group.edge, group.along_m, strict=True):
            if e >= 0:
                feet.setdefault(int(e), set()).add(float(a / net.edge_length_m[e]))
    for e in range(net.n_edges):
        shares = sorted(feet.get(e, set()) | {0.0, 1.0})
        chain = [("foot", e, s) for s in shares]
        for p, q, sp_, sq in zip(chain[:-1], chain[1:], shares[:-1], shares[1:], strict=True):
            arc(p, q, (sq - sp_) * forward[e] if sq > sp_ else 0.0)
            arc(q, p, (sq - sp_) * backward[e] if sq > sp_ else 0.0)
        for node, end in ((net.edge_from[e], chain[0]), (net.edge_to[e], chain[-1])):
            arc(("node", int(node)), end, 0.0)
            arc(end, ("node", int(node)), 0.0)
    for i in range(sources.size):
        graph.add_node(("s", i))
        if sources.edge[i] >= 0:
            e = int(sources.edge[i])
            foot = ("foot", e, float(sources.along_m[i] / net.edge_length_m[e]))
            arc(foot, ("s", i), float(sources.offroad_minutes[i]))
    per_m = 60.0 / (targets.offroad_kmh * 1000.0)
    found = {}
    for j in range(targets.size):
        graph.add_node(("t", j))
        if targets.edge[j] >= 0:
            e = int(targets.edge[j])
            foot = ("foot", e, float(targets.along_m[j] / net.edge_length_m[e]))
            arc(("t", j), foot, float(targets.offroad_minutes[j]))
        direct = []
        if xy is not None:
            for i in range(sources.size):
                arc(("t", j), ("s", i), float(np.hypot(*(xy[0][i] - xy[1][j]))) * per_m)
                direct.append((("t", j), ("s", i)))
        lengths = nx.single_source_dijkstra_path_length(graph, ("t", j), weight="w")
        for i in range(sources.size):
            if ("s", i) in lengths and lengths[("s", i)] <= limits[i]:
                found[(i, j)] = lengths[("s", i)]
        graph.remove_edges_from([d for d in direct if graph.has_edge(*d)])
    return found


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("with_xy", [False, True])
def test_random_graphs_equal_networkx(seed: int, mode: TravelMode, with_xy: bool) -> None:
    rng = np.random.default_rng(seed)
    net = random_network(rng)
    sources, sxy = random_places(rng, net, 15)
    targets, txy = random_places(rng, net, 30)
    limits = rng.uniform(2, 25, sources.size)
    xy = (sxy, txy) if with_xy else None
    expected = reference_pairs(net, mode, sources, targets, limits, xy)
    got = travel_pairs(
        net,
        mode,
        sources,
        targets,
        limits,
        source_xy_m=sxy if with_xy else None,
        target_xy_m=txy if with_xy else None,
        batch_size=4,  # several batches, each with its own limit
    )
    found = as_dict(got)
    assert set(found) == set(expected)
    assert all(abs(found[k] - expected[k]) <= 1e-9 for k in found)
    assert len(found) > 5
    assert list(zip(got.source, got.target, strict=True)) == sorted(found)


def test_batch_size_and_threads_do_not_change_the_answer() -> None:
    rng = np.random.default_rng(7)
    net = random_network(rng, 60, 150)
    sources, _ = random_places(rng, net, 25)
    targets, _ = random_places(rng, net, 40)
    answers = [
        travel_pairs(net, "drive", sources, targets, 12.0, batch_size=b, workers=w)
        for b, w in ((1, 1), (3, 1), (100, 1), (3, 2))
    ]
    for other in answers[1:]:
        np.testing.assert_array_equal(other.source, answers[0].source)
        np.testing.assert_array_equal(other.target, answers[0].target)
        np.testing.assert_allclose(other.minutes, answers[0].minutes, rtol=0, atol=1e-12)


# --- hand-worked networks -------------------------------------------------------------------


def one_way_street() -> RoadNetwork:
    """A -> B one way, 1 km at 60 km/h (1 min); the way back B - C - A: 6 km (6 min)."""
    return network(
        [(0, 0), (1000, 0), (500, 2958.04)],
        [(0, 1, 60.0), (1, 2, 60.0), (2, 0, 60.0)],
        oneway={0},
        length_m=[1000.0, 3000.0, 3000.0],
    )


def test_one_way_street_counts_in_the_direction_people_travel() -> None:
    net = one_way_street()
    point_at_a = places([(0, 0.0, 0.0)])
    point_at_b = places([(0, 1000.0, 0.0)])
    # Villages: at B, in the middle of the one-way street, at A.
    villages = places([(0, 1000.0, 0.0), (0, 500.0, 0.0), (0, 0.0, 0.0)])
    to_a = as_dict(travel_pairs(net, "drive", point_at_a, villages, 60.0))
    # From B the car cannot go back along A -> B: round by C. From the middle it must ride
    # on to B first (0.5 min).
    assert to_a == pytest.approx({(0, 0): 6.0, (0, 1): 6.5, (0, 2): 0.0}, abs=1e-12)
    to_b = as_dict(travel_pairs(net, "drive", point_at_b, villages, 60.0))
    assert to_b == pytest.approx({(0, 0): 0.0, (0, 1): 0.5, (0, 2): 1.0}, abs=1e-12)
    # On foot the street goes both ways: 1 km at 4.5 km/h.
    walk = as_dict(travel_pairs(net, "walk", point_at_a, villages, 60.0))
    assert walk[(0, 0)] == pytest.approx(minutes_at(4.5, 1000.0), abs=1e-12)
    # A limit between the two directions keeps only the quick one.
    assert set(as_dict(travel_pairs(net, "drive", point_at_a, villages, 5.0))) == {(0, 2)}


def test_same_segment_trips_go_straight_along_it_unless_one_way_forbids() -> None:
    net = one_way_street()
    points = places([(0, 800.0, 30.0)])
    villages = places([(0, 200.0, 60.0), (0, 900.0, 0.0)])
    walk_min = minutes_at(4.0, 90.0)  # both off-road walks
    got = as_dict(travel_pairs(net, "drive", points, villages, 60.0))
    # Ahead of the point: 0.6 min along. Past it on a one-way street: on to B (0.1 min),
    # round by C (6 min), A to the point (0.8 min).
    assert got[(0, 0)] == pytest.approx(walk_min + 0.6, abs=1e-12)
    assert got[(0, 1)] == pytest.approx(minutes_at(4.0, 30.0) + 0.1 + 6.0 + 0.8, abs=1e-12)


def river_with_two_bridges() -> RoadNetwork:
    """South bank S0..S4 (y = 0), north bank N0..N4 (y = 1000), 1 km apart, all 30 km/h
    (2 min per km); bridges S1-N1 and S4-N4."""
    south = [(1000.0 * i, 0.0) for i in range(5)]
    north = [(1000.0 * i, 1000.0) for i in range(5)]
    edges = [(i, i + 1, 30.0) for i in range(4)] + [(5 + i, 6 + i, 30.0) for i in range(4)]
    edges += [(1, 6, 30.0), (4, 9, 30.0)]
    return network(south + north, edges)


def test_river_is_crossed_only_on_a_bridge() -> None:
    net = river_with_two_bridges()
    point = places([(0, 0.0, 0.0)])  # at S0
    # N0 (edge N0-N1 at 0), N3 (edge N2-N3 at its end), half way N2-N3, N4.
    villages = places([(4, 0.0, 0.0), (6, 1000.0, 0.0), (6, 500.0, 0.0), (7, 1000.0, 0.0)])
    got = as_dict(travel_pairs(net, "drive", point, villages, 60.0))
    # N0: N1 (2) + bridge (2) + S1 -> S0 (2). N3: back over the first bridge (4 + 2 + 2)
    # beats the far one (2 + 2 + 8). Half way N2-N3: 1 + 2 + 2 + 2. N4: far bridge 2 + 8.
    assert got == pytest.approx({(0, 0): 6.0, (0, 1): 8.0, (0, 2): 7.0, (0, 3): 10.0})
    assert set(as_dict(travel_pairs(net, "drive", point, villages, 7.5))) == {(0, 0), (0, 2)}


def test_expressway_crossing_without_a_junction_has_no_path_across() -> None:
    # Local road P0 (0,-2000) - P1 (0,0) - P2 (0,2000); an expressway Q0 (-2000,0) -
    # Q1 (2000,0) over P1 with nodes of its own; an exit road Q1 - R (3000,0).
    xy = [(0, -2000), (0, 0), (0, 2000), (-2000, 0), (2000, 0), (3000, 0)]
    edges = [(0, 1, 30.0), (1, 2, 30.0), (3, 4, 100.0), (4, 5, 30.0)]
    point = places([(0, 0.0, 0.0)])  # at P0
    village = places([(3, 1000.0, 0.0)])  # at R
    apart = network(xy, edges, motorway={2})
    assert len(travel_pairs(apart, "drive", point, village, 600.0)) == 0
    minutes, which = nearest_minutes(apart, "drive", point, village)
    assert minutes.tolist() == [math.inf] and which.tolist() == [-1]
    # With an interchange ramp Q0 - P0 the only way is over it (not over the crossing, which
    # would take 2 + 1.2 + 4 = 7.2 min).
    ramp = network(xy, [*edges, (3, 0, 30.0)], motorway={2})
    got = as_dict(travel_pairs(ramp, "drive", point, village, 600.0))
    expected = 2.0 + minutes_at(100.0, 4000.0) + minutes_at(30.0, math.hypot(2000, 2000))
    assert got == pytest.approx({(0, 0): expected}, abs=1e-12)
    # Nobody walks on the expressway.
    assert len(travel_pairs(ramp, "walk", point, village, 600.0)) == 0


def test_direct_walk_across_a_field_and_places_off_the_network() -> None:
    net = river_with_two_bridges()
    point = places([(0, 0.0, 0.0)])  # at S0 = (0, 0)
    # A village 300 m from the point across the river, near N0; one off the network 500 m
    # away; one off the network 3 km away.
    villages = places([(4, 0.0, 300.0), (-1, 0.0, 0.0), (-1, 0.0, 0.0)])
    pxy = np.array([[0.0, 0.0]])
    vxy = np.array([[0.0, 300.0], [500.0, 0.0], [3000.0, 0.0]])
    without = as_dict(travel_pairs(net, "drive", point, villages, 30.0))
    assert without == pytest.approx({(0, 0): minutes_at(4.0, 300.0) + 6.0})
    walked = as_dict(
        travel_pairs(net, "drive", point, villages, 30.0, source_xy_m=pxy, target_xy_m=vxy)
    )
    assert walked == pytest.approx({(0, 0): 4.5, (0, 1): 7.5})
    minutes, which = nearest_minutes(
        net, "drive", point, villages, source_xy_m=pxy, target_xy_m=vxy
    )
    np.testing.assert_allclose(minutes, [4.5, 7.5, 45.0])
    assert which.tolist() == [0, 0, 0]


def test_limit_per_source_and_zero_limit() -> None:
    net = river_with_two_bridges()
    points = places([(0, 0.0, 0.0), (0, 0.0, 0.0), (0, 0.0, 0.0)])
    villages = places([(4, 0.0, 0.0), (7, 1000.0, 0.0)])  # 6 and 10 minutes away
    got = as_dict(travel_pairs(net, "drive", points, villages, [5.0, 6.0, 10.0]))
    assert got == pytest.approx({(1, 0): 6.0, (2, 0): 6.0, (2, 1): 10.0})
    at_point = places([(0, 0.0, 0.0)])
    assert as_dict(travel_pairs(net, "drive", points, at_point, 0.0)) == {
        (0, 0): 0.0,
        (1, 0): 0.0,
        (2, 0): 0.0,
    }


def test_bad_inputs_raise_one_analysis_error_listing_every_problem() -> None:
    net = river_with_two_bridges()
    bad_edge = places([(99, 0.0, 0.0)])
    with pytest.raises(AnalysisError) as caught:
        travel_pairs(net, "bike", bad_edge, places([(0, 0.0, 0.0)]), 10.0)  # type: ignore[arg-type]
    assert {p.code for p in caught.value.problems} == {"reach_mode_unknown", "reach_bad_edge"}
    with pytest.raises(AnalysisError) as caught:
        travel_pairs(net, "drive", places([(0, 0.0, 0.0)]), places([(0, 0.0, 0.0)]), [1.0, 2.0])
    assert [p.code for p in caught.value.problems] == ["reach_bad_limits"]
    with pytest.raises(AnalysisError):
        travel_pairs(net, "drive", places([(0, 0.0, 0.0)]), places([(0, 0.0, 0.0)]), -1.0)
    with pytest.raises(AnalysisError) as caught:
        travel_pairs(
            net,
            "drive",
            places([(0, 0.0, 0.0)]),
            places([(0, 0.0, 0.0)]),
            1.0,
            source_xy_m=np.zeros((3, 2)),
            target_xy_m=np.zeros((1, 2)),
        )
    assert [p.code for p in caught.value.problems] == ["reach_bad_coordinates"]
    no_foot = Attachment(np.array([0]), np.array([10.0]), np.array([np.nan]), 4.0)
    with pytest.raises(AnalysisError) as caught:
        nearest_minutes(net, "walk", no_foot, places([(0, 0.0, 0.0)]))
    assert [p.code for p in caught.value.problems] == ["reach_bad_offroad"]


# --- nearest point ----------------------------------------------------------------------------


def brute_force_minutes(
    net: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    xy: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """``(n_targets, n_sources)`` minutes from every pair (inf: unreachable)."""
    pairs = travel_pairs(net, mode, sources, targets, np.inf, source_xy_m=xy[0], target_xy_m=xy[1])
    full = np.full((targets.size, sources.size), np.inf)
    full[pairs.target, pairs.source] = pairs.minutes
    return full


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", MODES)
def test_nearest_minutes_equals_brute_force(seed: int, mode: TravelMode) -> None:
    rng = np.random.default_rng(100 + seed)
    net = random_network(rng)
    sources, sxy = random_places(rng, net, 12)
    targets, txy = random_places(rng, net, 40)
    full = brute_force_minutes(net, mode, sources, targets, (sxy, txy))
    for limit in (np.inf, 8.0):
        minutes, which = nearest_minutes(
            net, mode, sources, targets, limit_minutes=limit, source_xy_m=sxy, target_xy_m=txy
        )
        best = full.min(axis=1)
        best[best > limit] = np.inf
        np.testing.assert_allclose(minutes, best, rtol=0, atol=1e-9)
        reached = np.isfinite(best)
        assert (which[~reached] == -1).all()
        chosen = full[np.flatnonzero(reached), which[reached]]
        np.testing.assert_allclose(chosen, best[reached], rtol=0, atol=1e-9)


def test_nearest_minutes_without_coordinates_uses_the_network_only() -> None:
    rng = np.random.default_rng(5)
    net = random_network(rng)
    sources, _ = random_places(rng, net, 10)
    targets, _ = random_places(rng, net, 30)
    pairs = travel_pairs(net, "drive", sources, targets, np.inf)
    full = np.full((targets.size, sources.size), np.inf)
    full[pairs.target, pairs.source] = pairs.minutes
    minutes, _ = nearest_minutes(net, "drive", sources, targets)
    np.testing.assert_allclose(minutes, full.min(axis=1), rtol=0, atol=1e-9)
    assert np.isinf(minutes[targets.edge < 0]).all()


# --- one point's reach ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", MODES)
def test_one_point_reach_equals_travel_pairs(seed: int, mode: TravelMode) -> None:
    rng = np.random.default_rng(200 + seed)
    net = random_network(rng)
    sources, sxy = random_places(rng, net, 8)
    targets, txy = random_places(rng, net, 40)
    pairs = as_dict(
        travel_pairs(net, mode, sources, targets, 10.0, source_xy_m=sxy, target_xy_m=txy)
    )
    for i in range(sources.size):
        one = Attachment(
            sources.edge[i : i + 1],
            sources.offroad_m[i : i + 1],
            sources.along_m[i : i + 1],
            sources.offroad_kmh,
        )
        reach = point_reach(
            net, mode, one, targets, 10.0, point_xy_m=sxy[i : i + 1], target_xy_m=txy
        )
        mine = {t: m for (s, t), m in pairs.items() if s == i}
        assert set(reach.targets.tolist()) == set(mine)
        assert all(abs(reach.minutes[t] - m) <= 1e-9 for t, m in mine.items())


@pytest.mark.parametrize("mode", MODES)
def test_road_shares_drawn_are_the_roads_in_reach(mode: TravelMode) -> None:
    # A person standing at share p of a segment is in reach exactly when the drawn pieces
    # cover p: checked by placing a village (no off-road walk) at many shares.
    rng = np.random.default_rng(11)
    net = random_network(rng)
    point = Attachment(np.array([3]), np.array([50.0]), np.array([0.4 * net.edge_length_m[3]]), 3)
    edges = np.repeat(np.arange(net.n_edges), 7)
    shares = rng.random(edges.size)
    probes = Attachment(edges, np.zeros(edges.size), shares * net.edge_length_m[edges], 3.0)
    limit = 30.0 if mode == "walk" else 4.0
    reach = point_reach(net, mode, point, probes, limit)
    seg, lo, hi = reach.segments()
    covered = np.zeros(edges.size, bool)
    for e, a, b in zip(seg, lo, hi, strict=True):
        covered |= (edges == e) & (shares >= a - 1e-9) & (shares <= b + 1e-9)
    assert (covered == np.isfinite(reach.minutes)).all()
    assert covered.sum() > 10


def test_road_shares_on_the_river() -> None:
    net = river_with_two_bridges()
    reach = point_reach(net, "drive", places([(0, 0.0, 0.0)]), places([(4, 0.0, 0.0)]), 5.0)
    # From S0 within 5 min (2 min per km): S0-S1, S1-S2 whole, half of S2-S3, the first
    # bridge whole, half of N1-N2 and of N0-N1 (from its end N1).
    seg, lo, hi = reach.segments()
    pieces = {int(e): (float(a), float(b)) for e, a, b in zip(seg, lo, hi, strict=True)}
    # Times here are exact in binary, so the shares are too.
    assert pieces == {
        0: (0.0, 1.0),
        1: (0.0, 1.0),
        2: (0.0, 0.5),
        8: (0.0, 1.0),
        5: (0.0, 0.5),
        4: (0.5, 1.0),
    }
    assert reach.point_edge == 0 and reach.point_span == pytest.approx((0.0, 1.0))
    assert reach.targets.tolist() == []  # N0 is 6 minutes away


def test_one_point_only() -> None:
    net = river_with_two_bridges()
    with pytest.raises(AnalysisError) as caught:
        point_reach(net, "drive", places([(0, 0, 0), (1, 0, 0)]), places([(0, 0, 0)]), 5.0)
    assert [p.code for p in caught.value.problems] == ["reach_one_point"]


# --- disk cache -------------------------------------------------------------------------------


@pytest.fixture
def cache_inputs() -> tuple[RoadNetwork, Attachment, Attachment, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(9)
    net = random_network(rng)
    sources, sxy = random_places(rng, net, 10)
    targets, txy = random_places(rng, net, 20)
    return net, sources, targets, sxy, txy


def test_cache_round_trip_second_call_loads_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_inputs: tuple
) -> None:
    net, sources, targets, sxy, txy = cache_inputs
    monkeypatch.setenv("COVERAGE_PLANNER_CACHE_DIR", str(tmp_path / "reach"))
    kwargs = {"source_xy_m": sxy, "target_xy_m": txy}
    first = cached_travel_pairs(net, "drive", sources, targets, 15.0, **kwargs)
    assert len(list((tmp_path / "reach").glob("*.npz"))) == 1

    def no_recompute(*args: object, **kw: object) -> TravelPairs:
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(cache_module, "travel_pairs", no_recompute)
    second = cached_travel_pairs(net, "drive", sources, targets, 15.0, **kwargs)
    for name in ("source", "target", "minutes"):
        np.testing.assert_array_equal(getattr(second, name), getattr(first, name))
    assert (second.n_sources, second.n_targets) == (first.n_sources, first.n_targets)
    assert not list((tmp_path / "reach").glob(".tmp-*"))


def test_corrupt_cache_file_is_ignored_and_recomputed(tmp_path: Path, cache_inputs: tuple) -> None:
    net, sources, targets, _, _ = cache_inputs
    expected = travel_pairs(net, "walk", sources, targets, 20.0)
    path = tmp_path / f"{cache_key(net, 'walk', sources, targets, 20.0)}.npz"
    for garbage in (b"", b"not a zip file", b"PK\x03\x04broken"):
        path.write_bytes(garbage)
        assert load_pairs(path, sources.size, targets.size) is None
        got = cached_travel_pairs(net, "walk", sources, targets, 20.0, folder=tmp_path)
        np.testing.assert_array_equal(got.minutes, expected.minutes)
        assert load_pairs(path, sources.size, targets.size) is not None  # rewritten
    # A readable file that does not fit these inputs is not trusted either.
    assert load_pairs(path, sources.size + 1, targets.size) is None


def test_cache_key_changes_with_every_input(cache_inputs: tuple) -> None:
    net, sources, targets, sxy, txy = cache_inputs
    base = cache_key(net, "drive", sources, targets, 15.0, sxy, txy)
    assert base == cache_key(net, "drive", sources, targets, 15.0, sxy.copy(), txy.copy())
    variants = [
        cache_key(net, "walk", sources, targets, 15.0, sxy, txy),
        cache_key(net, "drive", targets, sources, 15.0, txy, sxy),
        cache_key(net, "drive", sources, targets, 16.0, sxy, txy),
        cache_key(net, "drive", sources, targets, np.full(sources.size, 15.0), sxy, txy),
        cache_key(net, "drive", sources, targets, 15.0, None, None),
        cache_key(net, "drive", sources, targets, 15.0, sxy + 1.0, txy),
    ]
    for name in RoadNetwork.__dataclass_fields__:
        value = getattr(net, name)
        if isinstance(value, float):
            changed: object = value + 0.5
        elif value.dtype == bool:
            changed = ~value
        else:
            changed = value.copy()
            changed[0] = changed[0] + 1  # type: ignore[index]
        fields = {f: getattr(net, f) for f in RoadNetwork.__dataclass_fields__}
        other = RoadNetwork(**{**fields, name: changed})
        variants.append(cache_key(other, "drive", sources, targets, 15.0, sxy, txy))
    for name in Attachment.__dataclass_fields__:
        value = getattr(targets, name)
        changed = value + 1 if not isinstance(value, float) else value + 0.5
        fields = {f: getattr(targets, f) for f in Attachment.__dataclass_fields__}
        other_t = Attachment(**{**fields, name: changed})
        variants.append(cache_key(net, "drive", sources, other_t, 15.0, sxy, txy))
    assert base not in variants
    assert len(set(variants)) == len(variants)


def test_cache_size_cap_evicts_least_recently_used(tmp_path: Path) -> None:
    for i, name in enumerate(("old", "middle", "new")):
        path = tmp_path / f"{name}.npz"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    evict(tmp_path, 2500)
    assert sorted(p.stem for p in tmp_path.glob("*.npz")) == ["middle", "new"]
    evict(tmp_path, 1500, keep=tmp_path / "middle.npz")
    assert sorted(p.stem for p in tmp_path.glob("*.npz")) == ["middle"]


def test_cache_folder_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVERAGE_PLANNER_CACHE_DIR", raising=False)
    assert cache_module.cache_dir() == Path.home() / ".cache" / "coverage-planner" / "reach"
    monkeypatch.setenv("COVERAGE_PLANNER_CACHE_DIR", "/somewhere/else")
    assert cache_module.cache_dir() == Path("/somewhere/else")


def subdivided_network(rng: np.random.Generator) -> RoadNetwork:
    """A random network whose segments are chains of line vertices, with dead-end spurs:
    what the exact graph reduction removes."""
    base = random_network(rng, 25, 50)
    x, y = list(base.node_x_m), list(base.node_y_m)
    rows: list[tuple[int, int, float, float, bool, bool]] = []
    for e in range(base.n_edges):
        a, b = int(base.edge_from[e]), int(base.edge_to[e])
        pieces = int(rng.integers(1, 4))
        chain = [a]
        for p in range(1, pieces):
            x.append(x[a] + (x[b] - x[a]) * p / pieces)
            y.append(y[a] + (y[b] - y[a]) * p / pieces)
            chain.append(len(x) - 1)
        chain.append(b)
        for p, q in itertools.pairwise(chain):
            rows.append(
                (
                    p,
                    q,
                    float(base.edge_length_m[e]) / pieces,
                    float(base.edge_drive_kmh[e]),
                    bool(base.edge_walkable[e]),
                    bool(base.edge_oneway[e]),
                )
            )
    for _ in range(15):  # spurs of one or two segments off random nodes
        at = int(rng.integers(0, len(x)))
        for _ in range(int(rng.integers(1, 3))):
            x.append(x[at] + rng.uniform(-200, 200))
            y.append(y[at] + rng.uniform(-200, 200))
            rows.append((at, len(x) - 1, 150.0, 30.0, True, bool(rng.random() < 0.3)))
            at = len(x) - 1
    k = len(rows)
    return RoadNetwork(
        node_x_m=np.array(x),
        node_y_m=np.array(y),
        edge_from=np.array([r[0] for r in rows], np.int64),
        edge_to=np.array([r[1] for r in rows], np.int64),
        edge_length_m=np.array([r[2] for r in rows]),
        edge_drive_kmh=np.array([r[3] for r in rows]),
        edge_walkable=np.array([r[4] for r in rows]),
        edge_oneway=np.array([r[5] for r in rows]),
        edge_class=np.zeros(k, np.int64),
        edge_line=np.arange(k, dtype=np.int64),
        node_component=np.zeros(len(x), np.int64),
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", MODES)
def test_chains_and_dead_ends_equal_networkx(seed: int, mode: TravelMode) -> None:
    rng = np.random.default_rng(300 + seed)
    net = subdivided_network(rng)
    sources, _ = random_places(rng, net, 10)
    targets, _ = random_places(rng, net, 25)
    limits = rng.uniform(3, 30, sources.size)
    expected = reference_pairs(net, mode, sources, targets, limits, None)
    found = as_dict(travel_pairs(net, mode, sources, targets, limits, batch_size=3))
    assert set(found) == set(expected)
    assert all(abs(found[k] - expected[k]) <= 1e-9 for k in found)
    assert len(found) > 5
    full = np.full((targets.size, sources.size), np.inf)
    everything = travel_pairs(net, mode, sources, targets, np.inf)
    full[everything.target, everything.source] = everything.minutes
    minutes, _ = nearest_minutes(net, mode, sources, targets)
    np.testing.assert_allclose(minutes, full.min(axis=1), rtol=0, atol=1e-9)


def test_network_without_segments_or_places() -> None:
    empty = network([(0, 0)], [])
    assert len(travel_pairs(empty, "drive", places([]), places([]), 10.0)) == 0
    off = places([(-1, 0.0, 0.0)])
    assert len(travel_pairs(empty, "walk", off, off, 10.0)) == 0
    minutes, which = nearest_minutes(empty, "walk", off, off)
    assert minutes.tolist() == [math.inf] and which.tolist() == [-1]


# --- every search kernel gives the same pairs (tests/test_reach_kernels.py: the kernels) ------


def test_seeds_are_the_arrive_legs_of_the_virtual_rows() -> None:
    net = one_way_street()
    legs = place_legs(net, "drive", places([(0, 500.0, 60.0), (-1, 0.0, 0.0), (0, 0.0, 0.0)]))
    ptr, node, minutes = source_seeds(legs)
    # The first place half way along the one-way street A -> B is reached from A only (0.5
    # min, then its off-road walk); the second is off the network; the third sits on A.
    assert ptr.tolist() == [0, 1, 1, 2]
    assert node.tolist() == [0, 0]
    assert minutes[0] == pytest.approx(0.5 + 60.0 / (4000.0 / 60.0))


KernelCase = tuple[RoadNetwork, TravelMode, Attachment, Attachment, object, dict[str, np.ndarray]]


def kernel_cases() -> list[KernelCase]:
    out: list[KernelCase] = []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        net = random_network(rng, 60, 150)
        sources, sxy = random_places(rng, net, 25)
        targets, txy = random_places(rng, net, 40)
        limits = rng.uniform(2, 25, sources.size)
        limits[:3] = [0.0, np.inf, 12.0]
        for mode in ("walk", "drive"):
            out.append((net, mode, sources, targets, limits, {}))
            out.append(
                (net, mode, sources, targets, 12.0, {"source_xy_m": sxy, "target_xy_m": txy})
            )
        net = subdivided_network(rng)
        sources, _ = random_places(rng, net, 10)
        targets, _ = random_places(rng, net, 25)
        out.append((net, "drive", sources, targets, rng.uniform(3, 30, sources.size), {}))
    river = river_with_two_bridges()
    on_river = places([(0, 0.0, 0.0), (0, 0.0, 0.0), (3, 500.0, 20.0)])
    villages = places([(4, 0.0, 0.0), (7, 1000.0, 0.0), (6, 500.0, 0.0), (-1, 0.0, 0.0)])
    out.append((river, "drive", on_river, villages, [5.0, 6.0, 10.0], {}))
    street = one_way_street()
    at_ends = places([(0, 0.0, 0.0), (0, 1000.0, 0.0), (1, 1500.0, 10.0)])
    along = places([(0, 1000.0, 0.0), (0, 500.0, 0.0), (0, 0.0, 0.0), (2, 100.0, 50.0)])
    out.append((street, "drive", at_ends, along, 6.0, {}))
    out.append((street, "walk", at_ends, along, 60.0, {}))
    return out


def same_pairs(a: TravelPairs, b: TravelPairs) -> None:
    np.testing.assert_array_equal(a.source, b.source)
    np.testing.assert_array_equal(a.target, b.target)
    np.testing.assert_array_equal(a.minutes, b.minutes)
    assert (a.n_sources, a.n_targets) == (b.n_sources, b.n_targets)


@pytest.mark.parametrize("index", range(len(kernel_cases())))
def test_travel_pairs_identical_with_every_kernel_and_thread_count(index: int) -> None:
    net, mode, sources, targets, limits, xy = kernel_cases()[index]
    expected = travel_pairs(net, mode, sources, targets, limits, kernel="csgraph", **xy)
    runs: list[tuple[str | Callable[..., np.ndarray], int, int | None]] = [
        ("csgraph", 2, 3),
        ("dijkstra", 1, None),
        ("dijkstra", 2, None),
        ("dijkstra", 2, 1),
        ("heap", 2, 4),
        (csgraph_minutes, 1, 2),  # a kernel passed as a function
    ]
    for kernel, workers, batch in runs:
        got = travel_pairs(
            net, mode, sources, targets, limits, kernel=kernel, workers=workers,
            batch_size=batch, **xy,
        )  # fmt: skip
        same_pairs(got, expected)


def test_unknown_kernel_is_an_analysis_error() -> None:
    net = one_way_street()
    point = places([(0, 0.0, 0.0)])
    with pytest.raises(AnalysisError, match="Unknown search kernel 'fast'"):
        travel_pairs(net, "drive", point, point, 10.0, kernel="fast")
