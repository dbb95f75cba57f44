"""地图 Map explorer: townships coloured by a measure, points, radii, blind spots.

The page imports no folium and no pandas (see :mod:`dashboard.map.view`): on a warm start
its first run reads the demo city's map data from the disk cache and hands it to the
map's component, and a change of measure, county or layers sends only the new view.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state, timing
from dashboard.adapters.streamlit_internals import page_script
from dashboard.i18n import Lang, current_lang, fmt_int, fmt_pop, fmt_share, t, t_md, whole_area
from dashboard.map import search_index
from dashboard.map.cache import dataset_map
from dashboard.map.legend import legend_html
from dashboard.map.palette import MEASURES, ROAD_MEASURES
from dashboard.map.pipeline import AreaFigures, map_view
from dashboard.map.static_data import code_bundle, prefetch_js, publish
from dashboard.map.tiles import TileProblem, basemap_choices, tile_spec
from dashboard.map.view import LAYERS, component_args, draw, view_data
from dashboard.services import data as services
from dashboard.styles import dataset_badge

#: Session flag (not a widget): the road network layer was offered once (see ``render``).
_ROADS_SEEN = state.MAP_ROADS_SEEN


def _tianditu_key() -> str:
    typed = str(st.session_state.get(state.MAP_TIANDITU_KEY, "") or "")
    if typed:
        return typed
    try:
        return str(st.secrets.get("tianditu_key", ""))
    except FileNotFoundError:
        return ""


def _dataset_name() -> str:
    """The dataset's display name without loading it (``dashboard.ui`` imports pandas)."""
    user = st.session_state.get(state.USER_DATASET)
    if isinstance(user, services.Dataset):
        from dashboard.ui import dataset_name

        return dataset_name(user)
    return t(services.demo_name_key())


def _domain_error(exc: ValueError) -> bool:
    from dashboard.ui import show_if_domain_error

    return show_if_domain_error(exc)


def _choice(key: str, options: list[str] | tuple[str, ...]) -> str:
    """The value the selectbox ``key`` will show: its state, else its first option."""
    value = st.session_state.get(key)
    return value if isinstance(value, str) and value in options else options[0]


def _measures(figures: AreaFigures) -> list[str]:
    """The measures the view offers (minutes to the nearest point only in road mode)."""
    return [m for m in (*MEASURES, *ROAD_MEASURES) if m in figures.values]


def _layers(road: bool) -> list[str]:
    """The layer switches offered (the road network only in road mode)."""
    return [k for k in LAYERS if road or k != "roads"]


def _layer_label(name: str, road: bool, lang: Lang) -> str:
    if road and name == "radii":
        return t("layer_service_areas", lang)
    return t(f"layer_{name}", lang)


def _controls(
    lang: Lang,
    counties: list[str],
    measures: list[str],
    road: bool,
    basemaps: tuple[str, ...],
    area_level: str = "city",
) -> tuple[str, str, str, list[str]]:
    """Draw the measure, county and base map choices and the layer switches."""
    c1, c2, c3 = st.columns([1.1, 1.1, 1])
    measure = c1.selectbox(
        t("measure_label"),
        measures,
        format_func=lambda m: t(f"measure_{m}", lang),
        key=state.MAP_MEASURE,
        placeholder=t("select_placeholder"),
    )
    county = c2.selectbox(
        t("county_label"),
        ["", *counties],
        format_func=lambda c: whole_area(area_level, lang) if c == "" else c,
        key=state.MAP_COUNTY,
        placeholder=t("select_placeholder"),
    )
    basemap = c3.selectbox(
        t("basemap_label"),
        basemaps,
        format_func=lambda b: t(f"basemap_{b}", lang),
        key=state.MAP_BASEMAP,
        placeholder=t("select_placeholder"),
    )
    layers = st.pills(
        t("layers_label"),
        _layers(road),
        format_func=lambda name: _layer_label(name, road, lang),
        selection_mode="multi",
        key=state.MAP_LAYERS,
    )
    return measure, county, basemap, list(layers or [])


