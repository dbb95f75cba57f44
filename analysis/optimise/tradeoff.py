"""The trade-off between total and rural coverage: one optimal plan per weighting.

The same request is solved for weightings ``(1 - s) * coverage share + s * rural coverage
share`` (:func:`analysis.optimise.model.objective.mix_weights`; ``s`` = ``rural_share_weight``)
with ``s`` in :data:`START_WEIGHTS`. Equal plans are merged. While fewer than
``min_plans`` distinct plans are known, the weighting at which two neighbouring plans
(ordered by rural coverage) score the same is solved too (dichotomic search): it either
finds a plan beyond the segment between them or proves there is none, so every plan
found is "supported" (optimal for its weighting) and none is dominated by another. Plans
a time limit left dominated are dropped.

Efficient: the model (coverage matrix, site rules, county minimums) and its row
reduction are built once; each weighting only reweights the reduced rows, and the best
plan known so far (valid for every weighting: the rules do not change) warm-starts the
exact solve.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.optimise.model.citymodel import CityModel, build_city_model
from analysis.optimise.model.objective import mix_weights
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter, is_cancelled
from analysis.optimise.proposal import Proposal, build_proposal
from analysis.optimise.propose import RuleConflictError, site_rules_on, solve_reduced
from analysis.optimise.rules.conflict_report import TYPE_ZH
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData

#: Weightings solved first (share of the weight on rural coverage).
START_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Columns of :meth:`Tradeoff.to_frame` (``tradeoff.csv``).
TRADEOFF_COLUMNS: tuple[str, ...] = (
    "plan", "rural_share_weight", "covered_population", "coverage_share",
    "rural_population_covered", "rural_coverage_share", "townships_uncovered",
    "compliant", "status", "gap", "points",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class TradeoffPlan:
    """One plan of the trade-off, optimal for its weighting.

    Parameters
    ----------
    rural_share_weight
        ``s``: the plan maximises ``(1 - s) * coverage share + s * rural coverage share``.
    covered_population, rural_population_covered, townships_uncovered
        The city's figures with the plan (existing points included).
    coverage_share, rural_coverage_share
        The same as shares of the population and of the rural population.
    columns
        The plan's columns of :attr:`Tradeoff.model`.
    points
        ``(type, site id, site name)`` of each new point.
    compliant
        Every county minimum met.
    status, gap
        Solver status (``"optimal"`` ...) and proven relative gap for its weighting.
    """

    rural_share_weight: float
    covered_population: int
    rural_population_covered: int
    townships_uncovered: int
    coverage_share: float
    rural_coverage_share: float
    columns: IntArray
    points: tuple[tuple[str, str, str], ...]
    compliant: bool
    status: str
    gap: float


@dataclass(frozen=True, eq=False)
class Tradeoff:
    """Plans from total coverage (first) to rural coverage (last), none dominated.

    Parameters
    ----------
    plans
        The distinct non-dominated plans, by increasing rural coverage.
    solves
        Weightings solved.
    seconds
        Wall time (model, reduction and every solve).
    model, before, request
        The model the plans' columns refer to, the coverage before and the request:
        :func:`tradeoff_proposal` turns a plan into a :class:`Proposal`.
    """

    plans: tuple[TradeoffPlan, ...]
    solves: int
    seconds: float
    model: CityModel
    before: CoverageResult
    request: ProposalRequest

    def to_frame(self) -> pd.DataFrame:
        """One row per plan, columns :data:`TRADEOFF_COLUMNS` (``plan`` numbered from 1)."""
        rows = []
        for i, p in enumerate(self.plans, start=1):
            text = "；".join(f"{TYPE_ZH.get(t, t)}:{name}({sid})" for t, sid, name in p.points)
            rows.append(
                {
                    "plan": i,
                    "rural_share_weight": p.rural_share_weight,
                    "covered_population": p.covered_population,
                    "coverage_share": p.coverage_share,
                    "rural_population_covered": p.rural_population_covered,
                    "rural_coverage_share": p.rural_coverage_share,
                    "townships_uncovered": p.townships_uncovered,
                    "compliant": p.compliant,
                    "status": p.status,
                    "gap": p.gap if np.isfinite(p.gap) else None,
                    "points": text,
                }
            )
        return pd.DataFrame(rows, columns=list(TRADEOFF_COLUMNS))


def propose_tradeoff(
    city: CityData,
    standards: Standards | None = None,
    request: ProposalRequest | None = None,
    *,
    min_plans: int = 5,
    max_solves: int = 10,
    progress: ProgressFn | None = None,
    cancel: CancelLike = None,
) -> Tradeoff:
    """Solve ``request`` for several weightings between total and rural coverage.

    Parameters
    ----------
    city, standards, request
        As for :func:`analysis.optimise.propose.propose` (its ``objective`` and
        ``rural_weight`` are replaced by the weightings).
    min_plans
        Search intermediate weightings until this many distinct plans are known (or no
        other supported plan exists).
    max_solves
        Upper limit on the weightings solved.
    progress, cancel
        ``progress(fraction, message)``; a cancel stops after the current solve.

    Raises
    ------
    RuleConflictError
        As :func:`~analysis.optimise.propose.propose` (a conflicting request that is
        not ``relaxed``).
    """
    t0 = time.perf_counter()
    std = standards if standards is not None else load_standards()
    req = request if request is not None else ProposalRequest()
    report = Reporter(progress, min_interval_s=0.1)
    report(0.0, "trade-off: model", force=True)
    before = compute_coverage(city, std)
    model = build_city_model(city, std, req, before)
    if not model.conflicts.feasible and not req.relaxed:
        raise RuleConflictError(model.conflicts)
    bases = model.bases
    union = replace(model.problem, weights=bases.population + bases.rural)
    reduced, row_map = reduce_rows(union)
    kept = row_map >= 0
    found: dict[tuple[int, ...], TradeoffPlan] = {}
    tried: list[float] = []

    def solve_at(s: float) -> None:
        weights = np.bincount(
            row_map[kept], weights=mix_weights(bases, s)[kept], minlength=reduced.n_rows
        ).astype(np.float64)
        problem = replace(reduced, weights=weights)
        warm = _best_known(problem, found)
        report(len(tried) / max_solves, f"trade-off: weighting {s:.2f}", force=True)
        sol = solve_reduced(problem, req, model=model, warm_start=warm, cancel=cancel)
        tried.append(s)
        key = tuple(np.sort(sol.columns).tolist())
        if sol.columns.size and key not in found:
            found[key] = _plan(model, before, s, sol)

    for s in START_WEIGHTS:
        if len(tried) >= max_solves or is_cancelled(cancel):
            break
        solve_at(s)
    explored: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    while len(found) < min_plans and len(tried) < max_solves and not is_cancelled(cancel):
        pair = _next_segment(found, explored, bases.rural_scale)
        if pair is None:
            break
        explored.add(pair[0])
        if any(abs(pair[1] - s) < 1e-9 for s in tried):
            continue
        solve_at(pair[1])
    report(1.0, "trade-off: done", force=True)
    plans = _non_dominated(list(found.values()))
    return Tradeoff(plans, len(tried), time.perf_counter() - t0, model, before, req)


def tradeoff_proposal(
    city: CityData, standards: Standards, result: Tradeoff, index: int
) -> Proposal:
    """The full :class:`Proposal` of ``result.plans[index]`` (points, figures, reasons)."""
    plan = result.plans[index]
    problem = result.model.problem
    value = problem.objective(plan.columns)
    solution = Solution(plan.columns, value, value, plan.status, "highs", 0.0)
    proposal = build_proposal(
        city, standards, result.model, solution, result.before,
        objective_kind="tradeoff", site_rules=site_rules_on(standards, result.request),
    )  # fmt: skip
    # the plan's own solve is one of the trade-off's: report the whole computation's time
    return replace(proposal, gap=plan.gap, bound=float("nan"), seconds=result.seconds)


def _best_known(
    problem: CoverageProblem, found: dict[tuple[int, ...], TradeoffPlan]
) -> Solution | None:
    """The known plan worth most under ``problem``'s weights (a valid warm start)."""
    if not found:
        return None
    best = max(found.values(), key=lambda p: problem.objective(p.columns))
    return Solution(best.columns, problem.objective(best.columns), np.inf, "heuristic", "", 0.0)


