"""Node contraction: the order of the nodes and the shortcuts (numba, one thread).

Nodes are contracted one by one, cheapest first, on a priority of edge difference (shortcuts
added minus arcs removed), contracted neighbours and level (how deep the node's contracted
neighbourhood is), updated lazily: a popped node's priority is recomputed and it goes back
if it is no longer the cheapest. Contracting ``v`` joins each in-neighbour ``u`` to each
out-neighbour ``w`` by a shortcut ``u -> w`` of ``a + b`` minutes unless a witness search
from ``u`` avoiding ``v`` finds a path no longer. Witness searches stop after a number of
settled nodes: a missed witness only adds a superfluous shortcut, never a wrong time.
"""

from __future__ import annotations

import numba
import numpy as np

from analysis.coverage.engine.kernels import _compiled
from analysis.reach.hierarchy.graph import append_arc, find_arc, witness_search
from analysis.reach.hierarchy.heap import heap_pop, heap_set
from analysis.reach.network.types import BoolArray, FloatArray, IntArray

_I64 = numba.int64[::1]
_F64 = numba.float64[::1]
_I2 = numba.int64[:, ::1]
_SIDES = (_I2, _I64, _F64, _I64, _I2, _I64, _F64, _I64)
_SCRATCH = (numba.boolean[::1], _F64, _I64, _F64, _I64, _I64)
_ARCS = numba.types.Tuple((_I64, _I64, _F64))


@_compiled(
    numba.types.Tuple((numba.int64, _I64, _F64, _I64, _F64))(
        numba.int64, numba.boolean, *_SIDES, numba.int64, *_SCRATCH
    )
)
def shortcuts(  # pragma: no cover - compiled
    v: int,
    add: bool,
    o_slots: IntArray,
    o_to: IntArray,
    o_w: FloatArray,
    o_meta: IntArray,
    i_slots: IntArray,
    i_to: IntArray,
    i_w: FloatArray,
    i_meta: IntArray,
    settle_limit: int,
    goal: BoolArray,
    dist: FloatArray,
    hnode: IntArray,
    hkey: FloatArray,
    pos: IntArray,
    touched: IntArray,
) -> tuple[int, IntArray, FloatArray, IntArray, FloatArray]:
    """How many shortcuts contracting ``v`` needs (added to the graph when ``add``)."""
    count = 0
    ib, ie = i_slots[v, 0], i_slots[v, 0] + i_slots[v, 1]
    ob, oe = o_slots[v, 0], o_slots[v, 0] + o_slots[v, 1]
    for ko in range(ob, oe):
        goal[o_to[ko]] = True
    for ki in range(ib, ie):
        u, a = i_to[ki], i_w[ki]
        bound = -1.0
        for ko in range(ob, oe):
            if o_to[ko] != u:
                bound = max(bound, a + o_w[ko])
        if bound < 0.0:
            continue
        n_goals = oe - ob - (1 if goal[u] else 0)
        goal_u = goal[u]
        goal[u] = False
        n_touched = witness_search(
            o_slots, o_to, o_w, u, v, bound, settle_limit, goal, n_goals,
            dist, hnode, hkey, pos, touched,
        )  # fmt: skip
        goal[u] = goal_u
        for ko in range(ob, oe):
            x = o_to[ko]
            c = a + o_w[ko]
            if x == u or dist[x] <= c:
                continue
            count += 1
            if not add:
                continue
            k = find_arc(o_slots, o_to, u, x)
            if k < 0:
                o_to, o_w = append_arc(o_slots, o_to, o_w, o_meta, u, x, c)
                i_to, i_w = append_arc(i_slots, i_to, i_w, i_meta, x, u, c)
            elif o_w[k] > c:
                o_w[k] = c
                i_w[find_arc(i_slots, i_to, x, u)] = c
        for t in range(n_touched):
            dist[touched[t]] = np.inf
    for ko in range(ob, oe):
        goal[o_to[ko]] = False
    return count, o_to, o_w, i_to, i_w


@_compiled(_ARCS(_I64, _I64, _F64, _I64, numba.int64, numba.int64, numba.float64))
def _record(  # pragma: no cover - compiled
    tails: IntArray, heads: IntArray, w: FloatArray, meta: IntArray, t: int, h: int, x: float
) -> tuple[IntArray, IntArray, FloatArray]:
    if meta[0] == tails.size:
        grown = 2 * tails.size + 16
        tails2, heads2, w2 = np.empty(grown, np.int64), np.empty(grown, np.int64), np.empty(grown)
        tails2[: meta[0]], heads2[: meta[0]], w2[: meta[0]] = tails, heads, w
        tails, heads, w = tails2, heads2, w2
    tails[meta[0]], heads[meta[0]], w[meta[0]] = t, h, x
    meta[0] += 1
    return tails, heads, w


