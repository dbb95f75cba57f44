"""Shared pieces of the simulation pages: KPI cards with deltas, the county rule table,
the list of changes and the scenario KPI comparison table.

Only formatting: every number comes from :class:`analysis.coverage.api.CoverageResult`
(``.kpis``, ``.counties``) or :func:`analysis.plan.scenarios.compare_scenarios`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import streamlit as st

from dashboard.i18n import Lang, current_lang, fmt_int, fmt_pop, fmt_share, point_type_label, t
from dashboard.map.palette import SITE_COLOR, badge_styles, color_scale
from dashboard.ui import card_grid
from dashboard.widgets.kpi_cards import KpiCard, county_status, kpi_cards, status_style

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario
    from analysis.standards.load import Standards


#: Narrowest a KPI card may get before its row wraps (CSS pixels), per language: the
#: English labels are longer.
CARD_MIN_PX = {"zh": 145, "en": 185}
#: Gap between Streamlit columns (``gap="small"``, 1rem).
_GAP_PX = 16


def _wrap_css(key: str, per_row: int, lang: Lang) -> str:
    """CSS that lets a row of cards wrap (3, then 2 a row) when they would get too narrow.

    A container query on the cards' own width, so the sidebar, the window and the
    language all count; wide enough, the row stays as ``st.columns`` draws it.
    """
    least = CARD_MIN_PX.get(lang, CARD_MIN_PX["en"])
    rules = [f".st-key-{key} {{ container-type: inline-size; }}"]
    for n in sorted({min(per_row, 3), min(per_row, 2)}, reverse=True):
        if n >= per_row:
            continue
        fits = (n + 1) * least + n * _GAP_PX  # the width n + 1 cards a row need
        upto = per_row * least + (per_row - 1) * _GAP_PX - 1 if n == 3 else fits - 1
        share = f"calc({100 / n:.3f}% - {_GAP_PX * (n - 1) / n:.1f}px)"
        rules.append(
            f"@container (max-width: {upto}px) {{"
            f" .st-key-{key} [data-testid='stHorizontalBlock'] {{ flex-wrap: wrap; }}"
            f" .st-key-{key} [data-testid='stColumn'] {{ flex: 1 1 {share} !important;"
            f" min-width: {share} !important; max-width: {share} !important; }} }}"
        )
    return "<style>" + "\n".join(rules) + "</style>"


#: Lines of a card's detail line kept (and always reserved): new figures that wrap
#: differently never change the cards' height, so nothing under them moves.
DETAIL_LINES = 3


def _steady_css(key: str) -> str:
    """CSS giving every card's detail exactly :data:`DETAIL_LINES` lines (the rest clipped)."""
    cap = f".st-key-{key} [data-testid='stCaptionContainer']"
    return (
        f"<style>{cap} {{ height: calc({DETAIL_LINES} * 1.5em); overflow: hidden; }}"
        f" {cap} p {{ line-height: 1.5em; margin: 0; }}</style>"
    )


def show_cards(cards: list[KpiCard], per_row: int = 4, key: str | None = None) -> None:
    """Draw KPI cards (value, delta against the baseline, one-line detail) in rows.

    With ``key`` (a constant of :mod:`dashboard.state`), the cards sit in a container of
    that key and a row wraps, rather than cutting the labels and values short, when the
    page is too narrow for ``per_row`` readable cards; rule-based cards are tinted green
    or red (:func:`dashboard.ui.card_grid`).
    """
    if key is not None:
        with st.container(key=key):
            st.html(_wrap_css(key, per_row, current_lang()) + _steady_css(key))
            card_grid(cards, per_row, key=key)
    else:
        card_grid(cards, per_row)


