"""Capacities and township minimum in the optimiser panel (off by default).

The form in an expander (:func:`form`), the request fields it gives
(:func:`request_fields`, added to the request by :mod:`dashboard.simulate.optimise`) and
the figures of a constrained plan (:func:`result`): served people (capped) next to
covered, and the townships against the minimum.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import current_lang, fmt_int, point_type_label, t

#: Default people per point offered when capacities are switched on (an example, not a
#: standard: see docs/method.md).
DEFAULT_CAPACITY = 50_000
DEFAULT_SITES = 5
DEFAULT_TOWN_PERCENT = 10


def form() -> None:
    """The two options in one expander, both off until ticked."""
    for key in state.OPT_CAP_POPULATION.values():
        st.session_state.setdefault(key, DEFAULT_CAPACITY)
    st.session_state.setdefault(state.OPT_CAP_SITES, 0)
    st.session_state.setdefault(state.OPT_TOWN_MIN_PERCENT, DEFAULT_TOWN_PERCENT)
    on = bool(st.session_state.get(state.OPT_CAP_ON)) or bool(
        st.session_state.get(state.OPT_TOWN_MIN_ON)
    )
    with st.expander(t("opt_cons_title"), expanded=on, icon=":material/tune:"):
        st.caption(t("opt_cons_caption"))
        cap_on = st.toggle(t("opt_cap_on"), key=state.OPT_CAP_ON, help=t("opt_cap_help"))
        cols = st.columns(len(state.OPT_CAP_POPULATION) + 1)
        for col, (ptype, key) in zip(cols, state.OPT_CAP_POPULATION.items(), strict=False):
            col.number_input(
                t("opt_cap_population", type=point_type_label(ptype)),
                min_value=0,
                max_value=10_000_000,
                step=5_000,
                key=key,
                disabled=not cap_on,
                help=t("opt_cap_zero"),
            )
        cols[-1].number_input(
            t("opt_cap_sites"),
            min_value=0,
            max_value=50,
            step=1,
            key=state.OPT_CAP_SITES,
            disabled=not cap_on,
            help=t("opt_cap_sites_help"),
        )
        town_on = st.toggle(
            t("opt_town_min_on"), key=state.OPT_TOWN_MIN_ON, help=t("opt_town_min_help")
        )
        st.slider(
            t("opt_town_min_percent"),
            min_value=1,
            max_value=100,
            step=1,
            format="%d%%",
            key=state.OPT_TOWN_MIN_PERCENT,
            disabled=not town_on,
        )
        if cap_on or town_on:
            st.caption(t("opt_cons_tradeoff"))


def request_fields() -> dict[str, Any]:
    """``capacity_population``, ``capacity_sites``, ``township_min_share`` of the form
    (explicitly off when not ticked, whatever the standards file says)."""
    cap_on = bool(st.session_state.get(state.OPT_CAP_ON))
    town_on = bool(st.session_state.get(state.OPT_TOWN_MIN_ON))
    population = {
        ptype: float(st.session_state.get(key, 0) or 0) if cap_on else 0.0
        for ptype, key in state.OPT_CAP_POPULATION.items()
    }
    from geodata.schema import POINT_TYPES

    for ptype in POINT_TYPES:  # types without a field: unlimited
        population.setdefault(ptype, 0.0)
    percent = float(st.session_state.get(state.OPT_TOWN_MIN_PERCENT, 0) or 0)
    return {
        "capacity_population": population,
        "capacity_sites": int(st.session_state.get(state.OPT_CAP_SITES, 0) or 0) if cap_on else 0,
        "township_min_share": percent / 100.0 if town_on else 0.0,
    }


def request_key() -> str:
    """What the form asks, for the solve's cache key."""
    fields = request_fields()
    caps = sorted(fields["capacity_population"].items())
    return f"{caps}|{fields['capacity_sites']}|{fields['township_min_share']}"


def result(proposal: Any) -> None:
    """Served people and the townships against the minimum (nothing when both were off)."""
    figures = getattr(proposal, "constrained", None)
    if figures is None:
        return
    c = figures.constraints
    if c.capacitated:
        caps = ("、" if current_lang() == "zh" else ", ").join(
            f"{point_type_label(k)} {fmt_int(v)}" for k, v in c.population_by_type.items()
        )
        st.info(
            t(
                "opt_cons_served",
                before=fmt_int(figures.served_before),
                after=fmt_int(figures.served_after),
                covered=fmt_int(proposal.kpis_after.population_covered),
                caps=caps or "—",
                sites=c.sites_per_point or "—",
            ),
            icon=":material/group:",
        )
    if c.township_min_share > 0:
        unmet = figures.townships_unmet
        text = t(
            "opt_town_summary",
            share=f"{c.township_min_share:.0%}",
            n=len(figures.townships),
            unmet=len(unmet),
        )
        (st.warning if unmet else st.success)(text, icon=":material/location_city:")
        if figures.townships:
            frame = pd.DataFrame(
                [
                    {
                        t("opt_town_col_name"): f"{r.county} {r.name}",
                        t("opt_town_col_required"): r.required,
                        t("opt_town_col_before"): r.before,
                        t("opt_town_col_after"): r.after,
                        t("opt_town_col_short"): r.shortfall,
                    }
                    for r in sorted(figures.townships, key=lambda r: -r.shortfall)
                ]
            )
            people = st.column_config.NumberColumn(format="localized")
            st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                key=state.OPT_TOWN_TABLE,
                column_config={c: people for c in list(frame.columns)[1:]},
            )
