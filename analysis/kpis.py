"""Headline KPIs of a network, as one frozen, JSON-serialisable dataclass.

Every share is a fraction in [0, 1] (0 when its denominator is 0). "Covered" means within the
service radius of a contact point of its type; "network" also counts collection sites.
Each key is defined in one line in the README.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.equity import compute_equity, safe_share
from analysis.standards import Standards
from geodata.schema import POINT_TYPES


@dataclass(frozen=True)
class KPIs:
    """Headline figures (see the README for a one-line definition of each)."""

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

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (ints, floats, bools, str, None, dict) ready for ``json.dumps``."""
        return asdict(self)


def _int(value: Any) -> int:
    return int(value)


def _share(part: float, whole: float) -> float:
    return float(safe_share(part, whole))


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
        Tables of :class:`analysis.coverage.CoverageResult`.
    homes
        Representative homes (``area_m2``, ``administrators``, ``volunteers`` if known).
    collection_sites_total
        Number of collection sites.
    standards
        Room standards and equity threshold.
    demand_source
        ``"villages"``, ``"township_grid"`` or ``"villages+township_grid"``.

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
        points_below_room_standard=_int((~contact_points["meets_room_standard"]).sum())
        if n_points
        else 0,
        homes_total=len(homes),
        urban_population_total=urban,
        urban_population_covered=urban_covered,
        uncovered_population=pop - covered,
        counties_equity_flagged=_int(counties["equity_flag"].sum()),
        homes_below_standard=_int((~homes_meet_standard(homes, standards)).sum()),
        demand_source=demand_source,
    )


def homes_meet_standard(homes: pd.DataFrame, standards: Standards) -> pd.Series:
    """Per home: room and staffing meet the standard (unknown values are not counted as failing).

    A home fails when its known ``area_m2`` is below the minimum, or it has fewer
    administrators or volunteers than the minimum.
    """
    ok = pd.Series(True, index=homes.index)
    if "area_m2" in homes:
        area = pd.to_numeric(homes["area_m2"], errors="coerce")
        ok &= ~(area < standards.home_min_area_m2)
    if "administrators" in homes:
        ok &= ~(
            pd.to_numeric(homes["administrators"], errors="coerce")
            < standards.home_min_administrators
        )
    if "volunteers" in homes:
        ok &= ~(pd.to_numeric(homes["volunteers"], errors="coerce") < standards.home_min_volunteers)
    return ok
