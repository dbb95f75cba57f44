"""Dijkstra from many sources within a limit, compiled with numba (the ``"dijkstra"`` kernel).

Two queues, one answer (the exact shortest times, bit for bit those of csgraph):

- a **bucket queue** (Dial's algorithm) for finite limits: bucket ``b`` holds the nodes whose
  tentative time lies in ``[b * width, (b + 1) * width)``, each bucket a doubly linked list
  so that moving a node is O(1). With ``width`` at most the lightest arc, the nodes of the
  lowest bucket are final in any order. Lighter arcs (a zero-length segment) may land in the
  bucket being scanned: such a node is simply scanned again when it improves (label
  correcting, as in delta-stepping), so the times stay exact. On the benchmark's county graph
  it is about twice as fast as the heap, which is about as fast as csgraph (bench/README.md);
- a **4-ary heap** with decrease-key for rows without a finite limit (no bucket range), and
  as the ``"heap"`` kernel for comparison.

Both search on the transposed graph, from each source's seeds (a source's segment end nodes
with the minutes from there to the source), stop at the source's own limit (a trip of
exactly the limit is kept) and write only the target columns. Per call they allocate their
node-sized work arrays once and reset only the entries a search touched. Compiled without
numba's parallel layer (unsafe when two dashboard sessions enter it at once) and with
``nogil``: :func:`analysis.reach.times.travel_pairs` runs calls side by side on threads.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp

from analysis.coverage.engine.kernels import _compiled
from analysis.errors import AnalysisProblems
from analysis.reach.network.types import FloatArray, IntArray

_I32 = numba.int32[::1]
_I64 = numba.int64[::1]
_F64 = numba.float64[::1]
_OUT = numba.float64[:, ::1]
#: Most buckets per call: the bucket width is at least the top limit / this (lighter arcs
#: are rescanned instead), so an empty bucket scan never costs more than ~65k steps.
MAX_BUCKETS = 65_536
# Graph arrays as scipy stores them (int32) and node-sized work arrays in int32: less memory
# traffic than int64 (~10 % faster on the county graph) and no copy of the graph per call.
_KERNEL = numba.void(_I32, _I32, _F64, _I64, _I64, _F64, _F64, _I32, _I64, _OUT)


@_compiled(numba.void(*_KERNEL.args, numba.float64))
def _bucket_rows(  # pragma: no cover - compiled; tested through dijkstra_minutes
    indptr: IntArray,
    indices: IntArray,
    data: FloatArray,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    column_of: IntArray,
    rows: IntArray,
    out: FloatArray,
    width: float,
) -> None:
    """Dial's bucket queue from each of ``rows`` (finite limits); fills their rows of ``out``."""
    n = indptr.size - 1
    top = 0.0
    for r in rows:
        top = max(top, limits[r])
    per = 1.0 / width
    n_buckets = int(top * per) + 2
    head = np.full(n_buckets, -1, np.int32)
    dist = np.full(n, np.inf)
    after = np.empty(n, np.int32)  # next and previous node in the same bucket
    before = np.empty(n, np.int32)
    bucket = np.full(n, -1, np.int32)  # the node's bucket, -1 when in none
    touched = np.empty(n, np.int32)
    for i in range(rows.size):
        row = rows[i]
        limit = limits[row]
        n_touched = 0
        lowest = n_buckets
        for s in range(seed_ptr[row], seed_ptr[row + 1]):
            v = seed_node[s]
            new = seed_minutes[s]
            if new <= limit and new < dist[v]:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                elif bucket[v] >= 0:  # the other seed on the same node: move it
                    p, q = before[v], after[v]
                    if p >= 0:
                        after[p] = q
                    else:
                        head[bucket[v]] = q
                    if q >= 0:
                        before[q] = p
                dist[v] = new
                b = int(new * per)
                first = head[b]
                after[v], before[v] = first, -1
                if first >= 0:
                    before[first] = v
                head[b], bucket[v] = v, b
                lowest = min(lowest, b)
        b = lowest
        while b < n_buckets:
            u = head[b]
            if u < 0:
                b += 1
                continue
            q = after[u]
            head[b] = q
            if q >= 0:
                before[q] = -1
            bucket[u] = -1
            du = dist[u]
            for a in range(indptr[u], indptr[u + 1]):
                v = indices[a]
                new = du + data[a]
                if new <= limit and new < dist[v]:
                    if dist[v] == np.inf:
                        touched[n_touched] = v
                        n_touched += 1
                    elif bucket[v] >= 0:  # unlink from its old bucket
                        p, q = before[v], after[v]
                        if p >= 0:
                            after[p] = q
                        else:
                            head[bucket[v]] = q
                        if q >= 0:
                            before[q] = p
                    dist[v] = new
                    # Never below b (times only grow along arcs); == b only by a light arc,
                    # then v is scanned (again) before this bucket is left.
                    nb = int(new * per)
                    first = head[nb]
                    after[v], before[v] = first, -1
                    if first >= 0:
                        before[first] = v
                    head[nb], bucket[v] = v, nb
        for t in range(n_touched):
            v = touched[t]
            if column_of[v] >= 0:
                out[row, column_of[v]] = dist[v]
            dist[v] = np.inf


