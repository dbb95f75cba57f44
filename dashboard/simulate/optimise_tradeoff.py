"""The trade-off curve of the optimiser panel: total against rural coverage, pick a plan.

Each dot is a plan of :func:`analysis.optimise.tradeoff.propose_tradeoff`, optimal for its
weighting; the plan shown in the panel (a solved proposal or a picked dot) is the red
diamond. The leader picks a plan in the select box; "show" makes it the panel's proposal,
from where "adopt" saves it as a scenario like any other proposal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import fmt_share, t
from dashboard.services import data as services
from dashboard.simulate import optimise as sim_optimise

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario

#: Colours: plans of the curve, the current plan.
PLAN_COLOR = "#1f4e8c"
CURRENT_COLOR = "#c62828"


def plans_frame(result: Any) -> pd.DataFrame:
    """One row per plan: number, weighting, shares, blind-spot townships, label."""
    rows = []
    for i, p in enumerate(result.plans, start=1):
        rows.append(
            {
                "plan": i,
                "weight": p.rural_share_weight,
                "total": p.coverage_share,
                "rural": p.rural_coverage_share,
                "blind": p.townships_uncovered,
                "label": t(
                    "opt_tradeoff_option",
                    i=i,
                    total=fmt_share(p.coverage_share),
                    rural=fmt_share(p.rural_coverage_share),
                    blind=p.townships_uncovered,
                    w=f"{p.rural_share_weight:.2f}",
                ),
            }
        )
    return pd.DataFrame(rows)


def current_point() -> tuple[float, float] | None:
    """Total and rural coverage of the proposal shown in the panel, if any."""
    job = st.session_state.get(state.OPT_RESULT)
    proposal = job.result if isinstance(job, sim_optimise.SolveJob) and job.done else None
    if proposal is None:
        return None
    k = proposal.kpis_after
    return float(k.coverage_share), float(k.rural_coverage_share)


def _axis() -> alt.Axis:
    """A share axis (percent), large enough to read from the back of a room."""
    return alt.Axis(format="%", labelFontSize=13, titleFontSize=14)


def chart(frame: pd.DataFrame, current: tuple[float, float] | None) -> alt.LayerChart:
    """Total coverage (y) against rural coverage (x): the plans, numbered, and the current."""
    plans, here_label = t("opt_tradeoff_plans"), t("opt_tradeoff_current")
    x = alt.X(
        "rural:Q",
        title=t("opt_tradeoff_x"),
        axis=_axis(),
        scale=alt.Scale(zero=False, padding=24),
    )
    y = alt.Y(
        "total:Q",
        title=t("opt_tradeoff_y"),
        axis=_axis(),
        scale=alt.Scale(zero=False, padding=24),
    )
    kinds = [plans] + ([here_label] if current is not None else [])
    color = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=kinds, range=[PLAN_COLOR, CURRENT_COLOR][: len(kinds)]),
        legend=alt.Legend(orient="bottom", title=None, labelFontSize=13, symbolSize=160),
    )
    shape = alt.Shape(
        "kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"][: len(kinds)])
    )
    tips = [
        alt.Tooltip("plan:Q", title=t("opt_tradeoff_plan")),
        alt.Tooltip("total:Q", format=".1%", title=t("opt_tradeoff_y")),
        alt.Tooltip("rural:Q", format=".1%", title=t("opt_tradeoff_x")),
        alt.Tooltip("blind:Q", title=t("opt_tradeoff_blind")),
        alt.Tooltip("weight:Q", format=".2f", title=t("opt_tradeoff_weight")),
    ]
    base = alt.Chart(frame.assign(kind=plans)).encode(x=x, y=y, tooltip=tips)
    layers = [
        base.mark_line(color=PLAN_COLOR, strokeDash=[4, 3], opacity=0.6),
        base.mark_point(size=150, filled=True, opacity=0.95).encode(color=color, shape=shape),
        base.mark_text(dy=-15, fontSize=15, fontWeight="bold", color=PLAN_COLOR).encode(
            text="plan:Q"
        ),
    ]
    if current is not None:
        here = pd.DataFrame({"total": [current[0]], "rural": [current[1]], "kind": [here_label]})
        mark = alt.Chart(here).encode(
            x="rural:Q", y="total:Q", tooltip=[alt.Tooltip("kind:N", title="")]
        )
        layers.append(mark.mark_point(size=360, filled=True).encode(color=color, shape=shape))
    return alt.LayerChart(layer=layers).properties(height=340)


def draw(dataset: services.Dataset, scenario: Scenario, job: sim_optimise.SolveJob) -> None:
    """The trade-off section: chart, table of plans, pick and show a plan."""
    result = job.result
    if not result.plans:
        st.info(t("opt_tradeoff_none"))
        return
    frame = plans_frame(result)
    st.markdown(f"#### {t('opt_tradeoff_title')}")
    st.caption(t("opt_tradeoff_caption", n=result.solves, s=f"{result.seconds:.1f}"))
    left, right = st.columns([1.2, 1], gap="large")
    with left:
        st.altair_chart(chart(frame, current_point()), width="stretch")
    with right:
        table = pd.DataFrame(
            {
                t("opt_tradeoff_plan"): frame["plan"],
                t("opt_tradeoff_total_col"): [fmt_share(v) for v in frame["total"]],
                t("opt_tradeoff_rural_col"): [fmt_share(v) for v in frame["rural"]],
                t("opt_tradeoff_blind"): frame["blind"],
                t("opt_tradeoff_weight"): [f"{w:.2f}" for w in frame["weight"]],
            }
        )
        small = st.column_config.Column(width="small")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key=state.OPT_TRADEOFF_TABLE,
            column_config={c: small for c in table.columns},
        )
        choices = list(range(len(frame)))
        if st.session_state.get(state.OPT_TRADEOFF_PICK) not in choices:
            st.session_state[state.OPT_TRADEOFF_PICK] = 0
        labels = dict(zip(choices, frame["label"], strict=True))
        st.selectbox(
            t("opt_tradeoff_pick"),
            choices,
            format_func=lambda i: labels[i],
            key=state.OPT_TRADEOFF_PICK,
            placeholder=t("select_placeholder"),
        )
        st.button(
            t("opt_tradeoff_use"),
            key=state.OPT_TRADEOFF_USE,
            icon=":material/check:",
            disabled=sim_optimise.is_stale(job, scenario),
            on_click=sim_optimise.use_tradeoff_plan,
            args=(dataset, scenario),
        )
