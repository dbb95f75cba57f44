"""Planning standards: service radii, the 3-5 rule, county minimums, targets, rooms, equity.

Defaults live in ``standards.toml`` next to this module (values from the speech and marked
assumptions). :func:`load_standards` reads that file or a user file, applies keyword
overrides, validates everything and returns a frozen :class:`Standards`.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from analysis.errors import AnalysisError, AnalysisProblems, Problem
from analysis.reach.network.types import TravelMode
from analysis.standards.checks import checked_values
from analysis.standards.reach import (
    REACH_STRUCTURED,
    ReachMode,
    apply_reach_override,
    checked_reach,
    reach_tables,
    reach_toml_fields,
)
from analysis.standards.review_rules import ReviewRules, checked_review, review_fields
from analysis.standards.site_rules import SiteRule
from geodata.schema import POINT_TYPES

DEFAULT_STANDARDS_PATH = Path(__file__).with_name("standards.toml")

# TOML (section, key) -> Standards field; radius_m is handled separately (one key per type).
_TOML_FIELDS: dict[tuple[str, str], str] = {
    ("collection_sites", "radius_m"): "collection_site_radius_m",
    ("collection_sites", "min_per_point"): "sites_min_per_point",
    ("collection_sites", "max_per_point"): "sites_max_per_point",
    ("county_minimums", "rural"): "county_min_rural",
    ("county_minimums", "enterprise"): "county_min_enterprise",
    (
        "county_minimums",
        "exempt_urban_districts_from_rural_minimum",
    ): "exempt_urban_districts_from_rural_minimum",
    ("targets", "rural"): "target_rural",
    ("targets", "enterprise"): "target_enterprise",
    ("targets", "association"): "target_association",
    ("rooms", "contact_point_min_area_m2"): "contact_point_min_area_m2",
    ("rooms", "contact_point_min_staff"): "contact_point_min_staff",
    ("rooms", "home_min_area_m2"): "home_min_area_m2",
    ("rooms", "home_min_administrators"): "home_min_administrators",
    ("rooms", "home_min_volunteers"): "home_min_volunteers",
    ("rooms", "home_max_volunteers"): "home_max_volunteers",
    ("equity", "flag_below"): "equity_flag_below",
    ("demand_grid", "cell_size_m"): "grid_cell_size_m",
    ("demand_grid", "max_cells"): "grid_max_cells",
    ("site_rules", "enabled"): "site_rules_enabled",
    ("capacity", "population_per_point"): "capacity_population_per_point",
    ("capacity", "sites_per_point"): "capacity_sites_per_point",
    ("township_minimum", "share"): "township_min_share",
}
#: Fields validated by their own code, not by the generic number/bool checks.
_STRUCTURED = ("radius_by_type_m", "site_rules", "review", *REACH_STRUCTURED)


@dataclass(frozen=True)
class Standards:
    """Validated planning standards (see ``standards.toml`` for each value's source).

    Parameters
    ----------
    radius_by_type_m
        Service radius in metres for every contact point type in
        :data:`geodata.schema.POINT_TYPES`.
    collection_site_radius_m
        Service radius of a collection site, metres.
    sites_min_per_point, sites_max_per_point
        The 3-5 rule: collection sites within a contact point's radius.
    county_min_rural, county_min_enterprise
        Minimum contact points of type ``rural`` / ``enterprise`` per county.
    exempt_urban_districts_from_rural_minimum
        When true, counties with no rural population (or named ...区 with no rural
        villages) are exempt from the rural minimum.
    target_rural, target_enterprise, target_association
        Contact points to add, by type.
    contact_point_min_area_m2, contact_point_min_staff
        Room standard of a contact point.
    home_min_area_m2, home_min_administrators, home_min_volunteers, home_max_volunteers
        Standard of a representative home.
    equity_flag_below
        Flag when ``equity_index`` is below this value.
    grid_cell_size_m, grid_max_cells
        Township grid used as demand when there are no villages.
    site_rules
        Where a new point of each type may stand (:class:`analysis.standards.site_rules.SiteRule`);
        a type without a rule may stand anywhere.
    site_rules_enabled
        Apply ``site_rules`` in the optimiser and warn about points that break them.
    reach_mode
        ``"radius"`` (circles of ``radius_by_type_m``) or ``"road"`` (travel time on the road
        layer; applies only when a road layer is loaded).
    reach_minutes_by_type
        Travel minutes a contact point of each type serves, in road mode.
    travel_mode_by_type
        ``"walk"`` or ``"drive"`` for each contact point type, in road mode.
    collection_site_reach_minutes, collection_site_travel_mode
        Reach of a collection site in road mode.
    walk_kmh
        Walking speed on roads, km/h.
    offroad_kmh
        Walking speed from a place to its nearest road, km/h.
    max_offroad_m
        A place farther than this from every road is "not on the road network", metres.
    snap_tolerance_m
        Road line ends closer than this are joined, metres.
    road_speed_kmh
        Default driving speed of each road class (:data:`geodata.schema.ROAD_CLASSES`),
        km/h, for roads without their own ``speed_kmh``.
    capacity_population_per_point, capacity_sites_per_point
        Optimiser capacity of a contact point (people it can serve, villages it can serve
        through collection sites); 0 = unlimited (off, the default).
    township_min_share
        Optimiser: share of each township's people a plan must serve (0 = off).
    review
        Thresholds of the performance review
        (:class:`~analysis.standards.review_rules.ReviewRules`).
    """

    radius_by_type_m: dict[str, float]
    collection_site_radius_m: float = 3000.0
    sites_min_per_point: int = 3
    sites_max_per_point: int = 5
    county_min_rural: int = 2
    county_min_enterprise: int = 1
    exempt_urban_districts_from_rural_minimum: bool = False
    target_rural: int = 8
    target_enterprise: int = 5
    target_association: int = 3
    contact_point_min_area_m2: float = 30.0
    contact_point_min_staff: int = 1
    home_min_area_m2: float = 50.0
    home_min_administrators: int = 1
    home_min_volunteers: int = 2
    home_max_volunteers: int = 3
    equity_flag_below: float = 0.8
    grid_cell_size_m: float = 500.0
    grid_max_cells: int = 1_000_000
    site_rules: dict[str, SiteRule] = field(default_factory=dict)
    site_rules_enabled: bool = True
    reach_mode: ReachMode = "radius"
    reach_minutes_by_type: dict[str, float] = field(default_factory=dict)
    travel_mode_by_type: dict[str, TravelMode] = field(default_factory=dict)
    collection_site_reach_minutes: float = 10.0
    collection_site_travel_mode: TravelMode = "drive"
    walk_kmh: float = 4.5
    offroad_kmh: float = 3.0
    max_offroad_m: float = 2000.0
    snap_tolerance_m: float = 5.0
    road_speed_kmh: dict[str, float] = field(default_factory=dict)
    capacity_population_per_point: float = 0.0
    capacity_sites_per_point: int = 0
    township_min_share: float = 0.0
    review: ReviewRules = field(default_factory=ReviewRules)

    @property
    def active_site_rules(self) -> dict[str, SiteRule]:
        """The site rules in force (empty when ``site_rules_enabled`` is false)."""
        return dict(self.site_rules) if self.site_rules_enabled else {}

    def radius_m_for(self, point_type: str) -> float:
        """Service radius in metres of a contact point of ``point_type``."""
        return _by_type(self.radius_by_type_m, point_type)

    def reach_minutes_for(self, point_type: str) -> float:
        """Travel minutes a contact point of ``point_type`` serves (road mode)."""
        return _by_type(self.reach_minutes_by_type, point_type)

    def travel_mode_for(self, point_type: str) -> TravelMode:
        """How people travel to a contact point of ``point_type``: ``"walk"`` or ``"drive"``."""
        return _by_type(self.travel_mode_by_type, point_type)

    @property
    def targets(self) -> dict[str, int]:
        """Contact points to add, by type."""
        return {
            "rural": self.target_rural,
            "enterprise": self.target_enterprise,
            "association": self.target_association,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable copy of every value."""
        out = asdict(self)
        for name in ("radius_by_type_m", *_REACH_TABLES):
            out[name] = dict(getattr(self, name))
        out["site_rules"] = {t: r.to_dict() for t, r in self.site_rules.items()}
        return out

    def with_overrides(self, **overrides: Any) -> Standards:
        """Return a validated copy with some values replaced (see :func:`load_standards`)."""
        return _apply_overrides(self, overrides)


_REACH_TABLES = ("reach_minutes_by_type", "travel_mode_by_type", "road_speed_kmh")


_T = TypeVar("_T")


def _by_type(table: dict[str, _T], point_type: str) -> _T:
    try:
        return table[point_type]
    except KeyError:
        raise AnalysisError(
            [Problem("unknown_point_type", f"Unknown contact point type {point_type!r}.")]
        ) from None


def load_standards(path: str | Path | None = None, **overrides: Any) -> Standards:
    """Read planning standards from TOML and apply overrides.

    Parameters
    ----------
    path
        TOML file laid out like ``analysis/standards/standards.toml``; ``None`` reads the defaults.
        A user file may hold only some values: the rest keep their defaults.
    **overrides
        Field names of :class:`Standards` with new values. ``radius_m=N`` sets one radius
        for every contact point type; ``radius_by_type_m={"rural": 8000}`` changes some.
        Likewise ``reach_minutes=N`` sets every type's travel minutes and
        ``reach_minutes_by_type={"rural": 30}`` changes some; ``travel_mode_by_type`` and
        ``road_speed_kmh`` change the entries they name; ``reach_mode="road"`` switches to
        road travel time.

    Returns
    -------
    Standards
        Validated standards.

    Raises
    ------
    AnalysisError
        Unreadable file, unknown keys, or values out of range (all problems at once).
    """
    problems = AnalysisProblems()
    values = _read_toml(DEFAULT_STANDARDS_PATH, problems)
    if path is not None:
        values = _merge(values, _read_toml(Path(path), problems))
    problems.raise_if_errors()
    source = str(path) if path is not None else DEFAULT_STANDARDS_PATH.name
    kwargs = _to_fields(values, source, problems)
    base = Standards(**kwargs)
    return _apply_overrides(base, overrides, source, problems)


def is_exempt_from_rural_minimum(
    standards: Standards, county_name: str, rural_population: float, rural_villages: int
) -> bool:
    """Whether a county is exempt from the rural-point minimum.

    Parameters
    ----------
    standards
        Exemption applies only when ``exempt_urban_districts_from_rural_minimum`` is true.
    county_name
        Name of the county/district (a name ending with 区 marks an urban district).
    rural_population
        Rural population of the county.
    rural_villages
        Number of rural villages (村委会) in the county.
    """
    if not standards.exempt_urban_districts_from_rural_minimum:
        return False
    return rural_population <= 0 or (str(county_name).endswith("区") and rural_villages == 0)


def _read_toml(path: Path, problems: AnalysisProblems) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.add("standards_not_found", f"Standards file not found: {path}", source=str(path))
    except tomllib.TOMLDecodeError as exc:
        problems.add(
            "standards_bad_toml", f"Standards file is not valid TOML: {exc}", source=str(path)
        )
    except OSError as exc:
        problems.add("standards_unreadable", f"Cannot read standards file: {exc}", source=str(path))
    return {}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _to_fields(values: dict[str, Any], source: str, problems: AnalysisProblems) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for section, table in values.items():
        if not isinstance(table, dict):
            problems.add("standards_unknown_key", f"Unknown setting {section!r}.", source=source)
            continue
        for key, value in table.items():
            if section in ("reach", "roads"):
                kwargs.update(reach_toml_fields(section, {key: value}, source, problems))
            elif section == "radius_m":
                kwargs.setdefault("radius_by_type_m", {})[key] = value
            elif section == "review":
                kwargs.setdefault("review", {}).update(
                    review_fields({key: value}, source, problems)
                )
            elif section == "site_rules" and isinstance(value, dict):
                kwargs.setdefault("site_rules", {})[key] = value
            elif (section, key) in _TOML_FIELDS:
                kwargs[_TOML_FIELDS[(section, key)]] = value
            else:
                problems.add(
                    "standards_unknown_key", f"Unknown setting [{section}] {key!r}.", source=source
                )
    return kwargs


def _apply_overrides(
    base: Standards,
    overrides: dict[str, Any],
    source: str = "overrides",
    problems: AnalysisProblems | None = None,
) -> Standards:
    problems = problems if problems is not None else AnalysisProblems()
    names = {f.name for f in fields(Standards)}
    radii = dict(base.radius_by_type_m)
    tables = reach_tables(base)
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue  # an unset command-line option
        if apply_reach_override(tables, key, value):
            continue
        if key == "radius_m":
            radii = dict.fromkeys(POINT_TYPES, value)
        elif key == "radius_by_type_m":
            radii.update(value)
        elif key == "review":
            changes["review"] = checked_review(base.review, value, source, problems)
        elif key == "site_rules":
            rules = {t: r.to_dict() for t, r in base.site_rules.items()}
            rules.update(value)
            changes["site_rules"] = rules
        elif key in names:
            changes[key] = value
        else:
            problems.add("standards_unknown_key", f"Unknown setting {key!r}.", source=source)
    changes["radius_by_type_m"] = radii
    changes.update(tables)
    candidate = replace(base, **changes)
    return _validated(candidate, source, problems)


def _validated(std: Standards, source: str, problems: AnalysisProblems) -> Standards:
    """Check every value (all problems at once) and return the normalised standards."""
    clean = checked_values(std, source, problems, structured=_STRUCTURED)
    clean.update(checked_reach(std, source, problems))
    clean["review"] = checked_review(ReviewRules(), std.review, source, problems)
    problems.raise_if_errors()
    return Standards(**clean)