def _next_segment(
    found: dict[tuple[int, ...], TradeoffPlan],
    explored: set[tuple[tuple[int, ...], tuple[int, ...]]],
    rural_scale: float,
) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], float] | None:
    """The widest unexplored segment between neighbouring plans and the weighting ``s``
    at which its two ends score the same."""
    ranked = sorted(
        found.items(), key=lambda kv: (kv[1].rural_population_covered, -kv[1].covered_population)
    )
    best: tuple[float, tuple[tuple[int, ...], tuple[int, ...]], float] | None = None
    for (ka, a), (kb, b) in itertools.pairwise(ranked):
        if (ka, kb) in explored:
            continue
        d_pop = a.covered_population - b.covered_population  # a: more people, fewer rural
        d_rural = b.rural_population_covered - a.rural_population_covered
        if d_pop <= 0 or d_rural <= 0 or rural_scale <= 0:
            explored.add((ka, kb))
            continue
        s = d_pop / (d_pop + rural_scale * d_rural)
        width = abs(a.coverage_share - b.coverage_share) + abs(
            a.rural_coverage_share - b.rural_coverage_share
        )
        if best is None or width > best[0]:
            best = (width, (ka, kb), s)
    return None if best is None else (best[1], best[2])


def _plan(model: CityModel, before: CoverageResult, s: float, sol: Solution) -> TradeoffPlan:
    cols = np.sort(np.asarray(sol.columns, np.int64))
    pop, rural, blind = model.plan_figures(cols)
    k = before.kpis
    problem, sites = model.problem, model.sites
    points = tuple(
        (
            problem.type_names[int(problem.column_type[c])],
            str(sites["id"].iloc[int(problem.column_site[c])]),
            str(sites["name"].iloc[int(problem.column_site[c])]),
        )
        for c in cols
    )
    return TradeoffPlan(
        rural_share_weight=float(s),
        covered_population=round(pop),
        rural_population_covered=round(rural),
        townships_uncovered=int(blind),
        coverage_share=pop / k.population_total if k.population_total else 0.0,
        rural_coverage_share=rural / k.rural_population_total if k.rural_population_total else 0.0,
        columns=cols,
        points=points,
        compliant=not problem.violations(cols),
        status=sol.status,
        gap=sol.gap,
    )


def _non_dominated(plans: list[TradeoffPlan]) -> tuple[TradeoffPlan, ...]:
    """Plans no other plan beats on both total and rural coverage, by rural coverage
    (of plans with the same two figures, the first found)."""
    seen: set[tuple[int, int]] = set()
    unique = []
    for p in plans:
        if (p.covered_population, p.rural_population_covered) not in seen:
            seen.add((p.covered_population, p.rural_population_covered))
            unique.append(p)
    plans = unique
    keep = [
        p
        for p in plans
        if not any(
            q is not p
            and q.covered_population >= p.covered_population
            and q.rural_population_covered >= p.rural_population_covered
            and (
                q.covered_population > p.covered_population
                or q.rural_population_covered > p.rural_population_covered
            )
            for q in plans
        )
    ]
    keep.sort(key=lambda p: (p.rural_population_covered, -p.covered_population))
    return tuple(keep)
