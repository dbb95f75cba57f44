"""The optimiser panel of the 方案模拟 page: rule check, preview, exact solve, trade-off, apply.

The exact solve and the trade-off run in a solver process of the server's pool
(:mod:`dashboard.services.solver`: ``analysis.optimise.propose.propose`` or
``analysis.optimise.tradeoff.propose_tradeoff`` in a worker process, progress and cancel
across the boundary); the page polls the job from a fragment that reruns every half
second while it runs. The preview (fast) runs inline. A crashed worker gives the job an
``AnalysisError`` (``solver_crashed``), shown like any other failure.

For the simulation map: :func:`pending_points` gives the points of the proposal shown in
the panel that is not adopted yet (to draw them before the planner adopts the plan).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state, timing
from dashboard.i18n import current_lang, fmt_pop, has_key, t
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.services import solver
from dashboard.simulate import messages, optimise_constraints
from dashboard.simulate import state as sim_state
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.optimise.rules.conflicts import ChangeOption, ConflictReport
    from analysis.optimise.worker import SolveHandle, SolveOutcome
    from analysis.plan.scenarios import Scenario

#: Types the planner asks for, with the speech's defaults.
COUNT_KEYS: dict[str, str] = {
    "rural": state.OPT_RURAL,
    "enterprise": state.OPT_ENTERPRISE,
    "association": state.OPT_ASSOCIATION,
}
DEFAULT_COUNTS: dict[str, int] = {"rural": 8, "enterprise": 5, "association": 3}
#: Columns of :func:`pending_points`.
PENDING_COLUMNS: tuple[str, ...] = ("id", "name", "type", "lon", "lat", "order")


@dataclass(eq=False)
class SolveJob:
    """A solve running (or finished) in the solver pool (the preview: inline).

    Parameters
    ----------
    key
        Fingerprint of the scenario and request it solves.
    method
        ``"preview"``, ``"milp"``, ``"tradeoff"`` (``result`` a ``Tradeoff``) or
        ``"pick"`` (a plan taken from the trade-off).
    scenario_name, scenario_key
        Name and content fingerprint of the scenario it was computed on (a result for
        another fingerprint is stale).
    """

    key: str
    method: str
    scenario_name: str = ""
    scenario_key: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)
    fraction: float = 0.0
    message: str = ""
    result: Any = None
    error: Exception | None = None
    cancelled: bool = False
    done: bool = False
    started: float = field(default_factory=time.monotonic)
    handle: SolveHandle | None = None

    def progress(self, fraction: float, message: str) -> None:
        """Progress callback of the solver (called from the pool's thread)."""
        self.fraction, self.message = float(fraction), str(message)

    def finish(self, outcome: SolveOutcome) -> None:
        """Take the pool's outcome (called from the pool's thread)."""
        if outcome.status == "ok":
            self.result = outcome.result
        elif outcome.status == "cancelled":
            self.cancelled = True
        elif isinstance(outcome.error, (AnalysisError, GeodataError)):
            self.error = outcome.error
        timing.mark(
            f"optimise: {self.method} {outcome.status} in {outcome.seconds:.3f} s "
            f"(queued {outcome.queued_s:.3f} s, cpu {outcome.cpu_s:.3f} s)"
        )
        self.done = True


def objectives() -> tuple[str, ...]:
    """The objectives offered, the default first."""
    from analysis.optimise.model.objective import OBJECTIVES

    return OBJECTIVES


def default_objective() -> str:
    """The objective selected until the planner chooses another."""
    from analysis.optimise.model.objective import DEFAULT_OBJECTIVE

    return DEFAULT_OBJECTIVE


def _run(job: SolveJob, solve: Callable[..., Any], city: Any, std: Any, request: Any) -> None:
    from analysis.optimise.progress import SolveCancelled

    try:
        job.result = solve(city, std, request, progress=job.progress, cancel=job.cancel)
    except SolveCancelled:
        job.cancelled = True
    except (AnalysisError, GeodataError) as exc:
        job.error = exc
    finally:
        job.done = True


def _request(counts: dict[str, int], resolution: str, report: ConflictReport, method: str) -> Any:
    from analysis.optimise.model.request import ProposalRequest

    relaxed, exempt = False, None
    if resolution == "relaxed":
        relaxed = True
    elif resolution.startswith("opt:"):
        option = report.options[int(resolution[4:])]
        counts = dict(option.new_counts)
        exempt = True if option.kind.startswith("exemption") else None
    return ProposalRequest(
        counts=counts,
        objective=str(st.session_state.get(state.OPT_OBJECTIVE, default_objective())),  # type: ignore[arg-type]
        rural_weight=float(st.session_state.get(state.OPT_RURAL_WEIGHT, 1.0)),
        relaxed=relaxed,
        exempt_urban_districts=exempt,
        method=method,  # type: ignore[arg-type]
        time_limit_s=float(st.session_state.get(state.OPT_TIME_LIMIT, 30)),
        **optimise_constraints.request_fields(),
    )


def _counts() -> dict[str, int]:
    return {k: int(st.session_state.get(key, DEFAULT_COUNTS[k])) for k, key in COUNT_KEYS.items()}


def _option_label(option: ChangeOption) -> str:
    return option.description_zh if current_lang() == "zh" else option.description


def start(dataset: services.Dataset, scenario: Scenario, method: str, resolution: str) -> None:
    """Start a solve of the current request on the scenario (the preview runs inline).

    ``resolution`` is the choice shown with the rule check when it was drawn: ``"as_is"``,
    ``"opt:<i>"`` (apply change option i) or ``"relaxed"``. ``method``: ``"preview"``,
    ``"milp"`` or ``"tradeoff"`` (the trade-off curve, kept apart from the proposal).
    """
    from analysis.optimise.propose import propose

    counts = _counts()
    report = sim_services.conflicts(dataset, scenario, counts, None)
    if resolution.startswith("opt:") and int(resolution[4:]) >= len(report.options):
        resolution = "as_is"  # the options changed meanwhile: solve as asked, conflicts shown
    request = _request(counts, resolution, report, "milp" if method == "tradeoff" else method)
    fp = sim_services.fingerprint(scenario)
    key = f"{fp}|{sorted(counts.items())}|{resolution}|{method}|{request.objective}"
    key += f"|{optimise_constraints.request_key()}"
    job = SolveJob(key=key, method=method, scenario_name=scenario.name, scenario_key=fp)
    city = sim_services.scenario_city(dataset, scenario)
    if method == "preview":
        _run(job, propose, city, services.standards(), request)
    else:
        try:
            job.handle = solver.submit(
                "tradeoff" if method == "tradeoff" else "propose",
                city,
                services.standards(),
                request,
                progress=job.progress,
                on_done=job.finish,
            )
        except AnalysisError as exc:  # a bad pool size setting: said like any failure
            job.error, job.done = exc, True
    st.session_state[state.OPT_JOB] = job
    st.session_state[state.OPT_TRADEOFF_RESULT if method == "tradeoff" else state.OPT_RESULT] = job


def use_tradeoff_plan(dataset: services.Dataset, scenario: Scenario) -> None:
    """Callback: show the trade-off plan picked in the select box as the proposal."""
    from analysis.optimise.tradeoff import tradeoff_proposal

    job = st.session_state.get(state.OPT_TRADEOFF_RESULT)
    if not isinstance(job, SolveJob) or job.result is None:
        return
    result = job.result
    index = int(st.session_state.get(state.OPT_TRADEOFF_PICK, 0) or 0)
    if not 0 <= index < len(result.plans):
        return
    city = sim_services.scenario_city(dataset, scenario)
    try:
        proposal = tradeoff_proposal(city, services.standards(), result, index)
    except (AnalysisError, GeodataError) as exc:
        messages.flash("error", t("opt_failed", reason=messages.error_text(exc)))
        return
    st.session_state[state.OPT_RESULT] = SolveJob(
        key=f"{job.key}|{index}",
        method="pick",
        scenario_name=job.scenario_name,
        scenario_key=job.scenario_key,
        result=proposal,
        done=True,
    )


def is_stale(job: SolveJob, scenario: Scenario) -> bool:
    """The job was computed on other points than the scenario's (edited since)."""
    return bool(job.scenario_key) and job.scenario_key != sim_services.fingerprint(scenario)


def pending_points(scenario: Scenario) -> pd.DataFrame:
    """The points of the proposal shown in the optimiser panel, not adopted yet.

    For the simulation map: draw them before the planner adopts the plan. Empty when
    there is no finished proposal, or when it was computed on other points than
    ``scenario``'s (the scenario was edited, or the proposal adopted: adopting starts a
    new working scenario and clears the proposal).

    Parameters
    ----------
    scenario
        The working scenario the map shows.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PENDING_COLUMNS`: ``id`` (``NEW-01`` ...), ``name``, ``type``
        (a contact point type), ``lon``, ``lat`` (WGS84), ``order`` (1 = largest gain).
    """
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in PENDING_COLUMNS})
    job = st.session_state.get(state.OPT_RESULT)
    if not isinstance(job, SolveJob) or not job.done or job.result is None:
        return empty
    if is_stale(job, scenario):
        return empty
    pts = job.result.points
    return pd.DataFrame({c: pts[c].to_numpy() for c in PENDING_COLUMNS})


