"""The working scenario of a session: undo history, auto-save, restore after a refresh.

The session keeps an :class:`analysis.edits.EditHistory` under :data:`state.SIM_HISTORY`;
``history.current`` is the scenario shown. Every edit, undo and redo is saved to the
workspace at once (:func:`commit`). On the first run of a session the scenario is
restored: the one named in the URL (``?scenario=...``, kept by a browser refresh), else
the most recently updated saved scenario of the dataset, else a fresh copy of the
baseline (saved on its first edit).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from analysis.errors import AnalysisError
from dashboard import services, sim_services, state
from dashboard.i18n import t
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.edits import EditHistory
    from analysis.scenarios import Scenario

#: URL query parameter that remembers the working scenario across a browser refresh.
QUERY_PARAM = "scenario"


@dataclass(frozen=True)
class Flash:
    """A message for the next run: level (``success``/``info``/``warning``/``error``), text."""

    level: str
    text: str


_SEVERITY = {"success": 0, "info": 1, "warning": 2, "error": 3}


def flash(level: str, text: str) -> None:
    """Queue a message shown once at the top of the editor (a graver one is kept)."""
    queued = st.session_state.get(state.SIM_MESSAGE)
    if isinstance(queued, Flash) and _SEVERITY.get(queued.level, 0) > _SEVERITY.get(level, 0):
        return
    st.session_state[state.SIM_MESSAGE] = Flash(level, text)


def pop_flash() -> Flash | None:
    """Return and clear the queued message."""
    value = st.session_state.pop(state.SIM_MESSAGE, None)
    return value if isinstance(value, Flash) else None


def error_text(exc: GeodataError | AnalysisError) -> str:
    """One line per problem of a domain error, translated by code."""
    from dashboard.i18n import problem_text

    lines = [problem_text(p.code, dict(p.params), p.message) for p in exc.problems]
    return "；".join(lines) or str(exc)


def _set_widget(key: str, value: str) -> None:
    """Set a text box's value unless the box is already drawn in this run."""
    with contextlib.suppress(StreamlitAPIException):
        st.session_state[key] = value


def _start(scenario: Scenario, saved: bool) -> None:
    from analysis.edits import EditHistory

    st.session_state[state.SIM_HISTORY] = EditHistory.start(scenario)
    # The workspace version this session last read or wrote ("" = not saved): the next
    # save fails rather than overwrite a version saved meanwhile by another session.
    st.session_state[state.SIM_SAVED] = scenario.updated_at if saved else ""
    _set_widget(state.SIM_NAME, scenario.name)
    _set_widget(state.SIM_AUTHOR, scenario.author)
    st.session_state.pop(state.SIM_SELECTED, None)
    st.session_state.pop(state.OPT_RESULT, None)
    _remember(scenario.name)


def _remember(name: str) -> None:
    # Outside a script run (helpers called from tests) there are no query params.
    with contextlib.suppress(AttributeError, RuntimeError):
        st.query_params[QUERY_PARAM] = name


def fresh_scenario(dataset: services.Dataset, author: str = "") -> Scenario:
    """Return an unsaved copy of the baseline under a free default name."""
    from analysis.scenarios import copy_scenario

    name = sim_services.free_name(t("sim_default_name"))
    return copy_scenario(sim_services.baseline(dataset, author), name, author)


def history(dataset: services.Dataset) -> EditHistory:
    """Return the session's history, restoring or creating the working scenario first.

    Raises
    ------
    analysis.errors.AnalysisError
        When the workspace cannot be read.
    """
    current = st.session_state.get(state.SIM_HISTORY)
    if current is not None and st.session_state.get(state.SIM_DATASET) == dataset.id:
        return current  # type: ignore[no-any-return]
    st.session_state[state.SIM_DATASET] = dataset.id
    saved = sim_services.list_scenarios(dataset)
    wanted = str(st.query_params.get(QUERY_PARAM, "") or "")
    names = list(saved["name"])
    if wanted in names:
        _start(sim_services.load(wanted), saved=True)
    elif names:
        _start(sim_services.load(names[0]), saved=True)
    else:
        _start(fresh_scenario(dataset), saved=False)
    return st.session_state[state.SIM_HISTORY]  # type: ignore[no-any-return]


def current(dataset: services.Dataset) -> Scenario:
    """Return the scenario shown (see :func:`history`)."""
    return history(dataset).current


def _renamed(hist: EditHistory, name: str, author: str) -> EditHistory:
    """The history with every version renamed (and the author set)."""
    entries = tuple(dataclasses.replace(s, name=name, author=author) for s in hist.entries)
    return type(hist)(entries, hist.labels, hist.index, hist.limit)


#: Free names tried when other sessions keep taking the one this session picked.
_NAME_ATTEMPTS = 50


