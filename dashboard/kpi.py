"""KPI cards and tables of the 指标 page: current figures with deltas against a baseline.

The baseline is the loaded dataset's own KPIs; a scenario from the simulation page will be
passed as ``current`` and compared against it. Everything here formats numbers the
analysis computed (``analysis.kpis.KPIs``); nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from dashboard.i18n import Lang, current_lang, fmt_int, fmt_pop, fmt_share, point_type_label, t

DeltaColor = Literal["normal", "inverse", "off"]


@dataclass(frozen=True)
class KpiCard:
    """One big figure.

    Parameters
    ----------
    key
        Stable id (the KPI it shows), for tests and layout.
    label, value, detail
        Translated label, formatted value and a one-line detail under it.
    delta
        Formatted change against the baseline, or ``None`` when there is no baseline.
    delta_color
        ``"normal"`` (up is good), ``"inverse"`` (down is good) or ``"off"`` (no change).
    """

    key: str
    label: str
    value: str
    detail: str
    delta: str | None
    delta_color: DeltaColor


def as_dict(kpis: Any) -> dict[str, Any]:
    """Return KPIs as a plain dict (accepts ``KPIs`` or a mapping)."""
    if kpis is None:
        return {}
    if isinstance(kpis, Mapping):
        return dict(kpis)
    return dict(kpis.to_dict())


def _delta_share(
    cur: dict[str, Any], base: dict[str, Any], key: str, lang: Lang
) -> tuple[str | None, bool]:
    if not base:
        return None, False
    diff = (float(cur.get(key) or 0.0) - float(base.get(key) or 0.0)) * 100
    unit = "个百分点" if lang == "zh" else "pp"
    if abs(diff) < 0.05:
        return f"±0.0 {unit}", False
    return f"{diff:+.1f} {unit}", True


def _delta_count(
    cur: dict[str, Any], base: dict[str, Any], key: str, lang: Lang
) -> tuple[str | None, bool]:
    if not base:
        return None, False
    diff = int(cur.get(key) or 0) - int(base.get(key) or 0)
    if diff == 0:
        return "±0", False
    return f"{diff:+,d}", True


def _card(
    key: str,
    label_key: str,
    value: str,
    detail: str,
    delta: tuple[str | None, bool],
    good_up: bool,
    lang: Lang,
) -> KpiCard:
    text, changed = delta
    color: DeltaColor = ("normal" if good_up else "inverse") if changed else "off"
    return KpiCard(key, t(label_key, lang), value, detail, text, color)


def kpi_cards(current: Any, baseline: Any = None, lang: Lang | None = None) -> list[KpiCard]:
    """Return the headline cards of ``current`` with deltas against ``baseline``.

    Parameters
    ----------
    current
        ``analysis.kpis.KPIs`` (or its ``to_dict()``) of the network shown.
    baseline
        KPIs to compare against (the loaded dataset's own); ``None`` for no deltas.
    lang
        Language; the session's when omitted.

    Returns
    -------
    list[KpiCard]
        Coverage, rural coverage, uncovered townships, contact points, the 3-5 rule,
        compliant counties, opinions collected and adoption rate, in that order.
    """
    lang = lang or current_lang()
    cur, base = as_dict(current), as_dict(baseline)
    g = cur.get
    return [
        _card(
            "coverage_share",
            "kpi_coverage_share",
            fmt_share(g("coverage_share")),
            t(
                "kpi_people_covered",
                lang,
                covered=fmt_pop(g("population_covered"), lang),
                total=fmt_pop(g("population_total"), lang),
            ),
            _delta_share(cur, base, "coverage_share", lang),
            True,
            lang,
        ),
        _card(
            "rural_coverage_share",
            "kpi_rural_coverage_share",
            fmt_share(g("rural_coverage_share")),
            t(
                "kpi_people_covered",
                lang,
                covered=fmt_pop(g("rural_population_covered"), lang),
                total=fmt_pop(g("rural_population_total"), lang),
            ),
            _delta_share(cur, base, "rural_coverage_share", lang),
            True,
            lang,
        ),
        _card(
            "townships_uncovered",
            "kpi_townships_uncovered",
            fmt_int(g("townships_uncovered")),
            t("kpi_of_total", lang, total=fmt_int(g("townships_total"))),
            _delta_count(cur, base, "townships_uncovered", lang),
            False,
            lang,
        ),
        _card(
            "contact_points_total",
            "kpi_contact_points_total",
            fmt_int(g("contact_points_total")),
            " · ".join(
                f"{point_type_label(k, lang)} {v}"
                for k, v in (g("contact_points_by_type") or {}).items()
                if v
            ),
            _delta_count(cur, base, "contact_points_total", lang),
            True,
            lang,
        ),
        _card(
            "points_with_3_to_5_sites",
            "kpi_points_3_5",
            fmt_int(g("points_with_3_to_5_sites")),
            t(
                "kpi_below_above",
                lang,
                below=fmt_int(g("points_below_3_sites")),
                above=fmt_int(g("points_above_5_sites")),
            ),
            _delta_count(cur, base, "points_with_3_to_5_sites", lang),
            True,
            lang,
        ),
        _card(
            "counties_compliant",
            "kpi_counties_compliant",
            fmt_int(g("counties_compliant")),
            t("kpi_of_total", lang, total=fmt_int(g("counties_total"))),
            _delta_count(cur, base, "counties_compliant", lang),
            True,
            lang,
        ),
        _card(
            "opinions_collected",
            "kpi_opinions",
            fmt_int(g("opinions_collected")),
            t("kpi_adopted_of", lang, adopted=fmt_int(g("opinions_adopted"))),
            _delta_count(cur, base, "opinions_collected", lang),
            True,
            lang,
        ),
        _card(
            "adoption_rate",
            "kpi_adoption_rate",
            fmt_share(g("adoption_rate")),
            t("kpi_adopted_of", lang, adopted=fmt_int(g("opinions_adopted"))),
            _delta_share(cur, base, "adoption_rate", lang),
            True,
            lang,
        ),
    ]


def type_cards(current: Any, baseline: Any = None, lang: Lang | None = None) -> list[KpiCard]:
    """Return one small card per contact point type present (now or in the baseline)."""
    lang = lang or current_lang()
    cur = as_dict(current).get("contact_points_by_type") or {}
    base = as_dict(baseline).get("contact_points_by_type") or {} if baseline is not None else {}
    cards = []
    for ptype, count in cur.items():
        if not count and not base.get(ptype):
            continue
        delta = _delta_count(
            {"n": count}, {"n": base.get(ptype, 0)} if baseline is not None else {}, "n", lang
        )
        cards.append(
            _card(f"type_{ptype}", f"ptype_{ptype}", fmt_int(count), "", delta, True, lang)
        )
    return cards


def county_status(row: Mapping[str, Any]) -> str:
    """Return ``"ok"``, ``"partial"`` or ``"fail"`` for one county (the minimums by type)."""
    if bool(row.get("compliant")):
        return "ok"
    if bool(row.get("meets_rural_minimum")) or bool(row.get("meets_enterprise_minimum")):
        return "partial"
    return "fail"


STATUS_COLORS: dict[str, tuple[str, str]] = {
    "ok": ("#e6f4ea", "#1e7d32"),
    "partial": ("#fff4d6", "#8a5a00"),
    "fail": ("#fdecea", "#b3261e"),
}


def status_style(value: str, lang: Lang | None = None) -> str:
    """Return the CSS of a status cell (traffic light by background and text colour)."""
    for status, (bg, fg) in STATUS_COLORS.items():
        if value == t(f"status_{status}", lang):
            return f"background-color: {bg}; color: {fg}; font-weight: 700"
    return ""


def county_table(counties: pd.DataFrame, lang: Lang | None = None) -> pd.DataFrame:
    """Return the per-county compliance table with a traffic light per county."""
    lang = lang or current_lang()
    rows = []
    for rec in counties.to_dict("records"):
        rows.append(
            {
                t("col_county", lang): str(rec.get("county", "")),
                t("col_status", lang): t(f"status_{county_status(rec)}", lang),
                t("col_population", lang): int(rec.get("population", 0)),
                t("col_coverage", lang): float(rec.get("coverage_share", 0.0)) * 100,
                t("col_rural_coverage", lang): float(rec.get("rural_coverage_share", 0.0)) * 100,
                t("col_points_rural", lang): int(rec.get("points_rural", 0)),
                t("col_points_enterprise", lang): int(rec.get("points_enterprise", 0)),
                t("col_points_total", lang): int(rec.get("points_total", 0)),
                t("col_equity", lang): rec.get("equity_index"),
            }
        )
    return pd.DataFrame(rows)


def equity_frame(counties: pd.DataFrame, city_kpis: Any, lang: Lang | None = None) -> pd.DataFrame:
    """Return long-form shares for the urban-rural chart: county x series x share."""
    lang = lang or current_lang()
    k = as_dict(city_kpis)
    rows = []
    areas = [
        (str(r["county"]), r["rural_point_share"], r["rural_population_share"])
        for r in counties.to_dict("records")
    ]
    areas.append(
        (t("all_counties", lang), k.get("rural_point_share"), k.get("rural_population_share"))
    )
    for name, pts, pop in areas:
        rows.append(
            {"area": name, "series": t("kpi_series_points", lang), "share": float(pts or 0.0)}
        )
        rows.append(
            {"area": name, "series": t("kpi_series_population", lang), "share": float(pop or 0.0)}
        )
    return pd.DataFrame(rows)
