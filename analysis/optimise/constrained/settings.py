"""Capacities and township minimums of a request: what is on, validated once.

Both are off by default (the standards' ``[capacity]`` and ``[township_minimum]`` are 0):
an unconstrained request never reaches :mod:`analysis.optimise.constrained`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from analysis.errors import AnalysisError
from analysis.optimise.model.request import ProposalRequest
from analysis.standards.load import Standards
from geodata.errors import Problem
from geodata.schema import POINT_TYPES


@dataclass(frozen=True)
class Constraints:
    """The capacities and township minimum in force for one request.

    Parameters
    ----------
    population_by_type
        People a point of each type can serve; a type absent is unlimited.
    sites_per_point
        Villages a point can serve through its collection sites (0 = unlimited).
    township_min_share
        Share of each township's people the plan must cover or serve (0 = off).
    """

    population_by_type: dict[str, float] = field(default_factory=dict)
    sites_per_point: int = 0
    township_min_share: float = 0.0

    @property
    def capacitated(self) -> bool:
        """A capacity (people or collection sites) is set."""
        return bool(self.population_by_type) or self.sites_per_point > 0

    @property
    def active(self) -> bool:
        """A capacity or a township minimum is set (the constrained solve is needed)."""
        return self.capacitated or self.township_min_share > 0

    def population_cap(self, point_type: str) -> float:
        """People a point of ``point_type`` can serve (``inf`` when unlimited)."""
        return float(self.population_by_type.get(point_type, math.inf))

    @property
    def sites_cap(self) -> float:
        """Villages a point can serve (``inf`` when unlimited)."""
        return float(self.sites_per_point) if self.sites_per_point > 0 else math.inf

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy."""
        return {
            "population_by_type": dict(self.population_by_type),
            "sites_per_point": self.sites_per_point,
            "township_min_share": self.township_min_share,
        }


def constraints_of(standards: Standards, request: ProposalRequest) -> Constraints:
    """The constraints of ``request`` (``None`` fields follow ``standards``), validated.

    Raises
    ------
    AnalysisError
        ``bad_request``: an unknown type, a negative capacity or a share outside [0, 1].
    """
    default = float(standards.capacity_population_per_point)
    by_type = dict.fromkeys(POINT_TYPES, default)
    given = dict(request.capacity_population or {})
    problems: list[Problem] = []
    for point_type, value in given.items():
        if point_type not in POINT_TYPES or not _non_negative(value):
            problems.append(
                Problem(
                    "bad_request",
                    f"Capacity {point_type}={value!r}: the type must be one of "
                    f"{', '.join(POINT_TYPES)} and the capacity a number of people >= 0 "
                    "(0 = unlimited).",
                    value=f"{point_type}={value}",
                )
            )
        else:
            by_type[point_type] = float(value)
    sites = (
        standards.capacity_sites_per_point
        if request.capacity_sites is None
        else request.capacity_sites
    )
    share = (
        standards.township_min_share
        if request.township_min_share is None
        else request.township_min_share
    )
    if not _non_negative(sites) or float(sites) != int(sites):
        problems.append(
            Problem(
                "bad_request",
                f"Collection sites per point must be a whole number >= 0 (0 = unlimited), "
                f"got {sites!r}.",
                value=str(sites),
            )
        )
    if not _non_negative(share) or float(share) > 1:
        problems.append(
            Problem(
                "bad_request",
                f"The township minimum share must be between 0 and 1 (e.g. 0.3), got {share!r}.",
                value=str(share),
            )
        )
    if problems:
        raise AnalysisError(problems)
    return Constraints(
        population_by_type={t: v for t, v in by_type.items() if v > 0},
        sites_per_point=int(sites),
        township_min_share=float(share),
    )


def _non_negative(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
        and float(value) >= 0
    )