def _save_current(force: bool = False) -> None:
    """Save the current version; never overwrite another session's newer save.

    The save expects the workspace to hold the version this session last read or wrote
    (``expected_updated_at``). If another session saved the same name meanwhile (or took
    the name of a new scenario first), this session's plan is kept under a free name.
    """
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    stamp = str(st.session_state.get(state.SIM_SAVED) or "")
    try:
        saved = sim_services.save(hist.current, expected_updated_at=None if force else stamp)
    except AnalysisError as exc:
        if "scenario_changed_elsewhere" not in {p.code for p in exc.problems}:
            flash("error", t("sim_save_failed", reason=error_text(exc)))
            return
        old = hist.current.name
        for _ in range(_NAME_ATTEMPTS):  # another session may take the same free name first
            try:
                hist = _renamed(hist, sim_services.free_name(old), hist.current.author)
                saved = sim_services.save(hist.current, expected_updated_at="")
                break
            except AnalysisError as again:
                if "scenario_changed_elsewhere" not in {p.code for p in again.problems}:
                    flash("error", t("sim_save_failed", reason=error_text(again)))
                    return
        else:
            flash("error", t("sim_save_failed", reason=error_text(exc)))
            return
        _set_widget(state.SIM_NAME, saved.name)
        flash("warning", t("sim_saved_elsewhere", old=old, name=saved.name))
    st.session_state[state.SIM_HISTORY] = hist.replace_current(saved)
    st.session_state[state.SIM_SAVED] = saved.updated_at
    _remember(saved.name)


def commit(scenario: Scenario, label: str) -> None:
    """Push an edited scenario onto the history and save it to the workspace."""
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    st.session_state[state.SIM_HISTORY] = hist.push(scenario, label)
    st.session_state.pop(state.OPT_RESULT, None)
    _save_current()


def edit(action: Callable[[Scenario], Scenario], label: str, done: str | None = None) -> bool:
    """Apply ``action`` to the current scenario; commit it, or flash the domain error.

    Returns
    -------
    bool
        True when the edit was applied.
    """
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    try:
        new = action(hist.current)
    except (AnalysisError, GeodataError) as exc:
        flash("error", t("sim_edit_failed", reason=error_text(exc)))
        return False
    commit(new, label)
    if done:
        flash("success", done)
    return True


def undo() -> None:
    """Step back one edit (and save)."""
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    if hist.can_undo:
        label = hist.undo_label
        st.session_state[state.SIM_HISTORY] = hist.undo()
        _save_current()
        flash("info", t("sim_undone", what=label))


def redo() -> None:
    """Apply the undone edit again (and save)."""
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    if hist.can_redo:
        label = hist.redo_label
        st.session_state[state.SIM_HISTORY] = hist.redo()
        _save_current()
        flash("info", t("sim_redone", what=label))


def open_scenario(name: str) -> None:
    """Make a saved scenario the working one (a new undo history)."""
    try:
        _start(sim_services.load(name), saved=True)
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    flash("success", t("sim_opened", name=name))


def start_new(dataset: services.Dataset, author: str) -> None:
    """Start a new working scenario from the baseline (saved on its first edit)."""
    _start(fresh_scenario(dataset, author), saved=False)
    flash("info", t("sim_new_started"))


def adopt(scenario: Scenario, message: str) -> None:
    """Make ``scenario`` (e.g. an applied proposal) the working one and save it."""
    _start(scenario, saved=False)
    _save_current()
    flash("success", message)


def rename_current(new_name: str, author: str) -> None:
    """Rename the working scenario and set its author (renaming the saved copy too)."""
    from analysis.scenarios import validate_scenario_name

    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    old = hist.current
    try:
        name = validate_scenario_name(new_name)
        if name != old.name and sim_services.exists(name):
            flash("error", t("sim_name_taken", name=name))
            return
        if name != old.name and st.session_state.get(state.SIM_SAVED):
            sim_services.rename(old.name, name)
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    st.session_state[state.SIM_HISTORY] = _renamed(hist, name, author)
    _save_current(force=True)
    flash("success", t("sim_renamed", name=name))


def save_as(name: str) -> None:
    """Save a copy of the working scenario under a new (free) name and continue on it."""
    from analysis.scenarios import copy_scenario

    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    try:
        copy = copy_scenario(hist.current, sim_services.free_name(name))
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    adopt(copy, t("sim_saved_as", name=copy.name))


def delete_current(dataset: services.Dataset) -> None:
    """Delete the working scenario from the workspace and start a fresh one."""
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    name = hist.current.name
    try:
        sim_services.delete(name)
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    _start(fresh_scenario(dataset, hist.current.author), saved=False)
    flash("info", t("sim_deleted", name=name))


def is_saved() -> bool:
    """True when the working scenario is saved in the workspace as shown."""
    return bool(st.session_state.get(state.SIM_SAVED))


def change_counts(scenario: Scenario) -> dict[str, Any]:
    """Number of points per status over every layer of ``scenario``."""
    return dict(scenario.status_counts())
