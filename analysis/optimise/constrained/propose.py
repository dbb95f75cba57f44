"""``propose`` for a request with capacities or a township minimum (off by default).

Called by :func:`analysis.optimise.propose.propose` only when
:func:`~analysis.optimise.constrained.settings.constraints_of` says one is on; an
unconstrained request never comes here. Townships that no plan can bring to the
minimum are refused through the conflict report (township, people required, reachable,
short) unless the request is relaxed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis.coverage.api import CoverageResult
from analysis.errors import AnalysisError
from analysis.optimise.constrained.build import constrained_input
from analysis.optimise.constrained.existing import existing_load
from analysis.optimise.constrained.figures import (
    ConstrainedFigures,
    TownshipResult,
    township_conflicts,
    township_results,
)
from analysis.optimise.constrained.model import ConstrainedInput
from analysis.optimise.constrained.settings import Constraints
from analysis.optimise.constrained.solve import solve_constrained
from analysis.optimise.model.citymodel import CityModel
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import CancelLike, Reporter
from analysis.optimise.proposal import Proposal, build_proposal
from analysis.optimise.rules.conflicts import ConflictReport
from analysis.standards.load import Standards
from geodata.city import CityData


class TownshipMinimumError(AnalysisError):
    """No plan brings every township to the minimum; ``report`` lists them."""

    def __init__(self, report: ConflictReport) -> None:
        self.report = report
        super().__init__(report.to_problems())


def propose_constrained(
    city: CityData,
    standards: Standards,
    request: ProposalRequest,
    before: CoverageResult,
    model: CityModel,
    constraints: Constraints,
    *,
    site_rules: bool,
    cancel: CancelLike = None,
    report: Reporter | None = None,
) -> Proposal:
    """Solve the constrained request and return its :class:`Proposal`.

    ``proposal.constrained`` holds the capacities and minimum used and the served and
    township figures; ``proposal.points`` gets a ``served_population`` column.

    Raises
    ------
    TownshipMinimumError
        Some township cannot reach the minimum (and the request is not relaxed).
    """
    rep = report if report is not None else Reporter(None)
    load = existing_load(before, constraints)
    inp = constrained_input(model, before, request, constraints, load)
    share = constraints.township_min_share
    unreachable = _unreachable(inp)
    if unreachable and not request.relaxed:
        raise TownshipMinimumError(_report(model.conflicts, unreachable, share, best=True))
    outcome = solve_constrained(
        inp, relaxed=request.relaxed, exact=request.method == "milp",
        time_limit_s=request.time_limit_s, mip_rel_gap=request.mip_rel_gap,
        cancel=cancel, report=rep.sub(0.0, 0.9),
    )  # fmt: skip
    served = outcome.served
    towns = township_results(inp.townships, list(served.township_added), list(served.shortfall))
    if outcome.solution.status == "infeasible" and not request.relaxed:
        raise TownshipMinimumError(_report(model.conflicts, towns, share, best=False))
    proposal = build_proposal(
        city, standards, model, outcome.solution, before,
        objective_kind=request.objective, site_rules=site_rules,
    )  # fmt: skip
    by_column = served.by_column
    after = float(load.served.sum() + by_column.sum())
    if not constraints.capacitated:  # served is covered
        after = float(proposal.kpis_after.population_covered)
    figures = ConstrainedFigures(
        constraints,
        served_before=round(float(load.served.sum())),
        served_after=round(after),
        townships=towns,
    )
    points = proposal.points.copy()
    if constraints.capacitated:
        points["served_population"] = _per_point(model, points, by_column)
    unmet = proposal.unmet + township_conflicts(towns, share)
    return replace(
        proposal, points=points, constrained=figures, unmet=unmet,
        compliant=proposal.compliant and not figures.townships_unmet,
    )  # fmt: skip


def _per_point(model: CityModel, points: object, by_column: np.ndarray) -> list[int]:
    """People each proposed point serves (matched by site and type)."""
    p = model.problem
    site_ids = np.asarray(p.site_ids)
    lookup = {
        (str(site_ids[p.column_site[j]]), p.type_names[p.column_type[j]]): float(by_column[j])
        for j in np.flatnonzero(by_column > 0)
    }
    frame = points  # a GeoDataFrame with site_id and type
    return [
        round(lookup.get((str(s), str(t)), 0.0))
        for s, t in zip(frame["site_id"], frame["type"], strict=True)  # type: ignore[index]
    ]


def _unreachable(inp: ConstrainedInput) -> tuple[TownshipResult, ...]:
    """Townships whose people within reach of any candidate fall short of the minimum."""
    p = inp.problem
    reach = np.diff(p.cover.tocsr().indptr) > 0
    out = []
    for t in inp.townships:
        reachable = float(p.population[t.rows][reach[t.rows]].sum())
        if reachable < t.need - 0.5:
            out.append(
                TownshipResult(
                    t.code,
                    t.name,
                    t.county,
                    round(t.population),
                    round(t.required),
                    round(t.before),
                    round(t.before + reachable),
                    round(t.need - reachable),
                )
            )
    return tuple(out)


def _report(
    base: ConflictReport, towns: tuple[TownshipResult, ...], share: float, *, best: bool
) -> ConflictReport:
    """The conflict report with the townships below the minimum added (``best``: their
    figures are the most any plan reaches; else those of the plan of least shortfall)."""
    extra = township_conflicts(towns, share, best=best)
    return replace(base, conflicts=base.conflicts + extra)


__all__ = ["TownshipMinimumError", "propose_constrained"]
