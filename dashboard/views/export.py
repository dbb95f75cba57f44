"""导出 Export: a saved scenario (or the baseline) as GIS, office and meeting-brief files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.errors import AnalysisError
from analysis.export import FORMATS
from analysis.localtime import local_text
from dashboard import state
from dashboard.i18n import t, t_md
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.styles import dataset_badge
from dashboard.ui import dataset_and_result, dataset_name, show_domain_error
from geodata.errors import GeodataError

BASELINE = "__baseline__"
COORDS: tuple[str, ...] = ("wgs84", "gcj02")
MIME: dict[str, str] = {
    "zip": "application/zip",
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "png": "image/png",
}


def _label(option: str) -> str:
    return t("sim_baseline_label") if option == BASELINE else option


def working_scenario(dataset: services.Dataset) -> str:
    """The name of the scenario this session works on, if it is saved; else ``""``.

    The simulation page's working scenario (``SIM_HISTORY``) counts only when it belongs
    to this dataset and is saved in the workspace as shown (``SIM_SAVED``): an unsaved
    fresh copy may carry the name of someone else's saved plan.
    """
    history = st.session_state.get(state.SIM_HISTORY)
    if history is None or not st.session_state.get(state.SIM_SAVED):
        return ""
    if st.session_state.get(state.SIM_DATASET) != dataset.id:
        return ""
    return str(history.current.name)


def _default(dataset: services.Dataset, names: list[str]) -> str:
    """The working scenario of this session when saved, else the baseline.

    Never another session's most recent plan: a leader exporting a brief gets the plan
    the planner worked on here, or the data as it is.
    """
    name = working_scenario(dataset)
    return name if name in names else BASELINE


def _describe(option: str, table: pd.DataFrame) -> str:
    """Author and local save time of a saved scenario (Markdown-safe); a note for the baseline."""
    if option == BASELINE:
        return t("exp_baseline_note")
    rows = table[table["name"] == option]
    if rows.empty:
        return ""
    rec = rows.iloc[0]
    author = str(rec.get("author") or "")
    return t(  # the author escaped, the local time (ours) as it is
        "exp_scenario_note",
        author=md_escape(author) if author else t("exp_author_unknown"),
        time=local_text(str(rec.get("updated_at") or "")),
    )


def _build(dataset: object) -> None:
    option = str(st.session_state.get(state.EXP_SCENARIO, BASELINE))
    formats = list(st.session_state.get(state.EXP_FORMATS) or [])
    coords = str(st.session_state.get(state.EXP_COORDS, "wgs84"))
    files: dict[str, tuple[str, bytes]] = {}
    errors: list[str] = []
    try:
        scn = (
            sim_services.baseline(dataset)  # type: ignore[arg-type]
            if option == BASELINE
            else sim_services.load(option)
        )
    except AnalysisError as exc:
        from dashboard.simulate.state import error_text

        # Translated problems only: an exception's own text may name server paths.
        st.session_state[state.EXP_FILES] = {"files": {}, "errors": [error_text(exc)]}
        return
    for fmt in formats:
        try:
            files[fmt] = sim_services.export_files(dataset, scn, fmt, coords)  # type: ignore[arg-type]
        except (AnalysisError, GeodataError) as exc:
            from dashboard.simulate.state import error_text

            errors.append(f"{t(f'exp_fmt_{fmt}')}: {error_text(exc)}")
    st.session_state[state.EXP_FILES] = {
        "files": files,
        "errors": errors,
        "scenario": _label(option),
        "coords": coords,
    }


def render() -> None:
    """Draw the export page."""
    st.title(t("exp_title"), anchor=False)
    st.caption(t("exp_caption"))
    loaded = dataset_and_result()
    if loaded is None:
        return
    dataset, _ = loaded
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    try:
        table = sim_services.list_scenarios(dataset)
    except AnalysisError as exc:
        show_domain_error(exc)
        return
    names = [str(n) for n in table["name"]]
    options = [BASELINE, *names]
    if st.session_state.get(state.EXP_SCENARIO) not in options:
        st.session_state[state.EXP_SCENARIO] = _default(dataset, names)
    st.session_state.setdefault(state.EXP_FORMATS, ["gpkg", "xlsx", "docx", "pdf"])
    with st.container(border=True):
        c1, c2 = st.columns([2, 1])
        c1.selectbox(
            t("exp_scenario"),
            options,
            format_func=_label,
            key=state.EXP_SCENARIO,
            placeholder=t("select_placeholder"),
        )
        c1.caption(_describe(str(st.session_state[state.EXP_SCENARIO]), table))
        c2.radio(
            t("exp_coords"),
            COORDS,
            format_func=lambda c: t(f"sim_crs_{c}"),
            key=state.EXP_COORDS,
            horizontal=True,
        )
        st.pills(
            t("exp_formats"),
            FORMATS,
            format_func=lambda f: t(f"exp_fmt_{f}"),
            selection_mode="multi",
            key=state.EXP_FORMATS,
        )
        st.caption(t("exp_formats_help"))
        build = st.button(
            t("exp_build"),
            key=state.EXP_BUILD,
            type="primary",
            icon=":material/build:",
            disabled=not st.session_state.get(state.EXP_FORMATS),
        )
        if build:
            with st.spinner(t("exp_building")):
                _build(dataset)
    built = st.session_state.get(state.EXP_FILES)
    if not isinstance(built, dict):
        return
    for line in built.get("errors", []):
        st.error(md_escape(line), icon=":material/error:")
    files: dict[str, tuple[str, bytes]] = built.get("files", {})
    if not files:
        return
    coords = {"wgs84": "WGS84", "gcj02": "GCJ-02"}.get(str(built.get("coords")), "")
    st.subheader(t_md("exp_ready", scenario=built.get("scenario", ""), coords=coords), anchor=False)
    cols = st.columns(3)
    for i, (fmt, (file_name, data)) in enumerate(files.items()):
        ext = file_name.rsplit(".", 1)[-1].lower()
        with cols[i % 3].container(border=True):
            st.markdown(f"**{t(f'exp_fmt_{fmt}')}**")
            st.caption(f"{md_escape(file_name)} · {len(data) / 1024:,.0f} KB")
            st.download_button(
                t("exp_download"),
                data=data,
                file_name=file_name,
                mime=MIME.get(ext, "application/octet-stream"),
                key=f"{state.EXP_DOWNLOAD_PREFIX}{fmt}",
                icon=":material/download:",
                width="stretch",
                on_click="ignore",
            )


render()
