"""Population newly covered by each proposed (or moved) contact point."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.export.model import CoverageLike

#: Statuses of the points a plan adds to the map.
NEW_STATUSES: tuple[str, ...] = ("proposed", "moved")


def newly_covered_population(
    points: gpd.GeoDataFrame, before: CoverageLike, after: CoverageLike
) -> dict[str, int]:
    """Population each proposed/moved contact point brings under coverage.

    A demand unit (village or grid cell) counts as newly covered when it is covered by a
    contact point after the plan and was not before. It is credited to the nearest
    proposed or moved point whose service radius reaches it, so the figures add up to
    the population gained by new points and never count a village twice.

    Parameters
    ----------
    points
        Contact points of the plan in EPSG:4326 with ``id``, ``status`` and, unless the
        coverage table has it, nothing else is needed.
    before, after
        Coverage of the baseline and of the plan; their ``demand`` tables share ``code``
        and ``after.contact_points`` gives each point's ``radius_m``.

    Returns
    -------
    dict[str, int]
        Point id -> newly covered population, for every proposed/moved point (0 when none).
    """
    if "status" not in points.columns or points.empty:
        return {}
    new = points[points["status"].isin(NEW_STATUSES)]
    result = {str(i): 0 for i in new["id"]}
    if new.empty:
        return result
    gained = _gained_demand(before.demand, after.demand)
    radii = after.contact_points.set_index(after.contact_points["id"].astype(str))["radius_m"]
    new_radius = new["id"].astype(str).map(radii).to_numpy(dtype=float)
    if gained.empty or np.all(np.isnan(new_radius)):
        return result
    crs = getattr(after, "crs", None)
    projected = new.to_crs(crs) if crs is not None else new
    px = projected.geometry.x.to_numpy()
    py = projected.geometry.y.to_numpy()
    dx = gained["x_m"].to_numpy(dtype=float)[:, None] - px[None, :]
    dy = gained["y_m"].to_numpy(dtype=float)[:, None] - py[None, :]
    dist = np.hypot(dx, dy)
    dist[:, np.isnan(new_radius)] = np.inf
    dist[dist > np.nan_to_num(new_radius, nan=-1.0)[None, :]] = np.inf
    best = np.argmin(dist, axis=1)
    reached = np.isfinite(dist[np.arange(len(dist)), best])
    pop = gained["population"].to_numpy(dtype=np.int64)
    ids = new["id"].astype(str).to_numpy()
    for j, p in zip(best[reached], pop[reached], strict=True):
        result[str(ids[j])] += int(p)
    return result


def _gained_demand(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Demand rows covered by a point after the plan but not before."""
    key = "code" if "code" in after.columns and "code" in before.columns else None
    if key is None:
        was = before["covered_by_point"].to_numpy(dtype=bool)
        now = after["covered_by_point"].to_numpy(dtype=bool)
        return after[now & ~was]
    was_covered = before.set_index(before[key].astype(str))["covered_by_point"]
    prior = after[key].astype(str).map(was_covered).fillna(False).astype(bool).to_numpy()
    now = after["covered_by_point"].to_numpy(dtype=bool)
    return after[now & ~prior]
