"""Connected pieces of a road network and the small ones among them.

A *piece* is a weakly connected component (one-way streets count both ways, motorways
included). Pieces are numbered by total road length, largest first: piece 0 is the main
network. A piece is *small* when it is not the main one and carries less than
:data:`SMALL_PIECE_SHARE` of the total road length; places that sit on one reach little.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from analysis.reach.network.types import FloatArray, IntArray, RoadNetwork

#: Largest share of the total road length a piece other than the main one may have to be
#: reported as small (1 %).
SMALL_PIECE_SHARE = 0.01

PIECE_COLUMNS = ("piece", "length_m", "share", "n_nodes", "n_edges", "is_main", "is_small")


def label_pieces(
    n_nodes: int, edge_from: IntArray, edge_to: IntArray, edge_length_m: FloatArray
) -> IntArray:
    """Piece of each node, numbered by total road length (largest 0; ties: lowest node)."""
    if n_nodes == 0:
        return np.zeros(0, np.int64)
    graph = sp.coo_matrix(
        (np.ones(edge_from.size, np.int8), (edge_from, edge_to)), shape=(n_nodes, n_nodes)
    ).tocsr()
    n, labels = connected_components(graph, directed=True, connection="weak")
    length = np.bincount(labels[edge_from], weights=edge_length_m, minlength=n)
    first_node = np.full(n, n_nodes, np.int64)
    np.minimum.at(first_node, labels, np.arange(n_nodes))
    rank = np.empty(n, np.int64)
    rank[np.lexsort((first_node, -length))] = np.arange(n)
    return rank[labels]


def pieces(network: RoadNetwork, *, max_share: float = SMALL_PIECE_SHARE) -> pd.DataFrame:
    """One row per piece: length, share of the total length, nodes, edges, main, small.

    Columns: ``piece, length_m, share, n_nodes, n_edges, is_main, is_small``, sorted by
    piece (largest first). A node without any edge is a piece of length 0.
    """
    comp = network.node_component
    n = int(comp.max()) + 1 if comp.size else 0
    edge_piece = comp[network.edge_from]
    length = np.bincount(edge_piece, weights=network.edge_length_m, minlength=n)
    total = float(length.sum())
    share = length / total if total > 0 else np.zeros(n)
    main = np.arange(n) == 0
    return pd.DataFrame(
        {
            "piece": np.arange(n, dtype=np.int64),
            "length_m": length,
            "share": share,
            "n_nodes": np.bincount(comp, minlength=n).astype(np.int64),
            "n_edges": np.bincount(edge_piece, minlength=n).astype(np.int64),
            "is_main": main,
            "is_small": ~main & (share < max_share),
        },
        columns=list(PIECE_COLUMNS),
    )


def small_pieces(network: RoadNetwork, *, max_share: float = SMALL_PIECE_SHARE) -> pd.DataFrame:
    """The rows of :func:`pieces` that are small (not main, share below ``max_share``)."""
    table = pieces(network, max_share=max_share)
    return table[table["is_small"]].reset_index(drop=True)
