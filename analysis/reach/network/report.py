"""What the road network leaves out, for the UI and the CLI: places off the network and
small disconnected pieces with the places on them. English column names; the dashboard
adds the Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.errors import AnalysisProblems
from analysis.reach.network.attach import nearest_road_m
from analysis.reach.network.pieces import SMALL_PIECE_SHARE, small_pieces
from analysis.reach.network.types import Attachment, RoadNetwork

OFF_NETWORK_COLUMNS = ("id", "name", "kind", "nearest_road_m")
SMALL_PIECE_COLUMNS = ("piece", "length_m", "share", "n_nodes", "n_edges", "n_places")
ON_SMALL_PIECE_COLUMNS = (
    "piece",
    "piece_length_m",
    "piece_share",
    "id",
    "name",
    "kind",
    "offroad_m",
)


@dataclass(frozen=True, eq=False)
class NetworkReport:
    """Places the road network does not serve well.

    Parameters
    ----------
    off_network
        Places farther than the maximum off-road distance from every walkable road:
        ``id, name, kind, nearest_road_m`` (straight distance to the nearest walkable road,
        NaN when the network has none), farthest first.
    small_pieces
        Small pieces (see :mod:`analysis.reach.network.pieces`): ``piece, length_m, share,
        n_nodes, n_edges, n_places``, largest first.
    on_small_pieces
        One row per place joined to a small piece: ``piece, piece_length_m, piece_share,
        id, name, kind, offroad_m``.
    """

    off_network: pd.DataFrame
    small_pieces: pd.DataFrame
    on_small_pieces: pd.DataFrame


def network_report(
    network: RoadNetwork,
    attachment: Attachment,
    *,
    ids: ArrayLike,
    names: ArrayLike,
    kinds: ArrayLike,
    x_m: ArrayLike,
    y_m: ArrayLike,
    max_share: float = SMALL_PIECE_SHARE,
) -> NetworkReport:
    """List the places off the road network and the small pieces with their places.

    Parameters
    ----------
    network, attachment
        The road network and the places joined to it (:func:`~.attach.attach`).
    ids, names, kinds
        Per place (same order as ``attachment``): id, name, and what it is (e.g.
        ``"village"``, ``"point"``).
    x_m, y_m
        Places' coordinates in the network's CRS (for the distance to the nearest road).
    max_share
        Share of the total road length below which a piece other than the main one is small.
    """
    ids_a, names_a, kinds_a = (np.asarray(v, dtype=object).ravel() for v in (ids, names, kinds))
    x, y = np.asarray(x_m, float).ravel(), np.asarray(y_m, float).ravel()
    problems = AnalysisProblems()
    for label, arr in (("ids", ids_a), ("names", names_a), ("kinds", kinds_a), ("x_m", x)):
        if arr.size != attachment.size:
            problems.add(
                "report_length", f"{label}: {arr.size} values for {attachment.size} places"
            )
    if y.size != x.size:
        problems.add("report_length", f"y_m: {y.size} values for {x.size} x values")
    problems.raise_if_errors()

    off = np.flatnonzero(~attachment.on_network)
    off_table = pd.DataFrame(
        {
            "id": ids_a[off],
            "name": names_a[off],
            "kind": kinds_a[off],
            "nearest_road_m": nearest_road_m(network, x[off], y[off]),
        },
        columns=list(OFF_NETWORK_COLUMNS),
    )
    off_table = off_table.sort_values("nearest_road_m", ascending=False, kind="stable")

    small = small_pieces(network, max_share=max_share)
    on = np.flatnonzero(attachment.on_network)
    place_piece = np.full(attachment.size, -1, np.int64)
    place_piece[on] = network.node_component[network.edge_from[attachment.edge[on]]]
    counts = np.bincount(place_piece[on], minlength=int(network.node_component.max(initial=-1)) + 1)
    small = small.assign(n_places=counts[small["piece"].to_numpy()].astype(np.int64))
    small = small[list(SMALL_PIECE_COLUMNS)]

    info = small.set_index("piece")
    rows = np.flatnonzero(np.isin(place_piece, small["piece"].to_numpy()))
    rows = rows[np.lexsort((rows, place_piece[rows]))]
    pieces_of_rows = place_piece[rows]
    on_small = pd.DataFrame(
        {
            "piece": pieces_of_rows,
            "piece_length_m": info["length_m"].reindex(pieces_of_rows).to_numpy(),
            "piece_share": info["share"].reindex(pieces_of_rows).to_numpy(),
            "id": ids_a[rows],
            "name": names_a[rows],
            "kind": kinds_a[rows],
            "offroad_m": attachment.offroad_m[rows],
        },
        columns=list(ON_SMALL_PIECE_COLUMNS),
    )
    return NetworkReport(
        off_network=off_table.reset_index(drop=True),
        small_pieces=small.reset_index(drop=True),
        on_small_pieces=on_small,
    )
