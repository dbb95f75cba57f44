"""Search kernels (analysis.reach.kernels): the numba Dijkstra (bucket queue and 4-ary heap)
against scipy's csgraph bit for bit on seeded random graphs (travel_pairs with every kernel:
tests/test_reach_times.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.reach.dijkstra import MAX_BUCKETS, _bucket_rows, bucket_width
from analysis.reach.kernels import KERNELS, csgraph_minutes

Seeds = tuple[np.ndarray, np.ndarray, np.ndarray]


def random_graph(rng: np.random.Generator, n: int, m: int) -> sp.csr_matrix:
    """Directed (one-way) arcs within two disconnected halves, with zero and tiny weights,
    whole-minute weights (so that trips of exactly a limit occur) and parallel arcs (left as
    duplicate entries, not summed)."""
    half = n // 2
    lo = np.where(rng.random(m) < 0.5, 0, half)
    hi = np.where(lo == 0, half, n)
    a, b = rng.integers(lo, hi), rng.integers(lo, hi)
    kind = rng.random(m)
    weight = np.where(
        kind < 0.1,
        0.0,
        np.where(kind < 0.15, 1e-9, np.where(kind < 0.6, rng.integers(1, 4, m), rng.random(m) * 3)),
    )
    parallel = rng.integers(0, m, m // 10)  # the same arc again, slower or faster
    a = np.concatenate([a, a[parallel]])
    b = np.concatenate([b, b[parallel]])
    weight = np.concatenate([weight, weight[parallel] * rng.uniform(0.5, 2.0, parallel.size)])
    order = np.argsort(a, kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return sp.csr_matrix((weight[order], b[order].astype(np.int32), indptr), shape=(n, n))


def random_seeds(rng: np.random.Generator, n: int, k: int) -> Seeds:
    """0, 1 or 2 seeds per source (sometimes both on one node), offsets from 0 to 2 minutes."""
    counts = rng.choice([0, 1, 2, 2], k)
    ptr = np.zeros(k + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    node = rng.integers(0, n, int(ptr[-1]))
    same = rng.random(node.size) < 0.1
    node[1:][same[1:]] = node[:-1][same[1:]]
    minutes = np.where(
        rng.random(node.size) < 0.3, rng.integers(0, 3, node.size), rng.random(node.size) * 2
    )
    return ptr, node.astype(np.int64), minutes.astype(np.float64)


def kernel_names() -> list[str]:
    return sorted(KERNELS)


@pytest.mark.parametrize("seed", range(12))
def test_numba_kernels_equal_csgraph_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 120))
    graph = random_graph(rng, n, int(rng.integers(0, 5 * n)))
    ptr, node, minutes = random_seeds(rng, n, 15)
    # Whole minutes (reached exactly through whole-minute arcs), fractions, 0 and no limit.
    limits = rng.choice([0.0, 2.0, 3.0, 5.0, 7.5, np.inf], 15) + np.where(
        rng.random(15) < 0.3, rng.random(15), 0.0
    )
    columns = np.unique(rng.integers(0, n, max(1, n // 2)))
    expected = csgraph_minutes(graph, ptr, node, minutes, limits, columns)
    assert expected.shape == (15, columns.size)
    for name in kernel_names():
        got = KERNELS[name](graph, ptr, node, minutes, limits, columns)
        np.testing.assert_array_equal(got, expected, err_msg=name)
    assert np.isfinite(expected).any() or not node.size


def test_a_trip_of_exactly_the_limit_is_kept_and_one_just_over_is_not() -> None:
    # 0 -> 1 -> 2 -> 3 in 0.1 + 0.2 + 0.3 minutes (inexact in binary), seed 0.4 at node 0.
    graph = sp.csr_matrix(
        (np.array([0.1, 0.2, 0.3]), np.array([1, 2, 3]), np.array([0, 1, 2, 3, 3])), shape=(4, 4)
    )
    ptr, node, minutes = np.array([0, 1, 2]), np.array([0, 0]), np.array([0.4, 0.4])
    exact = ((0.4 + 0.1) + 0.2) + 0.3  # the sum in the order the search adds
    limits = np.array([exact, np.nextafter(exact, 0.0)])
    columns = np.arange(4)
    for name in kernel_names():
        got = KERNELS[name](graph, ptr, node, minutes, limits, columns)
        assert got[0, 3] == exact, name
        assert got[1, 3] == np.inf and got[1, 2] == (0.4 + 0.1) + 0.2, name


@pytest.mark.parametrize("seed", range(6))
def test_bucket_queue_is_exact_when_every_arc_is_lighter_than_a_bucket(seed: int) -> None:
    # A coarse width puts many arcs inside one bucket: their nodes are scanned again when they
    # improve (label correcting), and the times still equal csgraph's.
    rng = np.random.default_rng(100 + seed)
    n = 80
    graph = random_graph(rng, n, 400)
    ptr, node, minutes = random_seeds(rng, n, 10)
    limits = np.full(10, 6.0)
    columns = np.arange(n)
    expected = csgraph_minutes(graph, ptr, node, minutes, limits, columns)
    for width in (0.7, 2.5, 100.0):
        got = np.full((10, n), np.inf)
        _bucket_rows(
            graph.indptr.astype(np.int32),
            graph.indices.astype(np.int32),
            graph.data.astype(np.float64),
            ptr,
            node,
            minutes,
            limits,
            np.arange(n, dtype=np.int32),
            np.arange(10, dtype=np.int64),
            got,
            width,
        )
        np.testing.assert_array_equal(got, expected)


def test_bucket_width_is_the_lightest_arc_within_the_bucket_cap() -> None:
    assert bucket_width(np.array([0.5, 0.25, np.inf]), 30.0) == 0.25
    assert bucket_width(np.array([0.0, 1.0]), 30.0) == 30.0 / MAX_BUCKETS
    assert bucket_width(np.zeros(0), 0.0) == 1.0
