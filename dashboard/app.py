"""Coverage Planner dashboard: ``python -m dashboard.launch`` from the repository root.

(``streamlit run dashboard/app.py`` works too; the launcher only starts sooner.)

The entry point sets the page, the sidebar (dataset label, language switch) and the
navigation between the 地图 map, 指标 KPI, 方案模拟 simulation, 方案比较 comparison,
导出 export and 数据 data pages (``dashboard/views/``; not
``pages/``, which Streamlit would also auto-discover and run without this entry point).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard import timing

if TYPE_CHECKING:
    from analysis.workspace.records import UserRecord

timing.mark("app: script start")

import streamlit as st  # noqa: E402 (after the timing mark)

from dashboard import warmup  # noqa: E402 (after the timing mark)

# Under `python -m dashboard.launch` the map page's modules are being imported on a
# background thread: let it finish rather than import the same modules concurrently.
warmup.touch()
warmup.wait_early()
timing.mark("app: warm-up joined")

from dashboard import state, styles  # noqa: E402 (after the timing mark)
from dashboard.i18n import DEFAULT_LANG, LANGS, current_lang, t, t_md  # noqa: E402 (after the timing mark)

_PAGES = Path(__file__).resolve().parent / "views"
_STATIC = Path(__file__).resolve().parent / "static"
#: Widget values kept when the user moves between pages (Streamlit drops the state of
#: widgets not drawn on the current page unless it is re-assigned on every run).
_PERSISTENT = (
    state.LANG,
    state.REACH_MODE,  # one reach mode for the session, on every page
    state.MAP_MEASURE,
    state.MAP_COUNTY,
    state.MAP_LAYERS,
    state.MAP_BASEMAP,
    state.MAP_TIANDITU_KEY,
    state.DATA_COORD_SYSTEM,
    state.DATA_OUTSIDE_CHINA,
    state.DATA_CITY_NAME,
    state.KPI_SCENARIO,  # the scenario shown on 指标 stays chosen, also into presentation mode
)


def _keep_widget_state() -> None:
    for key in _PERSISTENT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.session_state.setdefault(state.LANG, DEFAULT_LANG)
    st.session_state.setdefault(state.REACH_MODE, "radius")


def _sidebar(user: UserRecord | None = None) -> None:
    with st.sidebar:
        st.markdown(styles.brand_html(t("app_title"), t("app_subtitle")), unsafe_allow_html=True)
        st.radio(
            t("lang_label"),
            options=list(LANGS),
            format_func=lambda code: t(f"lang_{code}", "zh" if code == "zh" else "en"),
            key=state.LANG,
            horizontal=True,
        )
        _reach_switch()
        if user is not None:
            st.caption(t_md("logged_in_as", name=user.display_name, role=t(f"role_{user.role}")))
            st.button(t("logout"), key=state.LOGOUT, icon=":material/logout:", on_click=logout)


def _reach_switch() -> None:
    """覆盖口径: radius or road travel time, for every page (disabled without roads)."""
    from dashboard.services import data as services

    roads = services.current_has_roads()
    lang = current_lang()  # bound now: the options' texts are those of this run
    if not roads:
        st.session_state[state.REACH_MODE] = "radius"
    st.radio(
        t("reach_label"),
        options=list(state.REACH_MODES),
        format_func=lambda mode: t(f"reach_{mode}", lang),
        key=state.REACH_MODE,
        horizontal=True,
        disabled=not roads,
        help=t("reach_help") if roads else t("reach_no_roads"),
    )


def logout() -> None:
    """Log out (the next run shows the login page)."""
    from dashboard.services import access

    access.logout()


def main() -> None:
    """Run one pass of the app."""
    _keep_widget_state()
    st.set_page_config(
        page_title=t("app_title"),
        page_icon=str(_STATIC / "favicon.png"),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    from dashboard.services import access
    from dashboard.views import login

    if not login.signed_in():
        # Every page known (hidden) keeps the address asked for: after the login the
        # same page opens if the role has it.
        st.navigation(_pages(False), position="hidden")
        styles.inject(False, current_lang())
        _sidebar()
        login.draw()
        return
    user = access.session_user() if access.enabled() else None
    role = user.role if user is not None else "admin"  # single-user mode: every page
    presenting = bool(st.session_state.get(state.PRESENTATION, False))
    (map_page, kpi_page, simulate_page, compare_page, export_page, review_page, data_page,
     admin_page) = _pages(presenting)  # fmt: skip
    # Presentation mode shows the KPI page only (no navigation, no editing controls).
    # Viewers (查看) read: no simulation, no uploads; the 管理 page is for administrators.
    by_role = {
        "viewer": [map_page, kpi_page, compare_page, export_page],
        "planner": [
            map_page,
            kpi_page,
            simulate_page,
            compare_page,
            export_page,
            review_page,
            data_page,
        ],
        "admin": [
            map_page,
            kpi_page,
            simulate_page,
            compare_page,
            export_page,
            review_page,
            data_page,
        ],
    }
    pages = [kpi_page] if presenting else list(by_role[role])
    if user is not None and user.role == "admin" and not presenting:
        pages.append(admin_page)
    nav = st.navigation(pages, position="hidden" if presenting else "sidebar")
    styles.inject(presenting, current_lang())
    if not presenting:
        _sidebar(user)
    if not _static_writable():
        return
    if nav is map_page:
        timing.mark("app: page start")
        nav.run()
        timing.mark("app: page end")
        # The map has been sent: the other pages' modules may be imported in the
        # background now (they would compete with the browser loading the map before).
        warmup.release(warmup.LATER_DELAY_S)
    else:
        warmup.wait()  # the other pages import pandas, folium, ...: not concurrently
        nav.run()


def _static_writable() -> bool:
    """Whether the app can write its map data (dashboard/static); else say so in Chinese.

    The map data, search lists and extracted tiles are files the app writes and Streamlit
    serves (docs/operations.md, "Static files"); a read-only folder would otherwise end in
    a traceback on the first map.
    """
    from analysis.errors import AnalysisError
    from dashboard.map.static_data import check_writable

    try:
        check_writable()
    except AnalysisError as exc:
        from dashboard.ui import show_domain_error

        show_domain_error(exc)
        return False
    return True


#: The pages in navigation order: view file and URL (nav_<url> the title), Material icon.
_PAGE_TABLE = (
    ("map", ":material/map:"),
    ("kpis", ":material/insights:"),
    ("simulate", ":material/edit_location_alt:"),
    ("compare", ":material/compare:"),
    ("export", ":material/download:"),
    ("review", ":material/fact_check:"),
    ("data", ":material/upload_file:"),
    ("admin", ":material/admin_panel_settings:"),
)


def _pages(presenting: bool) -> list[Any]:
    """The pages: map, KPIs, simulation, comparison, export, review, data, administration.

    The map opens by default; in presentation mode the KPI page does.
    """
    default = "kpis" if presenting else "map"
    return [
        st.Page(
            _PAGES / f"{name}.py",
            title=t(f"nav_{name}"),
            icon=icon,
            url_path=name,
            default=name == default,
        )
        for name, icon in _PAGE_TABLE
    ]


main()
