"""Checks of planning standards' values: types, ranges, radii by type, site rules.

Every problem is added to the caller's collector, so a standards file with five mistakes
is reported once with all five (:func:`analysis.standards.load.load_standards` raises).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from analysis.errors import AnalysisProblems
from analysis.standards.site_rules import TOWNSHIP_LEVELS, SiteRule
from geodata.schema import KINDS, POINT_TYPES


def checked_values(
    std: Any, source: str, problems: AnalysisProblems, *, structured: tuple[str, ...]
) -> dict[str, Any]:
    """Check types and ranges of every field of a :class:`~analysis.standards.load.Standards`.

    Parameters
    ----------
    std
        The candidate standards (any dataclass instance laid out like ``Standards``).
    source
        File or "overrides", named in the problems.
    problems
        Where every problem found is added (the caller raises once).
    structured
        Fields checked by their own code here (radii, site rules), not as plain values.

    Returns
    -------
    dict
        The normalised values, keyword arguments for ``Standards``.
    """
    clean: dict[str, Any] = {}
    radii: dict[str, float] = {}
    for ptype, value in std.radius_by_type_m.items():
        if ptype not in POINT_TYPES:
            problems.add(
                "standards_unknown_point_type",
                f"Unknown contact point type {ptype!r} in radius_m; expected one of "
                f"{', '.join(POINT_TYPES)}.",
                source=source,
            )
        elif _positive_number(value):
            radii[ptype] = float(value)
        else:
            problems.add(
                "standards_bad_value",
                f"radius_m.{ptype} must be a positive number of metres, got {value!r}.",
                source=source,
                value=str(value),
            )
    for ptype in POINT_TYPES:
        if ptype not in std.radius_by_type_m:
            problems.add(
                "standards_missing_radius", f"No radius for point type {ptype!r}.", source=source
            )
    clean["radius_by_type_m"] = radii
    clean["site_rules"] = _site_rules(std.site_rules, source, problems)
    for f in fields(std):
        if f.name in structured:
            continue
        value = getattr(std, f.name)
        if f.type in ("bool",):
            if not isinstance(value, bool):
                problems.add(
                    "standards_bad_value",
                    f"{f.name} must be true or false, got {value!r}.",
                    source=source,
                    value=str(value),
                )
            clean[f.name] = value
        elif f.type in ("int",):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or value < 0
                or (isinstance(value, float) and not value.is_integer())
            ):
                problems.add(
                    "standards_bad_value",
                    f"{f.name} must be a whole number >= 0, got {value!r}.",
                    source=source,
                    value=str(value),
                )
            else:
                clean[f.name] = int(value)
        elif not _non_negative_number(value):
            problems.add(
                "standards_bad_value",
                f"{f.name} must be a number >= 0, got {value!r}.",
                source=source,
                value=str(value),
            )
        else:
            clean[f.name] = float(value)
    if {"sites_min_per_point", "sites_max_per_point"} <= clean.keys() and clean[
        "sites_min_per_point"
    ] > clean["sites_max_per_point"]:
        problems.add(
            "standards_bad_value",
            "sites min_per_point must not exceed max_per_point.",
            source=source,
        )
    if {"home_min_volunteers", "home_max_volunteers"} <= clean.keys() and clean[
        "home_min_volunteers"
    ] > clean["home_max_volunteers"]:
        problems.add(
            "standards_bad_value",
            "home_min_volunteers must not exceed home_max_volunteers.",
            source=source,
        )
    for name in ("collection_site_radius_m", "grid_cell_size_m"):
        if clean.get(name, 1.0) <= 0:
            problems.add("standards_bad_value", f"{name} must be positive.", source=source)
    if clean.get("grid_max_cells", 1) < 1:
        problems.add("standards_bad_value", "grid_max_cells must be at least 1.", source=source)
    return clean


def _non_negative_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _positive_number(value: object) -> bool:
    return _non_negative_number(value) and float(value) > 0  # type: ignore[arg-type]


_RULE_KEYS = ("township_levels", "urban_townships", "village_kinds", "township_seats", "site_types")


def _site_rules(
    raw: Mapping[str, object], source: str, problems: AnalysisProblems
) -> dict[str, SiteRule]:
    """Validate ``[site_rules.<type>]`` tables (or :class:`SiteRule` values) into rules."""
    out: dict[str, SiteRule] = {}
    for ptype, table in raw.items():
        if ptype not in POINT_TYPES:
            problems.add(
                "standards_unknown_point_type",
                f"Unknown contact point type {ptype!r} in site_rules; expected one of "
                f"{', '.join(POINT_TYPES)}.",
                source=source,
            )
            continue
        if isinstance(table, SiteRule):
            out[ptype] = table
            continue
        if not isinstance(table, dict):
            problems.add(
                "standards_bad_value", f"site_rules.{ptype} must be a table.", source=source
            )
            continue
        unknown = sorted(set(table) - set(_RULE_KEYS))
        for key in unknown:
            problems.add(
                "standards_unknown_key", f"Unknown setting [site_rules.{ptype}] {key!r}.",
                source=source,
            )  # fmt: skip
        lists: dict[str, tuple[str, ...]] = {}
        allowed = {"township_levels": TOWNSHIP_LEVELS, "village_kinds": KINDS, "site_types": None}
        for key, choices in allowed.items():
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.add(
                    "standards_bad_value",
                    f"site_rules.{ptype}.{key} must be a list of words, got {value!r}.",
                    source=source,
                    value=str(value),
                )
                continue
            wrong = [v for v in value if choices is not None and v not in choices]
            if wrong:
                problems.add(
                    "standards_bad_value",
                    f"site_rules.{ptype}.{key}: {wrong} not among {', '.join(choices or ())}.",
                    source=source,
                    value=str(wrong),
                )
            lists[key] = tuple(value)
        flags: dict[str, bool] = {}
        for key in ("urban_townships", "township_seats"):
            value = table.get(key, False)
            if not isinstance(value, bool):
                problems.add(
                    "standards_bad_value",
                    f"site_rules.{ptype}.{key} must be true or false, got {value!r}.",
                    source=source,
                    value=str(value),
                )
                value = False
            flags[key] = value
        out[ptype] = SiteRule(
            township_levels=lists.get("township_levels", ()),
            urban_townships=flags["urban_townships"],
            village_kinds=lists.get("village_kinds", ()),
            township_seats=flags["township_seats"],
            site_types=lists.get("site_types", ()),
        )
    return out
