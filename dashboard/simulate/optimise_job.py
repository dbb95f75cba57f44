"""A solve of the optimiser panel as the page holds it (:class:`SolveJob`), and the small
fragment that draws a running solve's progress and picks up its outcome.

The exact solve and the trade-off run in a solver process of the server's pool
(:mod:`dashboard.services.solver`); the pool's thread records progress and outcome in the
job. A press of 求解 first waits for the outcome up to ``FIRST_WAIT_S``
(:func:`dashboard.simulate.optimise.start`): a solve done by then is drawn by the press's own
run (the optimiser panel's fragment, :func:`dashboard.simulate.optimise_view.panel`). A
longer one reruns only this fragment, not the panel: the fragment (:func:`progress_area`)
polls, draws the progress and then waits for the outcome, which wakes it the moment it
arrives (:meth:`SolveJob.wait`); then it has the page press the panel's hidden pickup button
(:func:`pickup_button`: a fragment's own run may rerun only itself or the whole page), and the
panel reruns once, with the proposal. The preview (fast) runs inline (:func:`run_inline`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state, timing
from dashboard.i18n import t
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.optimise.worker import SolveHandle, SolveOutcome

#: Interval of the running solve's progress fragment (seconds).
POLL_S = 0.5
#: How long a poll of that fragment waits for the outcome after drawing the progress:
#: the outcome wakes it at once (no polling delay); a click on 取消 made meanwhile is
#: taken when the wait ends. Not shorter: redraws cost the browser CPU
#: (bench.optimise_concurrent: 0.9-1.0 s of Chromium CPU per solve at 1 redraw a second,
#: 1.3-1.4 s at 5), and there four browsers share the server's two cores.
PICKUP_WAIT_S = 0.5


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
    request
        The ``ProposalRequest`` solved (its time limit and counts go into the adopted
        plan's solve facts; a plan picked from the trade-off: the trade-off's).
    """

    key: str
    method: str
    scenario_name: str = ""
    scenario_key: str = ""
    request: Any = None
    cancel: threading.Event = field(default_factory=threading.Event)
    fraction: float = 0.0
    message: str = ""
    result: Any = None
    error: Exception | None = None
    cancelled: bool = False
    done: bool = False
    started: float = field(default_factory=time.monotonic)
    handle: SolveHandle | None = None
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        if self.done:  # made finished (a plan picked from the trade-off)
            self.finished.set()

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
            f"(queued {outcome.queued_s:.3f} s, cpu {outcome.cpu_s:.3f} s) "
            f"plan {getattr(outcome.result, 'status', '-')}"
        )
        self.done = True
        self.finished.set()

    def wait(self, timeout_s: float) -> bool:
        """Block until the job is done (or ``timeout_s`` passed); return whether it is."""
        return self.finished.wait(timeout_s)


def run_inline(job: SolveJob, solve: Callable[..., Any], city: Any, std: Any, request: Any) -> None:
    """Run ``solve`` in this thread (the preview, fast) and record its outcome in ``job``."""
    from analysis.optimise.progress import SolveCancelled

    try:
        job.result = solve(city, std, request, progress=job.progress, cancel=job.cancel)
    except SolveCancelled:
        job.cancelled = True
    except (AnalysisError, GeodataError) as exc:
        job.error = exc
    finally:
        job.done = True
        job.finished.set()


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


def take_finished() -> bool:
    """Move the finished job from :data:`state.OPT_JOB` to where its result is shown
    (:data:`state.OPT_RESULT`, or :data:`state.OPT_TRADEOFF_RESULT`); True if there was one.

    Until then the proposal shown before stays (and can be adopted).
    """
    job = st.session_state.get(state.OPT_JOB)
    if not isinstance(job, SolveJob) or not job.done:
        return False
    target = state.OPT_TRADEOFF_RESULT if job.method == "tradeoff" else state.OPT_RESULT
    st.session_state[target] = job
    st.session_state.pop(state.OPT_JOB, None)
    return True


def progress_area() -> None:
    """The running solve's progress and its cancel button: a fragment (a press of 求解
    reruns it alone, not the page) holding the one that polls while a solve runs."""
    st.fragment(_area, key=state.OPT_POLL)()


def _area() -> None:
    if running() is None:
        # No poll fragment at all, rather than one without an interval: a fragment drawn
        # again without ``run_every`` keeps the browser's timer of its earlier runs (one
        # empty script run every POLL_S); one no longer drawn has it stopped.
        return
    st.session_state[state.OPT_POLL_MODE] = "inline"
    st.fragment(_poll, run_every=POLL_S)()


#: After pressing the panel's hidden pickup button, how long the progress fragment waits
#: for the panel's rerun before it reruns the page itself (the page's script did not run).
PICKUP_FALLBACK_S = 3.0
#: Presses the panel's pickup button (:data:`state.OPT_PICKUP`) from the page.
_PICKUP_JS = (
    "<script>(function() {{"
    " var b = document.querySelector('.st-key-{key} button'); if (b) {{ b.click(); }}"
    " }})();</script>"
)


def pickup_button() -> None:
    """The panel's hidden button the progress fragment presses when a solve ended: a
    press reruns the panel (its fragment), which draws the proposal."""
    st.button(t("opt_pickup"), key=state.OPT_PICKUP, on_click=_picked)


def _picked() -> None:
    st.session_state.pop(state.OPT_PICKED_AT, None)
    take_finished()


def _press_pickup() -> None:
    """Draw the script that presses the panel's pickup button (again in the polls that
    follow, until the panel reruns: a poll queued meanwhile may replace it before the
    browser drew it; drawn again unchanged, it is not run twice)."""
    st.html(_PICKUP_JS.format(key=state.OPT_PICKUP), unsafe_allow_javascript=True)


def _poll() -> None:
    # Drawn within a larger run (the page's, the editor's, the press's): draw, do not
    # wait, the rest is still to be drawn. Run alone (its poll, every POLL_S): draw, then
    # wait up to PICKUP_WAIT_S for the outcome, which ends the wait the moment the pool's
    # thread sets it; the next poll is already queued, so the page is (nearly) always
    # waiting for it and draws the proposal at once.
    inline = st.session_state.pop(state.OPT_POLL_MODE, "") == "inline"
    job = st.session_state.get(state.OPT_JOB)
    if not isinstance(job, SolveJob):
        picked = st.session_state.get(state.OPT_PICKED_AT)
        if inline or picked is None:
            return
        if time.monotonic() - picked > PICKUP_FALLBACK_S:
            st.session_state.pop(state.OPT_PICKED_AT, None)
            st.rerun(scope="app")  # the pickup press never came: the page draws the result
        _press_pickup()
        return
    if not job.done:
        elapsed = time.monotonic() - job.started
        st.progress(min(max(job.fraction, 0.0), 1.0), text=t("opt_running", s=f"{elapsed:.0f}"))
        st.button(t("opt_cancel"), key=state.OPT_CANCEL, on_click=cancel, icon=":material/stop:")
        if inline or not job.wait(PICKUP_WAIT_S):
            return
    take_finished()
    # The proposal is drawn by the panel around this fragment (and its points on the map
    # in place): a fragment's own run may rerun only itself or the page, so the page
    # presses the panel's hidden button. Not the page: every element of it sent and drawn
    # again, in every session that solves (bench.optimise_concurrent).
    st.session_state[state.OPT_PICKED_AT] = time.monotonic()
    _press_pickup()
