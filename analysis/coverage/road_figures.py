"""Figures of road reach only: the road report of the places, minutes per township."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.coverage.engine.types import FloatArray, IntArray, PlaceArrays
from analysis.reach.api import Reach
from analysis.reach.network.report import NetworkReport


def _text(frame: pd.DataFrame, column: str, n: int) -> NDArray[np.object_]:
    if column in frame:
        return frame[column].astype(str).to_numpy(dtype=object)
    return np.full(n, "", dtype=object)


def road_report_of(
    reach: Reach,
    table: pd.DataFrame,
    d_places: PlaceArrays,
    points: gpd.GeoDataFrame,
    p_places: PlaceArrays,
) -> NetworkReport | None:
    """The road report of the villages (not grid cells) and the contact points."""
    village = (table["source"].astype(str) == "village").to_numpy()
    rows = np.flatnonzero(village)
    places = PlaceArrays(
        np.concatenate([d_places.x_m[rows], p_places.x_m]),
        np.concatenate([d_places.y_m[rows], p_places.y_m]),
        np.concatenate([d_places.scale[rows], p_places.scale]),
    )
    n_p = len(points)
    ids = np.concatenate([_text(table, "code", len(table))[rows], _text(points, "id", n_p)])
    names = np.concatenate([_text(table, "name", len(table))[rows], _text(points, "name", n_p)])
    kinds = np.array(["village"] * rows.size + ["contact_point"] * n_p, dtype=object)
    return reach.road_report(places, ids, names, kinds)


def township_minutes(
    minutes: FloatArray, population: FloatArray, demand_town: IntArray, n_towns: int
) -> FloatArray:
    """Population-weighted mean minutes to the nearest contact point of each township's
    people who can reach one (NaN when none can: see ``covered_population``)."""
    ok = np.isfinite(minutes)
    weight = np.where(ok, population, 0.0)
    total = np.bincount(demand_town, weights=weight, minlength=n_towns)
    summed = np.bincount(
        demand_town, weights=np.where(ok, minutes, 0.0) * weight, minlength=n_towns
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, summed / total, np.nan)
