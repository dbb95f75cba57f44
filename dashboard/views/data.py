"""数据 Data page: upload layers, map columns, see every problem in Chinese, preview, use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import Lang, current_lang, field_label, fmt_int, t
from dashboard.map.preview import preview_args
from dashboard.map.view import draw
from dashboard.safetext import md_escape
from dashboard.services import access, importer, realdata
from dashboard.services import data as services
from dashboard.styles import dataset_badge, uploader_css
from dashboard.ui import dataset_name, page_header, show_domain_error, show_problems
from dashboard.widgets.boundaries import show_boundaries
from dashboard.widgets.point_matches import chosen_matches, show_matches
from dashboard.widgets.road_summary import road_summary
from geodata.io.limits import MAX_INPUT_MB

if TYPE_CHECKING:
    from geodata.city import CityData

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")
#: What a population raster is used for: the township totals only, or also its cells as
#: the demand of the townships without villages (``importer.check(raster_demand=...)``).
RASTER_USES = ("totals", "cells")


def _back_to_demo() -> None:
    st.session_state.pop(state.USER_DATASET, None)
    st.session_state[state.REACH_MODE] = "radius"  # the demo's figures start by the radius
    st.session_state[state.DATA_CHECK_RESULT] = None
    province = services.demo_choice() == "province"
    st.toast(t("data_back_done_province" if province else "data_back_done"))


def _use(dataset_id: str, city: CityData) -> None:
    dataset = services.Dataset(dataset_id, city)
    st.session_state[state.USER_DATASET] = dataset
    # Roads loaded: travel time is what the planner loaded them for (the switch can undo it).
    st.session_state[state.REACH_MODE] = "road" if services.has_roads(dataset) else "radius"
    st.toast(t("data_in_use"))
    if services.has_roads(dataset):
        st.toast(t("roads_use_road"))


def _outside_china_changed() -> None:
    # GCJ-02 and BD-09 exist only in China: data outside it is WGS84.
    if st.session_state.get(state.DATA_OUTSIDE_CHINA):
        st.session_state[state.DATA_COORD_SYSTEM] = "wgs84"


def _uploads() -> dict[str, importer.Upload]:
    ups: dict[str, importer.Upload] = {}
    # Streamlit's own uploader texts, in the page's language with each field's file types.
    st.html(
        uploader_css(
            {
                state.upload_key(layer): importer.accepted_types(layer)
                for layer in state.UPLOAD_LAYERS
            },
            MAX_INPUT_MB,
            current_lang(),
        )
    )
    cols = st.columns(3)
    for i, layer in enumerate(state.UPLOAD_LAYERS):
        file = cols[i % 3].file_uploader(
            t(f"upload_{layer}"),
            type=importer.accepted_types(layer),
            key=state.upload_key(layer),
            max_upload_size=MAX_INPUT_MB,  # the data layer's limit (geodata.io.limits)
        )
        if file is not None:
            data = file.getvalue()
            try:
                access.charge_upload(data)  # the user's quota (refused files are not read)
            except AnalysisError as exc:
                show_domain_error(exc)
                continue
            ups[layer] = importer.save_upload(layer, file.name, data)
    return ups


def _column_maps(ups: dict[str, importer.Upload]) -> tuple[dict[str, dict[str, str]], list[object]]:
    lang = current_lang()
    maps: dict[str, dict[str, str]] = {}
    problems: list[object] = []
    for layer, up in ups.items():
        if layer in ("population", "roads", realdata.RASTER_LAYER):
            continue  # joined by code, read as cells, or recognised by the road reader
        later = "population" in ups or realdata.RASTER_LAYER in ups
        found = importer.check_columns(up, population_table=later)
        problems.extend(found.problems)
        if not found.missing:
            continue
        with st.container(border=True):
            # The file's name is the user's: escaped (in a code span a backtick would end it).
            title = t("colmap_title", layer=t(f"upload_{layer}"))
            st.markdown(f"**{title}** · {md_escape(up.name)}")
            st.caption(t("colmap_caption"))
            cols = st.columns(min(4, len(found.missing)))
            chosen: dict[str, str] = {}
            for j, column in enumerate(found.missing):
                raw = cols[j % len(cols)].selectbox(
                    field_label(column),
                    ["", *found.headers],
                    format_func=lambda h: t("colmap_none", lang) if h == "" else h,
                    key=state.colmap_key(layer, column),
                    placeholder=t("select_placeholder", lang),
                )
                if raw:
                    chosen[raw] = column
            if chosen:
                maps[layer] = chosen
    return maps, problems


def _current_roads() -> None:
    """The road network of the data in use, on demand (building it takes a second or two)."""
    dataset = services.current_dataset()
    if not services.has_roads(dataset):
        return
    if st.toggle(t("roads_show_current"), key=state.DATA_ROADS_SHOW):
        road_summary(dataset.id, dataset.city)


def _raster_use(ups: dict[str, importer.Upload], lang: Lang) -> bool:
    """With a population raster uploaded: the planner's choice of its use (True: cells)."""
    if realdata.RASTER_LAYER not in ups:
        return False
    use = st.radio(
        t("data_raster_use"),
        RASTER_USES,
        format_func=lambda u: t(f"data_raster_use_{u}", lang),
        key=state.DATA_RASTER_USE,
        horizontal=True,
        help=t("data_raster_use_help"),
    )
    return use == "cells"


