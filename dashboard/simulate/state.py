"""The working scenario of a session: undo history, auto-save, restore after a refresh.

The session keeps an :class:`analysis.plan.edits.EditHistory` under :data:`state.SIM_HISTORY`;
``history.current`` is the scenario shown. Every edit, undo and redo is saved to the
workspace at once (:func:`commit`). A session starts on the scenario named in the URL
(``?scenario=...``: kept by a browser refresh, or a link someone shared), else on a fresh,
unsaved copy of the baseline (saved under a free name at its first edit): never silently
in someone else's last plan. Autosave writes only into the scenario this session created
or opened on purpose (URL, 打开, 另存为, an adopted proposal), and only over the version it
last read (:func:`_save_current`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import t
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate.messages import error_text, flash
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.plan.edits import EditHistory
    from analysis.plan.scenarios import Scenario

#: URL query parameter that remembers the working scenario across a browser refresh.
QUERY_PARAM = "scenario"


def _name_changed() -> None:
    """Ask for the name and author boxes to show the working scenario's (next full run).

    The boxes sit outside the editor fragment: a change made from inside it (an adopted
    proposal, a save under a free name) would leave them showing the old name, and the
    next 保存名称 would then rename back or report a false "name exists". The page's
    scenario bar copies the names into the boxes before drawing them
    (:func:`sync_name_boxes`); the fragment reruns the whole page when asked
    (:func:`name_boxes_stale`).
    """
    st.session_state[state.SIM_NAME_SYNC] = True


def name_boxes_stale() -> bool:
    """True when the name and author boxes still show another scenario's name."""
    return bool(st.session_state.get(state.SIM_NAME_SYNC))


def sync_name_boxes(scenario: Scenario) -> None:
    """Before the boxes are drawn: make them show ``scenario``'s name and author if asked."""
    if st.session_state.pop(state.SIM_NAME_SYNC, False) or state.SIM_NAME not in st.session_state:
        st.session_state[state.SIM_NAME] = scenario.name
        st.session_state[state.SIM_AUTHOR] = scenario.author


def _start(scenario: Scenario, saved: bool) -> None:
    from analysis.plan.edits import EditHistory

    st.session_state[state.SIM_HISTORY] = EditHistory.start(scenario)
    # The workspace version this session last read or wrote ("" = not saved): the next
    # save fails rather than overwrite a version saved meanwhile by another session.
    st.session_state[state.SIM_SAVED] = scenario.updated_at if saved else ""
    _name_changed()
    st.session_state.pop(state.SIM_SELECTED, None)
    st.session_state.pop(state.OPT_RESULT, None)
    _remember(scenario.name if saved else None)


def _remember(name: str | None) -> None:
    """Name the saved working scenario in the URL (a refresh reopens it); ``None``: forget.

    An unsaved scenario is not named: its name may be taken by someone else's save before
    its own first save, and a refresh must not then open theirs.
    """
    # Outside a script run (helpers called from tests) there are no query params.
    with contextlib.suppress(AttributeError, RuntimeError, KeyError):
        if name is None:
            if QUERY_PARAM in st.query_params:
                del st.query_params[QUERY_PARAM]
        else:
            st.query_params[QUERY_PARAM] = name


def fresh_scenario(dataset: services.Dataset, author: str = "") -> Scenario:
    """Return an unsaved copy of the baseline under a free default name."""
    from analysis.plan.scenarios import copy_scenario

    name = sim_services.free_name(t("sim_default_name"))
    return copy_scenario(sim_services.baseline(dataset, author), name, author)


def _wanted() -> str:
    """The scenario named in the URL (``""`` for none)."""
    with contextlib.suppress(AttributeError, RuntimeError):
        return str(st.query_params.get(QUERY_PARAM, "") or "")
    return ""


def follow_url() -> None:
    """On the session's first visit, switch to the data of the scenario named in the URL.

    A link (or a refresh after a server restart) to a scenario built on uploaded data
    opens that data, stored in the workspace when the scenario was first saved. Call
    before the page picks its dataset; later visits keep the session's choice.

    Raises
    ------
    analysis.errors.AnalysisError
        When the workspace cannot be read.
    """
    wanted = _wanted()
    if not wanted or st.session_state.get(state.SIM_HISTORY) is not None:
        return
    saved = sim_services.store().list_scenarios()
    row = saved[saved["name"] == wanted]
    if row.empty:
        return
    target = sim_services.dataset_of(str(row["dataset_id"].iloc[0]))
    if target is not None:
        _use_dataset(target)


