"""KPI cards of the 指标 page: current figures with deltas against a baseline.

The baseline is the loaded dataset's own KPIs; a saved scenario chosen on the page (or the
simulation page's working scenario) is passed as ``current`` and compared against it.
Everything here formats numbers the analysis computed (``analysis.coverage.kpis.KPIs``) and the
rules it checked (flags, counts against totals); nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from dashboard.i18n import Lang, current_lang, fmt_int, fmt_pop, fmt_share, point_type_label, t

DeltaColor = Literal["normal", "inverse", "off"]
#: A rule-based card's verdict: the rule holds (``"good"``) or is broken (``"bad"``).
CardStatus = Literal["good", "bad"]


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
    status
        For cards that check a rule of the standards (blind spots, the 3-5 rule, the county
        minimums, the equity flag): ``"good"`` or ``"bad"``, drawn green or red; ``None``
        for plain figures.
    """

    key: str
    label: str
    value: str
    detail: str
    delta: str | None
    delta_color: DeltaColor
    status: CardStatus | None = None


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
    status: CardStatus | None = None,
) -> KpiCard:
    text, changed = delta
    color: DeltaColor = ("normal" if good_up else "inverse") if changed else "off"
    return KpiCard(key, t(label_key, lang), value, detail, text, color, status)


def _rule(ok: bool | None) -> CardStatus | None:
    return None if ok is None else ("good" if ok else "bad")


def with_before(
    cards: list[KpiCard], before: list[KpiCard], lang: Lang | None = None
) -> list[KpiCard]:
    """Return ``cards`` with "现状 X → Y" (baseline value, then this one) atop each detail.

    ``before`` are the same cards computed for the baseline (matched by ``key``); cards
    without a baseline twin are returned unchanged.
    """
    lang = lang or current_lang()
    base = {c.key: c for c in before}
    out = []
    for card in cards:
        twin = base.get(card.key)
        if twin is None:
            out.append(card)
            continue
        line = t("kpi_before_after", lang, before=twin.value, after=card.value)
        detail = f"{line}  \n{card.detail}" if card.detail else line
        out.append(replace(card, detail=detail))
    return out


