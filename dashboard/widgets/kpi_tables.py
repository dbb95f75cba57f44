"""The 指标 page's per-county compliance table (HTML, readable on a projector) and the
urban-rural coverage chart's data and caption.

Both only format what the analysis computed (``CoverageResult.counties``: points by type,
the county minimums and what is missing, coverage shares). The table is plain HTML rather
than ``st.dataframe``: every county visible at once with no inner scroll bar, large type in
presentation mode, and no table download (see ``dashboard/styles.py``). Every name is
escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.i18n import Lang, current_lang, fmt_pop, fmt_share, point_type_label, t, t_md
from dashboard.widgets.kpi_cards import STATUS_COLORS, as_dict


@dataclass(frozen=True)
class CountyRow:
    """One county of the compliance table, formatted.

    Parameters
    ----------
    county
        The county's name (raw: escaped when drawn).
    ok
        Every minimum of the standards is met.
    status
        ``达标`` or ``不达标 · 缺农村2·企业1`` (what is missing).
    cells
        The other cells in column order (formatted text), each with an optional change
        against the baseline (``None`` without a baseline or when unchanged).
    """

    county: str
    ok: bool
    status: str
    cells: tuple[tuple[str, str | None], ...]


#: Columns after the county and its status: (text key, counties column, kind).
_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("kpi_col_rural_points", "points_rural", "need_rural"),
    ("kpi_col_enterprise_points", "points_enterprise", "need_enterprise"),
    ("kpi_col_points", "points_total", "count"),
    ("col_coverage", "coverage_share", "share"),
    ("kpi_col_rural_coverage", "rural_coverage_share", "share"),
    ("kpi_col_urban_coverage", "urban_coverage_share", "share"),
    ("kpi_col_blind", "blind_spot_townships", "blind"),
    ("col_population", "population", "pop"),
)


def missing_text(rec: Mapping[str, Any], lang: Lang | None = None) -> str:
    """What a county lacks, short: ``缺农村2·企业1`` (``""`` when nothing is missing)."""
    lang = lang or current_lang()
    items = []
    for ptype, column in (
        ("rural", "rural_points_missing"),
        ("enterprise", "enterprise_points_missing"),
    ):
        n = int(rec.get(column) or 0)
        if n > 0:
            label = point_type_label(ptype, lang)
            items.append(
                t("kpi_missing_item", lang, type=label.lower() if lang == "en" else label, n=n)
            )
    return t("kpi_missing", lang, items=t("kpi_missing_sep", lang).join(items)) if items else ""


def _status(rec: Mapping[str, Any], lang: Lang) -> tuple[bool, str]:
    ok = bool(rec.get("compliant"))
    if ok:
        exempt = bool(rec.get("exempt_from_rural_minimum"))
        return True, t("kpi_status_ok_exempt" if exempt else "kpi_status_ok", lang)
    missing = missing_text(rec, lang)
    head = t("kpi_status_fail", lang)
    return False, f"{head} · {missing}" if missing else head


def _cell(
    rec: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    column: str,
    kind: str,
    std: Any,
    lang: Lang,
) -> tuple[str, str | None]:
    value = rec.get(column)
    delta: str | None = None
    if kind == "share":
        # NaN: the county has no such people (e.g. no urban people): "—", no change.
        share = float(value or 0.0)
        text = fmt_share(share, 0)
        old = float(before.get(column) or 0.0) if before is not None else math.nan
        if not (math.isnan(share) or math.isnan(old)):
            diff = round((share - old) * 100)
            delta = f"{diff:+d}" if diff else None
        return text, delta
    if kind == "pop":
        return fmt_pop(int(value or 0), lang), None
    n = int(value or 0)
    if before is not None and n != int(before.get(column) or 0):
        delta = f"{n - int(before.get(column) or 0):+d}"
    if kind == "need_rural":
        need = "—" if bool(rec.get("exempt_from_rural_minimum")) else str(std.county_min_rural)
        return f"{n} / {need}", delta
    if kind == "need_enterprise":
        return f"{n} / {std.county_min_enterprise}", delta
    if kind == "blind":
        return f"{n} / {int(rec.get('townships') or 0)}", delta
    return str(n), delta


def county_rows(
    counties: pd.DataFrame,
    std: Any,
    baseline: pd.DataFrame | None = None,
    lang: Lang | None = None,
) -> list[CountyRow]:
    """Return the compliance table's rows, one per county, in the analysis' order.

    Parameters
    ----------
    counties
        ``CoverageResult.counties`` of the network shown.
    std
        Planning standards (the minimums shown as "have / need").
    baseline
        The loaded data's ``counties``: point counts, coverage and blind spots then carry
        their change (matched by county name).
    lang
        Language; the session's when omitted.
    """
    lang = lang or current_lang()
    before: dict[str, dict[str, Any]] = (
        {str(r["county"]): {str(k): v for k, v in r.items()} for r in baseline.to_dict("records")}
        if baseline is not None
        else {}
    )
    rows = []
    for raw in counties.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        name = str(rec.get("county", ""))
        ok, status = _status(rec, lang)
        was = before.get(name) if baseline is not None else None
        cells = tuple(_cell(rec, was, column, kind, std, lang) for _, column, kind in _COLUMNS)
        rows.append(CountyRow(name, ok, status, cells))
    return rows


def _head_html(text: str) -> str:
    """A column heading that may break only before its bracket: ``农村点`` / ``（有/需）``."""
    for bracket in ("（", " ("):
        word, sep, rest = text.partition(bracket)
        if sep:
            rest = (sep + rest).strip()
            return _nowrap(word) + " " + _nowrap(rest)
    return _nowrap(text)


def _nowrap(text: str) -> str:
    return f"<span class='cp-nw'>{html.escape(text)}</span>"


def _status_html(mark: str, status: str) -> str:
    """``✗ 不达标`` and ``缺农村2·企业1`` each kept whole; a narrow page breaks between them."""
    head, sep, missing = status.partition(" · ")
    return _nowrap(f"{mark} {head}") + (" " + _nowrap(f"· {missing}") if sep else "")


def county_table_html(rows: list[CountyRow], lang: Lang | None = None) -> str:
    """Return the compliance table as HTML (class ``cp-county``; styles in ``dashboard.styles``).

    Every cell is escaped; a county's status is green (达标) or red (不达标 and what is
    missing), by colour and by text.
    """
    lang = lang or current_lang()
    heads = [t("col_county", lang), t("kpi_col_status", lang)] + [
        t(k, lang) for k, _, _ in _COLUMNS
    ]
    head = "".join(f"<th>{_head_html(h)}</th>" for h in heads)
    body = []
    for row in rows:
        status = "ok" if row.ok else "fail"
        bg, fg = STATUS_COLORS[status]
        mark = "✓" if row.ok else "✗"
        cells = "".join(
            f"<td class='n'>{html.escape(text)}"
            + (f"<span class='cp-d'>{html.escape(delta)}</span>" if delta else "")
            + "</td>"
            for text, delta in row.cells
        )
        body.append(
            f"<tr class='cp-{status}'><th scope='row'>{html.escape(row.county)}</th>"
            f"<td class='st' style='background:{bg};color:{fg}'>"
            f"{_status_html(mark, row.status)}</td>"
            f"{cells}</tr>"
        )
    return (
        "<div class='cp-county-wrap'><table class='cp-county'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def urban_rural_frame(
    counties: pd.DataFrame, city_kpis: Any, lang: Lang | None = None, *, area: str
) -> pd.DataFrame:
    """Long-form rows of the urban-rural chart: area x series (rural, urban) x coverage share.

    Per county and for the whole area (``area``: its name by the data, 全省 / 全市 / 全县,
    :func:`dashboard.i18n.whole_area`), the share of rural people covered next to the share of
    urban people covered: the gap between the two bars is the imbalance. A series is left out
    where the area has no such people (a share of nobody would read as 0 %).
    """
    lang = lang or current_lang()
    k = as_dict(city_kpis)
    areas = [
        (
            str(r["county"]),
            float(r.get("rural_coverage_share") or 0.0),
            float(r.get("urban_coverage_share") or 0.0),
            int(r.get("rural_population") or 0),
            int(r.get("urban_population") or 0),
        )
        for r in counties.to_dict("records")
    ]
    areas.append(
        (
            area,
            float(k.get("rural_coverage_share") or 0.0),
            float(k.get("urban_coverage_share") or 0.0),
            int(k.get("rural_population_total") or 0),
            int(k.get("urban_population_total") or 0),
        )
    )
    rows = []
    for name, rural, urban, rural_people, urban_people in areas:
        for series, share, people in (
            (t("kpi_series_rural", lang), rural, rural_people),
            (t("kpi_series_urban", lang), urban, urban_people),
        ):
            if people > 0:
                rows.append(
                    {"area": name, "series": series, "share": share, "label": fmt_share(share, 0)}
                )
    return pd.DataFrame(rows, columns=["area", "series", "share", "label"])


def urban_rural_caption(
    counties: pd.DataFrame,
    city_kpis: Any,
    baseline_kpis: Any = None,
    lang: Lang | None = None,
    *,
    area: str,
) -> str:
    """The chart's caption, computed from the data (``area``: as :func:`urban_rural_frame`).

    E.g. ``农村人口覆盖率低于城镇人口覆盖率的县区：6个（共8个），差距最大的是黄川县
    （农村0%，城镇68%）。全市：农村6.8%，城镇31.7%。`` With ``baseline_kpis`` the city's
    figures before the plan follow.
    Counties without rural or without urban people are not compared. The county's name
    is escaped for Markdown (the caption is drawn with ``st.caption``).
    """
    lang = lang or current_lang()
    both = counties[(counties["rural_population"] > 0) & (counties["urban_population"] > 0)]
    gap = both["urban_coverage_share"].astype(float) - both["rural_coverage_share"].astype(float)
    behind = both[gap > 0]
    parts = []
    if len(behind):
        worst = both.iloc[int(gap.to_numpy().argmax())]
        parts.append(
            t_md(
                "kpi_equity_behind",
                lang,
                n=len(behind),
                total=len(both),
                county=worst["county"],
                rural=fmt_share(float(worst["rural_coverage_share"]), 0),
                urban=fmt_share(float(worst["urban_coverage_share"]), 0),
            )
        )
    elif len(both):
        parts.append(t("kpi_equity_none_behind", lang, total=len(both)))
    k = as_dict(city_kpis)
    parts.append(
        t(
            "kpi_equity_city",
            lang,
            area=area,
            rural=fmt_share(k.get("rural_coverage_share")),
            urban=fmt_share(k.get("urban_coverage_share")),
        )
    )
    if baseline_kpis is not None:
        b = as_dict(baseline_kpis)
        parts.append(
            t(
                "kpi_equity_city_before",
                lang,
                rural=fmt_share(b.get("rural_coverage_share")),
                urban=fmt_share(b.get("urban_coverage_share")),
            )
        )
    return "".join(parts)
