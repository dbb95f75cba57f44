"""The review's tables as the page shows them: translated headers, reasons and verdicts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import has_key, point_type_label, t


def reason(code: str, params: dict[str, Any]) -> str:
    """One finding in the interface language (``review_reason_<code>``)."""
    key = f"review_reason_{code}"
    if not has_key(key):
        return code
    try:
        return t(key, **params)
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


def _kinds(frame: pd.DataFrame) -> list[str]:
    return [
        kind_label(str(a), str(b)) for a, b in zip(frame["point_layer"], frame["type"], strict=True)
    ]


def list_frame(listed: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """A commendation or adjustment list: id, name, kind, county, reasons."""
    texts = reasons_by_point(findings)
    return pd.DataFrame(
        {
            t("review_col_id"): listed["point_id"],
            t("review_col_name"): listed["name"],
            t("review_col_kind"): _kinds(listed),
            t("col_county"): listed["county"],
            t("review_col_reasons"): [texts.get(str(i), "") for i in listed["point_id"]],
        }
    )


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
