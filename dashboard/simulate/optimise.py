"""The optimiser panel of the 方案模拟 page: rule check, preview, exact solve, trade-off, apply.

The exact solve and the trade-off run in a solver process of the server's pool
(:mod:`dashboard.services.solver`: ``analysis.optimise.propose.propose`` or
``analysis.optimise.tradeoff.propose_tradeoff`` in a worker process, progress and cancel
across the boundary); :mod:`dashboard.simulate.optimise_job` holds the job and the
fragment that draws its progress and picks up its outcome the moment it arrives. The
preview (fast) runs inline. A crashed worker gives the job an ``AnalysisError``
(``solver_crashed``), shown like any other failure.

For the simulation map: :func:`pending_points` gives the points of the proposal shown in
the panel that is not adopted yet (to draw them before the planner adopts the plan).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd
import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.adapters.streamlit_internals import session_alive_check
from dashboard.i18n import current_lang, fmt_pop, has_key, t
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.services import solver
from dashboard.simulate import messages, optimise_constraints
from dashboard.simulate import state as sim_state
from dashboard.simulate.optimise_job import SolveJob, run_inline, running, take_finished
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.optimise.rules.conflicts import ChangeOption, ConflictReport
    from analysis.plan.scenarios import Scenario

#: Types the planner asks for, with the speech's defaults.
COUNT_KEYS: dict[str, str] = {
    "rural": state.OPT_RURAL,
    "enterprise": state.OPT_ENTERPRISE,
    "association": state.OPT_ASSOCIATION,
}
DEFAULT_COUNTS: dict[str, int] = {"rural": 8, "enterprise": 5, "association": 3}
#: How long a press of 求解 waits for the outcome before it shows the progress (seconds):
#: a solve done by then is drawn by the press's own run, with no progress and no second
#: run. Not longer: the panel shows no progress and no 取消 meanwhile (the page's status
#: widget says it runs).
FIRST_WAIT_S = 1.5
#: Columns of :func:`pending_points`.
PENDING_COLUMNS: tuple[str, ...] = ("id", "name", "type", "lon", "lat", "order")


def objectives() -> tuple[str, ...]:
    """The objectives offered, the default first."""
    from analysis.optimise.model.objective import OBJECTIVES

    return OBJECTIVES


def default_objective() -> str:
    """The objective selected until the planner chooses another."""
    from analysis.optimise.model.objective import DEFAULT_OBJECTIVE

    return DEFAULT_OBJECTIVE


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

    Does nothing while another solve of this session runs (its buttons are disabled, but
    a click may arrive before they are drawn so).

    ``resolution`` is the choice shown with the rule check when it was drawn: ``"as_is"``,
    ``"opt:<i>"`` (apply change option i) or ``"relaxed"``. ``method``: ``"preview"``,
    ``"milp"`` or ``"tradeoff"`` (the trade-off curve, kept apart from the proposal).
    """
    from analysis.optimise.propose import propose

    if running() is not None:
        return
    counts = _counts()
    report = sim_services.conflicts(dataset, scenario, counts, None)
    if resolution.startswith("opt:") and int(resolution[4:]) >= len(report.options):
        resolution = "as_is"  # the options changed meanwhile: solve as asked, conflicts shown
    request = _request(counts, resolution, report, "milp" if method == "tradeoff" else method)
    fp = sim_services.fingerprint(scenario)
    key = f"{fp}|{sorted(counts.items())}|{resolution}|{method}|{request.objective}"
    key += f"|{optimise_constraints.request_key()}"
    job = SolveJob(
        key=key, method=method, scenario_name=scenario.name, scenario_key=fp, request=request
    )
    city = sim_services.scenario_city(dataset, scenario)
    if method == "preview":
        run_inline(job, propose, city, services.standards(), request)
    else:
        try:
            job.handle = solver.submit(
                "tradeoff" if method == "tradeoff" else "propose",
                city,
                services.standards(),
                request,
                progress=job.progress,
                on_done=job.finish,
                base_key=dataset.id,
                # A tab closed mid-solve: the pool cancels the solve, its worker is free.
                caller_alive=session_alive_check(),
            )
        except AnalysisError as exc:  # a bad pool size setting: said like any failure
            job.error, job.done = exc, True
            job.finished.set()
    st.session_state[state.OPT_JOB] = job
    # Most solves end within a second: wait for the outcome here, in the press's own run
    # (the panel's), which then draws the proposal (and its points on the map) at once.
    # Every further script run costs each browser a redraw of the whole page (several, in
    # fact: run start, progress, run end), which on a shared machine made four sessions' solves
    # three times slower than one (bench.optimise_concurrent).
    if job.done or job.wait(FIRST_WAIT_S):  # the preview, a refused solve, a quick solve
        take_finished()
    else:
        # Only the progress fragment reruns (it polls for the outcome, then reruns the
        # page), not the page nor the editor: the server's work per press is that of a
        # progress bar, and the proposal shown so far stays until the new one is there.
        st.rerun(scope=state.OPT_POLL)


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
        rerun_editor()
    st.session_state[state.OPT_RESULT] = SolveJob(
        key=f"{job.key}|{index}",
        method="pick",
        scenario_name=job.scenario_name,
        scenario_key=job.scenario_key,
        request=job.request,
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


def apply_proposal(scenario: Scenario) -> None:
    """Callback: make the finished proposal a new saved scenario (points with reasons)."""
    from analysis.optimise.scenario import proposal_scenario

    job = st.session_state.get(state.OPT_RESULT)
    if not isinstance(job, SolveJob) or job.result is None or is_stale(job, scenario):
        return
    proposal = job.result
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
            description=t(
                "opt_description", n=len(proposal.proposed), objective=goal, method=method
            ),
            request=job.request,  # the solve's status and settings: the scenario's facts
        )
    except AnalysisError as exc:
        messages.flash("error", messages.error_text(exc))
        rerun_editor()
    st.session_state.pop(state.OPT_TRADEOFF_RESULT, None)  # its plans counted from before
    st.session_state[state.OPT_ADOPTED] = scn.name
    # A message is plain text: the page escapes it when it shows it (messages.flash).
    sim_state.adopt(scn, t("opt_applied", name=scn.name, n=len(proposal.proposed)))
    st.rerun()  # a new working scenario: its name above the editor too (the whole page)


def add_collection_sites(dataset: services.Dataset, scenario: Scenario) -> None:
    """Add the second tier to the working scenario: collection sites so that every contact
    point has 3-5 within its radius (one undoable edit)."""
    from analysis.plan.edits import add_point

    limit = float(st.session_state.get(state.OPT_TIME_LIMIT, 30))
    try:
        plan = sim_services.collection_sites(dataset, scenario, limit)
    except (AnalysisError, GeodataError) as exc:
        messages.flash("error", t("opt_failed", reason=messages.error_text(exc)))
        rerun_editor()
    if plan.sites.empty:
        messages.flash("info", t("opt_sites_none"))
        rerun_editor()

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
    rerun_editor()


def rerun_editor() -> NoReturn:
    """From a callback of the panel: rerun the editor around it (not the panel alone), for
    a changed scenario or a message, both shown by the editor."""
    st.rerun(scope=state.SIM_EDITOR)
