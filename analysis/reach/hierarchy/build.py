"""Contraction hierarchies of a directed road graph: :func:`build_hierarchy`.

The result holds what a many-to-many query (:mod:`analysis.reach.hierarchy.query`) needs:
the *upward* arcs by tail (searched forward from the sources) and the *downward* arcs by
head (swept from the top rank down, pulling from the higher-ranked tails).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.reach.hierarchy.contract import contract_all
from analysis.reach.network.types import FloatArray, IntArray

#: Nodes a witness search may settle: enough for road graphs' local detours; a missed
#: witness only costs a superfluous shortcut.
SETTLE_LIMIT = 60
#: The same when only estimating a node's priority (most of the build's work).
GUESS_LIMIT = 5
#: Priority weights of edge difference, contracted neighbours and level, and whether a
#: popped node's priority is recomputed before contracting it (lazy updates: 1.0). Chosen on
#: the county grid of bench/reach.py: without the recomputation the build is ~1.5x faster
#: for ~3 % more shortcuts (neighbours' priorities are recomputed after each contraction).
PRIORITY_MIX = (2.0, 1.0, 1.0, 0.0)


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Contraction hierarchies of a directed graph.

    Parameters
    ----------
    rank
        Each node's contraction order (0 first, the least important).
    up_ptr, up_head, up_minutes
        CSR by tail of the arcs to higher-ranked nodes (original arcs and shortcuts).
    down_ptr, down_tail, down_minutes
        CSR by *head* of the arcs from higher-ranked nodes.
    """

    rank: IntArray
    up_ptr: IntArray
    up_head: IntArray
    up_minutes: FloatArray
    down_ptr: IntArray
    down_tail: IntArray
    down_minutes: FloatArray

    @property
    def n_nodes(self) -> int:
        """Nodes of the graph."""
        return int(self.rank.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes the arrays take."""
        return sum(int(getattr(self, f).nbytes) for f in self.__dataclass_fields__)


def distinct_arcs(graph: sp.csr_matrix) -> tuple[IntArray, IntArray, FloatArray]:
    """Tails, heads and minutes of ``graph``'s arcs: no loops, no infinite weights, the
    quickest of parallel arcs (explicit zeros are arcs of 0 minutes, as csgraph reads them)."""
    csr = sp.csr_matrix(graph)
    counts = np.diff(csr.indptr)
    tail = np.repeat(np.arange(csr.shape[0], dtype=np.int64), counts)
    head = csr.indices.astype(np.int64)
    minutes = np.asarray(csr.data, dtype=np.float64)
    keep = (tail != head) & np.isfinite(minutes)
    tail, head, minutes = tail[keep], head[keep], minutes[keep]
    key = tail * max(csr.shape[0], 1) + head
    order = np.lexsort((minutes, key))
    first = np.ones(order.size, bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pick = order[first]
    return tail[pick], head[pick], minutes[pick]


def build_hierarchy(
    graph: sp.csr_matrix, *, settle_limit: int = SETTLE_LIMIT, guess_limit: int = GUESS_LIMIT
) -> Hierarchy:
    """Contraction hierarchies of the directed graph ``graph`` (arc ``i -> j``: ``graph[i, j]``
    minutes, >= 0).

    Parameters
    ----------
    graph
        Square CSR matrix; parallel arcs count by their minimum, loops never shorten a trip.
    settle_limit
        Nodes one witness search may settle (smaller: faster build, more shortcuts).
    guess_limit
        The same for the searches that estimate a node's priority.
    """
    n = int(graph.shape[0])
    tail, head, minutes = distinct_arcs(graph)
    rank, up_t, up_h, up_w, dn_t, dn_h, dn_w = contract_all(
        n,
        tail,
        head,
        minutes,
        int(settle_limit),
        int(guess_limit),
        np.asarray(PRIORITY_MIX, dtype=np.float64),
    )
    up_ptr, up_order = _csr(up_t, n)
    down_ptr, down_order = _csr(dn_h, n)
    return Hierarchy(
        rank=rank,
        up_ptr=up_ptr,
        up_head=up_h[up_order],
        up_minutes=up_w[up_order],
        down_ptr=down_ptr,
        down_tail=dn_t[down_order],
        down_minutes=dn_w[down_order],
    )


def _csr(rows: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Row pointer and the order that groups ``rows``."""
    order = np.argsort(rows, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    return ptr, order