def cancel() -> None:
    """Ask the running solve to stop (it returns the best plan found so far)."""
    job = st.session_state.get(state.OPT_JOB)
    if isinstance(job, SolveJob):
        job.cancel.set()
        if job.handle is not None:
            job.handle.cancel()


def running() -> SolveJob | None:
    """The job still running, if any."""
    job = st.session_state.get(state.OPT_JOB)
    return job if isinstance(job, SolveJob) and not job.done else None


def forget_finished() -> None:
    """Drop the finished job from :data:`state.OPT_JOB` (its result stays in OPT_RESULT)."""
    job = st.session_state.get(state.OPT_JOB)
    if isinstance(job, SolveJob) and job.done:
        st.session_state.pop(state.OPT_JOB, None)


@st.fragment(run_every=0.5)
def _poll() -> None:
    job = st.session_state.get(state.OPT_JOB)
    if not isinstance(job, SolveJob):
        return
    if job.done:
        st.session_state.pop(state.OPT_JOB, None)
        st.rerun(scope="app")
    elapsed = time.monotonic() - job.started
    st.progress(min(max(job.fraction, 0.0), 1.0), text=t("opt_running", s=f"{elapsed:.0f}"))
    st.button(t("opt_cancel"), key=state.OPT_CANCEL, on_click=cancel, icon=":material/stop:")


