"""The relocation panel: move or close the flagged contact points, adopt it as a scenario."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import fmt_int, t
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import review as review_services
from dashboard.ui import show_if_domain_error


def _ask(key: tuple[str, str]) -> None:
    st.session_state[state.REVIEW_RELOCATION] = key


def _adopt(dataset: services.Dataset, recs: review_services.Records, result: Any) -> None:
    from analysis.errors import AnalysisError
    from analysis.review.relocate import relocation_scenario
    from dashboard.services import scenarios as sim_services
    from dashboard.simulate import state as sim_state
    from dashboard.simulate.state import error_text

    name = str(st.session_state.get(state.REVIEW_ADOPT_NAME) or "").strip()
    try:
        proposal = review_services.relocation(dataset, recs, result)
        scn = relocation_scenario(
            sim_services.baseline(dataset),
            proposal,
            sim_services.free_name(name or t("review_adopt_default")),
        )
    except AnalysisError as exc:
        st.session_state[state.REVIEW_MESSAGE] = ("error", error_text(exc))
        return
    moved = sum(m.action != "keep" for m in proposal.moves)
    sim_state.adopt(scn, t("review_adopted", name=scn.name, n=moved))
    st.session_state[state.REVIEW_MESSAGE] = (
        "success",
        t("review_adopted", name=scn.name, n=moved),
    )


def move_text(move: Any) -> str:
    """One move, said in the interface language."""
    return t(
        f"review_move_{move.action}",
        name=move.name,
        to=move.to_site,
        lost=fmt_int(move.population_lost),
        gained=fmt_int(move.population_gained),
        net=fmt_int(move.net),
    )


def moves_frame(proposal: Any) -> pd.DataFrame:
    """The proposal's moves: point, action, new site, people lost/gained/net, why."""
    rows = [
        {
            t("review_col_id"): m.point_id,
            t("review_col_name"): m.name,
            t("review_col_action"): t(f"review_action_{m.action}"),
            t("review_col_to"): m.to_site or "—",
            t("review_col_lost"): m.population_lost,
            t("review_col_gained"): m.population_gained,
            t("review_col_net"): m.net,
        }
        for m in proposal.moves
    ]
    return pd.DataFrame(rows)


def relocation_panel(dataset: services.Dataset, recs: review_services.Records, result: Any) -> None:
    """The button, the proposal's table and totals, and the adopt button."""
    st.subheader(t("review_relocation_title"), anchor=False)
    st.caption(t("review_relocation_help"))
    adjust = result.adjust
    flagged = adjust[(adjust["point_layer"] == "contact_points") & (adjust["role_reasons"] > 0)]
    if flagged.empty:
        st.info(t("review_relocation_none"), icon=":material/info:")
        return
    key = (dataset.id, recs.digest)
    st.button(
        t("review_relocate", n=len(flagged)),
        key=state.REVIEW_RELOCATE,
        on_click=_ask,
        args=(key,),
        icon=":material/move_location:",
    )
    if st.session_state.get(state.REVIEW_RELOCATION) != key:
        return
    try:
        with st.spinner(t("review_relocating")):
            proposal = review_services.relocation(dataset, recs, result)
    except ValueError as exc:  # AnalysisError / GeodataError shown; anything else re-raised
        if not show_if_domain_error(exc):
            raise
        return
    st.dataframe(
        moves_frame(proposal),
        hide_index=True,
        width="stretch",
        key=state.REVIEW_RELOCATION_TABLE,
        column_config={
            t(k): st.column_config.NumberColumn(format="localized")
            for k in ("review_col_lost", "review_col_gained", "review_col_net")
        },
    )
    # Each move said in a sentence (names escaped: they are the user's).
    st.markdown("\n".join(f"- {md_escape(move_text(m))}" for m in proposal.moves))
    delta = proposal.population_after - proposal.population_before
    st.markdown(
        t(
            "review_relocation_total",
            before=fmt_int(proposal.population_before),
            after=fmt_int(proposal.population_after),
            delta=f"{delta:+,}",
        )
    )
    cols = st.columns([3, 2], vertical_alignment="bottom")
    cols[0].text_input(
        t("review_adopt_name"),
        value=t("review_adopt_default"),
        key=state.REVIEW_ADOPT_NAME,
        max_chars=60,
    )
    cols[1].button(
        t("review_adopt"),
        key=state.REVIEW_ADOPT,
        on_click=_adopt,
        args=(dataset, recs, result),
        type="primary",
        icon=":material/playlist_add_check:",
    )
