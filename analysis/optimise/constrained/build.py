"""From the city model to the constrained problem: people not yet served, capacities."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analysis.coverage.api import CoverageResult
from analysis.optimise.constrained.existing import ExistingLoad
from analysis.optimise.constrained.model import ConstrainedInput, TownshipNeed
from analysis.optimise.constrained.settings import Constraints
from analysis.optimise.model.citymodel import CityModel
from analysis.optimise.model.objective import RowBases, objective_weights
from analysis.optimise.model.request import ProposalRequest


def constrained_input(
    model: CityModel,
    coverage: CoverageResult,
    request: ProposalRequest,
    constraints: Constraints,
    load: ExistingLoad,
) -> ConstrainedInput:
    """The problem of ``model`` with the people the existing points do not serve.

    Without capacities this is the model's own problem (people not covered); with them,
    people a full existing point cannot serve count as well, weighted by the request's
    objective like any other (:func:`analysis.optimise.model.objective.objective_weights`).

    Parameters
    ----------
    model
        The city model (its problem's rows: demand rows, then blind-spot townships).
    coverage
        The coverage before (demand rows, townships).
    request
        Objective and rural weight.
    constraints
        Capacities and township minimum.
    load
        What the existing points serve
        (:func:`~analysis.optimise.constrained.existing.existing_load`).
    """
    demand = coverage.demand
    pop = demand["population"].to_numpy(float)
    rural = demand["rural_population"].to_numpy(float)
    residual = np.maximum(pop - load.served, 0.0)
    n_groups = model.problem.n_rows - pop.size
    zeros = np.zeros(n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(pop > 0, residual / pop, 0.0)
    b = model.bases
    bases = RowBases(
        population=np.concatenate([residual, zeros]),
        rural=np.concatenate([rural * share, zeros]),
        township=b.township,
        population_total=b.population_total,
        rural_total=b.rural_total,
        townships_total=b.townships_total,
    )
    problem = replace(
        model.problem,
        weights=objective_weights(bases, request.objective, request.rural_weight),
        population=bases.population,
    )
    types = problem.type_names
    capacity = np.array([constraints.population_cap(types[t]) for t in problem.column_type], float)
    return ConstrainedInput(
        problem=problem,
        capacity=capacity,
        sites_cap=constraints.sites_cap,
        villages=np.concatenate([share, zeros]),
        townships=township_needs(coverage, constraints.township_min_share, load),
        capacitated=constraints.capacitated,
    )


def township_needs(
    coverage: CoverageResult, share: float, load: ExistingLoad
) -> tuple[TownshipNeed, ...]:
    """Townships with people below ``share`` served before the plan (none when 0)."""
    if share <= 0:
        return ()
    demand = coverage.demand
    town = demand["township_code"].astype(str).to_numpy()
    out: list[TownshipNeed] = []
    towns = coverage.townships
    for code, name, county, pop in zip(
        towns["code"].astype(str), towns["name"].astype(str), towns["county"].astype(str),
        towns["population"].to_numpy(float), strict=True,
    ):  # fmt: skip
        population = float(pop)
        if population <= 0:
            continue
        rows = np.flatnonzero(town == code)
        before = float(load.served[rows].sum())
        need = TownshipNeed(
            code, name, county, population, before,
            share * population, rows.astype(np.int64),
        )  # fmt: skip
        if need.need > 1e-6:
            out.append(need)
    return tuple(out)