def site_warning_text(rec: Mapping[str, Any], lang: Lang | None = None) -> str:
    """One site-rule warning in words, e.g. "NEW-001 农村联系点位于街道社区（东关街道·田峡社区）".

    ``rec`` is a row of :func:`analysis.standards.site_rules.placement_warnings`. Plain text (the
    caller escapes it for Markdown).
    """
    lang = lang or current_lang()
    place = "·".join(
        str(rec.get(k) or "").strip()
        for k in ("township_name", "village_name")
        if str(rec.get(k) or "").strip() not in ("", "nan", "None")
    )
    message = str(rec.get("message_zh" if lang == "zh" else "message") or rec.get("code") or "")
    key = "sim_site_warning" if place else "sim_site_warning_bare"
    return t(key, lang, id=str(rec.get("id", "")), message=message, place=place)


def headline_cards(current: Any, baseline: Any, lang: Lang | None = None) -> list[KpiCard]:
    """The six cards of the simulation page.

    Coverage, rural coverage, blind spots, contact points, the 3-5 rule, compliant counties.
    """
    keep = (
        "coverage_share",
        "rural_coverage_share",
        "townships_uncovered",
        "contact_points_total",
        "points_with_3_to_5_sites",
        "counties_compliant",
    )
    return [c for c in kpi_cards(current, baseline, lang) if c.key in keep]


def _reason(rec: Mapping[str, Any], std: Standards, lang: Lang) -> str:
    parts = []
    if bool(rec.get("exempt_from_rural_minimum")):
        parts.append(t("sim_rule_exempt", lang))
    missing_rural = int(rec.get("rural_points_missing") or 0)
    missing_ent = int(rec.get("enterprise_points_missing") or 0)
    if missing_rural > 0:
        parts.append(
            t("sim_rule_missing", lang, n=missing_rural, type=point_type_label("rural", lang))
        )
    if missing_ent > 0:
        parts.append(
            t("sim_rule_missing", lang, n=missing_ent, type=point_type_label("enterprise", lang))
        )
    if not parts:
        parts.append(
            t(
                "sim_rule_meets",
                lang,
                rural=std.county_min_rural,
                enterprise=std.county_min_enterprise,
            )
        )
    return "；".join(parts)


def rule_table(counties: pd.DataFrame, std: Standards, lang: Lang | None = None) -> pd.DataFrame:
    """Per county: status, rural and enterprise points against the minimums, and why.

    Parameters
    ----------
    counties
        ``CoverageResult.counties`` of the scenario.
    std
        Planning standards (the minimums shown).
    lang
        Language; the session's when omitted.
    """
    lang = lang or current_lang()
    rows = []
    # Rows keyed by column name (pandas types the keys as Hashable).
    for rec in cast("list[dict[str, Any]]", counties.to_dict("records")):
        exempt = bool(rec.get("exempt_from_rural_minimum"))
        rural_need = "—" if exempt else str(std.county_min_rural)
        rows.append(
            {
                t("col_county", lang): str(rec.get("county", "")),
                t("col_status", lang): t(f"status_{county_status(rec)}", lang),
                t("sim_col_rural", lang): f"{int(rec.get('points_rural', 0))} / {rural_need}",
                t("sim_col_enterprise", lang): (
                    f"{int(rec.get('points_enterprise', 0))} / {std.county_min_enterprise}"
                ),
                t("sim_col_association", lang): int(rec.get("points_association", 0)),
                t("col_coverage", lang): float(rec.get("coverage_share", 0.0)) * 100,
                t("sim_col_reason", lang): _reason(rec, std, lang),
            }
        )
    return pd.DataFrame(rows)


def show_rule_table(counties: pd.DataFrame, std: Standards, key: str) -> None:
    """Draw :func:`rule_table` with a traffic light per county."""
    lang = current_lang()
    table = rule_table(counties, std, lang)
    styled = table.style.map(lambda v: status_style(v, lang), subset=[t("col_status", lang)])
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("col_coverage", lang): st.column_config.NumberColumn(format="%.1f%%"),
            t("sim_col_reason", lang): st.column_config.TextColumn(width="large"),
        },
    )


