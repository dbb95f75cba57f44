"""The shrinking graph contraction works on: per-node arc lists in one growable pool.

Each side (out-arcs, in-arcs) is ``slots`` (``n x 3``: start, length, capacity of each
node's list in the pool), the pool arrays ``to`` / ``w`` and ``meta[0]`` (pool slots used).
A list that is full moves to the end of the pool with twice the room; a full pool is copied
into one twice as large, so functions that append return the (possibly new) pool arrays.
"""

from __future__ import annotations

import numba
import numpy as np

from analysis.coverage.engine.kernels import _compiled
from analysis.reach.hierarchy.heap import heap_clear, heap_pop, heap_set
from analysis.reach.network.types import BoolArray, FloatArray, IntArray

_I64 = numba.int64[::1]
_F64 = numba.float64[::1]
_I2 = numba.int64[:, ::1]
_POOL = numba.types.Tuple((_I64, _F64))


@_compiled(_POOL(_I2, _I64, _F64, _I64, numba.int64, numba.int64, numba.float64))
def append_arc(  # pragma: no cover - compiled
    slots: IntArray, to: IntArray, w: FloatArray, meta: IntArray, v: int, head: int, weight: float
) -> tuple[IntArray, FloatArray]:
    """Append ``(head, weight)`` to ``v``'s list; the pool arrays (new when it grew)."""
    if slots[v, 1] == slots[v, 2]:
        room = max(4, 2 * slots[v, 2])
        if meta[0] + room > to.size:
            grown = max(2 * to.size, meta[0] + room)
            to2 = np.empty(grown, np.int64)
            w2 = np.empty(grown, np.float64)
            to2[: meta[0]] = to[: meta[0]]
            w2[: meta[0]] = w[: meta[0]]
            to, w = to2, w2
        start = meta[0]
        for k in range(slots[v, 1]):
            to[start + k] = to[slots[v, 0] + k]
            w[start + k] = w[slots[v, 0] + k]
        slots[v, 0], slots[v, 2] = start, room
        meta[0] += room
    at = slots[v, 0] + slots[v, 1]
    to[at], w[at] = head, weight
    slots[v, 1] += 1
    return to, w


@_compiled(numba.int64(_I2, _I64, numba.int64, numba.int64))
def find_arc(slots: IntArray, to: IntArray, v: int, head: int) -> int:  # pragma: no cover
    """Pool index of ``v -> head`` in ``v``'s list, or -1."""
    for k in range(slots[v, 0], slots[v, 0] + slots[v, 1]):
        if to[k] == head:
            return k
    return -1


@_compiled(numba.void(_I2, _I64, _F64, numba.int64, numba.int64))
def remove_arc(
    slots: IntArray, to: IntArray, w: FloatArray, v: int, head: int
) -> None:  # pragma: no cover
    """Drop ``v -> head`` from ``v``'s list (the last entry takes its place)."""
    k = find_arc(slots, to, v, head)
    if k >= 0:
        last = slots[v, 0] + slots[v, 1] - 1
        to[k], w[k] = to[last], w[last]
        slots[v, 1] -= 1


@_compiled(
    numba.int64(_I2, _I64, _F64, numba.int64, numba.int64, numba.float64, numba.int64,
                numba.boolean[::1], numba.int64, _F64, _I64, _F64, _I64, _I64)
)  # fmt: skip
def witness_search(  # pragma: no cover - compiled
    slots: IntArray,
    to: IntArray,
    w: FloatArray,
    source: int,
    skip: int,
    bound: float,
    settle_limit: int,
    goal: BoolArray,
    n_goals: int,
    dist: FloatArray,
    hnode: IntArray,
    hkey: FloatArray,
    pos: IntArray,
    touched: IntArray,
) -> int:
    """Dijkstra from ``source`` avoiding ``skip``, up to ``bound``, ``settle_limit`` nodes or
    until the ``n_goals`` nodes marked in ``goal`` are settled.

    Leaves path lengths in ``dist`` (tentative ones are real paths too, so any ``dist[x]``
    is a valid upper bound); returns how many entries of ``touched`` to reset.
    """
    dist[source] = 0.0
    touched[0] = source
    n_touched = 1
    size = heap_set(hnode, hkey, pos, 0, source, 0.0)
    settled = 0
    while size > 0:
        x, dx = hnode[0], hkey[0]
        if dx > bound or settled >= settle_limit:
            break
        size = heap_pop(hnode, hkey, pos, size)
        settled += 1
        if goal[x]:
            n_goals -= 1
            if n_goals == 0:
                break
        for k in range(slots[x, 0], slots[x, 0] + slots[x, 1]):
            y = to[k]
            if y == skip:
                continue
            nd = dx + w[k]
            if nd < dist[y]:
                if dist[y] == np.inf:
                    touched[n_touched] = y
                    n_touched += 1
                dist[y] = nd
                size = heap_set(hnode, hkey, pos, size, y, nd)
    heap_clear(hnode, pos, size)
    return n_touched
