"""GeoDataFrame adapter: ``propose(city, standards, request) -> Proposal``.

Steps: coverage before; candidate sites (with the site rules by point type) and the array
model weighted for the request's objective; rule conflicts (a request that cannot meet
every county minimum is refused with :class:`RuleConflictError` unless
``request.relaxed``); model reduction; preview (greedy + swap + LP dive); exact solve
warm-started with the preview (and its LP); the points, their figures
(:func:`analysis.coverage.impact.point_impact`) and reasons, coverage after
(:mod:`analysis.optimise.proposal`).
"""

from __future__ import annotations

from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.errors import AnalysisError
from analysis.optimise.constrained.propose import TownshipMinimumError, propose_constrained
from analysis.optimise.constrained.settings import constraints_of
from analysis.optimise.exact.budget import Budget, Clock
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.exact.milp_model import build_arrays, met_units_of
from analysis.optimise.heuristics.preview import DIVE_MAX_PAIRS, preview_with_lp
from analysis.optimise.model.citymodel import CityModel, build_city_model, request_conflicts
from analysis.optimise.model.problem import CoverageProblem, IntArray, Solution
from analysis.optimise.model.reduce import reduce_rows
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import CancelLike, ProgressFn, Reporter, SolveCancelled
from analysis.optimise.proposal import POINT_COLUMNS, Proposal, ProposedPoint, build_proposal
from analysis.optimise.rules.conflicts import ConflictReport
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData
from geodata.errors import Problem

__all__ = [
    "POINT_COLUMNS",
    "Proposal",
    "ProposedPoint",
    "RuleConflictError",
    "check_conflicts",
    "propose",
    "site_rules_on",
    "solve_reduced",
]


class RuleConflictError(AnalysisError):
    """The request cannot meet the county rules; ``report`` says why and how to fix it."""

    def __init__(self, report: ConflictReport, extra: list[Problem] | None = None) -> None:
        self.report = report
        super().__init__(report.to_problems() + list(extra or []))


def check_conflicts(
    city: CityData,
    standards: Standards | None = None,
    request: ProposalRequest | None = None,
    coverage: CoverageResult | None = None,
) -> ConflictReport:
    """Check a request against the county rules without solving (fast).

    ``coverage`` is ``city``'s :func:`compute_coverage` when the caller has it. No coverage
    matrix is built unless the request has must-cover townships
    (:func:`~analysis.optimise.model.citymodel.request_conflicts`).
    """
    std = standards if standards is not None else load_standards()
    req = request if request is not None else ProposalRequest()
    before = coverage if coverage is not None else compute_coverage(city, std)
    return request_conflicts(city, std, req, before)


def propose(
    city: CityData,
    standards: Standards | None = None,
    request: ProposalRequest | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelLike = None,
) -> Proposal:
    """Propose new contact points that maximise the request's objective under the rules.

    Parameters
    ----------
    city
        The validated city; its contact points stay where they are.
    standards
        Planning standards (default :func:`analysis.standards.load.load_standards`).
    request
        What to place (default: the speech's 8 rural, 5 enterprise, 3 association).
    progress
        ``progress(fraction, message)`` called during the solve.
    cancel
        :class:`threading.Event` or callable; a cancelled MILP returns the best plan so
        far (``status="cancelled"``); cancelling before any plan exists raises
        :class:`~analysis.optimise.progress.SolveCancelled`.

    Raises
    ------
    RuleConflictError
        The request cannot meet the county minimums (and ``request.relaxed`` is false),
        or HiGHS proved the rules cannot all hold; ``.report`` lists each conflict and
        the smallest compliant changes.
    AnalysisError
        Bad request or inputs.
    """
    std = standards if standards is not None else load_standards()
    req = request if request is not None else ProposalRequest()
    report = Reporter(progress, min_interval_s=0.1)
    report(0.0, "coverage before", force=True)
    before = compute_coverage(city, std)
    model = build_city_model(city, std, req, before)
    if not model.conflicts.feasible and not req.relaxed:
        raise RuleConflictError(model.conflicts)
    constraints = constraints_of(std, req)
    if constraints.active:  # capacities or township minimum: a model of its own
        try:
            return propose_constrained(
                city, std, req, before, model, constraints, site_rules=site_rules_on(std, req),
                cancel=cancel, report=report.sub(0.1, 1.0),
            )  # fmt: skip
        except TownshipMinimumError as exc:
            raise RuleConflictError(exc.report) from None
    reduced, _ = reduce_rows(model.problem)
    solution = solve_reduced(reduced, req, model=model, cancel=cancel, report=report.sub(0.1, 0.9))
    if solution.columns.size == 0 and sum(req.counts.values()) > 0:
        raise SolveCancelled("no plan found before the solve was stopped")
    report(0.9, "coverage after", force=True)
    proposal = build_proposal(
        city, std, model, solution, before,
        objective_kind=req.objective, site_rules=site_rules_on(std, req),
    )  # fmt: skip
    report(1.0, "done", force=True)
    return proposal


