"""Benchmark: reach by road (travel_pairs) on a synthetic road graph, against networkx.

Synthetic, seeded road graph like the field notes': a jittered 200 m grid of nodes, three
speed classes (local 30 km/h; every 10th grid line a 60 km/h county road; every 50th an
90 km/h arterial), 30 % of the local segments removed. Villages and candidate sites are
joined to random segments with an off-road walk of up to 500 m.

- county: 300 x 300 nodes (90,000), 2,000 villages x 2,000 candidate sites, 30 minutes;
- province: 1,000 x 1,000 nodes (1,000,000), 20,000 villages x 5,000 sites, 30 minutes.

Each case runs in its own subprocess so its peak memory (``ru_maxrss``) is its own. The
networkx reference (``single_source_dijkstra_path_length(cutoff=30)`` from each site's
segment end on the reversed graph: node to node only, less work than ``travel_pairs``) runs
on a sample of sites in the same subprocess, scaled linearly to every site.

Run: ``python -m bench.reach`` (``--quick`` for a small smoke run; ``--batches 16,64,256``
measures batch sizes; ``--workers 2`` runs travel_pairs on two threads; ``--kernel csgraph``
chooses the search kernel, see analysis.reach.kernels; ``--case county`` for one case).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.reach.cache import cache_key, load_pairs, save_pairs
from analysis.reach.kernels import DEFAULT_KERNEL, KERNELS
from analysis.reach.network.types import Attachment, RoadNetwork
from analysis.reach.service import point_reach
from analysis.reach.times import nearest_minutes, travel_pairs

SPACING_M = 200.0


@dataclass(frozen=True)
class Case:
    """One benchmark input size."""

    name: str
    side: int
    villages: int
    sites: int
    minutes: float
    nx_sample: int


CASES = {
    "county": Case("county", 300, 2_000, 2_000, 30.0, 40),
    "province": Case("province", 1_000, 20_000, 5_000, 30.0, 10),
}
QUICK = {
    "county": Case("county", 100, 400, 400, 20.0, 20),
    "province": Case("province", 200, 2_000, 500, 20.0, 10),
}


def grid_network(side: int, seed: int = 0) -> RoadNetwork:
    """The seeded jittered-grid road graph of the module docstring (``side**2`` nodes)."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    x = ii.ravel() * SPACING_M + rng.uniform(-40, 40, side * side)
    y = jj.ravel() * SPACING_M + rng.uniform(-40, 40, side * side)
    node = np.arange(side * side).reshape(side, side)
    # Horizontal segments run along row j (line class from j), vertical along column i.
    h_from, h_to = node[:-1, :].ravel(), node[1:, :].ravel()
    h_line = np.broadcast_to(np.arange(side), (side - 1, side)).ravel()
    v_from, v_to = node[:, :-1].ravel(), node[:, 1:].ravel()
    v_line = np.broadcast_to(np.arange(side)[:, None], (side, side - 1)).ravel()
    edge_from = np.concatenate([h_from, v_from])
    edge_to = np.concatenate([h_to, v_to])
    line = np.concatenate([h_line, v_line])
    kmh = np.where(line % 50 == 0, 90.0, np.where(line % 10 == 0, 60.0, 30.0))
    keep = (kmh > 30.0) | (rng.random(kmh.size) >= 0.3)
    edge_from, edge_to, kmh = edge_from[keep], edge_to[keep], kmh[keep]
    length = np.hypot(x[edge_from] - x[edge_to], y[edge_from] - y[edge_to])
    n_edges = int(edge_from.size)
    return RoadNetwork(
        node_x_m=x,
        node_y_m=y,
        edge_from=edge_from.astype(np.int64),
        edge_to=edge_to.astype(np.int64),
        edge_length_m=length,
        edge_drive_kmh=kmh,
        edge_walkable=np.ones(n_edges, bool),
        edge_oneway=np.zeros(n_edges, bool),
        edge_class=(kmh > 30).astype(np.int64) + (kmh > 60),
        edge_line=np.arange(n_edges, dtype=np.int64),
        node_component=np.zeros(side * side, np.int64),
    )


