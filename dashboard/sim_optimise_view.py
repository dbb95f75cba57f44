"""Drawing of the optimiser panel: request, rule conflicts and choices, result, curve."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import altair as alt
import pandas as pd
import streamlit as st

from analysis.errors import AnalysisError
from dashboard import services, sim_optimise, sim_services, state
from dashboard.i18n import current_lang, fmt_pop, has_key, point_type_label, t
from dashboard.sim_views import headline_cards, show_cards

if TYPE_CHECKING:
    from analysis.optimise.conflicts import ConflictReport
    from analysis.scenarios import Scenario


def _tr(prefix: str, value: str) -> str:
    key = f"{prefix}{value}"
    return t(key) if has_key(key) else value


def _inputs() -> dict[str, int]:
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
    cols[3].number_input(
        t("opt_rural_weight"),
        min_value=1.0,
        max_value=10.0,
        step=0.5,
        key=state.OPT_RURAL_WEIGHT,
        help=t("opt_rural_weight_help"),
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
    lines = [f"- {c.message_zh if lang == 'zh' else c.message}" for c in report.conflicts]
    st.error(t("opt_conflicts") + "\n\n" + "\n".join(lines), icon=":material/rule:")
    choices = [f"opt:{i}" for i in range(len(report.options))] + ["relaxed"]
    if st.session_state.get(state.OPT_RESOLUTION) not in choices:
        st.session_state[state.OPT_RESOLUTION] = choices[0]

    def label(choice: str) -> str:
        if choice == "relaxed":
            return t("opt_choice_relaxed")
        option = report.options[int(choice[4:])]
        text = option.description_zh if lang == "zh" else option.description
        return t("opt_choice_option", text=text)

    return str(st.radio(t("opt_choose"), choices, format_func=label, key=state.OPT_RESOLUTION))


def _curve_chart(curve: Any) -> alt.Chart:
    frame = pd.DataFrame(
        {
            "k": [c.k for c in curve],
            "share": [c.coverage_share for c in curve],
            "gain": [c.marginal_population for c in curve],
        }
    )
    base = alt.Chart(frame).encode(
        x=alt.X("k:Q", title=t("opt_curve_x"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y(
            "share:Q",
            title=t("opt_curve_y"),
            axis=alt.Axis(format="%"),
            scale=alt.Scale(zero=False),
        ),
        tooltip=[
            alt.Tooltip("k:Q", title=t("opt_curve_x")),
            alt.Tooltip("share:Q", format=".1%", title=t("opt_curve_y")),
            alt.Tooltip("gain:Q", format=",.0f", title=t("opt_curve_gain")),
        ],
    )
    return (
        base.mark_line(color="#1f4e8c") + base.mark_circle(color="#1f4e8c", size=45)
    ).properties(height=260)


def _points_table(proposal: Any) -> pd.DataFrame:
    lang = current_lang()
    return pd.DataFrame(
        [
            {
                t("opt_col_order"): p.order,
                t("sim_col_kind"): point_type_label(p.type),
                t("col_county"): p.county,
                t("opt_col_gain"): round(p.newly_covered_population),
                t("opt_col_reason"): p.reason_zh if lang == "zh" else p.reason,
            }
            for p in proposal.proposed
        ]
    )


def _result(scenario: Scenario) -> None:
    job = st.session_state.get(state.OPT_RESULT)
    if not isinstance(job, sim_optimise.SolveJob) or not job.done:
        return
    if job.cancelled:
        st.warning(t("opt_cancelled"), icon=":material/block:")
        return
    if job.error is not None:
        from dashboard.sim_state import error_text

        report = getattr(job.error, "report", None)  # RuleConflictError: the rule check
        if report is not None:
            lang = current_lang()
            lines = [f"- {c.message_zh if lang == 'zh' else c.message}" for c in report.conflicts]
            st.error(t("opt_refused") + "\n\n" + "\n".join(lines), icon=":material/error:")
        else:
            st.error(t("opt_failed", reason=error_text(job.error)), icon=":material/error:")  # type: ignore[arg-type]
        return
    proposal = job.result
    if proposal is None:
        st.warning(t("opt_no_result"))
        return
    st.markdown(f"#### {t('opt_result_title')}")
    finite = proposal.gap is not None and math.isfinite(proposal.gap)
    gap = f"{proposal.gap * 100:.2f}%" if finite else "—"
    st.caption(
        t(
            "opt_result_caption",
            method=_tr("opt_method_", proposal.method),
            status=_tr("opt_status_", proposal.status),
            gap=gap,
            s=f"{proposal.seconds:.2f}",
            pop=fmt_pop(proposal.objective),
        )
    )
    if proposal.compliant:
        st.success(t("opt_compliant"), icon=":material/verified:")
    else:
        lines = [
            f"- {u.message_zh if current_lang() == 'zh' else u.message}" for u in proposal.unmet
        ]
        st.warning(t("opt_not_compliant") + "\n\n" + "\n".join(lines), icon=":material/warning:")
    show_cards(
        headline_cards(proposal.kpis_after, proposal.kpis_before), per_row=6, key=state.OPT_CARDS
    )
    left, right = st.columns([1.4, 1], gap="large")
    with left:
        st.dataframe(_points_table(proposal), hide_index=True, width="stretch", key=state.OPT_TABLE)
    with right:
        st.markdown(f"**{t('opt_curve_title')}**")
        st.altair_chart(_curve_chart(proposal.curve), width="stretch")
    st.session_state.setdefault(state.OPT_APPLY_NAME, t("opt_default_name"))
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    c1.text_input(t("opt_apply_name"), key=state.OPT_APPLY_NAME, max_chars=120)
    c2.button(
        t("opt_apply"),
        key=state.OPT_APPLY,
        type="primary",
        icon=":material/add_location_alt:",
        on_click=sim_optimise.apply_proposal,
        args=(scenario,),
    )


def panel(dataset: services.Dataset, scenario: Scenario) -> None:
    """Draw the optimiser panel for the working scenario."""
    st.caption(t("opt_caption"))
    counts = _inputs()
    try:
        report = sim_services.conflicts(dataset, scenario, counts, None)
    except AnalysisError as exc:
        from dashboard.ui import show_domain_error

        show_domain_error(exc)
        return
    resolution = _conflicts(report)
    sim_optimise.forget_finished()
    busy = sim_optimise.running() is not None
    c1, c2, c3 = st.columns(3)
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
        t("opt_second_tier"),
        key=state.OPT_SECOND_TIER,
        icon=":material/hub:",
        disabled=busy,
        help=t("opt_second_tier_help"),
        on_click=sim_optimise.add_collection_sites,
        args=(dataset, scenario),
    )
    if busy:
        sim_optimise._poll()
    _result(scenario)
