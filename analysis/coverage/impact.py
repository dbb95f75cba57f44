"""What each new contact point of a plan brings: one definition for the UI, files and brief.

Two figures per proposed (or moved) point, both in people:

- ``newly_covered_population`` (新增覆盖人口, "added in order"): the points are taken in
  order of the largest gain first (the greedy order; ties by id), each credited with the
  people it brings under coverage that no earlier point of the plan and no point of the
  base network reached. The figures add up to the plan's total gain.
- ``newly_covered_alone`` (单独新增覆盖人口, "alone"): the people it would bring under
  coverage were it the only new point. Two points that share a valley both count it here.

A demand row (village or grid cell) counts when the plan covers it and the base did not;
"reaches" is the coverage engine's own test (:func:`analysis.coverage.engine.small.pairs_within`),
so the figures agree with the KPIs to the person.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage.api import CoverageResult
from analysis.coverage.engine.small import pairs_within
from analysis.coverage.engine.types import PlaceArrays

#: Statuses of the points a plan adds to the map.
NEW_STATUSES: tuple[str, ...] = ("proposed", "moved")
#: Columns of :func:`point_impact`.
IMPACT_COLUMNS: tuple[str, ...] = (
    "id",
    "order",
    "newly_covered_population",
    "newly_covered_alone",
    "rural_newly_covered_population",
)


def point_impact(
    points: gpd.GeoDataFrame, before: CoverageResult, after: CoverageResult
) -> pd.DataFrame:
    """Per new point of a plan: its order and the people it newly covers.

    Parameters
    ----------
    points
        The plan's contact points with ``id`` and ``status`` (rows whose status is in
        :data:`NEW_STATUSES` are the new ones); any CRS.
    before, after
        Coverage of the base and of the plan (``after.contact_points`` gives each point's
        ``radius_m``, ``lon``, ``lat``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`IMPACT_COLUMNS`, one row per new point, sorted by ``order``.
    """
    empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in IMPACT_COLUMNS})
    empty["id"] = empty["id"].astype(object)
    if points is None or points.empty or "status" not in points.columns:
        return empty
    ids = points.loc[points["status"].astype(str).isin(NEW_STATUSES), "id"].astype(str)
    ids = pd.Index(sorted(set(ids)))
    if ids.empty:
        return empty
    cover, pop, rural = _reach(ids, before, after)
    alone = np.asarray(cover.T @ pop, float).ravel() if cover.size else np.zeros(ids.size)
    order, gained, rural_gained = _greedy(cover, pop, rural, ids)
    out = pd.DataFrame(
        {
            "id": ids.to_numpy(dtype=object),
            "order": order,
            "newly_covered_population": np.rint(gained).astype(np.int64),
            "newly_covered_alone": np.rint(alone).astype(np.int64),
            "rural_newly_covered_population": np.rint(rural_gained).astype(np.int64),
        }
    )
    return out.sort_values("order").reset_index(drop=True)


def _reach(
    ids: pd.Index, before: CoverageResult, after: CoverageResult
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean ``(gained rows, new points)`` reach matrix and the rows' populations."""
    demand = after.demand
    gained = _gained_mask(before.demand, demand)
    rows = np.flatnonzero(gained)
    pop = demand["population"].to_numpy(float)[rows]
    rural = (
        demand["rural_population"].to_numpy(float)[rows]
        if "rural_population" in demand
        else np.zeros(rows.size)
    )
    cover = np.zeros((rows.size, ids.size), dtype=bool)
    cp = after.contact_points
    table = cp.set_index(cp["id"].astype(str))
    present = ids.isin(table.index)
    if rows.size == 0 or not present.any() or after.metric is None:
        return cover, pop, rural
    sel = table.loc[ids[present]]
    lon, lat = sel["lon"].to_numpy(float), sel["lat"].to_numpy(float)
    x, y = after.metric.to_xy(lon, lat)
    new_places = PlaceArrays(x, y, after.metric.scale_factor(lon, lat))
    scale = demand["scale_k"].to_numpy(float)[rows] if "scale_k" in demand else np.ones(rows.size)
    places = PlaceArrays(
        demand["x_m"].to_numpy(float)[rows], demand["y_m"].to_numpy(float)[rows], scale
    )
    if after.reach is not None and after.reach.mode == "road":
        r, p = after.reach.point_pairs(places, new_places, sel["type"].astype(str).to_numpy())
    else:
        r, p = pairs_within(places, new_places, sel["radius_m"].to_numpy(float))
    cover[r, np.flatnonzero(present)[p]] = True
    return cover, pop, rural


def _greedy(
    cover: np.ndarray, pop: np.ndarray, rural: np.ndarray, ids: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order points by largest remaining gain (ties: id); each one's gain in that order."""
    n = ids.size
    order = np.zeros(n, np.int64)
    gained = np.zeros(n)
    rural_gained = np.zeros(n)
    open_rows = np.ones(cover.shape[0], bool)
    left = np.ones(n, bool)
    for k in range(1, n + 1):
        gains = (cover & open_rows[:, None]).T.astype(float) @ pop if cover.size else np.zeros(n)
        gains = np.where(left, gains, -1.0)
        j = int(np.argmax(gains))  # first maximum = smallest id among ties (ids sorted)
        order[j] = k
        newly = cover[:, j] & open_rows if cover.size else np.zeros(0, bool)
        gained[j] = float(pop[newly].sum())
        rural_gained[j] = float(rural[newly].sum())
        open_rows &= ~cover[:, j] if cover.size else open_rows
        left[j] = False
    return order, gained, rural_gained


def _gained_mask(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Demand rows covered by a contact point after the plan but not before."""
    now = after["covered_by_point"].to_numpy(dtype=bool)
    if "code" in after.columns and "code" in before.columns:
        was_covered = before.set_index(before["code"].astype(str))["covered_by_point"]
        was_covered = was_covered[~was_covered.index.duplicated()]
        prior = after["code"].astype(str).map(was_covered).fillna(False).astype(bool)
        return now & ~prior.to_numpy()
    return now & ~before["covered_by_point"].to_numpy(dtype=bool)
