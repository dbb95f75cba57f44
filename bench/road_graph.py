"""Benchmark of the road graph build and of joining places to it (issue #13, deliverable 2).

Usage::

    python bench/road_graph.py [--only county|province] [--places N] [--seed S]

Synthetic road files like a loess county's, on a jittered grid (200 m spacing, +-40 m):
rows and columns of lines cut into runs of 4-12 vertices, 30 % of the village runs removed;
every 5th row/column a county road, every 20th a national road; every odd column digitised
on its own vertices half a step off the rows (so it crosses them mid-segment: noding work);
5 % of the run starts moved 0.3-1.5 m (snapping work); diagonal expressways across the
whole area that join nothing but their own ramps. County: ~90k nodes; province: ~1M.

Prints the input size, the build time (wall and CPU: on a loaded machine the CPU seconds
are the steadier figure) and what the build found, then the time to join ``--places``
random places to the nearest walkable edge with :func:`analysis.reach.network.attach.attach`
(a KD-tree over points every 100 m along the edges, exact) and, for comparison, with
shapely's STRtree ``query_nearest`` (``--no-strtree`` skips it), and the share of places
given the same distance by both. The 1-minute load average before and after.

Measured 2026-12-07 on this 2-core VM, load 8-12 (other sessions running), 600,000 places:

* county, 93k nodes / 126k edges: build 1.3-1.5 s wall (0.37 s CPU); attach 8-11 s wall
  (1.9-2.1 s CPU), STRtree 35-40 s wall (9.5 s CPU), same distances for 100 %;
* province, 1.03M nodes / 1.40M edges: build 11-22 s wall (4.7-5.2 s CPU); attach 4-7 s
  wall (1.7-2.7 s CPU, the lower with the index already built), STRtree 43-60 s wall
  (13-14 s CPU), same distances for 100 %; peak memory of the whole run 1.15-1.2 GB.

Since dead ends snap in rounds (2026-12-07 20:00, load 11-17, before/after interleaved): the
same networks (every node and edge identical, also at an 8 m tolerance); county build
0.35 s CPU cold (0.32-0.33 before), 7 builds in a row median 0.30-0.32 s (0.29-0.31 before,
about +4 %: the exact nodes found before snapping); province 4.0-4.8 s CPU (3.9-4.5 before).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import shapely
from numpy.typing import NDArray

from analysis.reach.network.attach import attach
from analysis.reach.network.build import build_network
from analysis.reach.network.types import RoadNetwork
from geodata.schema import ROAD_CLASSES

SPACING_M = 200.0
SIZES = {"county": 245, "province": 816}
KMH = {"expressway": 100.0, "national": 70.0, "county": 45.0, "village": 25.0}


def synthetic_roads(n: int, seed: int = 0) -> tuple[NDArray[np.object_], ...]:
    """Lines, class index, speed, one-way flag and level of an ``n x n`` grid road file."""
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-40, 40, size=(2, n, n))
    gx, gy = np.meshgrid(np.arange(n) * SPACING_M, np.arange(n) * SPACING_M, indexing="xy")
    px, py = gx + jitter[0], gy + jitter[1]  # px[row, col]
    qx, qy = px + rng.uniform(-30, 30, (n, n)), py + SPACING_M / 2  # odd columns' own
    coords: list[NDArray[np.float64]] = []
    classes: list[str] = []
    for row in range(n):
        _runs(rng, np.column_stack([px[row], py[row]]), _grade(row), coords, classes)
    for col in range(n):
        if col % 2:
            xy = np.column_stack([qx[:, col], qy[:, col]])
        else:
            xy = np.column_stack([px[:, col], py[:, col]])
        _runs(rng, xy, _grade(col), coords, classes)
    side = (n - 1) * SPACING_M
    for k in range(max(1, n // 120)):
        start, stop = np.array([0.0, side * k / (n // 120 + 1)]), np.array([side, side])
        steps = int(np.hypot(*(stop - start)) // 500) + 2
        xy = start + np.linspace(0, 1, steps)[:, None] * (stop - start)
        coords.append(xy)
        classes.append("expressway")
        for v in xy[5:-5:10]:  # ramps: from an expressway vertex to the nearest grid node
            r, c = round(v[1] / SPACING_M), round(v[0] / SPACING_M) // 2 * 2
            coords.append(np.array([v, [px[r, c], py[r, c]]]))
            classes.append("county")
    lines = shapely.linestrings(
        np.concatenate(coords), indices=np.repeat(np.arange(len(coords)), [len(c) for c in coords])
    )
    cls = np.array([ROAD_CLASSES.index(c) for c in classes])
    kmh = np.array([KMH[c] for c in classes])
    n_lines = len(coords)
    return lines, cls, kmh, np.zeros(n_lines, np.int8), np.zeros(n_lines, np.int64)


def _grade(i: int) -> str:
    return "national" if i % 20 == 0 else "county" if i % 5 == 0 else "village"


def _runs(
    rng: np.random.Generator,
    xy: NDArray[np.float64],
    grade: str,
    coords: list[NDArray[np.float64]],
    classes: list[str],
) -> None:
    start = 0
    while start < len(xy) - 1:
        stop = min(len(xy) - 1, start + int(rng.integers(4, 13)))
        if grade != "village" or rng.random() > 0.3:
            run = xy[start : stop + 1].copy()
            if rng.random() < 0.05:
                angle = rng.uniform(0, 2 * np.pi)
                run[0] += rng.uniform(0.3, 1.5) * np.array([np.cos(angle), np.sin(angle)])
            coords.append(run)
            classes.append(grade)
        start = stop


def attach_strtree(
    net: RoadNetwork,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    max_offroad_m: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The alternative measured against :func:`attach`: shapely's STRtree over the walkable
    segments, ``query_nearest`` with ``max_distance``. Edge and distance per place."""
    edges = np.flatnonzero(net.edge_walkable)
    a, b = net.edge_from[edges], net.edge_to[edges]
    coords = np.column_stack([net.node_x_m[a], net.node_y_m[a], net.node_x_m[b], net.node_y_m[b]])
    geoms = shapely.linestrings(coords.reshape(-1, 2), indices=np.repeat(np.arange(edges.size), 2))
    tree = shapely.STRtree(geoms)
    points = shapely.points(x, y)
    (place, near), dist = tree.query_nearest(
        points, max_distance=max_offroad_m, return_distance=True, all_matches=False
    )
    edge = np.full(x.size, -1, np.int64)
    out = np.full(x.size, np.nan)
    edge[place], out[place] = edges[near], dist
    return edge, out


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.2f}"