def random_places(network: RoadNetwork, n: int, seed: int) -> tuple[Attachment, np.ndarray]:
    """``n`` places joined to random segments (off-road walk up to 500 m) and their x/y."""
    rng = np.random.default_rng(seed)
    edge = rng.integers(0, network.n_edges, n)
    along = rng.random(n) * network.edge_length_m[edge]
    offroad = rng.uniform(0, 500, n)
    share = along / network.edge_length_m[edge]
    a, b = network.edge_from[edge], network.edge_to[edge]
    fx = network.node_x_m[a] + share * (network.node_x_m[b] - network.node_x_m[a])
    fy = network.node_y_m[a] + share * (network.node_y_m[b] - network.node_y_m[a])
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.column_stack([fx + offroad * np.cos(angle), fy + offroad * np.sin(angle)])
    return Attachment(edge.astype(np.int64), offroad, along, 4.0), xy


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _networkx_seconds(network: RoadNetwork, sites: Attachment, case: Case) -> tuple[float, float]:
    """Wall and CPU seconds of the networkx loop on ``case.nx_sample`` sites (not scaled)."""
    import networkx as nx

    reverse = network.graph("drive").T.tocoo()
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(
        zip(reverse.row.tolist(), reverse.col.tolist(), reverse.data.tolist(), strict=True)
    )
    start, cpu = time.perf_counter(), time.process_time()
    for node in network.edge_from[sites.edge[: case.nx_sample]].tolist():
        nx.single_source_dijkstra_path_length(graph, node, cutoff=case.minutes, weight="weight")
    return time.perf_counter() - start, time.process_time() - cpu


def _click_and_nearest(
    network: RoadNetwork,
    sites: Attachment,
    site_xy: np.ndarray,
    villages: Attachment,
    village_xy: np.ndarray,
    case: Case,
) -> dict[str, float]:
    """Seconds of one click's reach (median and max of 10 after a warm-up) and of
    nearest_minutes over every site."""
    clicks = []
    for i in range(11):
        one = Attachment(
            sites.edge[i : i + 1], sites.offroad_m[i : i + 1], sites.along_m[i : i + 1], 4.0
        )
        start = time.perf_counter()
        reach = point_reach(
            network,
            "drive",
            one,
            villages,
            case.minutes,
            point_xy_m=site_xy[i : i + 1],
            target_xy_m=village_xy,
        )
        reach.segments()
        clicks.append(time.perf_counter() - start)
    start = time.perf_counter()
    nearest_minutes(
        network,
        "drive",
        sites,
        villages,
        limit_minutes=case.minutes,
        source_xy_m=site_xy,
        target_xy_m=village_xy,
    )
    return {
        "click_median_s": float(np.median(clicks[1:])),
        "click_max_s": float(np.max(clicks[1:])),
        "nearest_s": time.perf_counter() - start,
    }


def run_case(
    case: Case,
    batch_size: int | None,
    with_networkx: bool,
    workers: int = 1,
    kernel: str = DEFAULT_KERNEL,
) -> dict[str, Any]:
    """Build the input, time travel_pairs once (after building the graphs), optionally nx."""
    t0 = time.perf_counter()
    network = grid_network(case.side)
    villages, village_xy = random_places(network, case.villages, seed=1)
    sites, site_xy = random_places(network, case.sites, seed=2)
    network.graph("drive")
    built_s = time.perf_counter() - t0
    base_mb = _peak_mb()
    load_before = os.getloadavg()[0]
    cpu0, t1 = time.process_time(), time.perf_counter()
    pairs = travel_pairs(
        network,
        "drive",
        sites,
        villages,
        case.minutes,
        source_xy_m=site_xy,
        target_xy_m=village_xy,
        batch_size=batch_size,
        workers=workers,
        kernel=kernel,
    )
    wall = time.perf_counter() - t1
    cpu = time.process_time() - cpu0
    load = (load_before, os.getloadavg()[0])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pairs.npz"
        t2 = time.perf_counter()
        save_pairs(path, pairs)
        t3 = time.perf_counter()
        t4 = time.perf_counter()
        load_pairs(path, case.sites, case.villages)
        t5 = time.perf_counter()
        cache_key(network, "drive", sites, villages, case.minutes, site_xy, village_xy)
        cache_s = (t3 - t2, t5 - t4, path.stat().st_size / 1e6, time.perf_counter() - t5)
    out: dict[str, Any] = {
        "case": case.name,
        "nodes": network.n_nodes,
        "arcs": int(network.graph("drive").nnz),
        "villages": case.villages,
        "sites": case.sites,
        "minutes": case.minutes,
        "batch": batch_size or 0,
        "workers": workers,
        "kernel": kernel,
        "pairs": len(pairs),
        "build_s": built_s,
        "wall_s": wall,
        "cpu_s": cpu,
        "load": load,
        "base_mb": base_mb,
        "peak_mb": _peak_mb(),
        "cache_save_s": cache_s[0],
        "cache_load_s": cache_s[1],
        "cache_mb": cache_s[2],
        "cache_key_s": cache_s[3],
    }
    out.update(_click_and_nearest(network, sites, site_xy, villages, village_xy, case))
    if with_networkx:
        sample, sample_cpu = _networkx_seconds(network, sites, case)
        out["nx_sample"] = case.nx_sample
        out["nx_sample_s"] = sample
        out["nx_scaled_s"] = sample * case.sites / case.nx_sample
        out["nx_scaled_cpu_s"] = sample_cpu * case.sites / case.nx_sample
    return out


