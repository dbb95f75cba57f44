"""运行评估 Review page: how each contact point and representative home works over time.

The speech's 动态调整机制: ranking and trends per point and per county, the standards checked
(rooms, staff, monthly study, quarterly reception day, feedback), the commendation list and
the adjustment list with each point's reasons, on a small map too; and, into the plan, a
proposal to move or close the flagged contact points, adopted as a scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard import state
from dashboard.i18n import fmt_int, fmt_share, t, t_md
from dashboard.review import charts, frames
from dashboard.review.records import records_panel
from dashboard.review.relocation import relocation_panel
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import review as review_services
from dashboard.styles import dataset_badge
from dashboard.ui import dataset_name, page_header, show_if_domain_error

if TYPE_CHECKING:
    from analysis.review.api import ReviewResult

_SHARE = st.column_config.NumberColumn(format="percent")


def _message() -> None:
    held = st.session_state.pop(state.REVIEW_MESSAGE, None)
    if not held:
        return
    kind, text = held
    show = {"success": st.success, "error": st.error}.get(kind, st.info)
    show(md_escape(text))


def _headline(result: ReviewResult) -> None:
    r = result
    ranking = r.ranking
    cps = ranking[ranking["point_layer"] == "contact_points"]
    cols = st.columns(4)
    window = r.window
    cols[0].metric(
        t("review_metric_rate", whole=frames.area_wide(r.area_level)),
        fmt_share(r.city_adoption_rate),
        help=t(
            "review_metric_rate_help",
            collected=fmt_int(int(cps["collected"].sum())),
            adopted=fmt_int(int(cps["adopted"].sum())),
            start=window[0],
            end=window[-1],
        ),
        border=True,
    )
    cols[1].metric(t("review_metric_commend"), fmt_int(len(r.commend)), border=True)
    cols[2].metric(t("review_metric_adjust"), fmt_int(len(r.adjust)), border=True)
    std = r.standards
    failing = std[std["ok"].map(lambda v: v is False)]["point_id"].nunique() if len(std) else 0
    cols[3].metric(t("review_metric_below"), fmt_int(failing), border=True)


def _lists(dataset: services.Dataset, result: ReviewResult) -> None:
    """The adjustment list (reasons wrap), then the commendation list beside the map."""
    r = result
    findings = r.findings
    st.subheader(t("review_adjust_title"), anchor=False)
    st.caption(t("review_adjust_help"))
    st.html(frames.list_html(r.adjust, findings))
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("review_commend_title"), anchor=False)
        if r.commend.empty:
            st.caption(t("review_commend_none"))
        else:
            st.html(frames.list_html(r.commend, findings, max_height_px=300))
    with right:
        st.subheader(t("review_map_title"), anchor=False)
        outlines = review_services.county_outlines(dataset.id, dataset.city)
        points = charts.map_points(r.ranking, dataset.city, frames.reasons_by_point(findings))
        if len(points):
            st.altair_chart(charts.flag_map(outlines, points), width="stretch")
        st.caption(t("review_map_caption"))


def _standards(result: ReviewResult) -> None:
    std = result.standards
    rooms = frames.below_standard(std, "room")
    staff = frames.below_standard(std, "staff")
    if len(rooms):
        items = "、".join(
            f"{i}（{v:g}㎡）" for i, v in zip(rooms["point_id"], rooms["value"], strict=True)
        )
        st.warning(t_md("review_rooms_below", n=len(rooms), items=items), icon=":material/warning:")
    if len(staff):
        items = "、".join(staff["point_id"])
        st.warning(t_md("review_staff_below", n=len(staff), items=items), icon=":material/warning:")
    failed_only = st.toggle(t("review_failed_only"), value=True, key=state.REVIEW_FAILED_ONLY)
    st.dataframe(
        frames.standards_frame(std, failed_only),
        hide_index=True,
        width="stretch",
        key=state.REVIEW_STANDARDS_TABLE,
    )


def _ranking(result: ReviewResult) -> None:
    ranking = result.ranking
    rate = {t("review_col_adoption_rate"): _SHARE}
    st.markdown(f"**{t('review_ranking_points')}**")
    st.dataframe(
        frames.ranking_frame(ranking, "contact_points"),
        hide_index=True,
        width="stretch",
        key=state.REVIEW_RANKING_TABLE,
        column_config=rate,
    )
    st.markdown(f"**{t('review_ranking_homes')}**")
    st.dataframe(frames.ranking_frame(ranking, "homes"), hide_index=True, width="stretch")
    st.caption(t("review_ranking_help"))


def _counties(result: ReviewResult) -> None:
    st.dataframe(
        frames.county_frame(result.counties),
        hide_index=True,
        width="stretch",
        key=state.REVIEW_COUNTY_TABLE,
        column_config={t("review_col_adoption_rate"): _SHARE, t("review_col_feedback"): _SHARE},
    )


def _trend(result: ReviewResult) -> None:
    ranking = result.ranking
    options = list(ranking["point_id"].astype(str))
    names = dict(zip(ranking["point_id"], ranking["name"], strict=True))
    layers = dict(zip(ranking["point_id"], ranking["point_layer"], strict=True))
    if st.session_state.get(state.REVIEW_POINT) not in options:
        st.session_state[state.REVIEW_POINT] = options[0]
    pid = st.selectbox(
        t("review_trend_pick"),
        options,
        format_func=lambda i: f"{i} {names.get(i, '')}",
        key=state.REVIEW_POINT,
        placeholder=t("select_placeholder"),
    )
    chart = charts.trend_chart(result.quarters, str(pid), str(layers[pid]))
    st.altair_chart(chart, width="stretch")
    st.caption(t("review_trend_caption"))


def main() -> None:
    """Draw the page."""
    page_header("review_title", t("review_caption"))
    try:
        dataset = services.current_dataset()
    except ValueError as exc:
        if not show_if_domain_error(exc):
            raise
        return
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    _message()
    recs = review_services.records(dataset)
    records_panel(dataset, recs)
    if recs is None:
        return
    result = review_services.review(dataset, recs)
    if not result.has_records:
        st.info(t("review_no_records"), icon=":material/info:")
        return
    _headline(result)
    _lists(dataset, result)
    tabs = st.tabs(
        [
            t("review_tab_standards"),
            t("review_tab_trend"),
            t("review_tab_ranking"),
            t("review_tab_counties"),
        ]
    )
    with tabs[0]:
        _standards(result)
    with tabs[1]:
        _trend(result)
    with tabs[2]:
        _ranking(result)
    with tabs[3]:
        _counties(result)
    relocation_panel(dataset, recs, result)


main()