def site_rules_on(standards: Standards, request: ProposalRequest) -> bool:
    """Whether the request places points under the site rules."""
    return standards.site_rules_enabled if request.site_rules is None else bool(request.site_rules)


def solve_reduced(
    reduced: CoverageProblem,
    request: ProposalRequest,
    *,
    model: CityModel | None = None,
    warm_start: Solution | None = None,
    cancel: CancelLike = None,
    report: Reporter | None = None,
    clock: Clock | None = None,
) -> Solution:
    """Preview, then (``request.method == "milp"``) the exact solve of a reduced model.

    Parameters
    ----------
    reduced
        The reduced problem (:func:`analysis.optimise.model.reduce.reduce_rows`).
    request
        Method, relaxed mode, time limit and gap.
    model
        The city model (for the rule conflicts reported when HiGHS proves the rules
        cannot all hold).
    warm_start
        A plan known to keep the rules (e.g. the plan of a neighbouring weighting): the
        preview is skipped and the exact solve starts from it.
    cancel, report
        Cancel event and progress reporter.
    clock
        Seconds from any origin for the request's time limit (default
        :func:`time.perf_counter`; tests inject one they control).
    """
    rep = report if report is not None else Reporter(None)
    # one deadline for the preview and the exact solve: the request's limit, from now
    budget = Budget(request.time_limit_s, cancel, clock)
    lp = None
    if warm_start is None:
        preview, lp = preview_with_lp(
            reduced, relaxed=request.relaxed, progress=rep.sub(0.0, 0.15), budget=budget,
            # the exact solve needs the LP anyway: dive at any size before it
            dive_max_pairs=DIVE_MAX_PAIRS if request.method != "milp" else None,
        )  # fmt: skip
        if request.relaxed and not reduced.violations(preview.columns, rules=False):
            preview = Solution(
                preview.columns, preview.objective, preview.bound, "heuristic", preview.method,
                preview.seconds,
            )  # fmt: skip
    else:
        preview = Solution(
            warm_start.columns, reduced.objective(warm_start.columns), float("inf"),
            "heuristic", warm_start.method, 0.0,
        )  # fmt: skip
    if request.method != "milp":
        return preview
    exact = solve_milp(
        reduced,
        # the time limit is the request's, preview included
        time_limit_s=budget.left(),
        mip_rel_gap=request.mip_rel_gap,
        relaxed=request.relaxed,
        warm_start=preview if preview.status == "heuristic" else None,
        lp=lp,
        cancel=cancel,
        progress=rep.sub(0.15, 1.0),
        clock=clock,
    )
    conflicts = model.conflicts if model is not None else ConflictReport({}, (), ())
    return _pick(reduced, exact, preview, request.relaxed, conflicts)


def _met_units(problem: CoverageProblem, columns: IntArray) -> int:
    """Units of the county minimums and must-cover townships a plan meets."""
    return met_units_of(build_arrays(problem, True, coverage=False), problem.n_columns, columns)


def _pick(
    reduced: CoverageProblem,
    exact: Solution,
    preview: Solution,
    relaxed: bool,
    conflicts: ConflictReport,
) -> Solution:
    if exact.status == "infeasible" and not relaxed:
        raise RuleConflictError(
            conflicts,
            [Problem("rules_infeasible", "HiGHS proved that no plan meets every rule.")],
        )
    better = preview.status == "heuristic" and preview.objective > exact.objective
    if better and relaxed and exact.columns.size:
        # relaxed plans are ranked by met minimums first, coverage second
        better = _met_units(reduced, preview.columns) >= _met_units(reduced, exact.columns)
    if exact.columns.size == 0 or better:
        return Solution(
            preview.columns, preview.objective, exact.bound, exact.status, preview.method,
            preview.seconds + exact.seconds,
        )  # fmt: skip
    return exact
