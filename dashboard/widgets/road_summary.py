"""The road network's summary on the data page: classes, length, pieces, places left out."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import Lang, current_lang, fmt_int, t
from dashboard.services import roads as road_services
from dashboard.ui import show_if_domain_error
from geodata.road_schema import ROAD_CLASS_NAMES_ZH


def class_label(code: str, lang: Lang) -> str:
    """A road class as the planner names it (国道, 县道 … in Chinese; the code in English)."""
    return ROAD_CLASS_NAMES_ZH.get(code, code) if lang == "zh" else code.replace("_", " ")


def classes_frame(summary: road_services.RoadSummary, lang: Lang) -> pd.DataFrame:
    """The classes table with translated headers and class names."""
    frame = summary.classes
    return pd.DataFrame(
        {
            t("roads_col_class", lang): [class_label(c, lang) for c in frame["road_class"]],
            t("roads_col_lines", lang): frame["lines"].astype(int),
            t("roads_col_km", lang): frame["length_km"].round(1),
            t("roads_col_speed", lang): frame["speed_kmh"],
        }
    )


def places_frame(summary: road_services.RoadSummary, lang: Lang) -> pd.DataFrame:
    """Places off the network or on small pieces, with translated headers and values."""
    frame = summary.places
    kind = {"village": t("roads_kind_village", lang), "point": t("roads_kind_point", lang)}
    issue = {"off": t("roads_issue_off", lang), "piece": t("roads_issue_piece", lang)}
    return pd.DataFrame(
        {
            t("roads_col_name", lang): frame["name"].astype(str),
            t("roads_col_kind", lang): [kind.get(str(k), str(k)) for k in frame["kind"]],
            t("roads_col_issue", lang): [issue.get(str(i), str(i)) for i in frame["issue"]],
            t("roads_col_distance", lang): frame["distance_m"].round(0),
        }
    )


def road_summary(dataset_id: str, city: Any) -> None:
    """Draw the summary of ``city``'s road layer (nothing without one)."""
    lang = current_lang()
    try:
        summary = road_services.road_summary(dataset_id, city)
    except ValueError as exc:  # AnalysisError shown; anything else re-raised
        if not show_if_domain_error(exc):
            raise
        return
    if summary is None:
        return
    st.subheader(t("roads_title"), anchor=False)
    st.caption(
        t(
            "roads_caption",
            lines=fmt_int(summary.lines),
            km=fmt_int(summary.length_km),
            pieces=fmt_int(summary.pieces),
            off=fmt_int(summary.off_network),
            max_m=fmt_int(summary.max_offroad_m),
        )
    )
    left, right = st.columns([1, 1.3])
    with left:
        st.dataframe(
            classes_frame(summary, lang),
            hide_index=True,
            width="stretch",
            key=state.DATA_ROADS_CLASSES,
        )
    with right:
        st.markdown(f"**{t('roads_off_title')}**")
        if summary.places.empty:
            st.caption(t("roads_off_none"))
        else:
            st.dataframe(
                places_frame(summary, lang),
                hide_index=True,
                width="stretch",
                height=min(35 * (len(summary.places) + 1) + 3, 320),
                key=state.DATA_ROADS_OFF,
            )
