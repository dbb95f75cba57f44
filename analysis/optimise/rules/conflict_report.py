"""Result types of the rule check (:mod:`analysis.optimise.rules.conflicts`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geodata.errors import Problem

TYPE_ZH = {
    "urban_community": "城市社区",
    "rural": "农村",
    "enterprise": "企业",
    "association": "行业协会",
    "school": "学校",
    "other": "其他",
}


@dataclass(frozen=True)
class RuleConflict:
    """One unmet rule (or one county's shortfall against a minimum).

    Parameters
    ----------
    code
        ``"county_shortfall"`` (a county needs new points of a type),
        ``"type_deficit"`` (the request has too few points of a type for all counties),
        ``"county_capacity"`` (a county needs more new points than it has sites),
        ``"too_few_sites"`` (fewer candidate sites than points requested) or
        ``"must_cover_unreachable"`` (no candidate site reaches a must-cover township),
        ``"county_no_eligible_site"`` (a county needs more points of a type than it has
        sites where the site rules let one stand, e.g. rural points in a pure urban
        district) or ``"type_no_eligible_site"`` (more points of a type requested than
        sites in the city that may take one).
    county
        County concerned (``None`` for city-wide conflicts).
    point_type
        Type concerned (``None`` when not type-specific).
    required, available, shortfall
        What the rule asks, what there is, and the difference (points).
    exemptable
        The county is an urban district without rural villages (the exemption applies).
    message, message_zh
        English and Chinese sentence.
    """

    code: str
    county: str | None
    point_type: str | None
    required: int
    available: int
    shortfall: int
    exemptable: bool = False
    message: str = ""
    message_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy."""
        return {k: _plain(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class ChangeOption:
    """One way to make the request compliant.

    Parameters
    ----------
    kind
        ``"add_points"``, ``"exemption"`` or ``"exemption_and_points"``.
    extra_points
        Additional new points by type (0 omitted).
    exempt_counties
        Counties that the exemption releases from the rural minimum.
    new_counts
        The full request after the change.
    cli_flags
        Command-line flags of ``python -m analysis propose`` that apply this change.
    description, description_zh
        English and Chinese sentence.
    """

    kind: str
    extra_points: dict[str, int]
    exempt_counties: tuple[str, ...]
    new_counts: dict[str, int]
    cli_flags: str
    description: str
    description_zh: str

    @property
    def total_extra(self) -> int:
        """Number of extra points this option needs."""
        return int(sum(self.extra_points.values()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy."""
        out = dict(self.__dict__)
        out["exempt_counties"] = list(self.exempt_counties)
        out["total_extra"] = self.total_extra
        return out


@dataclass(frozen=True)
class ConflictReport:
    """Result of checking a request against the county rules.

    Parameters
    ----------
    requested
        New points requested by type.
    shortfalls
        Every county lacking points of a rule type (``code="county_shortfall"``).
    conflicts
        What the request cannot satisfy; empty when it is compliant.
    options
        Smallest compliant changes, fewest extra points first (empty when compliant or
        when only data changes can help, e.g. a county with no candidate site).
    exemption_applied
        Whether the urban-district exemption was in force for this check.
    """

    requested: dict[str, int]
    shortfalls: tuple[RuleConflict, ...]
    conflicts: tuple[RuleConflict, ...]
    options: tuple[ChangeOption, ...] = field(default_factory=tuple)
    exemption_applied: bool = False

    @property
    def feasible(self) -> bool:
        """True when the request can meet every rule."""
        return not self.conflicts

    @property
    def smallest_change(self) -> ChangeOption | None:
        """The option with the fewest extra points (exemption preferred on ties)."""
        return self.options[0] if self.options else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy (``conflicts.json`` of the CLI)."""
        return {
            "feasible": self.feasible,
            "requested": dict(self.requested),
            "exemption_applied": self.exemption_applied,
            "shortfalls": [s.to_dict() for s in self.shortfalls],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "options": [o.to_dict() for o in self.options],
        }

    def to_problems(self) -> list[Problem]:
        """The conflicts as :class:`Problem` (errors) and the options (warnings)."""
        out = [
            Problem(
                code=f"rule_{c.code}",
                message=c.message,
                value=c.county,
                params={**c.to_dict(), "message_zh": c.message_zh},
            )
            for c in self.conflicts
        ]
        out += [
            Problem(
                code=f"option_{o.kind}",
                message=f"Option: {o.description} ({o.cli_flags})",
                severity="warning",
                params=o.to_dict(),
            )
            for o in self.options
        ]
        return out


def _plain(value: Any) -> Any:
    """Numpy scalars to Python scalars (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value
