"""What the optimiser maximises: row weights for each objective a leader can choose.

Every objective is a weighting of the same rows (:class:`RowBases`): the demand rows carry
the population and the rural population not yet covered, and one extra row per blind-spot
township (a township with people and nobody covered, as in :mod:`analysis.coverage.aggregate`) is
covered when a new point reaches any of its demand rows
(:func:`analysis.optimise.model.problem.stack_group_rows`). So the reduction, the column
generation and the branch and bound solve every objective alike.

- ``population``: newly covered people (rural people times ``rural_weight``);
- ``rural``: newly covered rural people; ties broken by newly covered people, with a
  weight so small that all of them together count less than one rural person;
- ``townships``: blind-spot townships reached (the speech's "全域覆盖", 1+39+N: one
  point within reach of every township); ties broken by newly covered people likewise;
- ``balanced`` (default): the sum of the three headline shares it raises, with equal
  weight: coverage share + rural coverage share + share of townships reached. Scaled by
  the total population ``P`` so the objective reads in people: a person counts 1, a
  rural person ``1 + P / R`` (``R`` the rural population), a blind-spot township reached
  ``P / T`` (``T`` the townships with people). One percentage point of any of the three
  is worth the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analysis.errors import AnalysisError
from analysis.optimise.model.problem import FloatArray
from geodata.errors import Problem

Objective = Literal["population", "rural", "townships", "balanced"]
#: Objectives in the order they are offered.
OBJECTIVES: tuple[Objective, ...] = ("balanced", "population", "rural", "townships")
#: The default: the speech names "重城区、轻农村" as the problem to fix and asks for
#: coverage "without blind spots"; maximising people alone deepens the first (on the demo
#: city its rural points go to city streets' edges), rural people alone halves urban
#: coverage. Balanced raises all three headline shares together (see docs/method.md#objectives).
DEFAULT_OBJECTIVE: Objective = "balanced"


@dataclass(frozen=True, eq=False)
class RowBases:
    """Per model row, what a new point would add by covering it.

    Parameters
    ----------
    population, rural
        Population and rural population not yet covered (0 on township rows and on rows
        already covered).
    township
        1 on the row of each blind-spot township, 0 elsewhere.
    population_total, rural_total
        The city's population and rural population (covered or not).
    townships_total
        Townships with people.
    """

    population: FloatArray
    rural: FloatArray
    township: FloatArray
    population_total: float
    rural_total: float
    townships_total: int

    def combine(self, a_population: float, a_rural: float, a_township: float) -> FloatArray:
        """``a_population * population + a_rural * rural + a_township * township``."""
        return np.asarray(
            a_population * self.population + a_rural * self.rural + a_township * self.township,
            float,
        )

    @property
    def rural_scale(self) -> float:
        """``P / R``: a rural person's weight so that rural and total shares count alike."""
        return self.population_total / self.rural_total if self.rural_total > 0 else 0.0

    @property
    def township_scale(self) -> float:
        """``P / T``: a township's weight so that its share counts like the coverage share."""
        return self.population_total / self.townships_total if self.townships_total > 0 else 0.0

    def tie_weight(self, of: FloatArray) -> float:
        """A weight so small that ``of`` summed over every row stays below 1."""
        return 1.0 / (float(np.sum(of)) + 1.0)


def check_objective(objective: str) -> Objective:
    """``objective`` if known; else :class:`AnalysisError` naming the choices."""
    if objective not in OBJECTIVES:
        raise AnalysisError(
            [
                Problem(
                    "bad_objective",
                    f"Unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}.",
                    value=str(objective),
                )
            ]
        )
    return objective


def objective_weights(bases: RowBases, objective: str, rural_weight: float = 1.0) -> FloatArray:
    """Row weights of ``objective`` (see the module docstring).

    ``rural_weight`` applies to ``population`` only (1: every person counts the same).
    """
    obj = check_objective(objective)
    if obj == "population":
        return bases.combine(1.0, rural_weight - 1.0, 0.0)
    if obj == "rural":
        return bases.combine(bases.tie_weight(bases.population), 1.0, 0.0)
    if obj == "townships":
        return bases.combine(bases.tie_weight(bases.population), 0.0, 1.0)
    return bases.combine(1.0, bases.rural_scale, bases.township_scale)


def mix_weights(bases: RowBases, rural_share: float) -> FloatArray:
    """Row weights between total (``rural_share = 0``) and rural coverage (``1``).

    ``(1 - s) * coverage share + s * rural coverage share``, scaled to people:
    ``(1 - s) * population + s * (P / R) * rural``. At the two ends the other figure
    breaks ties (a weight that cannot outweigh one person of the main one), so every plan
    found is non-dominated.
    """
    s = float(min(max(rural_share, 0.0), 1.0))
    a_pop = 1.0 - s
    a_rural = s * bases.rural_scale
    if a_pop <= 0:
        a_pop = a_rural * bases.tie_weight(bases.population)
    if a_rural <= 0:
        a_rural = a_pop * bases.tie_weight(bases.rural)
    return bases.combine(a_pop, a_rural, 0.0)
