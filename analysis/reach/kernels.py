"""Search kernels for :func:`analysis.reach.times.travel_pairs`: one interface, several engines.

A kernel answers, for a batch of ``k`` sources: the minutes from each of the target nodes
``columns`` to each source, on the reduced **transposed** graph (``n x n`` CSR of minutes,
without virtual rows). Each source starts at its seeds (CSR arrays: ``seed_ptr`` of length
``k + 1``, ``seed_node``, ``seed_minutes``; see :func:`analysis.reach.legs.source_seeds`)
and stops at its own limit: the result is a dense ``(k, len(columns))`` float64 array,
``inf`` where a node is farther than the source's limit (a trip of exactly the limit is
kept). Every kernel gives the same numbers, bit for bit (tested).

Kernels:

- ``"csgraph"``: scipy's Dijkstra, the sources as virtual rows appended to the graph (the
  reference; its output is dense over every node, so it runs in sub-batches);
- ``"dijkstra"``: :mod:`analysis.reach.dijkstra` (numba, a bucket queue, releases the GIL);
- ``"heap"``: the same on a 4-ary heap, for measurement.

Another engine joins by registering a function with this signature in :data:`KERNELS`.
The contraction hierarchies of :mod:`analysis.reach.hierarchy` answer the same question
(``hierarchy_minutes``; measured by ``bench/reach_hierarchy.py``) but are not registered: their
shortcuts add the same arcs in another order (times equal to ~1e-15, not bit for bit, so a
trip of exactly the limit could fall either side), and the build a call would pay (county 1.6 s,
province 22 s of CPU) outweighs their cheap queries unless a hierarchy is kept per road
network.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from analysis.reach.dijkstra import dijkstra_minutes
from analysis.reach.legs import with_seed_rows
from analysis.reach.network.types import FloatArray, IntArray

#: Bytes of csgraph's dense output (sources x every node, float64) per sub-batch. From 8 to
#: 256 sources per call the time stays within 10 % (bench/README.md); larger calls only cost
#: memory.
CSGRAPH_BYTES = 64 * 1024 * 1024
#: Most sources per csgraph call.
CSGRAPH_MAX_ROWS = 256


class MinutesKernel(Protocol):
    """The kernel interface (see the module docstring)."""

    def __call__(
        self,
        graph: sp.csr_matrix,
        seed_ptr: IntArray,
        seed_node: IntArray,
        seed_minutes: FloatArray,
        limits: FloatArray,
        columns: IntArray,
    ) -> FloatArray: ...


def csgraph_minutes(
    graph: sp.csr_matrix,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    columns: IntArray,
) -> FloatArray:
    """The kernel on scipy's csgraph Dijkstra (holds the GIL: threads do not help it)."""
    n, k = graph.shape[0], seed_ptr.shape[0] - 1
    out = np.full((k, columns.size), np.inf)
    step = int(max(1, min(CSGRAPH_MAX_ROWS, CSGRAPH_BYTES // (8 * (n + k)))))
    for start in range(0, k, step):
        stop = min(start + step, k)
        rows = with_seed_rows(graph, seed_ptr[start : stop + 1], seed_node, seed_minutes)
        top = float(limits[start:stop].max()) if stop > start else 0.0
        # Just past the limit: a trip of exactly the limit must not be cut off by rounding.
        found = dijkstra(
            rows,
            directed=True,
            indices=n + np.arange(stop - start),
            limit=float(np.nextafter(top, np.inf)),
        )
        block = np.atleast_2d(found)[:, columns]
        out[start:stop] = np.where(block <= limits[start:stop, None], block, np.inf)
    return out


def heap_minutes(
    graph: sp.csr_matrix,
    seed_ptr: IntArray,
    seed_node: IntArray,
    seed_minutes: FloatArray,
    limits: FloatArray,
    columns: IntArray,
) -> FloatArray:
    """:func:`~analysis.reach.dijkstra.dijkstra_minutes` on its 4-ary heap only."""
    return dijkstra_minutes(graph, seed_ptr, seed_node, seed_minutes, limits, columns, queue="heap")


#: Kernels by name (``travel_pairs(kernel=...)``, ``bench.reach --kernel``).
KERNELS: dict[str, MinutesKernel] = {
    "csgraph": csgraph_minutes,
    "dijkstra": dijkstra_minutes,
    "heap": heap_minutes,
}
#: The fastest by measurement (bench/README.md): the numba bucket-queue Dijkstra.
DEFAULT_KERNEL = "dijkstra"
