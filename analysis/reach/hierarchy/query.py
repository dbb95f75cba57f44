"""Many-to-many travel minutes on contraction hierarchies (RPHAST, Delling et al. 2011).

Once per set of target columns, :func:`downward_targets` selects the part of the downward
graph a sweep needs: every node from which a downward path reaches a target, ordered from
the highest rank down, renumbered so each arc points from a smaller local index. Per source,
an upward Dijkstra from its seeds (pruned at its limit) writes its minutes into that
restricted set, and one linear sweep pulls along the downward arcs: after it, every target
holds the exact shortest minutes. Sources are processed ``LANES`` at a time (the sweep's
inner loop runs over the lanes of one node, contiguous in memory), in chunks spread over a
thread pool; the kernel releases the GIL.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import ArrayLike

from analysis.coverage.engine.kernels import _compiled
from analysis.reach.hierarchy.build import Hierarchy
from analysis.reach.hierarchy.heap import heap_pop, heap_set
from analysis.reach.network.types import FloatArray, IntArray

_I64 = numba.int64[::1]
_F64 = numba.float64[::1]
_RO = numba.types.Array(numba.float64, 1, "C", readonly=True)
_RO_INT = numba.types.Array(numba.int64, 1, "C", readonly=True)

#: Sources swept together (the sweep's inner loop, and its memory: restricted nodes x lanes).
LANES = 8
#: Chunks per worker thread (smaller chunks balance better; each allocates node-sized scratch).
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True, eq=False)
class Downward:
    """The downward graph restricted to what reaches ``columns``, in sweep order.

    ``nodes[i]``: the graph node of local index ``i`` (highest rank first); ``local``: each
    graph node's local index or -1; ``ptr/tail/minutes``: CSR by local head of the arcs from
    local tails (always smaller indices); ``column_at``: each column's local index.
    """

    nodes: IntArray
    local: IntArray
    ptr: IntArray
    tail: IntArray
    minutes: FloatArray
    column_at: IntArray


@_compiled(numba.int64[::1](_RO_INT, _RO_INT, numba.int64, _RO_INT))
def _reaching(  # pragma: no cover - compiled; tested through downward_targets
    down_ptr: IntArray, down_tail: IntArray, n: int, columns: IntArray
) -> IntArray:
    """Every node from which a downward path reaches one of ``columns`` (itself included)."""
    seen = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    found = np.empty(n, np.int64)
    top, m = 0, 0
    for c in columns:
        if not seen[c]:
            seen[c] = True
            stack[top] = c
            top += 1
    while top > 0:
        top -= 1
        v = stack[top]
        found[m] = v
        m += 1
        for k in range(down_ptr[v], down_ptr[v + 1]):
            u = down_tail[k]
            if not seen[u]:
                seen[u] = True
                stack[top] = u
                top += 1
    return found[:m]


def downward_targets(h: Hierarchy, columns: ArrayLike) -> Downward:
    """The restricted downward graph of :class:`Downward` for the target nodes ``columns``."""
    cols = np.ascontiguousarray(columns, dtype=np.int64)
    found = _reaching(h.down_ptr, h.down_tail, h.n_nodes, cols)
    nodes = found[np.argsort(-h.rank[found], kind="stable")]
    local = np.full(h.n_nodes, -1, np.int64)
    local[nodes] = np.arange(nodes.size)
    counts = h.down_ptr[nodes + 1] - h.down_ptr[nodes]
    ptr = np.zeros(nodes.size + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    arcs = np.repeat(h.down_ptr[nodes] - ptr[:-1], counts) + np.arange(int(ptr[-1]))
    return Downward(
        nodes=nodes,
        local=local,
        ptr=ptr,
        tail=local[h.down_tail[arcs]],
        minutes=h.down_minutes[arcs],
        column_at=local[cols],
    )


@_compiled(
    numba.void(_RO_INT, _RO_INT, _RO, _RO_INT, _RO_INT, _RO_INT, _RO, _RO_INT, _RO_INT,
               _RO_INT, _RO, _RO, numba.int64, numba.int64, numba.float64[:, ::1])
)  # fmt: skip
def _rphast(  # pragma: no cover - compiled; tested through hierarchy_minutes
    up_ptr: IntArray,
    up_head: IntArray,
    up_minutes: FloatArray,
    local: IntArray,
    ptr: IntArray,
    tail: IntArray,
    minutes: FloatArray,
    column_at: IntArray,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    first: int,
    last: int,
    out: FloatArray,
) -> None:
    """Rows ``first:last`` of ``out``: minutes from each source to each column."""
    lanes = LANES  # a compile-time constant: the sweep's lane loop is unrolled
    n, size_r = local.size, ptr.size - 1
    dist = np.full(n, np.inf)
    hnode, hkey, pos = np.empty(n, np.int64), np.empty(n), np.full(n, -1, np.int64)
    touched = np.empty(n, np.int64)
    d = np.empty(size_r * lanes)
    for g0 in range(first, last, lanes):
        g1 = min(g0 + lanes, last)
        d[:] = np.inf
        for s in range(g0, g1):
            lane, limit = s - g0, limits[s]
            size, n_touched = 0, 0
            for k in range(seed_ptr[s], seed_ptr[s + 1]):
                x, m = seed_node[k], seed_minutes[k]
                if m <= limit and m < dist[x]:
                    if dist[x] == np.inf:
                        touched[n_touched] = x
                        n_touched += 1
                    dist[x] = m
                    size = heap_set(hnode, hkey, pos, size, x, m)
            while size > 0:  # upward search, pruned at the source's limit
                x, dx = hnode[0], hkey[0]
                size = heap_pop(hnode, hkey, pos, size)
                for k in range(up_ptr[x], up_ptr[x + 1]):
                    y = up_head[k]
                    nd = dx + up_minutes[k]
                    if nd <= limit and nd < dist[y]:
                        if dist[y] == np.inf:
                            touched[n_touched] = y
                            n_touched += 1
                        dist[y] = nd
                        size = heap_set(hnode, hkey, pos, size, y, nd)
            for t in range(n_touched):
                x = touched[t]
                if local[x] >= 0:
                    d[local[x] * lanes + lane] = dist[x]
                dist[x] = np.inf
        for i in range(size_r):  # downward sweep, highest rank first
            here = i * lanes
            for k in range(ptr[i], ptr[i + 1]):
                there, w = tail[k] * lanes, minutes[k]
                for lane in range(lanes):
                    d[here + lane] = min(d[here + lane], d[there + lane] + w)
        for s in range(g0, g1):
            lane, limit = s - g0, limits[s]
            for c in range(column_at.size):
                value = d[column_at[c] * lanes + lane]
                out[s, c] = value if value <= limit else np.inf


def hierarchy_minutes(
    h: Hierarchy,
    seed_ptr: ArrayLike,
    seed_node: ArrayLike,
    seed_minutes: ArrayLike,
    limits: ArrayLike,
    columns: ArrayLike,
    *,
    workers: int = 2,
    targets: Downward | None = None,
) -> FloatArray:
    """Shortest minutes from each source to each node of ``columns`` within its limit.

    Parameters
    ----------
    h
        The hierarchy of the graph (:func:`~analysis.reach.hierarchy.build.build_hierarchy`).
    seed_ptr, seed_node, seed_minutes
        Source ``s`` starts at nodes ``seed_node[seed_ptr[s]:seed_ptr[s + 1]]`` with those
        initial minutes (a virtual source joined to its segment's ends).
    limits
        Each source's limit in minutes; a trip of exactly the limit is kept.
    columns
        Target nodes.
    workers
        Threads sharing the sources.
    targets
        :func:`downward_targets` of ``columns`` when the caller already has it (several
        calls with the same columns).

    Returns
    -------
    FloatArray
        ``(k, len(columns))``; ``inf`` beyond the limit or unreachable.
    """
    cols = np.ascontiguousarray(columns, dtype=np.int64)
    down = targets if targets is not None else downward_targets(h, cols)
    ptr = np.ascontiguousarray(seed_ptr, dtype=np.int64)
    nodes = np.ascontiguousarray(seed_node, dtype=np.int64)
    start = np.ascontiguousarray(seed_minutes, dtype=np.float64)
    limit = np.ascontiguousarray(limits, dtype=np.float64)
    k = int(ptr.size - 1)
    out = np.empty((k, cols.size))
    if k == 0 or cols.size == 0:
        return out
    lanes = LANES
    per = -(-k // (max(workers, 1) * CHUNKS_PER_WORKER))
    per = -(-per // lanes) * lanes
    bounds = [(a, min(a + per, k)) for a in range(0, k, per)]

    def run(bound: tuple[int, int]) -> None:
        _rphast(h.up_ptr, h.up_head, h.up_minutes, down.local, down.ptr, down.tail,
                down.minutes, down.column_at, ptr, nodes, start, limit, bound[0], bound[1],
                out)  # fmt: skip

    if workers > 1 and len(bounds) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, bounds))
    else:
        for bound in bounds:
            run(bound)
    return out