def _child(args: list[str]) -> dict[str, Any]:
    """Run one case in a fresh interpreter; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.reach", "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _print(r: dict[str, Any]) -> None:
    line = (
        f"{r['case']:9s} {r['nodes']:>9,} nodes {r['arcs']:>9,} arcs  {r['villages']:>6,} x "
        f"{r['sites']:>5,} @ {r['minutes']:.0f} min, batch {r['batch'] or 'auto'}, "
        f"{r['kernel']}, {r['workers']} thread(s): "
        f"{r['wall_s']:6.2f} s wall {r['cpu_s']:6.2f} s CPU, peak {r['peak_mb']:6.0f} MB "
        f"(after building {r['base_mb']:.0f} MB), {r['pairs']:,} pairs; 1-min load "
        f"{r['load'][0]:.1f} -> {r['load'][1]:.1f}"
    )
    print(line, flush=True)
    if "click_median_s" in r:
        print(
            f"{'':9s} one click (point_reach + road pieces): median {r['click_median_s']:.3f} s, "
            f"max {r['click_max_s']:.3f} s of 10; nearest_minutes (all sites): "
            f"{r['nearest_s']:.2f} s",
            flush=True,
        )
        print(
            f"{'':9s} disk cache: save {r['cache_save_s']:.2f} s, load {r['cache_load_s']:.2f} s, "
            f"{r['cache_mb']:.0f} MB; key (hash of every input) {r.get('cache_key_s', 0):.2f} s",
            flush=True,
        )
    if "nx_scaled_s" in r:
        print(
            f"{'':9s} networkx loop: {r['nx_sample_s']:.2f} s for {r['nx_sample']} sites, "
            f"scaled linearly to {r['sites']:,} sites: {r['nx_scaled_s']:.1f} s -> "
            f"{r['nx_scaled_s'] / r['wall_s']:.1f}x slower than travel_pairs in wall time; "
            f"CPU {r['nx_scaled_cpu_s']:.1f} s -> {r['nx_scaled_cpu_s'] / r['cpu_s']:.1f}x",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--batches", default="", help="comma-separated batch sizes to compare")
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="threads for travel_pairs")
    parser.add_argument("--kernel", choices=sorted(KERNELS), default=DEFAULT_KERNEL)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    table = QUICK if args.quick else CASES
    names = args.case or ["county", "province"]
    if args.child:
        result = run_case(
            table[names[0]], args.batch or None, not args.no_networkx, args.workers, args.kernel
        )
        print(json.dumps(result))
        return
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} CPUs")
    quick = ["--quick"] if args.quick else []
    for name in names:
        nx_flag = ["--no-networkx"] if args.no_networkx else []
        threads = ["--workers", str(args.workers), "--kernel", args.kernel]
        _print(_child([*quick, "--case", name, *nx_flag, *threads]))
        for batch in [int(b) for b in args.batches.split(",") if b]:
            _print(
                _child([*quick, "--case", name, "--no-networkx", "--batch", str(batch), *threads])
            )
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