def changes_table(changes: pd.DataFrame, lang: Lang | None = None) -> pd.DataFrame:
    """The proposed, moved and removed points (:func:`analysis.plan.scenarios.scenario_changes`)."""
    lang = lang or current_lang()
    rows = []
    for rec in changes.to_dict("records"):
        kind = str(rec.get("type") or "")
        layer = str(rec["layer"])
        what = (
            point_type_label(kind, lang)
            if layer == "contact_points" and kind
            else t(f"sim_layer_{layer}", lang)
        )
        rows.append(
            {
                t("sim_col_status", lang): t(f"sim_status_{rec['status']}", lang),
                t("sim_col_kind", lang): what,
                t("sim_col_name", lang): str(rec.get("name") or ""),
                t("sim_col_lon", lang): round(float(rec["lon"]), 6),
                t("sim_col_lat", lang): round(float(rec["lat"]), 6),
            }
        )
    return pd.DataFrame(rows)


#: KPIs shown in the comparison table, with their format.
COMPARE_KPIS: tuple[tuple[str, str, str], ...] = (
    ("coverage_share", "kpi_coverage_share", "share"),
    ("rural_coverage_share", "kpi_rural_coverage_share", "share"),
    ("urban_coverage_share", "kpi_urban_coverage_share", "share"),
    ("population_covered", "sim_kpi_population_covered", "pop"),
    ("townships_uncovered", "kpi_townships_uncovered", "int"),
    ("contact_points_total", "kpi_contact_points_total", "int"),
    ("contact_points_by_type.rural", "ptype_rural", "int"),
    ("contact_points_by_type.enterprise", "ptype_enterprise", "int"),
    ("contact_points_by_type.association", "ptype_association", "int"),
    ("contact_points_by_type.urban_community", "ptype_urban_community", "int"),
    ("collection_sites_total", "kpi_collection_sites_total", "int"),
    ("points_with_3_to_5_sites", "kpi_points_3_5", "int"),
    ("counties_compliant", "kpi_counties_compliant", "int"),
    ("network_coverage_share", "sim_kpi_network_coverage", "share"),
    ("equity_index", "sim_kpi_equity_index", "float"),
)


