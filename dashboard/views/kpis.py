"""指标 KPI page: big figures for meetings, urban-rural balance, county compliance."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import state
from dashboard.i18n import current_lang, t
from dashboard.kpi import county_table, equity_frame, kpi_cards, status_style, type_cards
from dashboard.styles import dataset_badge
from dashboard.ui import card_grid, dataset_and_result, dataset_name


def _set_presentation() -> None:
    st.session_state[state.PRESENTATION] = bool(st.session_state.get(state.KPI_PRESENTATION_TOGGLE))


def _exit_presentation() -> None:
    st.session_state[state.PRESENTATION] = False
    st.session_state[state.KPI_PRESENTATION_TOGGLE] = False


def _equity_chart(frame: object, presenting: bool) -> alt.Chart:
    size = 18 if presenting else 12
    return (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=2)
        .encode(
            y=alt.Y("area:N", sort=None, title=None, axis=alt.Axis(labelFontSize=size)),
            yOffset=alt.YOffset(
                "series:N", sort=[t("kpi_series_points"), t("kpi_series_population")]
            ),
            x=alt.X(
                "share:Q", title=t("kpi_share_axis"), axis=alt.Axis(format="%", labelFontSize=size)
            ),
            color=alt.Color(
                "series:N",
                sort=[t("kpi_series_points"), t("kpi_series_population")],
                scale=alt.Scale(
                    domain=[t("kpi_series_points"), t("kpi_series_population")],
                    range=["#2e7d32", "#c9a227"],
                ),
                legend=alt.Legend(orient="top", title=None, labelFontSize=size, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("area:N", title=t("col_county")),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("share:Q", format=".1%", title=t("kpi_share_axis")),
            ],
        )
        .properties(height=alt.Step(14 if not presenting else 20))
    )


def render() -> None:
    """Draw the KPI page."""
    lang = current_lang()
    presenting = bool(st.session_state.get(state.PRESENTATION, False))
    head, ctl = st.columns([3, 1], vertical_alignment="bottom")
    head.title(t("kpi_title"), anchor=False)
    loaded = dataset_and_result()
    if presenting:
        ctl.button(
            t("kpi_exit_presentation"),
            key=state.KPI_EXIT_PRESENTATION,
            on_click=_exit_presentation,
            icon=":material/close_fullscreen:",
        )
    else:
        st.session_state.setdefault(state.KPI_PRESENTATION_TOGGLE, False)
        ctl.toggle(
            t("kpi_presentation"),
            key=state.KPI_PRESENTATION_TOGGLE,
            on_change=_set_presentation,
            help=t("kpi_presentation_help"),
        )
    if loaded is None:
        return
    dataset, result = loaded
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    if not presenting:
        st.caption(t("kpi_caption"))
    current = result.kpis
    baseline = result.kpis  # the loaded data itself; scenarios will pass their own KPIs
    card_grid(kpi_cards(current, baseline, lang), 4)
    st.subheader(t("kpi_by_type_title"), anchor=False)
    card_grid(type_cards(current, baseline, lang), 6)

    st.subheader(t("kpi_county_table_title"), anchor=False)
    st.caption(t("kpi_county_table_caption"))
    table = county_table(result.counties, lang)
    status_col = t("col_status", lang)
    styled = table.style.map(lambda v: status_style(v, lang), subset=[status_col])
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        row_height=48 if presenting else None,
        column_config={
            t("col_population"): st.column_config.NumberColumn(format="localized"),
            t("col_coverage"): st.column_config.NumberColumn(format="%.1f%%"),
            t("col_rural_coverage"): st.column_config.NumberColumn(format="%.1f%%"),
            t("col_equity"): st.column_config.NumberColumn(format="%.2f"),
        },
    )
    st.subheader(t("kpi_equity_title"), anchor=False)
    chart, note = st.columns([2, 1], gap="large")
    with chart:
        st.caption(t("kpi_equity_subtitle"))
        st.altair_chart(
            _equity_chart(equity_frame(result.counties, current, lang), presenting), width="stretch"
        )
    with note:
        st.caption(t("kpi_equity_caption"))


render()
