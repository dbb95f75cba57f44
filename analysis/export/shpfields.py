"""Shapefile field names: at most 10 characters, by a fixed documented mapping.

The dBase format behind Shapefiles allows field names of 10 characters at most. Every
exported column gets the short name below; a column not in the table is cut to 10
characters (with a numeric suffix when two would clash). The mapping is also written
into every zipped Shapefile as ``fields.csv`` (short name, full name, Chinese label).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Canonical column -> Shapefile field name (<= 10 characters).
SHP_FIELDS: dict[str, str] = {
    "id": "id",
    "code": "code",
    "name": "name",
    "type": "type",
    "status": "status",
    "county": "county",
    "county_code": "cnty_code",
    "kind": "kind",
    "is_township_seat": "town_seat",
    "township_code": "town_code",
    "township": "township",
    "lon": "lon",
    "lat": "lat",
    "population": "pop",
    "rural_population": "rural_pop",
    "urban_population": "urban_pop",
    "covered_population": "cov_pop",
    "rural_covered_population": "rur_cv_pop",
    "urban_covered_population": "urb_cv_pop",
    "uncovered_population": "uncov_pop",
    "coverage_share": "cov_share",
    "coverage_share_before": "cov_before",
    "rural_coverage_share": "rur_share",
    "urban_coverage_share": "urb_share",
    "is_blind_spot": "blind_spot",
    "contact_points": "n_points",
    "opinions_collected": "op_collect",
    "opinions_adopted": "op_adopt",
    "area_m2": "area_m2",
    "staff": "staff",
    "radius_m": "radius_m",
    "reach_minutes": "reach_min",
    "nearest_point_minutes": "near_min",
    "sites_within": "sites_in",
    "site_rule": "site_rule",
    "newly_covered_population": "new_cv_pop",
    "newly_covered_alone": "new_alone",
    "rural_newly_covered_population": "new_cv_rur",
    "room_status": "room",
    "reason": "reason",
    "contact_point_id": "cp_id",
    "site_type": "site_type",
    "informants": "informants",
    "administrators": "admins",
    "volunteers": "volunteers",
    "activities_last_year": "activities",
    "orig_lon": "orig_lon",
    "orig_lat": "orig_lat",
}

MAX_FIELD_LENGTH = 10


def shapefile_names(columns: Iterable[str]) -> dict[str, str]:
    """Map each column to a unique Shapefile field name of at most 10 characters.

    Parameters
    ----------
    columns
        Column names of one layer (without the geometry column).

    Returns
    -------
    dict[str, str]
        Column -> field name, in the order given.

    Examples
    --------
    >>> shapefile_names(["covered_population", "a_very_long_unknown_name"])
    {'covered_population': 'cov_pop', 'a_very_long_unknown_name': 'a_very_lon'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        short = SHP_FIELDS.get(col, col)[:MAX_FIELD_LENGTH]
        candidate, n = short, 1
        while candidate.lower() in used:
            suffix = str(n)
            candidate = short[: MAX_FIELD_LENGTH - len(suffix)] + suffix
            n += 1
        used.add(candidate.lower())
        out[col] = candidate
    return out
