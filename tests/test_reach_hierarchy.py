"""Contraction hierarchies (analysis.reach.hierarchy) against csgraph's Dijkstra.

Every case compares the many-to-many kernel with ``scipy.sparse.csgraph.dijkstra`` from
virtual source nodes (the way analysis.reach.times runs it): equal up to float rounding
(shortcuts add the same arcs in another order) and the same cells out of reach.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from analysis.reach.hierarchy import (
    build_hierarchy,
    downward_targets,
    hierarchy_minutes,
)
from analysis.reach.legs import (
    dijkstra_rows,
    place_legs,
    source_seeds,
    target_columns,
    with_virtual_sources,
)
from analysis.reach.times import _reduced
from bench.reach import grid_network, random_places


def _random_arcs(rng: np.random.Generator, side: int, dyadic: bool) -> np.ndarray:
    """A grid with one-way and removed arcs, zero weights, parallel arcs, a few long links,
    and a second grid no arc joins to the first (rows: tail, head, minutes)."""
    node = np.arange(side * side).reshape(side, side)
    pairs = np.concatenate(
        [np.column_stack([node[:-1].ravel(), node[1:].ravel()]),
         np.column_stack([node[:, :-1].ravel(), node[:, 1:].ravel()])]
    )  # fmt: skip
    both = np.concatenate([pairs, pairs[:, ::-1]])
    both = both[rng.random(both.shape[0]) >= 0.25]  # removed arcs and one-way streets
    links = rng.integers(0, side * side, (side, 2))
    arcs = np.concatenate([both, links, both[: side * 2]])  # the tail repeats: parallel arcs
    arcs = np.concatenate([arcs, arcs[: side * 3] + side * side])  # an unconnected piece
    minutes = (
        rng.integers(0, 16, arcs.shape[0]) / 4.0 if dyadic else rng.uniform(0, 3, arcs.shape[0])
    )
    minutes[rng.random(arcs.shape[0]) < 0.1] = 0.0
    return np.column_stack([arcs, minutes])


def _csr(arcs: np.ndarray, n: int, *, quickest: bool) -> sp.csr_matrix:
    """CSR of the arcs, explicit zeros kept; ``quickest``: one arc per pair, the minimum."""
    tail, head, minutes = arcs[:, 0].astype(np.int64), arcs[:, 1].astype(np.int64), arcs[:, 2]
    if quickest:
        best: dict[tuple[int, int], float] = {}
        for t, h, m in zip(tail.tolist(), head.tolist(), minutes.tolist(), strict=True):
            if t != h:
                best[(t, h)] = min(m, best.get((t, h), np.inf))
        keys = sorted(best)
        tail = np.array([k[0] for k in keys], np.int64)
        head = np.array([k[1] for k in keys], np.int64)
        minutes = np.array([best[k] for k in keys])
    order = np.lexsort((head, tail))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))])
    return sp.csr_matrix((minutes[order], head[order], indptr), shape=(n, n))


def _reference(graph, seed_ptr, seed_node, seed_minutes, limits, columns) -> np.ndarray:  # type: ignore[no-untyped-def]
    """csgraph's answer: one virtual node per source, arcs to its seeds (no arc into it)."""
    n, k = graph.shape[0], seed_ptr.size - 1
    coo = graph.tocoo()
    rows = np.concatenate([coo.row, n + np.repeat(np.arange(k), np.diff(seed_ptr))])
    cols = np.concatenate([coo.col, seed_node])
    data = np.concatenate([coo.data, seed_minutes])
    order = np.lexsort((cols, rows))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n + k))])
    big = sp.csr_matrix((data[order], cols[order], indptr), shape=(n + k, n + k))
    top = float(np.nextafter(limits.max(), np.inf))
    dist = np.atleast_2d(dijkstra(big, directed=True, indices=n + np.arange(k), limit=top))
    dist = dist[:, columns]
    dist[~(dist <= limits[:, None])] = np.inf
    return dist


def _seeds(rng: np.random.Generator, n: int, k: int) -> tuple[np.ndarray, ...]:
    """One or two distinct seed nodes per source, with offsets (some zero)."""
    counts = rng.integers(1, 3, k)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    nodes = np.concatenate([rng.choice(n, c, replace=False) for c in counts]).astype(np.int64)
    minutes = rng.uniform(0, 2, nodes.size)
    minutes[rng.random(nodes.size) < 0.2] = 0.0
    return ptr, nodes, minutes


