"""方案模拟 Simulation: lay out new points by hand or by the optimiser, see every KPI change.

The working scenario is saved to the workspace after every edit and restored after a
browser refresh or a server restart from the address (``?scenario=``); a new session starts
on a fresh copy of the data, never in someone else's plan (:mod:`dashboard.simulate.state`). The
scenario bar (:mod:`dashboard.simulate.bar`) sits above the editor. Above the map, the last
action's message and the site-rule warnings of new and moved points have boxes of fixed
height: nothing above the map moves between two clicks. The editor (KPIs, map,
edit panel, rule table, optimiser) is one ``st.fragment``: a click on the map reruns only
the editor, and the map's points travel as st_folium's ``feature_group_to_add`` so the
base map is not rebuilt; the townships whose figures the scenario changed travel with
them, recoloured (:mod:`dashboard.simulate.overlay`). The optimiser panel is a fragment
within it: its buttons rerun the panel alone, and a proposal's points are drawn into the map
that is there (:func:`dashboard.simulate.optimise_view.panel`).
"""

from __future__ import annotations

from typing import Any, cast

import streamlit as st
from streamlit_folium import st_folium

from analysis.errors import AnalysisError
from analysis.localtime import local_text
from dashboard import state
from dashboard.i18n import current_lang, t
from dashboard.map.cache import display_geometry, service_area
from dashboard.map.legend import service_area_labels
from dashboard.map.palette import POINT_STYLE
from dashboard.map.reach import reach_info
from dashboard.map.static_data import publish
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate import bar as sim_bar
from dashboard.simulate import editor as sim_editor
from dashboard.simulate import features as sim_features
from dashboard.simulate import map as sim_map
from dashboard.simulate import messages
from dashboard.simulate import optimise as sim_optimise
from dashboard.simulate import optimise_view as sim_optimise_view
from dashboard.simulate import overlay as sim_overlay
from dashboard.simulate import solve_facts as sim_solve_facts
from dashboard.simulate import state as sim_state
from dashboard.simulate import views as sim_views
from dashboard.simulate.compare_files import scenario_base
from dashboard.styles import dataset_badge
from dashboard.ui import dataset_and_result, dataset_name, show_domain_error
from geodata.errors import GeodataError

#: Width (px) the map is expected to get in the page's wide layout (1440 px window); its
#: height follows the area's shape (:func:`dashboard.simulate.features.fit_height`).
MAP_WIDTH_PX = 690