def run(name: str, n: int, n_places: int, seed: int, strtree: bool) -> None:
    """Build and attach one instance; print the figures."""
    lines, cls, kmh, oneway, level = synthetic_roads(n, seed)
    t0, c0 = time.perf_counter(), time.process_time()
    built = build_network(lines, cls, kmh, oneway, level, snap_tolerance_m=2.0)
    t_build, c_build = time.perf_counter() - t0, time.process_time() - c0
    net = built.network
    print(
        f"{name}: {len(lines):,} lines -> {net.n_nodes:,} nodes, {net.n_edges:,} edges; "
        f"build {t_build:.2f} s (CPU {c_build:.2f} s); crossings {built.crossings:,}, T junctions "
        f"{built.t_junctions:,}, ends snapped {built.snapped_to_points:,}, "
        f"pieces {built.n_pieces:,}"
    )
    rng = np.random.default_rng(seed + 1)
    side = (n - 1) * SPACING_M
    x, y = rng.uniform(0, side, n_places), rng.uniform(0, side, n_places)
    t0, c0 = time.perf_counter(), time.process_time()
    joined = attach(net, x, y, max_offroad_m=1000.0, offroad_kmh=4.0)
    t_kd, c_kd = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    joined = attach(net, x, y, max_offroad_m=1000.0, offroad_kmh=4.0)
    t_kd_again, c_kd_again = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"  attach {n_places:,} places (KD-tree over points every 100 m, exact): "
        f"{t_kd:.2f} s (CPU {c_kd:.2f} s) with the index, {t_kd_again:.2f} s "
        f"(CPU {c_kd_again:.2f} s) again; "
        f"off the network {np.count_nonzero(~joined.on_network):,}"
    )
    if strtree:
        t0, c0 = time.perf_counter(), time.process_time()
        _, dist = attach_strtree(net, x, y, max_offroad_m=1000.0)
        t_str, c_str = time.perf_counter() - t0, time.process_time() - c0
        same = np.isclose(joined.offroad_m, dist, atol=1e-6, equal_nan=True).mean()
        print(
            f"  shapely STRtree query_nearest: {t_str:.2f} s (CPU {c_str:.2f} s; "
            f"same distance for {same:.2%})"
        )


def main() -> None:
    """Parse the arguments and run the instances."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SIZES))
    parser.add_argument("--places", type=int, default=600_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-strtree", action="store_true", help="skip the STRtree comparison")
    args = parser.parse_args()
    print(f"load before {load()}")
    for name, n in SIZES.items():
        if args.only in (None, name):
            run(name, n, args.places, args.seed, not args.no_strtree)
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
