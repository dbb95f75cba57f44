"""Headline KPIs of a network, as one frozen, JSON-serialisable dataclass.

Every share is a fraction in [0, 1] (0 when its denominator is 0). "Covered" means within the
service radius of a contact point of its type; "network" also counts collection sites.
Each key is defined in one line in docs/method.md#kpis.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.coverage.equity import compute_equity, safe_share
from analysis.standards.load import Standards
from geodata.schema import POINT_TYPES


@dataclass(frozen=True)
class KPIs:
    """Headline figures (docs/method.md#kpis defines each in one line)."""

    population_total: int
    population_covered: int
    coverage_share: float
    rural_population_total: int
    rural_population_covered: int
    rural_coverage_share: float
    urban_coverage_share: float
    townships_total: int
    townships_uncovered: int
    contact_points_total: int
    contact_points_by_type: dict[str, int]
    rural_point_share: float
    rural_population_share: float
    collection_sites_total: int
    points_with_3_to_5_sites: int
    points_below_3_sites: int
    points_above_5_sites: int
    counties_total: int
    counties_compliant: int
    opinions_collected: int
    opinions_adopted: int
    adoption_rate: float
    network_population_covered: int
    network_coverage_share: float
    equity_index: float | None
    equity_flagged: bool
    points_below_room_standard: int
    homes_total: int
    # extras
    urban_population_total: int = 0
    urban_population_covered: int = 0
    uncovered_population: int = 0
    counties_equity_flagged: int = 0
    homes_below_standard: int = 0
    demand_source: str = "villages"
    reach_mode: str = "radius"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (ints, floats, bools, str, None, dict) ready for ``json.dumps``."""
        return asdict(self)


def _int(value: Any) -> int:
    return int(value)


def _share(part: float, whole: float) -> float:
    return float(safe_share(part, whole))


def _below_room(points: pd.DataFrame) -> int:
    """Points below the room standard; a point "待建" (``room_pending``) never counts."""
    if not len(points) or "meets_room_standard" not in points.columns:
        return 0
    below = ~points["meets_room_standard"].astype(bool)
    if "room_pending" in points.columns:
        below &= ~points["room_pending"].astype(bool)
    return _int(below.sum())


def compute_kpis(
    townships: pd.DataFrame,
    counties: pd.DataFrame,
    contact_points: pd.DataFrame,
    homes: pd.DataFrame,
    collection_sites_total: int,
    standards: Standards,
    demand_source: str = "villages",
) -> KPIs:
    """Compute the KPIs from the coverage tables.

    Parameters
    ----------
    townships, counties, contact_points
        Tables of :class:`analysis.coverage.api.CoverageResult`.
    homes
        Representative homes (``area_m2``, ``administrators``, ``volunteers`` if known).
    collection_sites_total
        Number of collection sites.
    standards
        Room standards and equity threshold.
    demand_source
        ``"villages"``, ``"township_grid"``, ``"raster_grid"`` (the population raster's
        cells) or their combinations joined by ``+`` (e.g. ``"villages+raster_grid"``).

    Returns
    -------
    KPIs
    """
    pop = _int(townships["population"].sum())
    rural = _int(townships["rural_population"].sum())
    covered = _int(townships["covered_population"].sum())
    rural_covered = _int(townships["rural_covered_population"].sum())
    network = _int(townships["network_covered_population"].sum())
    urban, urban_covered = pop - rural, covered - rural_covered
    types = contact_points["type"].to_numpy()
    by_type = {t: int(np.count_nonzero(types == t)) for t in POINT_TYPES}
    n_points = len(contact_points)
    rule = contact_points["site_rule"].to_numpy()
    collected = _int(contact_points["opinions_collected"].sum()) if n_points else 0
    adopted = _int(contact_points["opinions_adopted"].sum()) if n_points else 0
    eq = compute_equity(by_type["rural"], n_points, rural, pop, standards.equity_flag_below)
    index = float(eq.equity_index)
    return KPIs(
        population_total=pop,
        population_covered=covered,
        coverage_share=_share(covered, pop),
        rural_population_total=rural,
        rural_population_covered=rural_covered,
        rural_coverage_share=_share(rural_covered, rural),
        urban_coverage_share=_share(urban_covered, urban),
        townships_total=len(townships),
        townships_uncovered=_int(townships["is_blind_spot"].sum()),
        contact_points_total=n_points,
        contact_points_by_type=by_type,
        rural_point_share=float(eq.rural_point_share),
        rural_population_share=float(eq.rural_population_share),
        collection_sites_total=int(collection_sites_total),
        points_with_3_to_5_sites=int(np.count_nonzero(rule == "ok")),
        points_below_3_sites=int(np.count_nonzero(rule == "below")),
        points_above_5_sites=int(np.count_nonzero(rule == "above")),
        counties_total=len(counties),
        counties_compliant=_int(counties["compliant"].sum()),
        opinions_collected=collected,
        opinions_adopted=adopted,
        adoption_rate=_share(adopted, collected),
        network_population_covered=network,
        network_coverage_share=_share(network, pop),
        equity_index=None if math.isnan(index) else index,
        equity_flagged=bool(eq.flagged),
        points_below_room_standard=_below_room(contact_points),
        homes_total=len(homes),
        urban_population_total=urban,
        urban_population_covered=urban_covered,
        uncovered_population=pop - covered,
        counties_equity_flagged=_int(counties["equity_flag"].sum()),
        homes_below_standard=_int((~homes_meet_standard(homes, standards)).sum()),
        demand_source=demand_source,
    )


#: Statuses of the points a plan adds or moves: their room may not be set up yet.
PLANNED_STATUSES: tuple[str, ...] = ("proposed", "moved")


@dataclass(frozen=True)
class RoomCheck:
    """Room and staffing of each point against its standard.

    Parameters
    ----------
    meets
        Per point: no *known* figure is below its minimum (unknown figures never fail).
    pending
        Per point: a planned point (``status`` proposed/moved) with none of its room figures
        known yet, shown as "待建" (to be set up) and not counted as below the standard.
    unknown
        Per figure column: the value is not known (missing, or 0 on a planned point).
    """

    meets: NDArray[np.bool_]
    pending: NDArray[np.bool_]
    unknown: dict[str, NDArray[np.bool_]]


def room_check(points: pd.DataFrame, minimums: dict[str, float]) -> RoomCheck:
    """Check room figures (``column -> minimum``) of each point; see :class:`RoomCheck`.

    A missing value is unknown. So is 0 on a planned point: a point added by hand or by the
    optimiser gets 0 in integer columns (staff, administrators, volunteers) until the
    planner types its figures in, and its room does not exist yet, so it is "待建", not
    "below the standard". An existing point's 0 is a real figure and fails.
    """
    n = len(points)
    planned = np.zeros(n, dtype=bool)
    if "status" in points.columns:
        planned = points["status"].astype(str).isin(PLANNED_STATUSES).to_numpy(dtype=bool)
    meets = np.ones(n, dtype=bool)
    all_unknown = np.ones(n, dtype=bool)
    unknown: dict[str, NDArray[np.bool_]] = {}
    for column, minimum in minimums.items():
        if column in points.columns:
            values = pd.to_numeric(points[column], errors="coerce").to_numpy(dtype=float)
        else:
            values = np.full(n, np.nan)
        missing = np.isnan(values) | (planned & (values == 0))
        with np.errstate(invalid="ignore"):
            meets &= missing | ~(values < minimum)
        all_unknown &= missing
        unknown[column] = missing
    return RoomCheck(meets=meets, pending=planned & all_unknown, unknown=unknown)


def contact_point_room(points: pd.DataFrame, standards: Standards) -> RoomCheck:
    """Room (``area_m2``) and full-time staff (``staff``) of contact points (>= 30 m2, 1)."""
    minimums = {"area_m2": standards.contact_point_min_area_m2}
    return room_check(points, {**minimums, "staff": standards.contact_point_min_staff})


def home_room(homes: pd.DataFrame, standards: Standards) -> RoomCheck:
    """Room, administrators and volunteers of representative homes (>= 50 m2, 1, 2)."""
    return room_check(
        homes,
        {
            "area_m2": standards.home_min_area_m2,
            "administrators": standards.home_min_administrators,
            "volunteers": standards.home_min_volunteers,
        },
    )


def homes_meet_standard(homes: pd.DataFrame, standards: Standards) -> pd.Series:
    """Per home: room and staffing meet the standard (unknown values are not counted as failing).

    A home fails when its known ``area_m2`` is below the minimum, or it has fewer
    administrators or volunteers than the minimum; a planned home's 0 is unknown
    (:func:`room_check`).
    """
    return pd.Series(home_room(homes, standards).meets, index=homes.index)
