"""指标 KPI page: big figures for meetings, a saved scenario against the data as it is,
county compliance and urban-rural coverage."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import Lang, current_lang, t, t_md, whole_area
from dashboard.map.pipeline import city_area_level
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate.views import show_cards
from dashboard.styles import dataset_badge
from dashboard.ui import dataset_and_result, dataset_name
from dashboard.widgets.kpi_cards import kpi_cards, type_cards, with_before
from dashboard.widgets.kpi_tables import (
    county_rows,
    county_table_html,
    urban_rural_caption,
    urban_rural_frame,
)

#: Bar colours of the urban-rural chart: the map's badge colours of rural (农) and urban
#: community (社) points.
RURAL_COLOR, URBAN_COLOR = "#2e7d32", "#1f4e8c"


def _set_presentation() -> None:
    st.session_state[state.PRESENTATION] = bool(st.session_state.get(state.KPI_PRESENTATION_TOGGLE))


def _exit_presentation() -> None:
    st.session_state[state.PRESENTATION] = False
    st.session_state[state.KPI_PRESENTATION_TOGGLE] = False


def _urban_rural_chart(frame: pd.DataFrame, presenting: bool, lang: Lang) -> alt.LayerChart:
    size = 20 if presenting else 12
    order = [t("kpi_series_rural", lang), t("kpi_series_urban", lang)]
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "area:N",
            sort=None,
            title=None,
            axis=alt.Axis(labelFontSize=size, labelLimit=220, labelColor="#1C2B3A"),
        ),
        yOffset=alt.YOffset("series:N", sort=order),
        x=alt.X(
            "share:Q",
            title=t("kpi_share_axis", lang),
            scale=alt.Scale(domain=[0, 1.08]),
            axis=alt.Axis(
                format="%", labelFontSize=size, titleFontSize=size, values=[0, 0.25, 0.5, 0.75, 1]
            ),
        ),
    )
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        color=alt.Color(
            "series:N",
            sort=order,
            scale=alt.Scale(domain=order, range=[RURAL_COLOR, URBAN_COLOR]),
            legend=alt.Legend(orient="top", title=None, labelFontSize=size, labelLimit=400),
        ),
        tooltip=[
            alt.Tooltip("area:N", title=t("col_county", lang)),
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("share:Q", format=".1%", title=t("kpi_share_axis", lang)),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=size, color="#37474f").encode(
        text="label:N"
    )
    step = 22 if presenting else 15
    return (bars + labels).properties(height=alt.Step(step))


def _pick_scenario(dataset: services.Dataset) -> str:
    """The scenario select (saved scenarios of this dataset); returns the chosen option."""
    from analysis.errors import AnalysisError

    try:
        names = list(sim_services.list_scenarios(dataset)["name"])
    except AnalysisError:
        names = []  # an unreadable workspace: the page still shows the data as it is
    options = [state.KPI_BASE, *names]
    base_label = t("kpi_base_label")  # bound now: AppTest formats outside the script run
    if st.session_state.get(state.KPI_SCENARIO) not in options:
        st.session_state[state.KPI_SCENARIO] = state.KPI_BASE
    st.selectbox(
        t("kpi_scenario"),
        options,
        format_func=lambda o: base_label if o == state.KPI_BASE else str(o),
        key=state.KPI_SCENARIO,
        help=t("kpi_scenario_help"),
        placeholder=t("select_placeholder"),
    )
    return str(st.session_state[state.KPI_SCENARIO])


def _scenario_result(dataset: services.Dataset, name: str) -> tuple[Any, Any] | None:
    """Load a saved scenario and its coverage (cached); ``None`` with a warning on failure."""
    from analysis.errors import AnalysisError
    from dashboard.simulate.state import error_text
    from geodata.errors import GeodataError

    try:
        scenario = sim_services.load(name)
        return scenario, sim_services.scenario_coverage(dataset, scenario)
    except (AnalysisError, GeodataError) as exc:
        st.warning(
            t_md("kpi_scenario_failed", name=name, reason=error_text(exc)),
            icon=":material/warning:",
        )
    return None


def render() -> None:
    """Draw the KPI page."""
    from analysis.localtime import local_text

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
    dataset, base = loaded
    badge, pick = st.columns([1, 2], vertical_alignment="bottom")
    badge.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    # Which reach the figures rest on, also in presentation mode (no sidebar there).
    badge.caption(t(f"reach_caption_{base.reach_mode}"))
    if base.demand_source != "villages":  # a grid or a raster's cells stand in for villages
        badge.caption(t("kpi_demand_source", source=t(f"demand_source_{base.demand_source}")))
    with pick:
        chosen = _pick_scenario(dataset)
    shown = _scenario_result(dataset, chosen) if chosen != state.KPI_BASE else None
    result = shown[1] if shown else base
    if shown:
        scenario = shown[0]
        st.caption(
            t(  # names escaped, the local time (ours) as it is
                "kpi_scenario_line",
                name=md_escape(scenario.name),
                author=md_escape(scenario.author) if scenario.author else t("kpi_author_unknown"),
                time=local_text(scenario.updated_at),
            )
        )
    if not presenting:
        st.caption(t("kpi_caption_scenario" if shown else "kpi_caption"))
    before = base.kpis if shown else None
    cards = kpi_cards(result.kpis, before, lang, of_total=True)
    if shown:
        cards = with_before(cards, kpi_cards(base.kpis, None, lang, of_total=True), lang)
    show_cards(cards, 5, key=state.KPI_CARDS)
    st.subheader(t("kpi_by_type_title"), anchor=False)
    show_cards(type_cards(result.kpis, before, lang), 6, key=state.KPI_TYPE_CARDS)

    st.subheader(t("kpi_county_table_title"), anchor=False)
    st.caption(t("kpi_county_table_caption"))
    if shown:
        st.caption(t_md("kpi_county_table_changes", name=shown[0].name))
    rows = county_rows(
        result.counties, services.standards(), base.counties if shown else None, lang
    )
    st.html(county_table_html(rows, lang))

    # The whole area by the data: 全市, 全省 or 全县.
    area = whole_area(city_area_level(dataset.city), lang)
    st.subheader(t("kpi_equity_title"), anchor=False)
    st.caption(t("kpi_equity_subtitle"))
    chart, note = st.columns([2, 1], gap="large")
    with chart:
        frame = urban_rural_frame(result.counties, result.kpis, lang, area=area)
        st.altair_chart(_urban_rural_chart(frame, presenting, lang), width="stretch")
    with note:
        st.markdown(urban_rural_caption(result.counties, result.kpis, before, lang, area=area))


render()