def kpi_cards(
    current: Any, baseline: Any = None, lang: Lang | None = None, *, of_total: bool = False
) -> list[KpiCard]:
    """Return the headline cards of ``current`` with deltas against ``baseline``.

    Parameters
    ----------
    current
        ``analysis.coverage.kpis.KPIs`` (or its ``to_dict()``) of the network shown.
    baseline
        KPIs to compare against (the loaded dataset's own); ``None`` for no deltas.
    lang
        Language; the session's when omitted.
    of_total
        Show the compliant counties and the points meeting the 3-5 rule as ``5 / 8``
        (the 指标 page) rather than ``5`` with the total in the detail.

    Returns
    -------
    list[KpiCard]
        Two rows of five: coverage, rural and urban coverage, blind-spot townships, the
        urban-rural equity index; contact points, the 3-5 rule, compliant counties,
        opinions collected and adoption rate. The blind spots, the 3-5 rule, the compliant
        counties and the equity index check a rule and carry a ``status``; fewer blind
        spots is the better direction (``delta_color="inverse"``).
    """
    lang = lang or current_lang()
    cur, base = as_dict(current), as_dict(baseline)
    g = cur.get
    n_points = int(g("contact_points_total") or 0)
    n_counties = int(g("counties_total") or 0)
    equity = g("equity_index")
    return [
        _card(
            "coverage_share",
            "kpi_coverage_share",
            fmt_share(g("coverage_share")),
            _people(g("population_covered"), g("population_total"), lang),
            _delta_share(cur, base, "coverage_share", lang),
            True,
            lang,
        ),
        _card(
            "rural_coverage_share",
            "kpi_rural_coverage_share",
            fmt_share(g("rural_coverage_share")),
            _people(g("rural_population_covered"), g("rural_population_total"), lang),
            _delta_share(cur, base, "rural_coverage_share", lang),
            True,
            lang,
        ),
        _card(
            "urban_coverage_share",
            "kpi_urban_coverage_share",
            fmt_share(g("urban_coverage_share")),
            _people(g("urban_population_covered"), g("urban_population_total"), lang),
            _delta_share(cur, base, "urban_coverage_share", lang),
            True,
            lang,
        ),
        _card(
            "townships_uncovered",
            "kpi_townships_uncovered",
            fmt_int(g("townships_uncovered")),
            t("kpi_of_townships", lang, total=fmt_int(g("townships_total"))),
            _delta_count(cur, base, "townships_uncovered", lang),
            False,
            lang,
            _rule(int(g("townships_uncovered") or 0) == 0),
        ),
        _card(
            "equity_index",
            "kpi_equity_index",
            "—" if equity is None else f"{float(equity):.2f}",
            t(
                "kpi_equity_detail",
                lang,
                points=fmt_share(g("rural_point_share")),
                people=fmt_share(g("rural_population_share")),
            ),
            _delta_float(cur, base, "equity_index"),
            True,
            lang,
            # Red when the standards flag it; never green: a balanced share of points does
            # not mean rural people are covered as well as urban people (see the chart).
            "bad" if g("equity_flagged") else None,
        ),
        _card(
            "contact_points_total",
            "kpi_contact_points_total",
            fmt_int(n_points),
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
            _of(g("points_with_3_to_5_sites"), n_points, of_total),
            t(
                "kpi_below_above",
                lang,
                below=fmt_int(g("points_below_3_sites")),
                above=fmt_int(g("points_above_5_sites")),
            ),
            _delta_count(cur, base, "points_with_3_to_5_sites", lang),
            True,
            lang,
            _rule(int(g("points_with_3_to_5_sites") or 0) == n_points if n_points else None),
        ),
        _card(
            "counties_compliant",
            "kpi_counties_compliant",
            _of(g("counties_compliant"), n_counties, of_total),
            t(
                "kpi_counties_short" if of_total else "kpi_counties_of",
                lang,
                n=fmt_int(n_counties - int(g("counties_compliant") or 0)),
                total=fmt_int(n_counties),
            ),
            _delta_count(cur, base, "counties_compliant", lang),
            True,
            lang,
            _rule(int(g("counties_compliant") or 0) == n_counties if n_counties else None),
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


def _of(value: Any, total: int, of_total: bool) -> str:
    return f"{fmt_int(value)} / {fmt_int(total)}" if of_total else fmt_int(value)


def _people(covered: Any, total: Any, lang: Lang) -> str:
    return t("kpi_people_covered", lang, covered=fmt_pop(covered, lang), total=fmt_pop(total, lang))


def _delta_float(cur: dict[str, Any], base: dict[str, Any], key: str) -> tuple[str | None, bool]:
    if not base:
        return None, False
    now, before = cur.get(key), base.get(key)
    if now is None or before is None:
        return None, False
    diff = float(now) - float(before)
    if abs(diff) < 0.005:
        return "±0.00", False
    return f"{diff:+.2f}", True


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


#: KPIs where a lower value is the better one (fewer blind-spot townships).
LOWER_IS_BETTER: frozenset[str] = frozenset({"townships_uncovered", "uncovered_population"})
#: Delta colours of a better and a worse change (text, background), as on the cards.
DELTA_COLORS: dict[str, tuple[str, str]] = {
    "better": ("#1e7d32", "#e6f4ea"),
    "worse": ("#b3261e", "#fdecea"),
}


def delta_verdict(kpi: str, diff: Any) -> str | None:
    """Is a change of ``kpi`` by ``diff`` ``"better"``, ``"worse"`` or neither (``None``)?

    Up is better except for :data:`LOWER_IS_BETTER`; counts by point type
    (``contact_points_by_type.*``) describe the plan and are neither.
    """
    if diff is None or kpi.startswith("contact_points_by_type."):
        return None
    try:
        value = float(diff)
    except (TypeError, ValueError):
        return None
    if value != value or abs(value) < 1e-9:  # NaN or no change
        return None
    up = value > 0
    return "better" if up != (kpi in LOWER_IS_BETTER) else "worse"


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