def _panel(scn: object) -> None:
    hist = st.session_state[state.SIM_HISTORY]
    # Rows that wrap rather than narrow columns, which cut the labels short ("撤…").
    undo_row = st.container(horizontal=True, gap="small")
    undo_row.button(
        t("sim_undo"),
        key=state.SIM_UNDO,
        icon=":material/undo:",
        disabled=not hist.can_undo,
        on_click=sim_state.undo,
        # A help text is Markdown; the label names a point (its id may come from a file).
        help=md_escape(hist.undo_label) if hist.undo_label else None,
    )
    undo_row.button(
        t("sim_redo"),
        key=state.SIM_REDO,
        icon=":material/redo:",
        disabled=not hist.can_redo,
        on_click=sim_state.redo,
        help=md_escape(hist.redo_label) if hist.redo_label else None,
    )
    st.session_state.setdefault(state.SIM_MODE, "add")
    st.radio(
        t("sim_mode"),
        sim_editor.MODES,
        format_func=lambda m: t(f"sim_mode_{m}"),
        key=state.SIM_MODE,
        horizontal=True,
    )
    st.session_state.setdefault(state.SIM_ADD_KIND, sim_editor.ADD_KINDS[0])
    st.selectbox(
        t("sim_add_kind"),
        sim_editor.ADD_KINDS,
        format_func=sim_editor.kind_label,
        key=state.SIM_ADD_KIND,
        placeholder=t("select_placeholder"),
    )
    options = sim_editor.point_options(scn)  # type: ignore[arg-type]
    if st.session_state.get(state.SIM_SELECTED) not in ("", *options):
        st.session_state[state.SIM_SELECTED] = ""
    st.selectbox(
        t("sim_selected"),
        ["", *options],
        format_func=lambda k: t("sim_none_selected") if k == "" else options[k],
        key=state.SIM_SELECTED,
        placeholder=t("select_placeholder"),
    )
    row = st.container(horizontal=True, gap="small")
    none = not st.session_state.get(state.SIM_SELECTED)
    for label, key, icon, action in (
        ("sim_move", state.SIM_MOVE, ":material/open_with:", sim_editor.start_move),
        ("sim_delete", state.SIM_DELETE, ":material/delete:", sim_editor.remove_selected),
        ("sim_restore", state.SIM_RESTORE, ":material/settings_backup_restore:",
         sim_editor.restore_selected),
    ):  # fmt: skip
        row.button(t(label), key=key, icon=icon, disabled=none, on_click=action)
    st.caption(t(f"sim_hint_{st.session_state.get(state.SIM_MODE, 'add')}"))
    with st.expander(t("sim_by_coords"), icon=":material/pin_drop:"):
        st.selectbox(
            t("sim_coord_system"),
            sim_editor.COORD_SYSTEMS,
            format_func=lambda c: t(f"sim_crs_{c}"),
            key=state.SIM_COORD_SYSTEM,
            placeholder=t("select_placeholder"),
        )
        c1, c2 = st.columns(2)
        c1.number_input(t("sim_lon"), value=None, format="%.6f", key=state.SIM_COORD_LON)
        c2.number_input(t("sim_lat"), value=None, format="%.6f", key=state.SIM_COORD_LAT)
        st.text_input(t("sim_point_name"), key=state.SIM_COORD_NAME, max_chars=120)
        st.button(
            t("sim_add_here"),
            key=state.SIM_COORD_ADD,
            icon=":material/add_location:",
            on_click=sim_editor.add_typed,
        )
    with st.expander(t("sim_by_file"), icon=":material/upload_file:"):
        st.file_uploader(
            t("sim_upload"),
            key=state.SIM_UPLOAD,
            type=["csv", "xlsx", "geojson", "json", "gpkg", "zip", "kml", "kmz"],
        )
        st.selectbox(
            t("sim_upload_layer"),
            sim_editor.UPLOAD_LAYERS,
            format_func=lambda x: t(f"sim_layer_{x}"),
            key=state.SIM_UPLOAD_LAYER,
            placeholder=t("select_placeholder"),
        )
        st.selectbox(
            t("sim_coord_system"),
            sim_editor.COORD_SYSTEMS,
            format_func=lambda c: t(f"sim_crs_{c}"),
            key=state.SIM_UPLOAD_COORDS,
            placeholder=t("select_placeholder"),
        )
        st.button(
            t("sim_upload_add"),
            key=state.SIM_UPLOAD_ADD,
            icon=":material/playlist_add:",
            on_click=sim_editor.add_uploaded,
        )


#: Height (px) of the message box and of the site-rule box above the map: fixed, so a
#: message or a warning never moves the map under the planner's next click (a longer text
#: scrolls inside its box).
NOTICE_PX = 58
_ICONS = {
    "success": ":material/check_circle:",
    "info": ":material/info:",
    "warning": ":material/warning:",
    "error": ":material/error:",
}
#: Compact alerts in the two boxes (Streamlit's padding would leave room for one line).
_NOTICE_CSS = (
    "<style>"
    + " ".join(
        f".st-key-{key} [data-testid='stAlertContainer'] {{ padding: .3rem .7rem; }}"
        f" .st-key-{key} [data-testid='stAlert'] p {{ font-size: .86rem; line-height: 1.3; }}"
        for key in (state.SIM_NOTICE, state.SIM_SITE_WARNINGS)
    )
    + "</style>"
)


