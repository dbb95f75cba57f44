"""Aggregate per-demand coverage to townships and counties; build the contact point table.

All sums are ``np.bincount`` over integer keys (township index, county index): no loop over
villages. Populations are summed as floats (grid cells carry fractions of people) and
rounded to whole people per township; county figures are sums of township figures, so the
tables always add up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.coverage.equity import compute_equity, safe_share
from analysis.standards.load import Standards, is_exempt_from_rural_minimum
from geodata.schema import POINT_TYPES

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _nan_share(part: NDArray[np.int64], whole: NDArray[np.int64]) -> FloatArray:
    """Share for a table cell: NaN where the denominator is 0 (undefined, not 0 %)."""
    share = safe_share(part, whole)
    share[np.asarray(whole) <= 0] = np.nan
    return share


def township_table(
    townships: pd.DataFrame,
    demand_township: IntArray,
    population: FloatArray,
    rural_population: FloatArray,
    covered_by_point: BoolArray,
    covered_by_network: BoolArray,
    points_township: IntArray,
) -> pd.DataFrame:
    """One row per township (same order as ``townships``).

    Parameters
    ----------
    townships
        ``code``, ``name``, ``county`` (and optionally ``kind``), positional index = township.
    demand_township
        Township index of every demand point.
    population, rural_population
        Per demand point.
    covered_by_point, covered_by_network
        Per demand point.
    points_township
        Township index of every contact point (-1 when outside all townships).
    """
    n = len(townships)

    def total(weights: FloatArray) -> NDArray[np.int64]:
        summed = np.bincount(demand_township, weights=weights, minlength=n)
        return np.rint(summed).astype(np.int64)

    pop = total(population)
    rural = total(rural_population)
    covered = total(np.where(covered_by_point, population, 0.0))
    rural_covered = total(np.where(covered_by_point, rural_population, 0.0))
    network = total(np.where(covered_by_network, population, 0.0))
    urban = pop - rural
    urban_covered = covered - rural_covered
    inside = points_township[points_township >= 0]
    # ``.array``: the columns' own (Arrow) arrays; ``to_numpy()`` would turn them into
    # Python strings that the DataFrame then converts back (~0.1 s for 41,000 townships).
    table = pd.DataFrame(
        {
            "code": townships["code"].array,
            "name": townships["name"].array,
            "county": townships["county"].array,
            "kind": townships["kind"].array if "kind" in townships else "",
            "population": pop,
            "rural_population": rural,
            "urban_population": urban,
            "covered_population": covered,
            "rural_covered_population": rural_covered,
            "urban_covered_population": urban_covered,
            "coverage_share": _nan_share(covered, pop),
            "rural_coverage_share": _nan_share(rural_covered, rural),
            "urban_coverage_share": _nan_share(urban_covered, urban),
            "uncovered_population": pop - covered,
            "is_blind_spot": (pop > 0) & (covered == 0),
            "network_covered_population": network,
            "network_coverage_share": _nan_share(network, pop),
            "demand_points": np.bincount(demand_township, minlength=n),
            "contact_points": np.bincount(inside, minlength=n),
        }
    )
    return table


def county_table(
    towns: pd.DataFrame,
    demand_county: IntArray,
    demand_is_rural: BoolArray,
    county_names: list[str],
    points_county: IntArray,
    points_type: IntArray,
    standards: Standards,
) -> pd.DataFrame:
    """One row per county: population, coverage, points by type, minimums, equity.

    Parameters
    ----------
    towns
        Output of :func:`township_table` with an extra integer column ``county_index``.
    demand_county
        County index of every demand point.
    demand_is_rural
        Demand row of kind ``rural`` (a rural village, or a grid cell of a rural township).
    county_names
        Name of each county index.
    points_county
        County index of every contact point (-1: none; not counted in any county).
    points_type
        Index into :data:`geodata.schema.POINT_TYPES` of every contact point.
    standards
        Minimums, exemption setting and equity threshold.
    """
    n = len(county_names)
    key = towns["county_index"].to_numpy()

    def total(column: str) -> NDArray[np.int64]:
        return np.bincount(key, weights=towns[column].to_numpy(float), minlength=n).astype(np.int64)

    pop = total("population")
    rural = total("rural_population")
    covered = total("covered_population")
    rural_covered = total("rural_covered_population")
    network = total("network_covered_population")
    urban, urban_covered = pop - rural, covered - rural_covered
    table = pd.DataFrame(
        {
            "county": county_names,
            "population": pop,
            "rural_population": rural,
            "urban_population": urban,
            "covered_population": covered,
            "rural_covered_population": rural_covered,
            "urban_covered_population": urban_covered,
            "coverage_share": _nan_share(covered, pop),
            "rural_coverage_share": _nan_share(rural_covered, rural),
            "urban_coverage_share": _nan_share(urban_covered, urban),
            "network_covered_population": network,
            "network_coverage_share": _nan_share(network, pop),
            "townships": np.bincount(key, minlength=n),
            "blind_spot_townships": np.bincount(
                key, weights=towns["is_blind_spot"].to_numpy(float), minlength=n
            ).astype(np.int64),
        }
    )
    n_types = len(POINT_TYPES)
    known = points_county >= 0  # -1: a point in no county
    keys = points_county[known] * n_types + points_type[known]
    by_type = np.bincount(keys, minlength=n * n_types)
    by_type = by_type.reshape(n, n_types)
    for t, ptype in enumerate(POINT_TYPES):
        table[f"points_{ptype}"] = by_type[:, t]
    table["points_total"] = by_type.sum(axis=1)
    rural_villages = np.bincount(demand_county[demand_is_rural], minlength=n)
    table["rural_villages"] = rural_villages
    exempt = np.array(
        [
            is_exempt_from_rural_minimum(standards, name, float(r), int(v))
            for name, r, v in zip(county_names, rural, rural_villages, strict=True)
        ],
        dtype=bool,
    )
    table["exempt_from_rural_minimum"] = exempt
    table["meets_rural_minimum"] = exempt | (table["points_rural"] >= standards.county_min_rural)
    table["meets_enterprise_minimum"] = (
        table["points_enterprise"] >= standards.county_min_enterprise
    )
    table["compliant"] = table["meets_rural_minimum"] & table["meets_enterprise_minimum"]
    table["rural_points_missing"] = np.where(
        exempt, 0, np.maximum(standards.county_min_rural - table["points_rural"], 0)
    )
    table["enterprise_points_missing"] = np.maximum(
        standards.county_min_enterprise - table["points_enterprise"], 0
    )
    eq = compute_equity(
        table["points_rural"], table["points_total"], rural, pop, standards.equity_flag_below
    )
    table["rural_point_share"] = eq.rural_point_share
    table["rural_population_share"] = eq.rural_population_share
    table["equity_index"] = eq.equity_index
    table["equity_flag"] = eq.flagged
    return table


def site_rule(sites_within: IntArray, standards: Standards) -> NDArray[np.object_]:
    """``"below"``, ``"ok"`` or ``"above"`` the 3-5 collection-site rule, per point."""
    rule = np.full(sites_within.shape, "ok", dtype=object)
    rule[sites_within < standards.sites_min_per_point] = "below"
    rule[sites_within > standards.sites_max_per_point] = "above"
    return rule
