"""Reach settings of the standards: radius or road travel time, minutes and travel mode by
point type, walking speeds, road speeds by class (``[reach]`` and ``[roads]`` in
``standards.toml``).

:mod:`analysis.standards.load` keeps the :class:`~analysis.standards.load.Standards` fields;
this module reads their TOML tables, applies their overrides and checks their values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from analysis.errors import AnalysisProblems
from analysis.reach.network.types import TRAVEL_MODES
from geodata.schema import POINT_TYPES, ROAD_CLASSES

ReachMode = Literal["radius", "road"]
#: ``radius``: a circle of ``radius_m`` around each point; ``road``: the places within
#: ``reach_minutes`` of travel on the road layer (only when one is loaded).
REACH_MODES: tuple[ReachMode, ...] = ("radius", "road")

#: ``[reach]`` scalar keys -> Standards fields.
REACH_SCALARS: dict[str, str] = {
    "mode": "reach_mode",
    "walk_kmh": "walk_kmh",
    "offroad_kmh": "offroad_kmh",
    "max_offroad_m": "max_offroad_m",
    "snap_tolerance_m": "snap_tolerance_m",
}
#: ``[reach.collection_sites]`` keys -> Standards fields.
SITE_KEYS: dict[str, str] = {
    "minutes": "collection_site_reach_minutes",
    "travel": "collection_site_travel_mode",
}
#: Reach fields checked here, not by the generic number checks.
REACH_STRUCTURED: tuple[str, ...] = (
    "reach_mode",
    "reach_minutes_by_type",
    "travel_mode_by_type",
    "collection_site_travel_mode",
    "road_speed_kmh",
)
#: Reach fields that must be above 0 (the generic checks allow 0).
_POSITIVE: tuple[str, ...] = (
    "walk_kmh",
    "offroad_kmh",
    "max_offroad_m",
    "collection_site_reach_minutes",
)
#: Overrides that change some entries of a table, and the one that sets every point type.
_TABLE_OVERRIDES = ("reach_minutes_by_type", "travel_mode_by_type", "road_speed_kmh")


def reach_toml_fields(
    section: str, table: Mapping[str, Any], source: str, problems: AnalysisProblems
) -> dict[str, Any]:
    """Standards fields from the ``[reach]`` or ``[roads]`` table of a TOML file.

    Parameters
    ----------
    section
        ``"reach"`` or ``"roads"``.
    table
        The section's table (nested tables included).
    source
        File named in the problems.
    problems
        Where unknown keys and misshapen tables are added.
    """
    out: dict[str, Any] = {}
    nested = {
        ("reach", "minutes"): "reach_minutes_by_type",
        ("reach", "travel"): "travel_mode_by_type",
        ("roads", "speed_kmh"): "road_speed_kmh",
    }
    for key, value in table.items():
        if (section, key) in nested or (section, key) == ("reach", "collection_sites"):
            if not isinstance(value, dict):
                problems.add(
                    "standards_bad_value",
                    f"[{section}.{key}] must be a table, got {value!r}.",
                    source=source,
                    value=str(value),
                )
            elif (section, key) in nested:
                out[nested[(section, key)]] = dict(value)
            else:
                out.update(_site_fields(value, source, problems))
        elif section == "reach" and key in REACH_SCALARS:
            out[REACH_SCALARS[key]] = value
        else:
            problems.add(
                "standards_unknown_key", f"Unknown setting [{section}] {key!r}.", source=source
            )
    return out


def _site_fields(
    table: Mapping[str, Any], source: str, problems: AnalysisProblems
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in SITE_KEYS:
            out[SITE_KEYS[key]] = value
        else:
            problems.add(
                "standards_unknown_key",
                f"Unknown setting [reach.collection_sites] {key!r}.",
                source=source,
            )
    return out


def reach_tables(std: Any) -> dict[str, dict[str, Any]]:
    """Copies of the reach tables of ``std`` that overrides may change."""
    return {name: dict(getattr(std, name)) for name in _TABLE_OVERRIDES}


def apply_reach_override(tables: dict[str, dict[str, Any]], key: str, value: Any) -> bool:
    """Apply one reach override to ``tables`` (see :func:`reach_tables`); False if not one.

    ``reach_minutes=N`` sets every contact point type's minutes (not the collection sites',
    like ``radius_m``); ``reach_minutes_by_type``, ``travel_mode_by_type`` and
    ``road_speed_kmh`` change the entries they name and keep the others.
    """
    if key == "reach_minutes":
        tables["reach_minutes_by_type"] = dict.fromkeys(POINT_TYPES, value)
        return True
    if key in _TABLE_OVERRIDES:
        tables[key].update(value)
        return True
    return False


def checked_reach(std: Any, source: str, problems: AnalysisProblems) -> dict[str, Any]:
    """Check the reach fields of a candidate ``Standards``; return their normalised values.

    Parameters
    ----------
    std
        The candidate standards.
    source
        File or "overrides", named in the problems.
    problems
        Where every problem found is added (the caller raises once).
    """
    clean: dict[str, Any] = {}
    clean["reach_mode"] = _choice(std.reach_mode, REACH_MODES, "reach.mode", source, problems)
    clean["collection_site_travel_mode"] = _choice(
        std.collection_site_travel_mode, TRAVEL_MODES, "reach.collection_sites.travel", source,
        problems,
    )  # fmt: skip
    clean["reach_minutes_by_type"] = _table(
        std.reach_minutes_by_type, POINT_TYPES, "reach.minutes", "minutes", source, problems
    )
    clean["travel_mode_by_type"] = {
        ptype: _choice(mode, TRAVEL_MODES, f"reach.travel.{ptype}", source, problems)
        for ptype, mode in _keys_checked(
            std.travel_mode_by_type, POINT_TYPES, "reach.travel", source, problems
        ).items()
    }
    clean["road_speed_kmh"] = _table(
        std.road_speed_kmh, ROAD_CLASSES, "roads.speed_kmh", "km/h", source, problems
    )
    for name in _POSITIVE:
        value = getattr(std, name)
        if _is_number(value) and float(value) <= 0:
            problems.add(
                "standards_bad_value", f"{name} must be above 0, got {value!r}.", source=source
            )
    return clean


def _choice(
    value: object, choices: tuple[str, ...], where: str, source: str, problems: AnalysisProblems
) -> str:
    if value not in choices:
        problems.add(
            "standards_bad_value",
            f"{where} must be one of {', '.join(choices)}, got {value!r}.",
            source=source,
            value=str(value),
        )
    return str(value)


def _keys_checked(
    table: Mapping[str, Any],
    expected: tuple[str, ...],
    where: str,
    source: str,
    problems: AnalysisProblems,
) -> dict[str, Any]:
    """Entries of ``table`` with known keys; a problem per unknown and per missing key."""
    what = "contact point type" if expected == POINT_TYPES else "road class"
    code = "standards_unknown_point_type" if expected == POINT_TYPES else "standards_unknown_key"
    for key in table:
        if key not in expected:
            problems.add(
                code,
                f"Unknown {what} {key!r} in [{where}]; expected one of {', '.join(expected)}.",
                source=source,
            )
    for key in expected:
        if key not in table:
            problems.add(
                "standards_bad_value", f"[{where}] has no value for {what} {key!r}.", source=source
            )
    return {k: v for k, v in table.items() if k in expected}


def _table(
    table: Mapping[str, Any],
    expected: tuple[str, ...],
    where: str,
    unit: str,
    source: str,
    problems: AnalysisProblems,
) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in _keys_checked(table, expected, where, source, problems).items():
        if _is_number(value) and float(value) > 0:
            out[key] = float(value)
        else:
            problems.add(
                "standards_bad_value",
                f"{where}.{key} must be a positive number of {unit}, got {value!r}.",
                source=source,
                value=str(value),
            )
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
