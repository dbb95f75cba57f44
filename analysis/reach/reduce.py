"""A smaller graph with the same travel times between the nodes that matter.

Road graphs are mostly line vertices and dead ends: a node with two neighbours only passes
traffic through, and a tree hanging off the network leads nowhere. Both are removed,
exactly: dead ends (repeatedly, nodes with at most one neighbour) unless a place is joined
there, then every chain of pass-through nodes becomes one arc per direction whose time is the
chain's sum. Nodes a place is joined to are always kept. Dijkstra then settles fewer nodes
(about a third fewer on a jittered grid, more on real road lines full of vertices).
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp

from analysis.coverage.engine.kernels import _compiled
from analysis.reach.network.types import BoolArray, FloatArray, IntArray

_I64 = numba.int64[::1]
_F64 = numba.float64[::1]
_B1 = numba.boolean[::1]


@_compiled(numba.float64(_I64, _I64, _F64, numba.int64, numba.int64))
def _arc(indptr: IntArray, indices: IntArray, data: FloatArray, a: int, b: int) -> float:
    """Time of the arc ``a -> b`` (``inf`` when there is none)."""
    best = np.inf
    for k in range(indptr[a], indptr[a + 1]):
        if indices[k] == b and data[k] < best:
            best = data[k]
    return best


@_compiled(numba.types.Tuple((_B1, _I64, _I64, _F64))(_I64, _I64, _F64, _I64, _I64, _B1))
def _reduce_kernel(  # pragma: no cover - compiled; tested through reduce_graph
    indptr: IntArray,
    indices: IntArray,
    data: FloatArray,
    near_ptr: IntArray,
    near: IntArray,
    needed: BoolArray,
) -> tuple[BoolArray, IntArray, IntArray, FloatArray]:
    """Kept nodes and the arcs between them (``near``: each node's distinct neighbours)."""
    n = indptr.size - 1
    degree = near_ptr[1:] - near_ptr[:-1]
    alive = np.ones(n, np.bool_)
    stack = np.empty(n, np.int64)
    top = 0
    for v in range(n):
        if not needed[v] and degree[v] <= 1:
            stack[top] = v
            top += 1
    while top > 0:  # prune dead ends, then what became a dead end by that
        top -= 1
        v = stack[top]
        if not alive[v]:
            continue
        alive[v] = False
        for k in range(near_ptr[v], near_ptr[v + 1]):
            w = near[k]
            if alive[w]:
                degree[w] -= 1
                if not needed[w] and degree[w] <= 1:
                    stack[top] = w
                    top += 1
    kept = alive & (needed | (degree != 2))
    rows = np.empty(near.size, np.int64)
    cols = np.empty(near.size, np.int64)
    vals = np.empty(near.size, np.float64)
    m = 0
    for start in range(n):
        if not kept[start]:
            continue
        for k in range(near_ptr[start], near_ptr[start + 1]):
            if not alive[near[k]]:
                continue
            # Walk the chain of pass-through nodes from start to the next kept node.
            prev, cur = start, near[k]
            minutes = _arc(indptr, indices, data, start, cur)
            steps = 0
            while not kept[cur] and steps < n:
                nxt = -1
                for j in range(near_ptr[cur], near_ptr[cur + 1]):
                    if alive[near[j]] and near[j] != prev:
                        nxt = near[j]
                        break
                if nxt < 0:
                    break
                minutes += _arc(indptr, indices, data, cur, nxt)
                prev, cur = cur, nxt
                steps += 1
            if kept[cur] and cur != start and minutes < np.inf:
                rows[m], cols[m], vals[m] = start, cur, minutes
                m += 1
    return kept, rows[:m], cols[:m], vals[:m]


def reduce_graph(graph: sp.csr_matrix, needed: BoolArray) -> tuple[sp.csr_matrix, IntArray]:
    """The reduced graph and each original node's index in it (-1 when removed).

    Parameters
    ----------
    graph
        Directed ``(n, n)`` CSR matrix of minutes.
    needed
        Nodes that must stay (where places are joined).
    """
    n = graph.shape[0]
    pattern = sp.csr_matrix((np.ones(graph.nnz), graph.indices, graph.indptr), shape=graph.shape)
    near = (pattern + pattern.T).tocsr()
    near.setdiag(0)  # a loop back to the same node never shortens a trip
    near.eliminate_zeros()
    near.sort_indices()
    kept, rows, cols, vals = _reduce_kernel(
        graph.indptr.astype(np.int64),
        graph.indices.astype(np.int64),
        np.ascontiguousarray(graph.data, dtype=np.float64),
        near.indptr.astype(np.int64),
        near.indices.astype(np.int64),
        np.ascontiguousarray(needed, dtype=np.bool_),
    )
    index = np.full(n, -1, np.int64)
    index[kept] = np.arange(int(kept.sum()))
    size = int(kept.sum())
    key = index[rows] * size + index[cols]
    # Two chains between the same two nodes: keep the quicker.
    order = np.lexsort((vals, key))
    first = np.ones(order.size, bool)
    first[1:] = key[order][1:] != key[order][:-1]
    keep = order[first]
    small = sp.csr_matrix((vals[keep], (index[rows[keep]], index[cols[keep]])), shape=(size, size))
    small.sort_indices()
    return small, index
