"""The scenario bar of the 方案模拟 page: name, author, open, save as, new, delete.

Every action is a callback into :mod:`dashboard.simulate.state` (which saves, opens and
switches data); this module only draws the controls. Names in labels are escaped
(:func:`dashboard.i18n.t_md`); times are local (:func:`analysis.localtime.local_text`).
"""

from __future__ import annotations

import streamlit as st

from analysis.localtime import local_text
from analysis.plan.scenarios import DEMO_DATASET_ID
from dashboard import state
from dashboard.i18n import t, t_md
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate import sharing
from dashboard.simulate import state as sim_state


def scenario_bar(dataset: services.Dataset) -> None:
    """The working scenario's name and author, and the open/new/save as/delete controls.

    Drawn above the editor fragment, so only a full run redraws it; the boxes show the
    working scenario's names whenever it changed (:func:`dashboard.simulate.state.sync_name_boxes`).
    """
    scn = sim_state.current(dataset)
    sim_state.sync_name_boxes(scn)
    with st.container(border=True):
        editable = sharing.controls(scn.name)
        c1, c2, c3 = st.columns([2.2, 1.3, 1], vertical_alignment="bottom")
        c1.text_input(t("sim_name_label"), key=state.SIM_NAME, max_chars=120)
        c2.text_input(t("sim_author_label"), key=state.SIM_AUTHOR, max_chars=60)
        c3.button(
            t("sim_apply_name"),
            key=state.SIM_APPLY_NAME,
            icon=":material/edit:",
            wrap=True,  # a narrow column wraps the label rather than cutting it short
            disabled=not editable,
            on_click=lambda: sim_state.rename_current(
                str(st.session_state.get(state.SIM_NAME, "")),
                str(st.session_state.get(state.SIM_AUTHOR, "")),
            ),
        )
        with st.expander(t("sim_manage"), icon=":material/folder_open:"):
            _manage(dataset, editable)


def _manage(dataset: services.Dataset, editable: bool = True) -> None:
    """Open a saved scenario (of any data kept in the workspace), save as, new, delete."""
    saved = sim_services.openable_scenarios(dataset)
    names = list(saved["name"])
    info = {r["name"]: r for r in saved.to_dict("records")}

    def label(name: str) -> str:
        r = info[name]
        entry = t(
            "sim_saved_entry",
            name=name,
            author=r["author"] or "—",
            time=local_text(r["updated_at"]),
            proposed=r["n_proposed"],
            moved=r["n_moved"],
            removed=r["n_removed"],
        )
        if not r["dataset_name"]:
            return entry
        data = t("demo_city_name") if r["dataset_id"] == DEMO_DATASET_ID else r["dataset_name"]
        return t("sim_saved_entry_other", entry=entry, data=data)

    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    if names:
        c1.selectbox(
            t("sim_pick"),
            names,
            format_func=label,
            key=state.SIM_PICK,
            placeholder=t("select_placeholder"),
        )
        c2.button(
            t("sim_open"),
            key=state.SIM_OPEN,
            icon=":material/file_open:",
            on_click=lambda: sim_state.open_scenario(str(st.session_state[state.SIM_PICK])),
        )
    else:
        c1.caption(t("sim_none_saved"))
    c3, c4 = st.columns([3, 1], vertical_alignment="bottom")
    st.session_state.setdefault(state.SIM_SAVE_AS_NAME, "")
    c3.text_input(t("sim_save_as_name"), key=state.SIM_SAVE_AS_NAME, max_chars=120)
    c4.button(
        t("sim_save_as"),
        key=state.SIM_SAVE_AS,
        icon=":material/content_copy:",
        on_click=lambda: sim_state.save_as(
            str(st.session_state.get(state.SIM_SAVE_AS_NAME) or t("sim_default_name"))
        ),
    )
    # A row that wraps rather than columns that cut the delete button's name short.
    row = st.container(horizontal=True, gap="small")
    row.button(
        t("sim_new"),
        key=state.SIM_NEW,
        icon=":material/restart_alt:",
        on_click=lambda: sim_state.start_new(
            dataset, str(st.session_state.get(state.SIM_AUTHOR, ""))
        ),
    )
    row.button(
        # Names the scenario it deletes (escaped: a button label is Markdown).
        t_md("sim_delete_scenario", name=sim_state.current(dataset).name),
        key=state.SIM_DELETE_SCENARIO,
        icon=":material/delete:",
        disabled=not sim_state.is_saved() or not editable,
        on_click=lambda: sim_state.delete_current(dataset),
    )
    st.caption(t("sim_workspace_note"))