@_compiled(
    numba.types.Tuple((_I64, _I64, _I64, _F64, _I64, _I64, _F64))(
        numba.int64, _I64, _I64, _F64, numba.int64, numba.int64, _F64
    )
)
def contract_all(  # pragma: no cover - compiled; tested through build_hierarchy
    n: int,
    tail: IntArray,
    head: IntArray,
    weight: FloatArray,
    settle_limit: int,
    guess_limit: int,
    mix: FloatArray,
) -> tuple[IntArray, IntArray, IntArray, FloatArray, IntArray, IntArray, FloatArray]:
    """Each node's rank and the upward (low -> high rank) and downward arcs (high -> low).

    ``tail/head/weight``: distinct arcs, no loops. ``settle_limit``: nodes a witness search
    may settle when contracting, ``guess_limit`` when estimating a priority. ``mix``: weights
    of edge difference, contracted neighbours and level in the priority, and whether to
    recompute a popped node's priority (> 0).
    """
    o_slots = np.zeros((n, 3), np.int64)
    i_slots = np.zeros((n, 3), np.int64)
    o_meta, i_meta = np.zeros(1, np.int64), np.zeros(1, np.int64)
    room = 2 * tail.size + 8 * n + 16
    o_to, o_w = np.empty(room, np.int64), np.empty(room)
    i_to, i_w = np.empty(room, np.int64), np.empty(room)
    for k in range(tail.size):
        o_to, o_w = append_arc(o_slots, o_to, o_w, o_meta, tail[k], head[k], weight[k])
        i_to, i_w = append_arc(i_slots, i_to, i_w, i_meta, head[k], tail[k], weight[k])
    dist = np.full(n, np.inf)
    hnode, hkey, pos = np.empty(n, np.int64), np.empty(n), np.full(n, -1, np.int64)
    touched = np.empty(n, np.int64)
    goal = np.zeros(n, np.bool_)
    deleted, level = np.zeros(n, np.int64), np.zeros(n, np.int64)
    pnode, pkey, ppos = np.empty(n, np.int64), np.empty(n), np.full(n, -1, np.int64)
    psize = 0
    for v in range(n):
        c = shortcuts(v, False, o_slots, o_to, o_w, o_meta, i_slots, i_to, i_w, i_meta,
                      guess_limit, goal, dist, hnode, hkey, pos, touched)[0]  # fmt: skip
        diff = c - o_slots[v, 1] - i_slots[v, 1]
        psize = heap_set(pnode, pkey, ppos, psize, v, mix[0] * diff)
    rank = np.full(n, -1, np.int64)
    cap = 2 * tail.size + 16
    up_t, up_h, up_w = np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap)
    dn_t, dn_h, dn_w = np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap)
    up_meta, dn_meta = np.zeros(1, np.int64), np.zeros(1, np.int64)
    mark = np.full(n, -1, np.int64)
    near = np.empty(n, np.int64)
    r = 0
    while psize > 0:
        v = pnode[0]
        psize = heap_pop(pnode, pkey, ppos, psize)
        if mix[3] > 0.0:  # lazy update: recompute, put back when no longer the cheapest
            c = shortcuts(v, False, o_slots, o_to, o_w, o_meta, i_slots, i_to, i_w, i_meta,
                          guess_limit, goal, dist, hnode, hkey, pos, touched)[0]  # fmt: skip
            diff = c - o_slots[v, 1] - i_slots[v, 1]
            p = mix[0] * diff + mix[1] * deleted[v] + mix[2] * level[v]
            if psize > 0 and p > pkey[0]:
                psize = heap_set(pnode, pkey, ppos, psize, v, p)
                continue
        _, o_to, o_w, i_to, i_w = shortcuts(
            v, True, o_slots, o_to, o_w, o_meta, i_slots, i_to, i_w, i_meta,
            settle_limit, goal, dist, hnode, hkey, pos, touched,
        )  # fmt: skip
        n_near = 0
        for k in range(o_slots[v, 0], o_slots[v, 0] + o_slots[v, 1]):
            x = o_to[k]
            up_t, up_h, up_w = _record(up_t, up_h, up_w, up_meta, v, x, o_w[k])
            j = find_arc(i_slots, i_to, x, v)  # drop v from x's in-list
            last = i_slots[x, 0] + i_slots[x, 1] - 1
            i_to[j], i_w[j] = i_to[last], i_w[last]
            i_slots[x, 1] -= 1
            if mark[x] != v:
                mark[x] = v
                near[n_near] = x
                n_near += 1
        for k in range(i_slots[v, 0], i_slots[v, 0] + i_slots[v, 1]):
            x = i_to[k]
            dn_t, dn_h, dn_w = _record(dn_t, dn_h, dn_w, dn_meta, x, v, i_w[k])
            j = find_arc(o_slots, o_to, x, v)  # drop v from x's out-list
            last = o_slots[x, 0] + o_slots[x, 1] - 1
            o_to[j], o_w[j] = o_to[last], o_w[last]
            o_slots[x, 1] -= 1
            if mark[x] != v:
                mark[x] = v
                near[n_near] = x
                n_near += 1
        o_slots[v, 1], i_slots[v, 1] = 0, 0
        rank[v] = r
        r += 1
        for t in range(n_near):
            x = near[t]
            deleted[x] += 1
            level[x] = max(level[x], level[v] + 1)
            c = shortcuts(x, False, o_slots, o_to, o_w, o_meta, i_slots, i_to, i_w, i_meta,
                          guess_limit, goal, dist, hnode, hkey, pos, touched)[0]  # fmt: skip
            diff = c - o_slots[x, 1] - i_slots[x, 1]
            p = mix[0] * diff + mix[1] * deleted[x] + mix[2] * level[x]
            psize = heap_set(pnode, pkey, ppos, psize, x, p)
    m_up, m_dn = up_meta[0], dn_meta[0]
    return rank, up_t[:m_up], up_h[:m_up], up_w[:m_up], dn_t[:m_dn], dn_h[:m_dn], dn_w[:m_dn]
