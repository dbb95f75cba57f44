"""What one county partition of a province costs, and that it gives the province's answer.

Usage::

    python -m bench.reach_partition            # 1M-node province, a 60 km county in the middle
    python -m bench.reach_partition --quick    # 200 x 200 nodes, a 20 km county

The province is the seeded jittered grid of :mod:`bench.reach` (200 m spacing). The county is
the square in its middle; its 2,000 villages and 2,000 candidate sites are joined to random
segments inside it. The partition is the county plus its halo: every road node a trip of at
most ``T`` minutes from a county place can use (one multi-source Dijkstra with limit ``T``).
Prints the node counts, the halo's cost, ``travel_pairs`` on the partition against the same
call on the whole province, and checks that the two give the same pairs and minutes.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
from scipy.sparse.csgraph import dijkstra

from analysis.reach.network.types import Attachment, RoadNetwork
from analysis.reach.times import travel_pairs
from bench.reach import SPACING_M, grid_network


def county_places(
    network: RoadNetwork, inside: np.ndarray, n: int, seed: int
) -> tuple[Attachment, np.ndarray]:
    """``n`` places joined to random segments with both ends inside the county."""
    rng = np.random.default_rng(seed)
    edges = np.flatnonzero(inside[network.edge_from] & inside[network.edge_to])
    edge = rng.choice(edges, n)
    along = rng.random(n) * network.edge_length_m[edge]
    offroad = rng.uniform(0, 500, n)
    share = along / network.edge_length_m[edge]
    a, b = network.edge_from[edge], network.edge_to[edge]
    fx = network.node_x_m[a] + share * (network.node_x_m[b] - network.node_x_m[a])
    fy = network.node_y_m[a] + share * (network.node_y_m[b] - network.node_y_m[a])
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.column_stack([fx + offroad * np.cos(angle), fy + offroad * np.sin(angle)])
    return Attachment(edge.astype(np.int64), offroad, along, 4.0), xy


def partition(network: RoadNetwork, keep: np.ndarray) -> tuple[RoadNetwork, np.ndarray]:
    """The sub-network on the nodes ``keep`` and the new index of each old edge (-1: gone)."""
    new_node = np.full(network.n_nodes, -1, np.int64)
    new_node[keep] = np.arange(int(keep.sum()))
    edges = keep[network.edge_from] & keep[network.edge_to]
    new_edge = np.full(network.n_edges, -1, np.int64)
    new_edge[edges] = np.arange(int(edges.sum()))
    sub = RoadNetwork(
        node_x_m=network.node_x_m[keep],
        node_y_m=network.node_y_m[keep],
        edge_from=new_node[network.edge_from[edges]],
        edge_to=new_node[network.edge_to[edges]],
        edge_length_m=network.edge_length_m[edges],
        edge_drive_kmh=network.edge_drive_kmh[edges],
        edge_walkable=network.edge_walkable[edges],
        edge_oneway=network.edge_oneway[edges],
        edge_class=network.edge_class[edges],
        edge_line=network.edge_line[edges],
        node_component=network.node_component[keep],
    )
    return sub, new_edge


def main(argv: list[str] | None = None) -> None:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args(argv)
    side, county_km, n = (200, 20.0, 300) if args.quick else (1000, 60.0, 2000)
    t0 = time.perf_counter()
    province = grid_network(side, seed=0)
    graph = province.drive_graph
    built = time.perf_counter() - t0
    half = county_km * 1000 / 2
    centre = side * SPACING_M / 2
    inside = (np.abs(province.node_x_m - centre) <= half) & (
        np.abs(province.node_y_m - centre) <= half
    )
    villages, vxy = county_places(province, inside, n, 1)
    sites, sxy = county_places(province, inside, n, 2)
    t0 = time.perf_counter()
    # Trips of at most T minutes between county places use only nodes within T of a county
    # node in both directions; the undirected grid makes one search enough.
    reached = dijkstra(graph, indices=np.flatnonzero(inside), min_only=True, limit=args.minutes)
    keep = np.isfinite(reached)
    halo_s = time.perf_counter() - t0
    sub, new_edge = partition(province, keep)
    sub_sites = replace(sites, edge=new_edge[sites.edge])
    sub_villages = replace(villages, edge=new_edge[villages.edge])
    times = {}
    results = {}
    for name, net, s, v in (
        ("partition", sub, sub_sites, sub_villages),
        ("province", province, sites, villages),
    ):
        t0, c0 = time.perf_counter(), time.process_time()
        results[name] = travel_pairs(
            net, "drive", s, v, args.minutes, source_xy_m=sxy, target_xy_m=vxy
        )
        times[name] = (time.perf_counter() - t0, time.process_time() - c0)
    a, b = results["partition"], results["province"]
    same = (
        np.array_equal(a.source, b.source)
        and np.array_equal(a.target, b.target)
        and np.allclose(a.minutes, b.minutes, rtol=0, atol=1e-9)
    )
    print(f"province {province.n_nodes:,} nodes (built in {built:.1f} s)")
    print(f"county   {int(inside.sum()):,} nodes ({county_km:g} km square), {n:,} x {n:,} places")
    print(
        f"halo     {int(keep.sum()) - int(inside.sum()):,} nodes within {args.minutes:g} min "
        f"(partition {int(keep.sum()):,} = {keep.sum() / inside.sum():.2f}x the county), "
        f"found in {halo_s:.2f} s"
    )
    for name in ("partition", "province"):
        wall, cpu = times[name]
        print(f"{name:9s} travel_pairs {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"same pairs and minutes: {same} ({a.source.size:,} pairs)")


if __name__ == "__main__":
    main()