def _notices(note: messages.Flash | None, warnings: object) -> None:
    """The last action's message and the site-rule warnings, side by side, fixed height."""
    st.html(_NOTICE_CSS)
    left, right = st.columns(2, gap="small")
    with left.container(height=NOTICE_PX, border=False, key=state.SIM_NOTICE):
        if note is not None:
            # Messages carry names (scenarios, points, files): shown as text, not Markdown.
            getattr(st, note.level)(md_escape(note.text), icon=_ICONS.get(note.level))
    with right.container(height=NOTICE_PX, border=False, key=state.SIM_SITE_WARNINGS):
        lang = current_lang()
        if not services.standards().active_site_rules:
            st.caption(t("sim_site_off"))
        elif warnings.empty:  # type: ignore[attr-defined]
            st.caption(":material/check_circle: " + t("sim_site_ok"))
        else:
            lines = [
                md_escape(sim_views.site_warning_text(rec, lang))
                for rec in warnings.to_dict("records")  # type: ignore[attr-defined]
            ]
            # One line per point (Markdown hard breaks), under a one-line count.
            st.warning(
                "  \n".join([md_escape(t("sim_site_count", n=len(lines))), *lines]),
                icon=":material/wrong_location:",
            )


def _pending_points(scn: Any) -> list[dict[str, object]]:
    """Points of the optimiser's proposal not adopted yet (``id, name, type, lon, lat``)."""
    return cast("list[dict[str, object]]", sim_optimise.pending_points(scn).to_dict("records"))


def _areas(dataset: services.Dataset, base_result: Any) -> Any:
    """Road mode: a point's service area (cached; a new point's in a few ms), else None."""
    if base_result.reach_mode != "road":
        return None
    return lambda lon, lat, ptype: service_area(dataset, base_result, lon, lat, ptype)


def _reach_lines(base_result: Any, lang: Any) -> list[tuple[str, list[str]]]:
    """Legend lines of the road service areas (none in radius mode)."""
    types = list(POINT_STYLE)[:4]
    return service_area_labels(reach_info(base_result, types), types, lang)