def _fmt(value: Any, kind: str, lang: Lang, delta: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    v = float(value)
    if kind == "share":
        if delta:
            unit = "个百分点" if lang == "zh" else "pp"
            return f"{v * 100:+.1f} {unit}"
        return fmt_share(v)
    if kind == "pop":
        return f"{v:+,.0f}" if delta else fmt_pop(v, lang)
    if kind == "float":
        return f"{v:+.2f}" if delta else f"{v:.2f}"
    return f"{v:+,.0f}" if delta else fmt_int(v)


def compare_table(table: pd.DataFrame, names: list[str], lang: Lang | None = None) -> pd.DataFrame:
    """Format :func:`analysis.plan.scenarios.compare_scenarios` for display (translated labels).

    Parameters
    ----------
    table
        Output of ``compare_scenarios``: index ``kpi``, a column per scenario, then
        ``Δ <name>`` columns against the first.
    names
        Scenario names in column order.
    lang
        Language; the session's when omitted.
    """
    lang = lang or current_lang()
    rows = []
    for kpi, label_key, kind in COMPARE_KPIS:
        if kpi not in table.index:
            continue
        row: dict[str, str] = {t("sim_col_kpi", lang): t(label_key, lang)}
        for i, name in enumerate(names):
            row[name] = _fmt(table.at[kpi, name], kind, lang)
            if i > 0:
                row[t("sim_col_delta", lang, name=name)] = _fmt(
                    table.at[kpi, f"Δ {name}"], kind, lang, delta=True
                )
        rows.append(row)
    return pd.DataFrame(rows)


def scenario_label(scenario: Scenario) -> str:
    """Short description of a scenario: name and its change counts."""
    counts = scenario.status_counts()
    return t(
        "sim_scenario_counts",
        proposed=counts.get("proposed", 0),
        moved=counts.get("moved", 0),
        removed=counts.get("removed", 0),
    )


def map_legend(
    lang: Lang, pending: bool = False, reach_lines: list[tuple[str, list[str]]] | None = None
) -> str:
    """HTML legend under the simulation map: township coverage classes, point types, status.

    ``pending``: the map shows an optimiser proposal not adopted yet (its entry is added).
    ``reach_lines``: road mode's service areas (label, colours of its types; see
    :func:`dashboard.map.reach.service_area_labels`).
    """
    from dashboard.simulate import overlay as sim_overlay

    badges = badge_styles(lang)
    # Township fills as the map shows them (class colour at the layer's opacity, blind
    # spots hatched).
    swatches = [
        (sim_overlay.legend_swatch(False, color), label)
        for color, label in color_scale(sim_overlay.MEASURE, []).legend(lang)
    ]
    swatches.append((sim_overlay.legend_swatch(True), t("legend_blind_spot", lang)))
    classes = "".join(
        f"<span class='sim-lg'><span class='sim-sw' style='background:{bg}'></span>"
        f"{html.escape(label)}</span>"
        for bg, label in swatches
    )
    title = html.escape(t("sim_legend_coverage", lang))
    towns = f"<div class='sim-lgt'><span class='sim-lg'><b>{title}</b></span>{classes}</div>"
    items = []
    for ptype in ("rural", "enterprise", "association", "urban_community"):
        color, char = badges[ptype]
        items.append(
            f"<span class='sim-lg'><span class='sim-dot' style='background:{color}'>"
            f"{html.escape(char)}</span>{html.escape(t(f'ptype_{ptype}', lang))}</span>"
        )
    color, char = badges["home"]
    items.append(
        f"<span class='sim-lg'><span class='sim-dot' style='background:{color};"
        f"border-radius:3px'>{html.escape(char)}</span>{html.escape(t('legend_home', lang))}"
        "</span>"
    )
    items.append(
        f"<span class='sim-lg'><span class='sim-dot' style='background:{SITE_COLOR};"
        f"width:9px;height:9px'></span>{html.escape(t('legend_site', lang))}</span>"
    )
    for status, css in (
        ("proposed", "box-shadow:0 0 0 2px #e65100;border-color:#ffd600"),
        ("moved", "box-shadow:0 0 0 2px #1565c0;border-style:dashed"),
        ("removed", "background:#9e9e9e;opacity:.6"),
    ):
        items.append(
            f"<span class='sim-lg'><span class='sim-dot' style='background:#5f6b7a;{css}'>"
            f"</span>{html.escape(t(f'sim_status_{status}', lang))}</span>"
        )
    for label, colors in reach_lines or []:
        stops = ", ".join(colors + colors[-1:])
        items.append(
            "<span class='sim-lg'><span class='sim-sw' style='height:7px;border:none;"
            f"border-radius:4px;opacity:.75;background:linear-gradient(90deg, {stops})'></span>"
            f"{html.escape(label)}</span>"
        )
    if pending:
        items.append(pending_legend_item(lang))
    style = (
        "<style>.sim-lg{display:inline-flex;align-items:center;gap:.3rem;margin-right:.9rem;"
        "white-space:nowrap;"
        "font-size:.82rem;color:#37474f}.sim-dot{width:15px;height:15px;border-radius:50%;"
        "border:1.5px solid #fff;color:#fff;font-size:9px;font-weight:700;text-align:center;"
        "line-height:13px;display:inline-block}.sim-sw{width:22px;height:12px;"
        "display:inline-block;border:1px solid #fff}.sim-lgt{margin-bottom:.25rem}"
        ".sim-lgt b{font-weight:600}</style>"
    )
    return style + towns + f"<div class='{LEGEND_ITEMS}'>" + "".join(items) + "</div>"


#: Class of the legend's row of point entries (the optimiser panel adds or removes the
#: entry of a proposal not adopted yet there, :func:`pending_legend_item`).
LEGEND_ITEMS = "sim-lg-items"


def pending_legend_item(lang: Lang) -> str:
    """The legend's entry of a proposal's points not adopted yet (class ``sim-lg-pending``)."""
    return (
        "<span class='sim-lg sim-lg-pending'><span class='sim-dot' style='background:#fff;"
        "color:#5f6b7a;border:1.5px dashed #5f6b7a'>"
        f"{html.escape(t('sim_pending_char', lang))}</span>"
        f"{html.escape(t('sim_legend_pending', lang))}</span>"
    )
