"""Benchmark: the contraction-hierarchies kernel (analysis.reach.hierarchy) on bench.reach's cases.

For the county and province cases of :mod:`bench.reach` (same seeded grid and places), on the
same reduced transposed graph ``travel_pairs`` builds (``analysis.reach.times._reduced``),
each site a source seeded at its segment's ends with its arrival legs: the hierarchy's build
time and size, the query time for every site on 1 and 2 threads (wall and CPU), peak RSS,
and equality with csgraph's Dijkstra on a sample of sites. ``--cached`` also builds the
hierarchy once per road network (the full transposed graph, independent of the places) and
times the queries on it. Each case runs in its own subprocess (its own ``ru_maxrss``).

Run: ``python -m bench.reach_hierarchy`` (``--quick``, ``--case county``, ``--cached``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from analysis.reach.hierarchy import (
    build_hierarchy,
    downward_targets,
    hierarchy_minutes,
)
from analysis.reach.legs import (
    Legs,
    dijkstra_rows,
    place_legs,
    reversed_graph,
    source_seeds,
    target_columns,
    with_virtual_sources,
)
from analysis.reach.times import _reduced
from bench.reach import CASES, QUICK, Case, grid_network, random_places

#: Sources per hierarchy_minutes call (bounds the dense output: sources x columns).
BATCH = 512
SAMPLE = 48


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(func: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = func()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _query_all(h: Any, seeds: tuple[Any, ...], limits: np.ndarray, columns: np.ndarray,
               workers: int) -> int:  # fmt: skip
    """Run every source in batches of :data:`BATCH`; the number of (source, node) in reach."""
    ptr, nodes, minutes = seeds
    down = downward_targets(h, columns)
    found = 0
    for a in range(0, limits.size, BATCH):
        b = min(a + BATCH, limits.size)
        sub = ptr[a : b + 1] - ptr[a]
        out = hierarchy_minutes(h, sub, nodes[ptr[a] : ptr[b]], minutes[ptr[a] : ptr[b]],
                                limits[a:b], columns, workers=workers, targets=down)  # fmt: skip
        found += int(np.isfinite(out).sum())
    return found


def _check(h: Any, graph: Any, legs: Legs, limits: np.ndarray, columns: np.ndarray) -> float:
    """Largest relative difference to csgraph on :data:`SAMPLE` sites (inf pattern must agree)."""
    rows = np.arange(min(SAMPLE, limits.size))
    ref = dijkstra_rows(with_virtual_sources(graph, legs), graph.shape[0] + rows, limits[rows])
    ref = ref[:, columns]
    ref[~(ref <= limits[rows][:, None])] = np.inf
    ptr, nodes, minutes = source_seeds(legs)
    got = hierarchy_minutes(h, ptr[: rows.size + 1], nodes, minutes, limits[rows], columns)
    if not np.array_equal(np.isinf(ref), np.isinf(got)):
        raise AssertionError("hierarchy and csgraph disagree on what is in reach")
    both = np.isfinite(ref)
    return float(np.max(np.abs(ref[both] - got[both]) / np.maximum(ref[both], 1e-300)))


def run_case(case: Case, cached: bool) -> dict[str, Any]:
    """Build the input, then the hierarchy, then time the queries."""
    network = grid_network(case.side)
    villages, _ = random_places(network, case.villages, seed=1)
    sites, _ = random_places(network, case.sites, seed=2)
    src = place_legs(network, "drive", sites)
    tgt = place_legs(network, "drive", villages)
    full_graph = reversed_graph(network, "drive")
    limits = np.full(case.sites, case.minutes)
    out: dict[str, Any] = {"case": case.name, "nodes": network.n_nodes, "base_mb": _peak_mb()}
    (small, s_legs, t_legs), out["reduce_s"], _ = _timed(
        lambda: _reduced(network, "drive", src, tgt)
    )
    out["reduced_nodes"], out["reduced_arcs"] = small.shape[0], small.nnz
    columns = target_columns(t_legs)[1]
    out["columns"] = int(columns.size)
    h, out["build_s"], out["build_cpu_s"] = _timed(lambda: build_hierarchy(small))
    out["hierarchy_mb"] = h.nbytes / 1e6
    out["up_arcs"], out["down_arcs"] = int(h.up_head.size), int(h.down_tail.size)
    down, out["select_s"], _ = _timed(lambda: downward_targets(h, columns))
    out["restricted_nodes"], out["restricted_arcs"] = int(down.nodes.size), int(down.tail.size)
    seeds = source_seeds(s_legs)
    for workers in (1, 2):
        found, wall, cpu = _timed(lambda w=workers: _query_all(h, seeds, limits, columns, w))
        out[f"query{workers}_s"], out[f"query{workers}_cpu_s"] = wall, cpu
        out["in_reach"] = found
    out["max_rel_diff"] = _check(h, small, s_legs, limits, columns)
    rows = np.arange(min(SAMPLE, limits.size))
    virtual = with_virtual_sources(small, s_legs)
    _, wall, cpu = _timed(lambda: dijkstra_rows(virtual, small.shape[0] + rows, limits[rows]))
    out["csgraph_sample_s"], out["csgraph_sample_cpu_s"] = wall, cpu
    out["csgraph_sample"] = int(rows.size)
    if cached:
        full, out["full_build_s"], out["full_build_cpu_s"] = _timed(
            lambda: build_hierarchy(full_graph)
        )
        out["full_hierarchy_mb"] = full.nbytes / 1e6
        f_columns = target_columns(tgt)[1]
        f_seeds = source_seeds(src)
        for workers in (1, 2):
            _, wall, cpu = _timed(lambda w=workers: _query_all(full, f_seeds, limits, f_columns, w))
            out[f"full_query{workers}_s"], out[f"full_query{workers}_cpu_s"] = wall, cpu
        out["full_max_rel_diff"] = _check(full, full_graph, src, limits, f_columns)
    out["peak_mb"] = _peak_mb()
    return out


def _child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.reach_hierarchy", "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--cached", action="store_true", help="also one hierarchy per network")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    table = QUICK if args.quick else CASES
    names = args.case or ["county", "province"]
    if args.child:
        print(json.dumps(run_case(table[names[0]], args.cached)))
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    for name in names:
        flags = (["--quick"] if args.quick else []) + (["--cached"] if args.cached else [])
        result = _child([*flags, "--case", name])
        print(json.dumps(result, indent=1), flush=True)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
