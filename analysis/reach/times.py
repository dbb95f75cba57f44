"""Travel minutes on the road graph: every (village, point) pair within reach, the nearest point.

Times are what a person at a *target* (a village) needs to reach a *source* (a contact
point): off-road walk, along the village's segment, the network, along the point's segment,
the point's off-road walk (see :mod:`analysis.reach.legs`). Two places on one segment also
travel straight along it; given their coordinates, two places close together may walk
straight across (at the villages' off-road speed) when that is quicker. A place not on the
network reaches nothing but by that walk.

The network part runs a search kernel (:mod:`analysis.reach.kernels`; by default the numba
bucket-queue Dijkstra of :mod:`analysis.reach.dijkstra`) from batches of sources on the
reduced transposed graph, each source starting at its segment's end nodes (exact, no
rounding) and stopping at its own limit; only the columns of the targets' end nodes come
back. Batches run side by side on ``workers`` threads: the numba kernel releases the GIL,
so two threads use two cores (scipy's csgraph does not release it: with it, threads only
take turns).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from analysis.errors import AnalysisProblems
from analysis.reach.kernels import DEFAULT_KERNEL, KERNELS, MinutesKernel
from analysis.reach.legs import (
    Legs,
    as_xy,
    block_minutes,
    check_inputs,
    extra_pairs,
    limits_per_source,
    place_legs,
    reversed_graph,
    same_segment_pairs,
    source_seeds,
    target_columns,
    walk_minutes_per_m,
    with_virtual_sources,
)
from analysis.reach.network.types import (
    Attachment,
    FloatArray,
    IntArray,
    RoadNetwork,
    TravelMode,
)
from analysis.reach.reduce import reduce_graph

#: Bytes of the batches' output in flight (sources x target columns, float64), shared by the
#: worker threads (province: 5,000 sites x ~38,000 columns would be 1.5 GB at once).
BATCH_BYTES = 64 * 1024 * 1024
#: Batches per worker thread at least, so that the threads finish together.
BATCHES_PER_WORKER = 4


@dataclass(frozen=True, eq=False)
class TravelPairs:
    """Every (source, target) pair whose travel time is within the source's limit.

    Parameters
    ----------
    source, target
        Indices into the sources (points) and targets (villages), sorted by source, then
        target.
    minutes
        Travel minutes of each pair (target to source).
    n_sources, n_targets
        Sizes of the two sets (pairs do not say how many places had none).
    """

    source: IntArray
    target: IntArray
    minutes: FloatArray
    n_sources: int
    n_targets: int

    def __len__(self) -> int:
        return int(self.source.shape[0])

    def covered(self) -> sp.csr_matrix:
        """Boolean ``(n_targets, n_sources)`` matrix: True where the target is in reach."""
        data = np.ones(len(self), dtype=bool)
        return sp.csr_matrix(
            (data, (self.target, self.source)), shape=(self.n_targets, self.n_sources)
        )


def default_batch_size(n_sources: int, n_columns: int, workers: int = 1) -> int:
    """Sources per kernel call: output within :data:`BATCH_BYTES`, work spread over threads."""
    by_memory = BATCH_BYTES // (8 * max(n_columns, 1) * max(workers, 1))
    by_threads = -(-n_sources // (BATCHES_PER_WORKER * max(workers, 1)))
    return int(max(1, min(by_memory, by_threads)))


def travel_pairs(
    network: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    limit_minutes: ArrayLike,
    *,
    source_xy_m: ArrayLike | None = None,
    target_xy_m: ArrayLike | None = None,
    batch_size: int | None = None,
    workers: int = 1,
    kernel: str | MinutesKernel = DEFAULT_KERNEL,
) -> TravelPairs:
    """Every (source, target) pair whose travel time is at most the source's limit.

    Parameters
    ----------
    network
        The road graph.
    mode
        ``"walk"`` or ``"drive"``.
    sources, targets
        Contact points (or candidate sites) and villages joined to ``network``.
    limit_minutes
        One limit for every source, or one per source.
    source_xy_m, target_xy_m
        ``(n, 2)`` metric coordinates of the places; when both are given, a straight
        off-road walk between two places counts too.
    batch_size
        Sources per kernel call (default: :func:`default_batch_size`).
    workers
        Threads running batches side by side, each holding one batch's output in memory.
        The answer does not depend on it. With the ``"dijkstra"`` kernel (it releases the
        GIL) ``workers=2`` uses both cores of a 2-core machine; csgraph holds the GIL, so
        its threads only take turns.
    kernel
        A name in :data:`analysis.reach.kernels.KERNELS` or a function with the kernel
        interface (default: the fastest by measurement); every kernel gives the same pairs.

    Returns
    -------
    TravelPairs
        The pairs, sorted by source then target.

    Raises
    ------
    AnalysisError
        Unknown mode or kernel, places joined to segments the network lacks, bad limits or
        coordinates.
    """
    sxy, txy = as_xy(source_xy_m), as_xy(target_xy_m)
    check_inputs(network, mode, {"points": sources, "villages": targets}, _xy(sxy, txy))
    search = _kernel(kernel)
    limits = limits_per_source(limit_minutes, sources.size)
    src = place_legs(network, mode, sources)
    tgt = place_legs(network, mode, targets)
    es, et, em = extra_pairs(network, mode, src, tgt, (sxy, txy), targets.offroad_kmh, limits)
    runnable = np.flatnonzero(np.isfinite(src.arrive_from) | np.isfinite(src.arrive_to))
    order = runnable[np.argsort(limits[runnable], kind="stable")]
    small, src, tgt = _reduced(network, mode, src, tgt)
    seed_ptr, seed_node, seed_minutes = source_seeds(src)
    on, columns, on_legs = target_columns(tgt)
    size = batch_size or default_batch_size(order.size, columns.size, workers)
    batch_of = np.full(sources.size, -1, np.int64)
    batch_of[order] = np.arange(order.size) // size

    def one_batch(start: int) -> tuple[IntArray, IntArray, FloatArray]:
        # In index order: the batch's pairs come out sorted by (source, target).
        rows = np.sort(order[start : start + size])
        counts = seed_ptr[rows + 1] - seed_ptr[rows]
        ptr = np.concatenate([[0], np.cumsum(counts)])
        # The rows' seeds, gathered (each source has at most two).
        at = np.repeat(seed_ptr[rows] - ptr[:-1], counts) + np.arange(ptr[-1])
        node_minutes = search(small, ptr, seed_node[at], seed_minutes[at], limits[rows], columns)
        block = block_minutes(node_minutes, columns, on, on_legs, targets.size)
        del node_minutes
        mine = np.flatnonzero(batch_of[es] == start // size)
        np.minimum.at(block, (np.searchsorted(rows, es[mine]), et[mine]), em[mine])
        r, t = np.nonzero(block <= limits[rows][:, None])
        return rows[r], t, block[r, t]

    starts = range(0, order.size, size)
    if workers > 1 and len(starts) > 1:
        # Side by side only with a kernel that releases the GIL (the numba one does).
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(one_batch, starts))
    else:
        found = [one_batch(start) for start in starts]
    alone = batch_of[es] < 0  # sources Dijkstra never ran from: only their extra trips
    found.append(_min_per_pair(es[alone], et[alone], em[alone]))
    return _sorted_pairs(found, sources.size, targets.size)


def nearest_minutes(
    network: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    *,
    limit_minutes: float = np.inf,
    source_xy_m: ArrayLike | None = None,
    target_xy_m: ArrayLike | None = None,
) -> tuple[FloatArray, IntArray]:
    """Minutes from every target to its nearest source, and which source that is.

    One multi-source Dijkstra (csgraph ``min_only=True``, whose ``sources`` output names the
    virtual source node that reached each node). Parameters as in :func:`travel_pairs`;
    ``limit_minutes`` is one optional cap for every source.

    Returns
    -------
    minutes, source_index
        Per target: the minutes to the nearest source (``inf`` when none is within the
        limit or reachable) and that source's index (``-1`` then).
    """
    sxy, txy = as_xy(source_xy_m), as_xy(target_xy_m)
    check_inputs(network, mode, {"points": sources, "villages": targets}, _xy(sxy, txy))
    limit = float(limits_per_source(limit_minutes, 1)[0])
    src = place_legs(network, mode, sources)
    tgt = place_legs(network, mode, targets)
    best = np.full(targets.size, np.inf)
    which = np.full(targets.size, -1, np.int64)
    runnable = np.flatnonzero(np.isfinite(src.arrive_from) | np.isfinite(src.arrive_to))
    if runnable.size and targets.size:
        small, src, tgt = _reduced(network, mode, src, tgt)
        graph = with_virtual_sources(small, src)
        n = small.shape[0]
        dist, _, origin = dijkstra(
            graph,
            indices=n + runnable,
            limit=float(np.nextafter(limit, np.inf)),
            min_only=True,
            return_predecessors=True,
        )
        via_from = tgt.leave_from + dist[tgt.node_from]
        via_to = tgt.leave_to + dist[tgt.node_to]
        first = via_from <= via_to
        best = np.where(first, via_from, via_to)
        reached = np.isfinite(best)
        which[reached] = np.where(first, origin[tgt.node_from], origin[tgt.node_to])[reached] - n
    es, et, em = same_segment_pairs(network, mode, src, tgt)
    es, et, em = _min_per_target(es, et, em, best)
    best[et], which[et] = em, es
    if sxy is not None and txy is not None and sources.size and targets.size:
        metres, nearest = cKDTree(sxy).query(txy)
        walk = metres * walk_minutes_per_m(targets.offroad_kmh)
        shorter = walk < best
        best[shorter], which[shorter] = walk[shorter], nearest[shorter]
    beyond = ~(best <= limit)
    best[beyond], which[beyond] = np.inf, -1
    return best, which


def _reduced(
    network: RoadNetwork, mode: TravelMode, sources: Legs, targets: Legs
) -> tuple[sp.csr_matrix, Legs, Legs]:
    """The reduced transposed graph and both places' legs on its node numbers."""
    needed = np.zeros(network.n_nodes, bool)
    for legs in (sources, targets):
        on = legs.edge >= 0
        needed[legs.node_from[on]] = True
        needed[legs.node_to[on]] = True
    small, index = reduce_graph(reversed_graph(network, mode), needed)

    def renumber(legs: Legs) -> Legs:
        on = legs.edge >= 0
        return replace(
            legs,
            node_from=np.where(on, index[legs.node_from], 0),
            node_to=np.where(on, index[legs.node_to], 0),
        )

    return small, renumber(sources), renumber(targets)