def _assert_same(got: np.ndarray, ref: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got[np.isfinite(ref)], ref[np.isfinite(ref)], rtol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_random_directed_graphs_match_dijkstra(seed: int) -> None:
    rng = np.random.default_rng(seed)
    side = 12
    arcs = _random_arcs(rng, side, dyadic=False)
    n = 2 * side * side
    h = build_hierarchy(_csr(arcs, n, quickest=False), settle_limit=int(rng.integers(1, 40)))
    ptr, nodes, minutes = _seeds(rng, n, 40)
    limits = rng.uniform(0, 25, 40)
    limits[:3] = [0.0, np.inf, 1e9]
    columns = np.unique(rng.integers(0, n, 120))
    ref = _reference(_csr(arcs, n, quickest=True), ptr, nodes, minutes, limits, columns)
    for workers in (1, 2):
        got = hierarchy_minutes(h, ptr, nodes, minutes, limits, columns, workers=workers)
        _assert_same(got, ref)
    assert np.isfinite(ref).any() and np.isinf(ref).any()


def test_a_trip_of_exactly_the_limit_is_kept() -> None:
    # Quarter minutes add up exactly in any order: ties at the limit are true ties.
    rng = np.random.default_rng(7)
    arcs = _random_arcs(rng, 10, dyadic=True)
    n = 200
    graph = _csr(arcs, n, quickest=True)
    ptr, nodes, _ = _seeds(rng, n, 30)
    minutes = rng.integers(0, 8, nodes.size) / 4.0
    columns = np.arange(n)
    free = _reference(graph, ptr, nodes, minutes, np.full(30, np.inf), columns)
    finite = [np.flatnonzero(np.isfinite(row) & (row > 0)) for row in free]
    limits = np.array([free[s, f[len(f) // 2]] if f.size else 1.0 for s, f in enumerate(finite)])
    got = hierarchy_minutes(build_hierarchy(graph), ptr, nodes, minutes, limits, columns)
    ref = _reference(graph, ptr, nodes, minutes, limits, columns)
    np.testing.assert_array_equal(got, ref)
    has = np.array([f.size > 0 for f in finite])
    at_limit = (got == limits[:, None]).sum(axis=1)
    assert has.sum() > 20 and (at_limit[has] >= 1).all()  # each keeps a trip of its limit


def test_county_like_grid_matches_the_reduced_graph_dijkstra() -> None:
    network = grid_network(40)
    villages, _ = random_places(network, 150, seed=1)
    sites, _ = random_places(network, 60, seed=2)
    small, src, tgt = _reduced(
        network,
        "drive",
        place_legs(network, "drive", sites),
        place_legs(network, "drive", villages),
    )
    columns = target_columns(tgt)[1]
    limits = np.random.default_rng(3).uniform(3, 12, sites.size)
    ref = dijkstra_rows(
        with_virtual_sources(small, src), small.shape[0] + np.arange(sites.size), limits
    )
    ref = ref[:, columns]
    ref[~(ref <= limits[:, None])] = np.inf
    h = build_hierarchy(small)
    ptr, nodes, minutes = source_seeds(src)
    down = downward_targets(h, columns)
    got = hierarchy_minutes(h, ptr, nodes, minutes, limits, columns, targets=down)
    _assert_same(got, ref)
    assert 0.05 < np.isfinite(ref).mean() < 0.95


def test_edge_cases_no_sources_no_columns_repeated_columns() -> None:
    rng = np.random.default_rng(11)
    arcs = _random_arcs(rng, 6, dyadic=False)
    graph = _csr(arcs, 72, quickest=False)
    h = build_hierarchy(graph)
    empty = np.zeros(0, np.int64)
    assert hierarchy_minutes(
        h, np.zeros(1, np.int64), empty, np.zeros(0), np.zeros(0), [1, 2]
    ).shape == (0, 2)
    ptr, nodes, minutes = _seeds(rng, 72, 5)
    limits = np.full(5, 4.0)
    assert hierarchy_minutes(h, ptr, nodes, minutes, limits, empty).shape == (5, 0)
    columns = np.array([3, 3, 70, 0])
    ref = _reference(_csr(arcs, 72, quickest=True), ptr, nodes, minutes, limits, columns)
    _assert_same(hierarchy_minutes(h, ptr, nodes, minutes, limits, columns), ref)
    # a source without seeds reaches nothing
    bare = hierarchy_minutes(h, np.array([0, 0]), empty, np.zeros(0), np.array([5.0]), columns)
    assert np.isinf(bare).all()
