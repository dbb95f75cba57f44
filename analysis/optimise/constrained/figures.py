"""What a constrained plan reports: served people next to covered, townships vs minimum."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.optimise.constrained.model import TownshipNeed
from analysis.optimise.constrained.settings import Constraints
from analysis.optimise.rules.conflicts import RuleConflict


@dataclass(frozen=True)
class TownshipResult:
    """One township that was below the minimum before the plan.

    ``required``, ``before``, ``after`` and ``shortfall`` are people (``shortfall`` 0 when
    the plan brings the township to its minimum).
    """

    code: str
    name: str
    county: str
    population: int
    required: int
    before: int
    after: int
    shortfall: int

    @property
    def met(self) -> bool:
        """The plan brings the township to its minimum."""
        return self.shortfall <= 0


@dataclass(frozen=True)
class ConstrainedFigures:
    """Capacities and township minimums used, and the plan's figures under them.

    Parameters
    ----------
    constraints
        What was in force.
    served_before, served_after
        People served by the network (capped by the capacities) before and after the plan;
        without capacities, the covered people.
    townships
        The townships below the minimum before the plan, with their figures after it.
    """

    constraints: Constraints
    served_before: int
    served_after: int
    townships: tuple[TownshipResult, ...] = field(default_factory=tuple)

    @property
    def townships_unmet(self) -> tuple[TownshipResult, ...]:
        """Townships the plan leaves below the minimum."""
        return tuple(t for t in self.townships if not t.met)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy."""
        return {
            **self.constraints.to_dict(),
            "served_before": self.served_before,
            "served_after": self.served_after,
            "townships_below_minimum": len(self.townships),
            "townships_unmet": [t.__dict__ | {"met": t.met} for t in self.townships_unmet],
        }


def township_results(
    needs: tuple[TownshipNeed, ...], added: list[float], shortfall: list[float]
) -> tuple[TownshipResult, ...]:
    """The figures of each township below the minimum (people rounded)."""
    return tuple(
        TownshipResult(
            t.code,
            t.name,
            t.county,
            round(t.population),
            round(t.required),
            round(t.before),
            round(t.before + a),
            round(s),
        )
        for t, a, s in zip(needs, added, shortfall, strict=True)
    )


def township_conflicts(
    results: tuple[TownshipResult, ...], share: float, *, best: bool = False
) -> tuple[RuleConflict, ...]:
    """The townships left below the minimum, as rule conflicts (for the conflict report).

    ``best``: ``after`` is the most any plan reaches (a refusal), not one plan's figure.
    """
    plan_en, plan_zh = ("at most", "最多只能达到") if best else ("the plan reaches", "本方案达到")
    out = []
    for t in results:
        if t.met:
            continue
        out.append(
            RuleConflict(
                code="township_minimum",
                county=t.county,
                point_type=None,
                required=t.required,
                available=t.after,
                shortfall=t.shortfall,
                message=(
                    f"Township {t.name} ({t.code}, {t.county}): the minimum of {share:.0%} "
                    f"asks for {t.required:,} people, {plan_en} {t.after:,}: "
                    f"{t.shortfall:,} short."
                ),
                message_zh=(
                    f"{t.county}{t.name}（{t.code}）：最低覆盖比例 {share:.0%} 要求 "
                    f"{t.required:,} 人，{plan_zh} {t.after:,} 人，尚差 {t.shortfall:,} 人。"
                ),
            )
        )
    return tuple(out)
