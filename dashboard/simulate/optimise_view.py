"""Drawing of the optimiser panel: objective and request, rule conflicts and choices,
trade-off curve (:mod:`dashboard.simulate.optimise_tradeoff`), result table and curve."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import current_lang, has_key, point_type_label, t, t_md
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate import optimise as sim_optimise
from dashboard.simulate import optimise_constraints, optimise_curve
from dashboard.simulate import optimise_job as sim_optimise_job
from dashboard.simulate import optimise_tradeoff as sim_optimise_tradeoff
from dashboard.simulate.views import headline_cards, show_cards

if TYPE_CHECKING:
    from analysis.optimise.rules.conflicts import ConflictReport
    from analysis.plan.scenarios import Scenario


def _tr(prefix: str, value: str) -> str:
    key = f"{prefix}{value}"
    return t(key) if has_key(key) else value


def _objective() -> str:
    """The objective selector (Chinese labels; the default first)."""
    choices = list(sim_optimise.objectives())
    st.session_state.setdefault(state.OPT_OBJECTIVE, sim_optimise.default_objective())
    if st.session_state.get(state.OPT_OBJECTIVE) not in choices:
        st.session_state[state.OPT_OBJECTIVE] = sim_optimise.default_objective()
    return str(
        st.radio(
            t("opt_objective"),
            choices,
            format_func=lambda o: t(f"opt_objective_{o}"),
            horizontal=True,
            key=state.OPT_OBJECTIVE,
            help=t("opt_objective_help"),
        )
    )


def _inputs(objective: str) -> dict[str, int]:
    cols = st.columns(5)
    for col, (ptype, key) in zip(cols, sim_optimise.COUNT_KEYS.items(), strict=False):
        st.session_state.setdefault(key, sim_optimise.DEFAULT_COUNTS[ptype])
        col.number_input(
            t("opt_count", type=point_type_label(ptype)),
            min_value=0,
            max_value=200,
            step=1,
            key=key,
        )
    st.session_state.setdefault(state.OPT_RURAL_WEIGHT, 1.0)
    weighted = objective == "population"
    cols[3].number_input(
        t("opt_rural_weight"),
        min_value=1.0,
        max_value=10.0,
        step=0.5,
        key=state.OPT_RURAL_WEIGHT,
        disabled=not weighted,
        help=t("opt_rural_weight_help") if weighted else t("opt_rural_weight_off"),
    )
    st.session_state.setdefault(state.OPT_TIME_LIMIT, 30)
    cols[4].number_input(
        t("opt_time_limit"), min_value=1, max_value=600, step=5, key=state.OPT_TIME_LIMIT
    )
    return sim_optimise._counts()


def _conflicts(report: ConflictReport) -> str:
    """Show the rule check; return how to resolve a conflict (``"as_is"`` when none)."""
    lang = current_lang()
    if report.feasible:
        st.success(t("opt_feasible"), icon=":material/check_circle:")
        st.session_state[state.OPT_RESOLUTION] = "as_is"
        return "as_is"
    # county names come from the data: inert in Markdown
    lines = [
        f"- {md_escape(c.message_zh if lang == 'zh' else c.message)}" for c in report.conflicts
    ]
    st.error(t("opt_conflicts") + "\n\n" + "\n".join(lines), icon=":material/rule:")
    choices = [f"opt:{i}" for i in range(len(report.options))] + ["relaxed"]
    if st.session_state.get(state.OPT_RESOLUTION) not in choices:
        st.session_state[state.OPT_RESOLUTION] = choices[0]

    def label(choice: str) -> str:
        if choice == "relaxed":
            return t("opt_choice_relaxed")
        option = report.options[int(choice[4:])]
        text = option.description_zh if lang == "zh" else option.description
        return t_md("opt_choice_option", text=text)

    return str(st.radio(t("opt_choose"), choices, format_func=label, key=state.OPT_RESOLUTION))


def _curve_html(curve: Any) -> str:
    """The coverage curve as an inline SVG (:mod:`dashboard.simulate.optimise_curve`)."""
    labels = optimise_curve.CurveLabels(t("opt_curve_x"), t("opt_curve_y"))
    svg = optimise_curve.curve_svg([c.k for c in curve], [c.coverage_share for c in curve], labels)
    return optimise_curve.curve_img(svg, t("opt_curve_title"))


def _points_table(proposal: Any) -> pd.DataFrame:
    """One row per new point in order: where it stands and what it brings."""
    lang = current_lang()
    sep = "；" if lang == "zh" else ";"
    return pd.DataFrame(
        [
            {
                t("opt_col_order"): p.order,
                t("opt_col_site"): p.site_name,
                t("opt_col_township"): p.township_name,
                t("col_county"): p.county,
                t("opt_col_lon"): round(p.lon, 6),
                t("opt_col_lat"): round(p.lat, 6),
                t("sim_col_kind"): point_type_label(p.type),
                t("opt_col_reason"): (p.reason_zh if lang == "zh" else p.reason).split(sep)[0],
                t("opt_col_gain"): int(p.newly_covered_population),
                t("opt_col_alone"): int(p.newly_covered_alone),
            }
            for p in proposal.proposed
        ]
    )


def _table_config() -> dict[str, Any]:
    """Narrow number columns, people with thousands separators, 5 decimals for degrees."""
    people = st.column_config.NumberColumn(format="localized")
    degrees = st.column_config.NumberColumn(format="%.5f", width="small")
    return {
        t("opt_col_order"): st.column_config.NumberColumn(width="small"),
        t("opt_col_lon"): degrees,
        t("opt_col_lat"): degrees,
        t("opt_col_gain"): people,
        t("opt_col_alone"): people,
        t("opt_col_served"): people,
    }


def _error(job: sim_optimise.SolveJob) -> bool:
    """Show a cancelled or failed job; return True when there is nothing else to show."""
    if job.cancelled:
        st.warning(t("opt_cancelled"), icon=":material/block:")
        return True
    if job.error is not None:
        from dashboard.simulate.state import error_text

        report = getattr(job.error, "report", None)  # RuleConflictError: the rule check
        if report is not None:
            lang = current_lang()
            lines = [
                f"- {md_escape(c.message_zh if lang == 'zh' else c.message)}"
                for c in report.conflicts
            ]
            st.error(t("opt_refused") + "\n\n" + "\n".join(lines), icon=":material/error:")
        else:
            st.error(t_md("opt_failed", reason=error_text(job.error)), icon=":material/error:")  # type: ignore[arg-type]
        return True
    if job.result is None:
        st.warning(t("opt_no_result"))
        return True
    return False


def _result(scenario: Scenario) -> None:
    job = st.session_state.get(state.OPT_RESULT)
    if not isinstance(job, sim_optimise.SolveJob) or not job.done or _error(job):
        return
    proposal = job.result
    st.markdown(f"#### {t('opt_result_title')}")
    finite = proposal.gap is not None and math.isfinite(proposal.gap)
    gap = f"{proposal.gap * 100:.2f}%" if finite else "—"
    st.caption(
        t(
            "opt_result_caption",
            objective=_tr("opt_objective_", proposal.objective_kind),
            method=_tr("opt_method_", proposal.method),
            status=_tr("opt_status_", proposal.status),
            gap=gap,
            s=f"{proposal.seconds:.2f}",
        )
    )
    stale = sim_optimise.is_stale(job, scenario)
    if stale:
        st.info(t_md("opt_stale", name=scenario.name), icon=":material/history:")
    # townships below their minimum: in the township table of optimise_constraints.result
    unmet = [u for u in proposal.unmet if u.code != "township_minimum"]
    if proposal.compliant:
        st.success(t("opt_compliant"), icon=":material/verified:")
    elif unmet:
        lines = [
            f"- {md_escape(u.message_zh if current_lang() == 'zh' else u.message)}" for u in unmet
        ]
        st.warning(t("opt_not_compliant") + "\n\n" + "\n".join(lines), icon=":material/warning:")
    show_cards(
        headline_cards(proposal.kpis_after, proposal.kpis_before), per_row=6, key=state.OPT_CARDS
    )
    optimise_constraints.result(proposal)
    table = _points_table(proposal)
    if "served_population" in proposal.points:  # capacities on: served next to covered
        table.insert(
            list(table.columns).index(t("opt_col_gain")),
            t("opt_col_served"),
            proposal.points["served_population"].astype(int).to_numpy(),
        )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=state.OPT_TABLE,
        column_config=_table_config(),
    )
    st.caption(t("opt_table_caption"))
    left, right = st.columns([1, 1], gap="large")
    with right:
        st.markdown(f"**{t('opt_curve_title')}**")
        st.html(_curve_html(proposal.curve))
    with left:
        st.session_state.setdefault(state.OPT_APPLY_NAME, t("opt_default_name"))
        st.text_input(t("opt_apply_name"), key=state.OPT_APPLY_NAME, max_chars=120)
        st.button(
            t("opt_apply"),
            key=state.OPT_APPLY,
            type="primary",
            icon=":material/add_location_alt:",
            disabled=stale,
            on_click=sim_optimise.apply_proposal,
            args=(scenario,),
        )


def _based_on(scenario: Scenario) -> None:
    """Say which plan the optimiser counts from (after an adoption: that one)."""
    if st.session_state.get(state.OPT_ADOPTED) == scenario.name:
        st.info(t_md("opt_based_on_adopted", name=scenario.name), icon=":material/flag:")
    else:
        st.caption(t_md("opt_based_on", name=scenario.name))


def panel(dataset: services.Dataset, scenario: Scenario) -> None:
    """Draw the optimiser panel for the working scenario: a fragment of its own.

    Its buttons (求解, 预览, a trade-off plan picked) rerun the panel alone, not the editor
    around it: a finished proposal is drawn here and its points on the map in place
    (:func:`_map_pending`), without the map, the KPI cards and the tables of the editor
    being sent and drawn again. Adopting a proposal or adding collection sites changes the
    scenario: their callbacks rerun the editor (or the page).
    """
    st.fragment(_panel, key=state.OPT_PANEL)(dataset, scenario)


def _map_pending(scenario: Scenario) -> None:
    """The proposal's points not adopted yet, drawn on the simulation map in place.

    A script (:func:`dashboard.simulate.sync.kind_script`) replaces the map's ``pending``
    layer and the legend's entry; the editor's own runs send the same points with the
    map, so both agree.
    """
    from dashboard.simulate import map as sim_map
    from dashboard.simulate import sync, views

    lang = current_lang()
    points = sim_optimise.pending_points(scenario).to_dict("records")
    features = sim_map.pending_features(points, lang)["features"]
    script = sync.kind_script(
        "pending",
        features,
        sim_map.pending_options(lang),
        f".st-key-{state.SIM_MAP} iframe, iframe[title='streamlit_folium.st_folium']",
        f".{views.LEGEND_ITEMS}",
        views.pending_legend_item(lang),
    )
    with st.container(key=state.OPT_MAP_SYNC):
        st.html(script, unsafe_allow_javascript=True)  # hidden (dashboard.styles)


def _panel(dataset: services.Dataset, scenario: Scenario) -> None:
    _based_on(scenario)
    st.caption(t("opt_caption"))
    objective = _objective()
    counts = _inputs(objective)
    optimise_constraints.form()
    try:
        report = sim_services.conflicts(dataset, scenario, counts, None)
    except AnalysisError as exc:
        from dashboard.ui import show_domain_error

        show_domain_error(exc)
        return
    resolution = _conflicts(report)
    sim_optimise.take_finished()
    busy = sim_optimise.running() is not None
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.6])
    c1.button(
        t("opt_preview"),
        key=state.OPT_PREVIEW,
        disabled=busy,
        icon=":material/bolt:",
        on_click=sim_optimise.start,
        args=(dataset, scenario, "preview", resolution),
    )
    c2.button(
        t("opt_solve"),
        key=state.OPT_SOLVE,
        disabled=busy,
        type="primary",
        icon=":material/calculate:",
        on_click=sim_optimise.start,
        args=(dataset, scenario, "milp", resolution),
    )
    c3.button(
        t("opt_tradeoff"),
        key=state.OPT_TRADEOFF,
        disabled=busy,
        icon=":material/ssid_chart:",
        help=t("opt_tradeoff_help"),
        on_click=sim_optimise.start,
        args=(dataset, scenario, "tradeoff", resolution),
    )
    c4.button(
        t("opt_second_tier"),
        key=state.OPT_SECOND_TIER,
        icon=":material/hub:",
        disabled=busy,
        help=t("opt_second_tier_help"),
        on_click=sim_optimise.add_collection_sites,
        args=(dataset, scenario),
    )
    sim_optimise_job.progress_area()
    sim_optimise_job.pickup_button()
    trade = st.session_state.get(state.OPT_TRADEOFF_RESULT)
    if isinstance(trade, sim_optimise.SolveJob) and trade.done and not _error(trade):
        sim_optimise_tradeoff.draw(dataset, scenario, trade)
    _result(scenario)
    _map_pending(scenario)