def _use_dataset(dataset: services.Dataset) -> None:
    """Make ``dataset`` the session's data (the demo city: no user data)."""
    if dataset.is_demo:
        st.session_state.pop(state.USER_DATASET, None)
    else:
        st.session_state[state.USER_DATASET] = dataset


def history(dataset: services.Dataset) -> EditHistory:
    """Return the session's history, restoring or creating the working scenario first.

    A new session (or new data) starts on the scenario named in the URL when it is a
    saved scenario of this data, else on a fresh unsaved copy of the baseline.

    Raises
    ------
    analysis.errors.AnalysisError
        When the workspace cannot be read.
    """
    current = st.session_state.get(state.SIM_HISTORY)
    if current is not None and st.session_state.get(state.SIM_DATASET) == dataset.id:
        return current
    st.session_state[state.SIM_DATASET] = dataset.id
    wanted = _wanted()
    names = set(sim_services.list_scenarios(dataset)["name"]) if wanted else set()
    if wanted in names:
        _start(sim_services.load(wanted), saved=True)
    else:
        _start(fresh_scenario(dataset), saved=False)
    return st.session_state[state.SIM_HISTORY]


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
        _name_changed()
        if stamp:
            flash("warning", t("sim_saved_elsewhere", old=old, name=saved.name))
        else:  # a new plan whose name someone else took first: nothing of theirs was touched
            flash("info", t("sim_saved_free_name", old=old, name=saved.name))
    st.session_state[state.SIM_HISTORY] = hist.replace_current(saved)
    st.session_state[state.SIM_SAVED] = saved.updated_at
    _remember(saved.name)


def published_here(name: str, version: int) -> None:
    """This session published/withdrew the working scenario: follow the store's new version.

    Publishing is a change of the scenario (version+1). When the store holds exactly the
    version this publish made on top of the one the page shows, the page takes its time
    stamp, so the next edit saves without a false "saved elsewhere"; if anyone else saved
    in between, the stamp stays and that next save is kept as a copy (as for any conflict).
    """
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    info = sim_services.store().scenario_info(name)
    if info is None or hist.current.name != name or info.version != version:
        return
    if hist.current.version and hist.current.version + 1 != version:
        return
    shown = dataclasses.replace(
        hist.current, published=info.published, version=info.version, updated_at=info.updated_at
    )
    st.session_state[state.SIM_HISTORY] = hist.replace_current(shown)
    st.session_state[state.SIM_SAVED] = info.updated_at


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
    """Make a saved scenario the working one (a new undo history), on its own data.

    A scenario built on other data (the demo city, or an upload kept in the workspace)
    switches the session to that data.
    """
    try:
        scn = sim_services.load(name)
        target = sim_services.dataset_of(scn.dataset_id)
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    if target is None:
        flash("error", t("sim_data_missing", name=name))
        return
    switched = target.id != services.current_dataset_id()
    _use_dataset(target)
    st.session_state[state.SIM_DATASET] = target.id
    _start(scn, saved=True)
    # The browser keeps showing a choice in the words it was drawn with ("· 数据：…" of
    # the other data); setting the value makes Streamlit send the new words.
    st.session_state[state.SIM_PICK] = name
    if switched:
        from dashboard.ui import dataset_name

        flash("success", t("sim_opened_on_data", name=name, data=dataset_name(target)))
    else:
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
    from analysis.plan.scenarios import validate_scenario_name

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
    from analysis.plan.scenarios import copy_scenario

    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    if is_saved() and name.strip() == hist.current.name:
        # A second click on 另存为 (or "save as" the name it already has): the copy exists.
        flash("info", t("sim_saved_as", name=hist.current.name))
        return
    try:
        copy = copy_scenario(hist.current, sim_services.free_name(name))
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    adopt(copy, t("sim_saved_as", name=copy.name))


def delete_current(dataset: services.Dataset) -> None:
    """Delete the working scenario from the workspace and start a fresh one.

    Nothing happens for an unsaved scenario (a second click on 删除 arriving before the
    page redrew the button disabled must not report a deletion).
    """
    hist: EditHistory = st.session_state[state.SIM_HISTORY]
    name = hist.current.name
    if not is_saved():
        return
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
