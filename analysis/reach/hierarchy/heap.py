"""An indexed binary min-heap on plain arrays, for the numba kernels of this package.

``hnode[:size]`` / ``hkey[:size]`` hold the heap; ``pos[v]`` is node ``v``'s slot, or -1
when it is not in the heap. Callers read the top as ``hnode[0]``, ``hkey[0]`` before
:func:`heap_pop`; after a search stopped early they clear ``pos`` of what is left
(:func:`heap_clear`).
"""

from __future__ import annotations

import numba

from analysis.coverage.engine.kernels import _compiled
from analysis.reach.network.types import FloatArray, IntArray

_I64 = numba.int64[::1]
_F64 = numba.float64[::1]


@_compiled(numba.void(_I64, _F64, _I64, numba.int64))
def _sift_up(hnode: IntArray, hkey: FloatArray, pos: IntArray, i: int) -> None:
    v, key = hnode[i], hkey[i]
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= key:
            break
        hnode[i], hkey[i] = hnode[parent], hkey[parent]
        pos[hnode[i]] = i
        i = parent
    hnode[i], hkey[i] = v, key
    pos[v] = i


@_compiled(numba.void(_I64, _F64, _I64, numba.int64, numba.int64))
def _sift_down(hnode: IntArray, hkey: FloatArray, pos: IntArray, i: int, size: int) -> None:
    v, key = hnode[i], hkey[i]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hkey[child + 1] < hkey[child]:
            child += 1
        if hkey[child] >= key:
            break
        hnode[i], hkey[i] = hnode[child], hkey[child]
        pos[hnode[i]] = i
        i = child
    hnode[i], hkey[i] = v, key
    pos[v] = i


@_compiled(numba.int64(_I64, _F64, _I64, numba.int64, numba.int64, numba.float64))
def heap_set(  # pragma: no cover - compiled
    hnode: IntArray, hkey: FloatArray, pos: IntArray, size: int, v: int, key: float
) -> int:
    """Insert ``v`` with ``key`` or change its key (up or down); the new size."""
    i = pos[v]
    if i < 0:
        hnode[size], hkey[size] = v, key
        pos[v] = size
        _sift_up(hnode, hkey, pos, size)
        return size + 1
    old = hkey[i]
    hkey[i] = key
    if key < old:
        _sift_up(hnode, hkey, pos, i)
    else:
        _sift_down(hnode, hkey, pos, i, size)
    return size


@_compiled(numba.int64(_I64, _F64, _I64, numba.int64))
def heap_pop(
    hnode: IntArray, hkey: FloatArray, pos: IntArray, size: int
) -> int:  # pragma: no cover
    """Remove the top (read it first); the new size."""
    pos[hnode[0]] = -1
    size -= 1
    if size > 0:
        hnode[0], hkey[0] = hnode[size], hkey[size]
        pos[hnode[0]] = 0
        _sift_down(hnode, hkey, pos, 0, size)
    return size


@_compiled(numba.void(_I64, _I64, numba.int64))
def heap_clear(hnode: IntArray, pos: IntArray, size: int) -> None:  # pragma: no cover
    """Forget what is left in the heap."""
    for i in range(size):
        pos[hnode[i]] = -1
