"""方案模拟 Simulation: lay out new points by hand or by the optimiser, see every KPI change.

The working scenario is saved to the workspace after every edit and restored after a
browser refresh or a server restart (:mod:`dashboard.sim_state`). The editor (KPIs, map,
edit panel, rule table, optimiser) is one ``st.fragment``: a click on the map reruns only
the editor, and the map's points travel as st_folium's ``feature_group_to_add`` so the
base map is not rebuilt; the townships whose figures the scenario changed travel with
them, recoloured (:mod:`dashboard.sim_overlay`).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from analysis.errors import AnalysisError  # noqa: E402
from dashboard import (  # noqa: E402
    i18n_sim,
    services,
    sim_editor,
    sim_map,
    sim_optimise_view,
    sim_overlay,
    sim_services,
    sim_state,
    sim_views,
    state,
)
from dashboard.i18n import current_lang, t  # noqa: E402
from dashboard.mapcache import display_geometry  # noqa: E402
from dashboard.styles import dataset_badge  # noqa: E402
from dashboard.ui import dataset_and_result, dataset_name, show_domain_error  # noqa: E402
from geodata.errors import GeodataError  # noqa: E402

i18n_sim.register()
#: Width (px) the map is expected to get in the page's wide layout (1440 px window); its
#: height follows the area's shape (:func:`dashboard.sim_map.fit_height`).
MAP_WIDTH_PX = 690


def _scenario_bar(dataset: services.Dataset) -> None:
    scn = sim_state.current(dataset)
    st.session_state.setdefault(state.SIM_NAME, scn.name)
    st.session_state.setdefault(state.SIM_AUTHOR, scn.author)
    with st.container(border=True):
        c1, c2, c3 = st.columns([2.2, 1.3, 1], vertical_alignment="bottom")
        c1.text_input(t("sim_name_label"), key=state.SIM_NAME, max_chars=120)
        c2.text_input(t("sim_author_label"), key=state.SIM_AUTHOR, max_chars=60)
        c3.button(
            t("sim_apply_name"),
            key=state.SIM_APPLY_NAME,
            icon=":material/edit:",
            wrap=True,  # a narrow column wraps the label rather than cutting it short
            on_click=lambda: sim_state.rename_current(
                str(st.session_state.get(state.SIM_NAME, "")),
                str(st.session_state.get(state.SIM_AUTHOR, "")),
            ),
        )
        with st.expander(t("sim_manage"), icon=":material/folder_open:"):
            _manage(dataset)


def _manage(dataset: services.Dataset) -> None:
    saved = sim_services.list_scenarios(dataset)
    names = list(saved["name"])
    info = {r["name"]: r for r in saved.to_dict("records")}

    def label(name: str) -> str:
        r = info[name]
        return t(
            "sim_saved_entry",
            name=name,
            author=r["author"] or "—",
            time=str(r["updated_at"])[:16].replace("T", " "),
            proposed=r["n_proposed"],
            moved=r["n_moved"],
            removed=r["n_removed"],
        )

    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    if names:
        c1.selectbox(
            t("sim_pick"),
            names,
            format_func=label,
            key=state.SIM_PICK,
            placeholder=t("select_placeholder"),
        )
        c2.button(
            t("sim_open"),
            key=state.SIM_OPEN,
            icon=":material/file_open:",
            on_click=lambda: sim_state.open_scenario(str(st.session_state[state.SIM_PICK])),
        )
    else:
        c1.caption(t("sim_none_saved"))
    c3, c4, c5, c6 = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    st.session_state.setdefault(state.SIM_SAVE_AS_NAME, "")
    c3.text_input(t("sim_save_as_name"), key=state.SIM_SAVE_AS_NAME, max_chars=120)
    c4.button(
        t("sim_save_as"),
        key=state.SIM_SAVE_AS,
        icon=":material/content_copy:",
        on_click=lambda: sim_state.save_as(
            str(st.session_state.get(state.SIM_SAVE_AS_NAME) or t("sim_default_name"))
        ),
    )
    c5.button(
        t("sim_new"),
        key=state.SIM_NEW,
        icon=":material/restart_alt:",
        on_click=lambda: sim_state.start_new(
            dataset, str(st.session_state.get(state.SIM_AUTHOR, ""))
        ),
    )
    c6.button(
        t("sim_delete_scenario"),
        key=state.SIM_DELETE_SCENARIO,
        icon=":material/delete:",
        disabled=not sim_state.is_saved(),
        on_click=lambda: sim_state.delete_current(dataset),
    )
    st.caption(t("sim_workspace_at", path=sim_services.workspace_path().name))


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
        help=hist.undo_label or None,
    )
    undo_row.button(
        t("sim_redo"),
        key=state.SIM_REDO,
        icon=":material/redo:",
        disabled=not hist.can_redo,
        on_click=sim_state.redo,
        help=hist.redo_label or None,
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


@st.fragment
def _editor(dataset: services.Dataset, base_result: object) -> None:
    sim_editor.consume_click()
    scn = sim_state.current(dataset)
    # Always one container here, so a message never shifts the map (which would remount it).
    box = st.container()
    note = sim_state.pop_flash()
    if note is not None:
        icons = {
            "success": ":material/check_circle:",
            "info": ":material/info:",
            "warning": ":material/warning:",
            "error": ":material/error:",
        }
        getattr(box, note.level)(note.text, icon=icons.get(note.level))
    try:
        result = sim_services.scenario_coverage(dataset, scn)
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
        (t("sim_autosaved", time=scn.updated_at[11:19]) if saved else t("sim_not_saved_yet"))
        + " · "
        + t(
            "sim_scenario_counts",
            proposed=counts["proposed"],
            moved=counts["moved"],
            removed=counts["removed"],
        )
    )
    lang = current_lang()
    radii = sim_editor.dataset_radii(dataset)
    left, right = st.columns([3, 1.2], gap="medium")
    with left:
        payload = sim_map.base_payload(dataset, base_result, radii, lang)
        selected = st.session_state.get(state.SIM_SELECTED) or None
        cp = result.contact_points
        county_of = dict(zip(cp["id"].astype(str), cp["county"].astype(str), strict=True))
        features = sim_map.point_features(scn, radii, selected, lang, county_of)
        # Townships whose figures the scenario changed, over the fixed base map.
        geoms, _ = display_geometry(dataset.id, dataset.city)
        overlay = sim_overlay.township_overlay(
            base_result.townships,  # type: ignore[attr-defined]
            result.townships,
            geoms,
            lang,
        )
        group = sim_map.scenario_group(features, lang, overlay)
        height = sim_map.fit_height(payload.bounds, MAP_WIDTH_PX)
        st_folium(
            sim_map.base_map(
                payload,
                height,
                labels=sim_services.county_labels(dataset, payload.layers.get("county_labels", {})),
            ),
            key=state.SIM_MAP,
            height=height,
            use_container_width=True,
            feature_group_to_add=group,
            returned_objects=["last_clicked", "last_object_clicked"],
            on_change=sim_editor.consume_click,
            render=False,  # st_folium renders the map itself; a figure render too costs ~40 ms
        )
        st.html(sim_views.map_legend(current_lang()))
    with right:
        _panel(scn)
    rules, changes, optimiser = st.tabs(
        [t("sim_tab_rules"), t("sim_tab_changes"), t("sim_tab_optimiser")]
    )
    with rules:
        st.caption(t("sim_rules_caption"))
        sim_views.show_rule_table(result.counties, services.standards(), key=state.SIM_RULES)
    with changes:
        from analysis.scenarios import scenario_changes

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


def render() -> None:
    """Draw the simulation page."""
    _relabel_after_language_switch()
    st.title(t("sim_title"), anchor=False)
    st.caption(t("sim_caption"))
    loaded = dataset_and_result()
    if loaded is None:
        return
    dataset, base_result = loaded
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    try:
        _scenario_bar(dataset)
    except AnalysisError as exc:
        show_domain_error(exc)
        return
    _editor(dataset, base_result)


render()
