"""Ownership controls of the 方案模拟 page: 复制为我的方案, publish / withdraw, read-only note.

The service layer refuses what a user may not do (:mod:`dashboard.services.ownership`);
these controls only offer what they may, and say why the rest is not there.
"""

from __future__ import annotations

import streamlit as st

from analysis.accounts import policy
from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import t, t_md
from dashboard.services import access, ownership
from dashboard.services import scenarios as sim_services
from dashboard.simulate import state as sim_state
from dashboard.simulate.messages import error_text, flash


def copy_mine(name: str) -> None:
    """复制为我的方案: save a copy owned by the user and continue editing it."""
    try:
        copy = ownership.copy_as_mine(sim_services.store(), name, t("own_copy_name", name=name))
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    sim_state.open_scenario(copy.name)
    flash("success", t("own_copied", name=copy.name))


def set_published(name: str, published: bool) -> None:
    """Publish (visible to viewers) or withdraw the scenario."""
    try:
        version = ownership.publish(name, published)
        sim_state.published_here(name, version)
    except AnalysisError as exc:
        flash("error", error_text(exc))
        return
    flash("success", t("own_published" if published else "own_unpublished", name=name))


def controls(name: str) -> bool:
    """Draw the note and buttons for the working scenario; True when the user may edit it.

    Unsaved scenarios are the user's own (saved on the first edit): their publish button is
    drawn disabled, so the page does not shift when the first edit saves the scenario (a
    second click would land on a moved control). In single-user mode there are no owners
    and no viewers: nothing to draw.
    """
    if not access.enabled():
        return True
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    if not sim_state.is_saved():
        row.button(t("own_publish"), key=state.SIM_PUBLISH, icon=":material/public:", disabled=True)
        return True
    user = access.acting_user()
    record = ownership.access_of(name)
    editable = policy.can_edit(user, record)
    if not editable:
        owner = record.owner or t("own_owner_none")
        row.info(t_md("own_read_only", owner=owner), icon=":material/lock:")
    if not editable and policy.can_copy(user, record):
        row.button(
            t("own_copy_mine"),
            key=state.SIM_COPY_MINE,
            icon=":material/content_copy:",
            on_click=lambda: copy_mine(name),
        )
    if policy.can_publish(user, record):
        row.button(
            t("own_unpublish") if record.published else t("own_publish"),
            key=state.SIM_PUBLISH,
            icon=":material/public_off:" if record.published else ":material/public:",
            on_click=lambda: set_published(name, not record.published),
        )
    return editable