def _kernel(kernel: str | MinutesKernel) -> MinutesKernel:
    """The kernel named (or given); raises :class:`AnalysisError` on an unknown name."""
    if not isinstance(kernel, str):
        return kernel
    if kernel not in KERNELS:
        problems = AnalysisProblems()
        problems.add(
            "reach_kernel_unknown",
            f"Unknown search kernel {kernel!r}; use one of {', '.join(sorted(KERNELS))}.",
            value=str(kernel),
            params={"kernel": str(kernel)},
        )
        problems.raise_if_errors()
    return KERNELS[kernel]


def _xy(sxy: FloatArray | None, txy: FloatArray | None) -> dict[str, FloatArray | None]:
    return {"points": sxy, "villages": txy}


def _min_per_pair(
    source: IntArray, target: IntArray, minutes: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """The quickest of duplicate (source, target) entries."""
    order = np.lexsort((minutes, target, source))
    source, target, minutes = source[order], target[order], minutes[order]
    first = np.ones(source.size, bool)
    first[1:] = (source[1:] != source[:-1]) | (target[1:] != target[:-1])
    return source[first], target[first], minutes[first]


def _min_per_target(
    source: IntArray, target: IntArray, minutes: FloatArray, best: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Per target, its quickest entry, kept only where it beats ``best``."""
    order = np.lexsort((minutes, target))
    source, target, minutes = source[order], target[order], minutes[order]
    first = np.ones(target.size, bool)
    first[1:] = target[1:] != target[:-1]
    source, target, minutes = source[first], target[first], minutes[first]
    better = minutes < best[target]
    return source[better], target[better], minutes[better]


def _sorted_pairs(
    found: list[tuple[IntArray, IntArray, FloatArray]], n_sources: int, n_targets: int
) -> TravelPairs:
    source = np.concatenate([f[0] for f in found]).astype(np.int64)
    target = np.concatenate([f[1] for f in found]).astype(np.int64)
    minutes = np.concatenate([f[2] for f in found]).astype(np.float64)
    # Each source's pairs are one run sorted by target (one batch row, or the extra trips of
    # a source no search ran from): a stable sort by source keeps them so (and is cheaper than
    # a lexsort on both).
    order = np.argsort(source, kind="stable")
    return TravelPairs(source[order], target[order], minutes[order], n_sources, n_targets)


__all__ = ["TravelPairs", "default_batch_size", "nearest_minutes", "travel_pairs"]