def render() -> None:
    """Draw the data page."""
    lang = current_lang()
    page_header("data_title", t("data_caption", mb=MAX_INPUT_MB))
    current = services.current_dataset() if st.session_state.get(state.USER_DATASET) else None
    top = st.columns([3, 1], vertical_alignment="center")
    name = dataset_name(current) if current is not None else t(services.demo_name_key())
    top[0].markdown(t("data_current", name="") + dataset_badge(name), unsafe_allow_html=True)
    province = services.demo_choice() == "province"
    top[1].button(
        t("data_back_to_demo_province" if province else "data_back_to_demo"),
        key=state.DATA_BACK_TO_DEMO,
        on_click=_back_to_demo,
        icon=":material/undo:",
        width="stretch",
    )
    settings = st.columns([2, 1])
    outside_china = settings[0].checkbox(
        t("data_outside_china"),
        key=state.DATA_OUTSIDE_CHINA,
        help=t("data_outside_china_help"),
        on_change=_outside_china_changed,
    )
    coord = settings[0].radio(
        t("data_coord_system"),
        COORD_SYSTEMS,
        format_func=lambda c: t(f"coord_{c}", lang),
        key=state.DATA_COORD_SYSTEM,
        horizontal=True,
        disabled=outside_china,
    )
    area = settings[1].text_input(
        t("data_city_name"), key=state.DATA_CITY_NAME, placeholder=t("data_city_name_default")
    )
    ups = _uploads()
    raster_cells = _raster_use(ups, lang)
    clean = st.checkbox(
        t("data_clean_boundaries"),
        key=state.DATA_CLEAN_BOUNDARIES,
        help=t("data_clean_boundaries_help"),
    )
    maps, header_problems = _column_maps(ups)
    previous = st.session_state.get(state.DATA_CHECK_RESULT)
    # Set by the matches section's button (a callback: known before the page is drawn).
    rematch = bool(st.session_state.pop(state.DATA_MATCH_PENDING, False))
    if (
        st.button(
            t("data_check"), key=state.DATA_CHECK, type="primary", icon=":material/fact_check:"
        )
        or rematch
    ):
        if "townships" not in ups:
            st.session_state[state.DATA_CHECK_RESULT] = None
            st.warning(t("data_no_townships"))
        else:
            with st.spinner(t("data_check")):
                st.session_state[state.DATA_CHECK_RESULT] = importer.check(
                    ups,
                    maps,
                    "wgs84" if outside_china else coord,
                    area.strip() or t("data_city_name_default"),
                    outside_china=outside_china,
                    choices=chosen_matches(previous.matches)
                    if isinstance(previous, importer.CheckResult)
                    else None,
                    clean_boundaries=clean,
                    raster_demand=raster_cells,
                )
    result = st.session_state.get(state.DATA_CHECK_RESULT)
    if header_problems and result is None:
        show_problems(header_problems, key=state.DATA_PROBLEMS_TABLE)  # type: ignore[arg-type]
    if not isinstance(result, importer.CheckResult):
        _current_roads()
        return
    warnings = [p for p in result.problems if p.severity == "warning"]
    if result.ok:
        st.success(t("data_ok", n=len(result.counts)), icon=":material/check_circle:")
    else:
        st.error(t("data_failed", n=fmt_int(len(result.errors))), icon=":material/error:")
    if result.problems:
        st.subheader(t("problems_title"), anchor=False)
        if warnings:
            st.caption(t("data_warnings", n=len(warnings)))
        show_problems(
            result.problems,
            key=state.DATA_PROBLEMS_TABLE,
            download_key=state.DATA_PROBLEMS_DOWNLOAD,
        )
        show_matches(result.matches)
        town = result.city.townships if result.city is not None else None
        show_boundaries(result.problems, result.dataset_id, town, lang)
    city = result.city
    if not result.ok or city is None:
        return
    st.caption(
        " · ".join(
            t("data_layer_rows", layer=t(f"lname_{k}"), n=fmt_int(v))
            for k, v in result.counts.items()
        )
    )
    st.button(
        t("data_use"),
        key=state.DATA_USE,
        type="primary",
        on_click=_use,
        args=(result.dataset_id, city),
        icon=":material/check:",
    )
    road_summary(result.dataset_id, city)
    st.subheader(t("data_preview"), anchor=False)
    radii = {p: services.standards().radius_m_for(p) for p in city.contact_points["type"].unique()}
    # Drawn like the 地图 page: the data is a static file fetched once (docs/operations.md).
    draw(state.DATA_PREVIEW_MAP, preview_args(result.dataset_id, lang, radii, city, 460))


render()
