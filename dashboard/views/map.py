"""地图 Map explorer: townships coloured by a measure, points, radii, blind spots."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from dashboard import services, state
from dashboard.i18n import current_lang, fmt_int, fmt_pop, fmt_share, t
from dashboard.legend import legend_html
from dashboard.mapcache import view, view_meta
from dashboard.mapview import BASEMAPS, LAYERS, MAP_HEIGHT, build_map
from dashboard.palette import MEASURES
from dashboard.styles import dataset_badge
from dashboard.ui import current_dataset_name, page_header, show_if_domain_error


def _tianditu_key() -> str:
    typed = str(st.session_state.get(state.MAP_TIANDITU_KEY, "") or "")
    if typed:
        return typed
    try:
        return str(st.secrets.get("tianditu_key", ""))
    except FileNotFoundError:
        return ""


def render() -> None:
    """Draw the map page."""
    lang = current_lang()
    page_header("map_title", t("map_caption"))
    dataset_id = services.current_dataset_id()
    try:
        counties, point_types = view_meta(dataset_id)
    except ValueError as exc:  # GeodataError / AnalysisError are shown; others re-raised
        if not show_if_domain_error(exc):
            raise
        return

    st.session_state.setdefault(state.MAP_LAYERS, [k for k, on in LAYERS.items() if on])
    if st.session_state.get(state.MAP_COUNTY) not in ("", *counties):
        st.session_state[state.MAP_COUNTY] = ""
    c1, c2, c3 = st.columns([1.1, 1.1, 1])
    measure = c1.selectbox(
        t("measure_label"),
        MEASURES,
        format_func=lambda m: t(f"measure_{m}", lang),
        key=state.MAP_MEASURE,
    )
    county = c2.selectbox(
        t("county_label"),
        ["", *counties],
        format_func=lambda c: t("all_counties", lang) if c == "" else c,
        key=state.MAP_COUNTY,
    )
    basemap = c3.selectbox(
        t("basemap_label"),
        BASEMAPS,
        format_func=lambda b: t(f"basemap_{b}", lang),
        key=state.MAP_BASEMAP,
    )
    layers = st.pills(
        t("layers_label"),
        list(LAYERS),
        format_func=lambda name: t(f"layer_{name}", lang),
        selection_mode="multi",
        key=state.MAP_LAYERS,
    )
    key = ""
    if basemap == "tianditu":
        key = _tianditu_key()
        if not key:
            st.text_input(t("tianditu_key_label"), key=state.MAP_TIANDITU_KEY, type="password")
            st.info(t("tianditu_key_missing"))

    shown = set(layers or [])
    try:
        payload, scale, summary = view(dataset_id, measure, county, lang, "villages" in shown)
    except ValueError as exc:
        if not show_if_domain_error(exc):
            raise
        return
    fmap = build_map(payload, shown, basemap=basemap, tianditu_key=key, lang=lang)

    left, right = st.columns([4.2, 1])
    with left:
        st_folium(
            fmap,
            key=state.MAP_WIDGET,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=[],
            render=False,  # build_map's output needs no figure render (saves ~0.1 s)
        )
    with right:
        st.markdown(dataset_badge(current_dataset_name()), unsafe_allow_html=True)
        st.markdown(f"**{t('summary_title')}**")
        cov = summary["coverage"]
        colon = t("colon")
        st.markdown(
            f"{t('summary_townships')}{colon}**{fmt_int(summary['townships'])}**  \n"
            f"{t('summary_blind')}{colon}**{fmt_int(summary['blind'])}**  \n"
            f"{t('summary_points')}{colon}**{fmt_int(summary['points'])}**  \n"
            f"{t('tip_population')}{colon}**{fmt_pop(summary['population'])}**  \n"
            f"{t('summary_coverage')}{colon}**{fmt_share(cov)}**"
        )
        st.html(
            legend_html(scale, t(f"measure_{summary['measure']}"), layers or [], point_types, lang)
        )


render()