def apply_proposal(scenario: Scenario) -> None:
    """Callback: make the finished proposal a new saved scenario (points with reasons)."""
    from analysis.optimise.scenario import proposal_scenario

    job = st.session_state.get(state.OPT_RESULT)
    if not isinstance(job, SolveJob) or job.result is None or is_stale(job, scenario):
        return
    proposal = job.result
    lang = current_lang()
    name = str(st.session_state.get(state.OPT_APPLY_NAME, "") or "").strip()
    goal = (
        t(f"opt_objective_{proposal.objective_kind}")
        if has_key(f"opt_objective_{proposal.objective_kind}")
        else proposal.objective_kind
    )
    method = t(f"opt_method_{proposal.method}") if has_key(f"opt_method_{proposal.method}") else ""
    try:
        scn = proposal_scenario(
            scenario,
            proposal,
            sim_services.free_name(name or t("opt_default_name")),
            lang=lang,
            description=t(
                "opt_description", n=len(proposal.proposed), objective=goal, method=method
            ),
        )
    except AnalysisError as exc:
        messages.flash("error", messages.error_text(exc))
        return
    st.session_state.pop(state.OPT_TRADEOFF_RESULT, None)  # its plans counted from before
    st.session_state[state.OPT_ADOPTED] = scn.name
    # A message is plain text: the page escapes it when it shows it (messages.flash).
    sim_state.adopt(scn, t("opt_applied", name=scn.name, n=len(proposal.proposed)))


def add_collection_sites(dataset: services.Dataset, scenario: Scenario) -> None:
    """Add the second tier to the working scenario: collection sites so that every contact
    point has 3-5 within its radius (one undoable edit)."""
    from analysis.plan.edits import add_point

    limit = float(st.session_state.get(state.OPT_TIME_LIMIT, 30))
    try:
        plan = sim_services.collection_sites(dataset, scenario, limit)
    except (AnalysisError, GeodataError) as exc:
        messages.flash("error", t("opt_failed", reason=messages.error_text(exc)))
        return
    if plan.sites.empty:
        messages.flash("info", t("opt_sites_none"))
        return

    def action(scn: Scenario) -> Scenario:
        taken = set(scn.layer("collection_sites")["id"].astype(str))
        for row, geom in zip(plan.sites.to_dict("records"), plan.sites.geometry, strict=True):
            extra = {"id": row["id"]} if str(row["id"]) not in taken else {}
            scn = add_point(
                scn,
                "collection_sites",
                lon=float(geom.x),
                lat=float(geom.y),
                type=str(row["site_type"]),
                name=str(row["name"]),
                contact_point_id=str(row["contact_point_id"]),
                informants=0,
                **extra,
            )
        return scn

    rules = plan.points["rule"].astype(str).value_counts()
    sim_state.edit(
        action,
        t("opt_sites_label", n=len(plan.sites)),
        t(
            "opt_sites_added",
            n=len(plan.sites),
            pop=fmt_pop(plan.newly_covered_population),
            ok=int(rules.get("ok", 0)),
            below=int(rules.get("below", 0)),
            above=int(rules.get("above", 0)),
        ),
    )