@_compiled(_KERNEL)
def _heap_rows(  # pragma: no cover - compiled; tested through dijkstra_minutes
    indptr: IntArray,
    indices: IntArray,
    data: FloatArray,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    column_of: IntArray,
    rows: IntArray,
    out: FloatArray,
) -> None:
    """4-ary heap Dijkstra (decrease-key) from each of ``rows``; fills their rows of ``out``."""
    n = indptr.size - 1
    dist = np.full(n, np.inf)
    where = np.full(n, -1, np.int32)  # position in the heap, -1 when not in it
    heap_node = np.empty(n, np.int32)
    heap_key = np.empty(n, np.float64)
    touched = np.empty(n, np.int32)
    for i in range(rows.size):
        row = rows[i]
        limit = limits[row]
        size = 0
        n_touched = 0
        u, du, a, stop = -1, 0.0, 0, 0
        s, s_end = seed_ptr[row], seed_ptr[row + 1]
        while True:
            # The next candidate arc: the seeds first, then the arcs of the node settled last.
            if s < s_end:
                v, new = seed_node[s], seed_minutes[s]
                s += 1
            elif a < stop:
                v, new = indices[a], du + data[a]
                a += 1
            elif size > 0:  # settle the heap's top, then sift its last entry down
                u, du = heap_node[0], heap_key[0]
                where[u] = -1
                size -= 1
                if size > 0:
                    key, node = heap_key[size], heap_node[size]
                    at = 0
                    while True:
                        c = 4 * at + 1
                        if c >= size:
                            break
                        best, best_key = c, heap_key[c]
                        for j in range(c + 1, min(c + 4, size)):
                            if heap_key[j] < best_key:
                                best, best_key = j, heap_key[j]
                        if best_key >= key:
                            break
                        heap_key[at], heap_node[at] = best_key, heap_node[best]
                        where[heap_node[at]] = at
                        at = best
                    heap_key[at], heap_node[at] = key, node
                    where[node] = at
                if column_of[u] >= 0:
                    out[row, column_of[u]] = du
                a, stop = indptr[u], indptr[u + 1]
                continue
            else:
                break
            if not (new <= limit and new < dist[v]):
                continue
            if dist[v] == np.inf:
                touched[n_touched] = v
                n_touched += 1
            dist[v] = new
            at = where[v]
            if at < 0:  # not in the heap (a settled node never improves: no arc is negative)
                at = size
                size += 1
            while at > 0:  # sift up
                parent = (at - 1) // 4
                if heap_key[parent] <= new:
                    break
                heap_key[at], heap_node[at] = heap_key[parent], heap_node[parent]
                where[heap_node[at]] = at
                at = parent
            heap_key[at], heap_node[at] = new, v
            where[v] = at
        for t in range(n_touched):
            dist[touched[t]] = np.inf


def bucket_width(data: FloatArray, top: float) -> float:
    """Bucket width: the lightest arc, but at least ``top / MAX_BUCKETS`` (and positive)."""
    floor = top / MAX_BUCKETS if top > 0 else 1.0
    finite = data[np.isfinite(data)]
    lightest = float(finite.min()) if finite.size else floor
    return max(lightest, floor)


def dijkstra_minutes(
    graph: sp.csr_matrix,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    columns: IntArray,
    *,
    queue: str = "buckets",
) -> FloatArray:
    """Minutes from the nodes ``columns`` to each source (see :mod:`analysis.reach.kernels`).

    ``queue="heap"`` runs every source on the 4-ary heap (for measurement); by default
    sources with a finite limit use the bucket queue, the others the heap.
    """
    n = graph.shape[0]
    if max(n, graph.nnz) >= np.iinfo(np.int32).max:
        problems = AnalysisProblems()
        problems.add(
            "reach_graph_too_large",
            f"The road graph has {n} nodes and {graph.nnz} arcs; the search handles fewer than "
            f"{np.iinfo(np.int32).max} of each. Split the area (see the method documentation).",
            value=str(n),
            params={"nodes": int(n), "arcs": int(graph.nnz)},
        )
        problems.raise_if_errors()
    k = seed_ptr.size - 1
    data = np.ascontiguousarray(graph.data, dtype=np.float64)
    column_of = np.full(n, -1, np.int32)
    column_of[columns] = np.arange(columns.size, dtype=np.int32)
    out = np.full((k, columns.size), np.inf)
    args = (
        np.ascontiguousarray(graph.indptr, dtype=np.int32),
        np.ascontiguousarray(graph.indices, dtype=np.int32),
        data,
        np.ascontiguousarray(seed_ptr, dtype=np.int64),
        np.ascontiguousarray(seed_node, dtype=np.int64),
        np.ascontiguousarray(seed_minutes, dtype=np.float64),
        np.ascontiguousarray(limits, dtype=np.float64),
        column_of,
    )
    finite = np.isfinite(limits) if queue == "buckets" else np.zeros(k, bool)
    rows = np.flatnonzero(finite)
    if rows.size:
        _bucket_rows(*args, rows, out, bucket_width(data, float(limits[rows].max())))
    rows = np.flatnonzero(~finite)
    if rows.size:
        _heap_rows(*args, rows, out)
    return out
