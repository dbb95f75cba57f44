"""方案比较 Compare: 2-3 saved scenarios (or the baseline) side by side, KPIs and maps."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit_folium import st_folium

from analysis.errors import AnalysisError
from dashboard import state
from dashboard.i18n import current_lang, t, t_md
from dashboard.map.cache import service_area
from dashboard.map.static_data import publish
from dashboard.safetext import md_escape
from dashboard.services import data as services
from dashboard.services import scenarios as sim_services
from dashboard.simulate import editor as sim_editor
from dashboard.simulate import map as sim_map
from dashboard.simulate import views as sim_views
from dashboard.simulate.compare_files import compare_points, scenario_base
from dashboard.styles import dataset_badge
from dashboard.ui import dataset_and_result, dataset_name, show_domain_error
from dashboard.widgets.kpi_cards import DELTA_COLORS, delta_verdict
from geodata.errors import GeodataError

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario

#: Option value standing for the baseline (the loaded data itself).
BASELINE = "__baseline__"


def _label(option: str) -> str:
    return t("sim_baseline_label") if option == BASELINE else option


def _coloured(table: pd.DataFrame, frame: pd.DataFrame, labels: list[str]) -> Styler:
    """The comparison table with each change green (better) or red (worse).

    Fewer blind-spot townships is better (``dashboard.widgets.kpi_cards.delta_verdict``).
    """
    keys = [kpi for kpi, _, _ in sim_views.COMPARE_KPIS if kpi in table.index]
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for name in labels[1:]:
        column = t("sim_col_delta", name=name)
        for row, kpi in zip(frame.index, keys, strict=True):
            verdict = delta_verdict(kpi, table.at[kpi, f"Δ {name}"])
            if verdict is not None:
                fg, bg = DELTA_COLORS[verdict]
                css.at[row, column] = f"color: {fg}; background-color: {bg}; font-weight: 600"
    return frame.style.apply(lambda _: css, axis=None)


def _saved_note(scenario: Scenario) -> str:
    """Author and local save time of a saved scenario, Markdown-safe."""
    from analysis.localtime import local_text

    author = scenario.author
    stamp = local_text(scenario.updated_at) or "—"
    return t("cmp_saved_note", author=md_escape(author) if author else "—", time=stamp)


def _defaults(names: list[str]) -> list[str]:
    current = st.session_state.get(state.CMP_PICK)
    if isinstance(current, list) and all(c == BASELINE or c in names for c in current):
        return current
    return [BASELINE, *names[:2]]


def render() -> None:
    """Draw the comparison page."""
    st.title(t("cmp_title"), anchor=False)
    st.caption(t("cmp_caption"))
    loaded = dataset_and_result()
    if loaded is None:
        return
    dataset, _ = loaded
    st.markdown(dataset_badge(dataset_name(dataset)), unsafe_allow_html=True)
    try:
        names = list(sim_services.list_scenarios(dataset)["name"])
    except AnalysisError as exc:
        show_domain_error(exc)
        return
    st.session_state[state.CMP_PICK] = _defaults(names)
    picked = st.multiselect(
        t("cmp_pick"),
        [BASELINE, *names],
        format_func=_label,
        key=state.CMP_PICK,
        placeholder=t("multiselect_placeholder"),
        max_selections=3,
    )
    if len(picked) < 2:
        st.info(t("cmp_pick_two"), icon=":material/info:")
        return
    scenarios, results = {}, {}
    try:
        for option in picked:
            scn = (
                sim_services.baseline(dataset) if option == BASELINE else sim_services.load(option)
            )
            scenarios[_label(option)] = scn
            results[_label(option)] = sim_services.scenario_coverage(dataset, scn)
    except (AnalysisError, GeodataError) as exc:
        show_domain_error(exc)
        return
    from analysis.plan.scenarios import compare_scenarios

    labels = list(scenarios)
    table = compare_scenarios({name: results[name].kpis for name in labels})
    st.subheader(t("cmp_kpis"), anchor=False)
    st.caption(t_md("cmp_kpis_caption", first=labels[0]))
    frame = sim_views.compare_table(table, labels)
    st.dataframe(
        _coloured(table, frame, labels),
        hide_index=True,
        width="stretch",
        height=(len(frame) + 1) * 35 + 3,  # every KPI visible, no inner scrolling
        key=state.CMP_TABLE,
    )
    st.subheader(t("cmp_maps"), anchor=False)
    lang = current_lang()
    radii = sim_editor.dataset_radii(dataset)
    cols = st.columns(len(labels))
    for i, (col, name) in enumerate(zip(cols, labels, strict=True)):
        with col:
            scn = scenarios[name]
            kpis = results[name].kpis
            st.text(name)  # user text: shown literally, never as markdown
            st.caption(
                sim_views.scenario_label(scn)
                + " · "
                + t(
                    "cmp_map_caption",
                    share=f"{kpis.coverage_share * 100:.1f}%",
                    counties=kpis.counties_compliant,
                    total=kpis.counties_total,
                )
            )
            # Own line for every map (the baseline's too), so the maps start level.
            st.caption(t("cmp_baseline_note") if name == _label(BASELINE) else _saved_note(scn))
            # Townships coloured by this scenario's own coverage.
            res = results[name]
            # The base layers and the points as static files, fetched once: a rerun (or
            # coming back to the page) sends their URLs, not the geometry.
            mode = str(getattr(res, "reach_mode", "radius"))
            key = (dataset.id, lang, tuple(sorted(radii.items())), sim_services.fingerprint(scn))
            payload, base_json = scenario_base(*key, mode, dataset, res)
            # The data fills the map: as tall as its shape needs in a column this wide.
            height = sim_map.small_map_height(payload.bounds, len(labels))
            areas = (
                (lambda lon, lat, p, r=res: service_area(dataset, r, lon, lat, p))
                if mode == "road"
                else None
            )
            points_json = compare_points(
                *key, mode, partial(sim_map.point_features, scn, radii, None, lang, areas=areas)
            )
            st_folium(
                sim_map.small_map(
                    payload,
                    {},
                    height,
                    lang,
                    data_url=publish(base_json),
                    points_url=publish(points_json),
                ),
                key=f"{state.CMP_MAP_PREFIX}{i}",
                height=height,
                use_container_width=True,
                returned_objects=[],
                render=False,  # st_folium renders the map itself (same output, ~40 ms less)
            )
    st.html(sim_views.map_legend(lang))  # the small maps' colours, hatching and badges
    with st.expander(t("cmp_rules")):
        rcols = st.columns(len(labels))
        for i, (col, name) in enumerate(zip(rcols, labels, strict=True)):
            with col:
                st.text(name)  # user text: shown literally, never as markdown
                sim_views.show_rule_table(
                    results[name].counties, services.standards(), key=f"{state.CMP_RULES_PREFIX}{i}"
                )


render()
