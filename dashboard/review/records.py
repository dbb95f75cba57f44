"""The records panel of the 运行评估 page: upload a sheet, download the template."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.i18n import fmt_int, t, t_md
from dashboard.services import data as services
from dashboard.services import review as review_services
from dashboard.ui import show_problems
from geodata.io.limits import MAX_INPUT_MB

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _use(dataset: services.Dataset) -> None:
    from geodata.errors import GeodataError

    file = st.session_state.get(state.REVIEW_UPLOAD)
    if file is None:
        return
    try:
        recs = review_services.read_upload(dataset, file.name, file.getvalue())
    except GeodataError as exc:
        st.session_state[state.REVIEW_UPLOAD_PROBLEMS] = exc.problems
        return
    st.session_state.pop(state.REVIEW_UPLOAD_PROBLEMS, None)
    st.session_state.pop(state.REVIEW_RELOCATION, None)
    st.session_state[state.REVIEW_RECORDS] = recs
    st.session_state[state.REVIEW_MESSAGE] = (
        "success",
        t("review_records_used", name=file.name, n=fmt_int(len(recs.frame))),
    )


def _reset() -> None:
    for key in (state.REVIEW_RECORDS, state.REVIEW_UPLOAD_PROBLEMS, state.REVIEW_RELOCATION):
        st.session_state.pop(key, None)


def _demo_name() -> str:
    """The demo in use, as the data page names it (示例市（虚构） / 示例省（虚构）)."""
    return t(services.demo_name_key())


def _template_help(dataset: services.Dataset, recs: review_services.Records | None) -> str:
    """What the template holds for the data in use (Markdown: the file name escaped)."""
    if recs is None:
        from analysis.review.tables import review_points_frame

        return t("review_template_help_blank", n=fmt_int(len(review_points_frame(dataset.city))))
    if recs.source == "demo":
        return t("review_template_help_demo", name=_demo_name())
    return t_md("review_template_help_upload", name=recs.source)


def records_panel(dataset: services.Dataset, recs: review_services.Records | None) -> None:
    """Where the records come from, the uploader, the template and the upload's problems."""
    from geodata.records.template import TEMPLATE_FILE_NAME

    problems = st.session_state.get(state.REVIEW_UPLOAD_PROBLEMS)
    with st.expander(t("review_records_title"), expanded=recs is None or bool(problems)):
        st.caption(t("review_records_help"))
        left, right = st.columns([3, 2])
        file = left.file_uploader(
            t("review_upload_label"),
            type=["xlsx", "csv"],
            key=state.REVIEW_UPLOAD,
            max_upload_size=MAX_INPUT_MB,
        )
        left.button(
            t("review_use"),
            key=state.REVIEW_USE,
            on_click=_use,
            args=(dataset,),
            disabled=file is None,
            type="primary",
            icon=":material/check:",
        )
        right.download_button(
            t("review_template"),
            data=lambda: review_services.template(dataset, recs),
            file_name=TEMPLATE_FILE_NAME,
            mime=XLSX_MIME,
            key=state.REVIEW_TEMPLATE,
            on_click="ignore",
            icon=":material/download:",
            help=_template_help(dataset, recs),
        )
        if recs is not None and recs.source != "demo":
            right.button(t("review_reset"), key=state.REVIEW_RESET, on_click=_reset)
        if problems:
            st.error(t("review_upload_refused"), icon=":material/error:")
            show_problems(problems, key=state.REVIEW_PROBLEMS_TABLE)
    if recs is None:
        st.info(t("review_no_records"), icon=":material/info:")
    elif recs.source == "demo":
        st.caption(t("review_source_demo", name=_demo_name()))
    else:
        st.caption(t_md("review_source_upload", name=recs.source))
