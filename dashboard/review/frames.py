"""The review's tables as the page shows them: translated headers, reasons and verdicts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import has_key, point_type_label, t


def area_wide(level: object) -> str:
    """全省 / 全市 / 全县 (province-wide ...) for an area level (全市 when unknown)."""
    key = f"area_wide_{level}"
    return t(key if has_key(key) else "area_wide_city")


def reason(code: str, params: dict[str, Any]) -> str:
    """One finding in the interface language (``review_reason_<code>``)."""
    key = f"review_reason_{code}"
    if not has_key(key):
        return code
    try:
        return t(key, **params, whole=area_wide(params.get("level")))
    except (KeyError, ValueError):  # a finding without its figures
        return t(key).split("{")[0]


def reasons_by_point(findings: pd.DataFrame) -> dict[str, str]:
    """Point id -> its findings, translated and joined."""
    out: dict[str, list[str]] = {}
    for rec in findings.to_dict("records"):
        out.setdefault(str(rec["point_id"]), []).append(reason(str(rec["code"]), rec["params"]))
    return {k: t("review_reason_sep").join(v) for k, v in out.items()}


def kind_label(layer: str, point_type: str) -> str:
    """ "代表之家" or the contact point's type."""
    return t("review_kind_home") if layer == "homes" else point_type_label(point_type)


def ranking_frame(ranking: pd.DataFrame, layer: str) -> pd.DataFrame:
    """The ranking of one layer (contact points or homes)."""
    r = ranking[ranking["point_layer"] == layer]
    cols: dict[str, Any] = {
        t("review_col_rank"): r["rank"],
        t("review_col_id"): r["point_id"],
        t("review_col_name"): r["name"],
        t("col_county"): r["county"],
    }
    if layer == "contact_points":
        cols.update(
            {
                t("review_col_collected"): r["collected"],
                t("review_col_adopted"): r["adopted"],
                t("review_col_adoption_rate"): r["adoption_rate"],
                t("review_col_answered"): r["answered"],
                t("review_col_drafts"): r["drafts"],
            }
        )
    else:
        cols.update(
            {
                t("review_col_activities"): r["year_activities"],
                t("review_col_study"): r["year_study"],
                t("review_col_governance"): r["year_governance"],
                t("review_col_reception"): r["year_reception"],
            }
        )
    cols[t("review_col_verdict")] = [t(f"review_verdict_{v}") for v in r["verdict"]]
    return pd.DataFrame(cols)


def standards_frame(standards: pd.DataFrame, failed_only: bool) -> pd.DataFrame:
    """The standards checks (value, required, met)."""
    s = standards
    if failed_only and len(s):
        s = s[s["ok"].map(lambda v: v is False)]
    if s.empty:
        return pd.DataFrame(columns=[t("review_col_id"), t("review_col_name")])
    met = {True: t("yes"), False: t("no")}
    checks = list(s["check"])
    return pd.DataFrame(
        {
            t("review_col_id"): s["point_id"],
            t("review_col_name"): s["name"],
            t("col_county"): s["county"],
            t("review_col_check"): [t(f"review_check_{c}") for c in checks],
            t("review_col_value"): [_figure(c, v) for c, v in zip(checks, s["value"], strict=True)],
            t("review_col_required"): [
                _figure(c, v, ">=") for c, v in zip(checks, s["required"], strict=True)
            ],
            t("review_col_met"): [
                met[v] if isinstance(v, bool) else t("review_unknown") for v in s["ok"]
            ],
        }
    )


def _figure(check: str, value: float, prefix: str = "") -> str:
    if value != value:  # NaN: not known
        return t("review_unknown")
    text = f"{value:.0%}" if check == "feedback" else f"{value:g}"
    return f"≥ {text}" if prefix else text


def county_frame(counties: pd.DataFrame) -> pd.DataFrame:
    """The per-county summary."""
    c = counties
    if c.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            t("col_county"): c["county"],
            t("review_col_points"): c["contact_points"],
            t("review_col_homes"): c["homes"],
            t("review_col_collected"): c["collected"],
            t("review_col_adopted"): c["adopted"],
            t("review_col_adoption_rate"): c["adoption_rate"],
            t("review_col_feedback"): c["feedback_share"],
            t("review_col_activities"): c["activities"],
            t("review_col_commended"): c["commended"],
            t("review_col_to_adjust"): c["to_adjust"],
        }
    )


def below_standard(standards: pd.DataFrame, check: str) -> pd.DataFrame:
    """Contact points failing one check (``room`` or ``staff``): id, name, value."""
    s = standards
    if s.empty:
        return s
    hit = (s["point_layer"] == "contact_points") & (s["check"] == check)
    hit &= s["ok"].map(lambda v: v is False)
    return s.loc[hit, ["point_id", "name", "value"]].reset_index(drop=True)


#: Inline style of the list tables (reasons wrap: a leader reads them whole).
_LIST_CSS = (
    "<style>.cp-review-wrap{max-height:%dpx;overflow-y:auto;border:1px solid #e3e8ee;"
    "border-radius:6px}.cp-review{width:100%%;border-collapse:collapse;font-size:.92rem;"
    "line-height:1.4}.cp-review th,.cp-review td{padding:.35rem .5rem;border-bottom:1px solid "
    "#eef1f4;text-align:left;vertical-align:top}.cp-review thead th{position:sticky;top:0;"
    "background:#f7f9fb;color:#5f6b7a;font-weight:600;font-size:.85em}.cp-review td.id{"
    "white-space:nowrap;font-weight:600}.cp-review td.kind,.cp-review td.county{"
    "white-space:nowrap;color:#5f6b7a}</style>"
)


def list_html(listed: pd.DataFrame, findings: pd.DataFrame, max_height_px: int = 420) -> str:
    """A commendation or adjustment list as an HTML table whose reasons wrap (names escaped)."""
    from dashboard.safetext import html_text

    texts = reasons_by_point(findings)
    head = "".join(
        f"<th>{html_text(t(k))}</th>"
        for k in ("review_col_id", "review_col_name", "review_col_kind", "col_county")
    )
    rows = []
    for rec in listed.to_dict("records"):
        pid = str(rec["point_id"])
        rows.append(
            f"<tr><td class='id'>{html_text(pid)}</td><td>{html_text(rec['name'])}"
            f"<br><span style='color:#37474f'>{html_text(texts.get(pid, ''))}</span></td>"
            f"<td class='kind'>{html_text(kind_label(str(rec['point_layer']), str(rec['type'])))}"
            f"</td><td class='county'>{html_text(rec['county'])}</td></tr>"
        )
    return (
        _LIST_CSS % max_height_px
        + f"<div class='cp-review-wrap'><table class='cp-review'><thead><tr>{head}</tr></thead>"
        + f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