def render() -> None:
    """Draw the map page.

    The map is sent before the controls above it (they are drawn into a container placed
    first): the browser then starts loading the map's component while it still loads the
    controls' code. The controls' values are read from the session state, where
    Streamlit keeps every widget's value (its first option on the first run).
    """
    timing.mark("map: render start")
    lang = current_lang()
    st.title(t("map_title"), anchor=False)
    st.caption(t("map_caption"))
    dataset_id = services.current_dataset_id()
    mode = services.reach_mode()
    road = mode == "road"
    st.session_state.setdefault(state.MAP_LAYERS, [k for k, on in LAYERS.items() if on])
    offered = _layers(road)
    shown = list(st.session_state.get(state.MAP_LAYERS) or [])
    if road and "roads" not in shown and not st.session_state.get(_ROADS_SEEN):
        # Road mode starts with the road network shown (a radius session never saw it).
        st.session_state[state.MAP_LAYERS] = [*shown, "roads"]
    if road:
        st.session_state[_ROADS_SEEN] = True
    layers = [k for k in st.session_state.get(state.MAP_LAYERS) or [] if k in offered]
    if layers != list(st.session_state.get(state.MAP_LAYERS) or []):
        st.session_state[state.MAP_LAYERS] = layers
    try:
        data = dataset_map(dataset_id, lang, "villages" in layers, mode)
    except ValueError as exc:  # GeodataError / AnalysisError are shown; others re-raised
        if not _domain_error(exc):
            raise
        return
    timing.mark("map: data ready")
    # The data travels once, as a static file; the page starts fetching it now, before the
    # map's iframe and code exist (the map takes the page's fetch).
    data_url = publish(data.data_js)
    page_script(prefetch_js(data_url))

    counties = data.figures.counties
    if st.session_state.get(state.MAP_COUNTY) not in ("", *counties):
        st.session_state[state.MAP_COUNTY] = ""
    measures = _measures(data.figures)
    if st.session_state.get(state.MAP_MEASURE) not in measures:
        st.session_state.pop(state.MAP_MEASURE, None)
    measure = _choice(state.MAP_MEASURE, measures)
    county = _choice(state.MAP_COUNTY, ["", *counties])
    basemaps = basemap_choices()
    basemap = _choice(state.MAP_BASEMAP, basemaps)
    key = _tianditu_key() if basemap == "tianditu" else ""
    # A configured tile file is extracted on first use (once per server, cached).
    tiles = tile_spec(basemap)

    controls = st.container()
    left, right = st.columns([4.2, 1])
    scale, fills, summary, bounds = map_view(data.figures, measure, county)
    view = view_data(set(layers), county=county, fills=fills, bounds=bounds)
    # The search list is a file fetched by the map (written once per dataset, in the
    # background; a warm start loads nothing for it). The arguments carry the URLs and
    # the view.
    search_index.publish(dataset_id, lambda: services.dataset_by_id(dataset_id).city)
    args = component_args(
        data.data_js,
        view,
        basemap,
        key,
        data_url=data_url,
        # Leaflet and the map's code in one file that starts fetching the data first.
        code_url=publish(code_bundle(data_url), suffix=".js"),
        search_url=search_index.index_url(dataset_id),
        leaflet_in_code=True,
    )
    if basemap == "reference":
        from dashboard.map.reference import reference_data, reference_script

        args["script"] += reference_script(reference_data(dataset_id))
    with left:
        draw(state.MAP_WIDGET, args)
    timing.mark("map: map sent")

    with controls:
        chosen = _controls(lang, counties, measures, road, basemaps, data.figures.area_level)
        if isinstance(tiles, TileProblem):
            st.warning(t_md(tiles.key, detail=tiles.detail))
        if basemap == "tianditu" and not key:
            st.text_input(t("tianditu_key_label"), key=state.MAP_TIANDITU_KEY, type="password")
            st.info(t("tianditu_key_missing"))
    if chosen != (measure, county, basemap, layers):
        # Streamlit reset a control (its new value is in the session state): draw again.
        st.rerun()
    timing.mark("map: widgets drawn")

    with right:
        st.markdown(dataset_badge(_dataset_name()), unsafe_allow_html=True)
        st.caption(t(f"reach_caption_{mode}"))
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
            legend_html(
                scale,
                t(f"measure_{summary['measure']}"),
                layers,
                data.figures.point_types,
                lang,
                data.figures.reach,
            )
        )


render()