@st.fragment(key=state.SIM_EDITOR)
def _editor(dataset: services.Dataset, base_result: object) -> None:
    sim_editor.consume_click()
    if sim_state.name_boxes_stale():
        # The working scenario changed name from inside this fragment (an adopted
        # proposal, a save under a free name): redraw the name boxes above it too.
        st.rerun(scope="app")
    scn = sim_state.current(dataset)
    note = messages.pop_flash()
    try:
        result = sim_services.scenario_coverage(dataset, scn)
        warnings = sim_services.site_warnings(dataset, scn)
    except (AnalysisError, GeodataError) as exc:
        show_domain_error(exc)
        return
    base_kpis = base_result.kpis  # type: ignore[attr-defined]
    sim_views.show_cards(
        sim_views.headline_cards(result.kpis, base_kpis), per_row=6, key=state.SIM_CARDS
    )
    saved = sim_state.is_saved()
    counts = scn.status_counts()
    st.caption(
        (
            t("sim_autosaved", time=local_text(scn.updated_at, "%H:%M:%S"))
            if saved
            else t("sim_not_saved_yet")
        )
        + " · "
        + t(
            "sim_scenario_counts",
            proposed=counts["proposed"],
            moved=counts["moved"],
            removed=counts["removed"],
        )
    )
    sim_solve_facts.show(scn.solve_facts)  # an adopted plan: its solve, edited since or not
    _notices(note, warnings)
    lang = current_lang()
    radii = sim_editor.dataset_radii(dataset)
    left, right = st.columns([3, 1.2], gap="medium")
    with left:
        mode = str(getattr(base_result, "reach_mode", "radius"))
        radii_key = tuple(sorted(radii.items()))
        payload, base_json = scenario_base(
            dataset.id, lang, radii_key, "", mode, dataset, base_result, labelled=True
        )
        selected = st.session_state.get(state.SIM_SELECTED) or None
        cp = result.contact_points
        county_of = dict(zip(cp["id"].astype(str), cp["county"].astype(str), strict=True))
        features = sim_map.point_features(
            scn, radii, selected, lang, county_of, areas=_areas(dataset, base_result)
        )
        # Townships whose figures the scenario changed, over the fixed base map.
        geoms, _ = display_geometry(dataset.id, dataset.city)
        overlay = sim_overlay.township_overlay(
            base_result.townships,  # type: ignore[attr-defined]
            result.townships,
            geoms,
            lang,
        )
        # Points of an optimiser proposal not adopted yet (none until the lead wires
        # the optimiser's list in): drawn dashed, marked 拟, with the scenario's points.
        pending = sim_map.pending_features(_pending_points(scn), lang)
        group = sim_map.scenario_group(features, lang, overlay, pending)
        height = sim_features.fit_height(payload.bounds, MAP_WIDTH_PX)
        st_folium(
            # The base layers travel once, as a static file: only its URL is re-sent.
            sim_map.base_map(payload, height, data_url=publish(base_json)),
            key=state.SIM_MAP,
            height=height,
            use_container_width=True,
            feature_group_to_add=group,
            returned_objects=["last_clicked", "last_object_clicked"],
            on_change=sim_editor.consume_click,
            render=False,  # st_folium renders the map itself; a figure render too costs ~40 ms
        )
        st.html(
            sim_views.map_legend(
                current_lang(),
                pending=bool(pending["features"]),
                reach_lines=_reach_lines(base_result, lang),
            )
        )
    with right:
        _panel(scn)
    # Keyed: the tab the planner is on stays open when an adoption's messages and solve
    # facts appear above the tabs (unkeyed tabs that move are drawn anew, on the first tab).
    rules, changes, optimiser = st.tabs(
        [t("sim_tab_rules"), t("sim_tab_changes"), t("sim_tab_optimiser")], key=state.SIM_TABS
    )
    with rules:
        st.caption(t("sim_rules_caption"))
        sim_views.show_rule_table(result.counties, services.standards(), key=state.SIM_RULES)
    with changes:
        from analysis.plan.scenarios import scenario_changes

        table = sim_views.changes_table(scenario_changes(scn))
        if table.empty:
            st.caption(t("sim_no_changes"))
        else:
            st.dataframe(table, hide_index=True, width="stretch", key=state.SIM_CHANGES)
    with optimiser:
        sim_optimise_view.panel(dataset, scn)


#: Select boxes of the page: their shown option is a text in the interface language.
_SELECTBOXES = (
    state.SIM_PICK,
    state.SIM_ADD_KIND,
    state.SIM_SELECTED,
    state.SIM_COORD_SYSTEM,
    state.SIM_UPLOAD_LAYER,
    state.SIM_UPLOAD_COORDS,
)


def _relabel_after_language_switch() -> None:
    """Make the select boxes show their choice in the new language after a switch.

    The browser keeps showing a select box's choice in the words it was drawn with;
    setting the (unchanged) value from the script makes Streamlit send it again.
    """
    lang = current_lang()
    seen = st.session_state.get(state.SIM_LANG)
    st.session_state[state.SIM_LANG] = lang
    if seen is None or seen == lang:
        return
    for key in _SELECTBOXES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _workspace_error(exc: AnalysisError) -> None:
    """A workspace problem in words (not the problem table, whose 文件 column would show
    the server's workspace path)."""
    st.error(md_escape(messages.error_text(exc)), icon=":material/error:")


def render() -> None:
    """Draw the simulation page."""
    _relabel_after_language_switch()
    st.title(t("sim_title"), anchor=False)
    st.caption(t("sim_caption"))
    try:
        sim_state.follow_url()  # a link to a scenario on other (stored) data opens that data
    except AnalysisError as exc:
        _workspace_error(exc)
    loaded = dataset_and_result()
    if loaded is None:
        return
    dataset, base_result = loaded
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    try:
        sim_bar.scenario_bar(dataset)
    except AnalysisError as exc:
        _workspace_error(exc)
        return
    _editor(dataset, base_result)


render()
