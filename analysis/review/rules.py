"""The review's rules: why a point is adjusted or commended, and the standards checks.

Each rule reads one point's summary (a mapping from :func:`analysis.review.api.point_summary`)
and returns findings ``(code, params)``; the thresholds are the ``[review]`` and ``[rooms]``
standards. Which rule is an ASSUMPTION and why: ``standards.toml`` and ``docs/method.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from analysis.standards.load import Standards

Finding = tuple[str, dict[str, Any]]


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else math.nan


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def role_findings(
    s: Mapping[str, Any], std: Standards, city_rate: float, level: str = "city"
) -> list[Finding]:
    """Why a point's role is not evident (作用发挥不明显).

    ``level`` (province, city, county) names the whole area ``city_rate`` is taken over.
    """
    r = std.review
    out: list[Finding] = []
    collected, adopted, answered = s["collected"], s["adopted"], s["answered"]
    if s["point_layer"] == "contact_points":
        if s["silent"]:
            out.append(("silent", {"quarters": r.silent_quarters}))
        rate = _share(adopted, collected)
        if (
            collected >= r.min_opinions_for_rate
            and _known(city_rate)
            and rate < r.adoption_ratio_below * city_rate
        ):
            out.append(("low_adoption", {"rate": rate, "city": city_rate, "level": level}))
    if collected > 0 and _share(answered, collected) < r.feedback_share_below:
        share = _share(answered, collected)
        out.append(("no_feedback", {"collected": collected, "answered": answered, "share": share}))
    if s["point_layer"] == "homes":
        total, study, gov = s["year_activities"], s["year_study"], s["year_governance"]
        if total == 0:
            out.append(("inactive", {}))
        else:
            if s["reception_quarters"] < 4:
                out.append(
                    (
                        "reception_missing",
                        {
                            "quarters": s["reception_quarters"],
                            "per_quarter": r.home_reception_per_quarter,
                        },
                    )
                )
            if _share(study, total) > r.home_study_share_above:
                out.append(
                    ("study_heavy", {"total": total, "study": study, "share": _share(study, total)})
                )
            if _share(gov, total) < r.home_governance_share_below:
                out.append(("governance_low", {"governance": gov, "share": _share(gov, total)}))
    return out


def standard_checks(s: Mapping[str, Any], std: Standards) -> list[dict[str, Any]]:
    """The standards checks of one point: ``check``, ``value``, ``required``, ``ok``.

    ``ok`` is None when the value is unknown (no record and nothing in the layer).
    """
    r = std.review
    rows: list[tuple[str, float, float]] = []
    if s["point_layer"] == "contact_points":
        rows += [
            ("room", s["area_m2"], std.contact_point_min_area_m2),
            ("staff", s["staff"], std.contact_point_min_staff),
        ]
    else:
        rows += [
            ("room", s["area_m2"], std.home_min_area_m2),
            ("administrators", s["staff"], std.home_min_administrators),
            ("volunteers", s["volunteers"], std.home_min_volunteers),
            ("study_months", s["study_months"], 12.0),
            ("reception_quarters", s["reception_quarters"], 4.0),
        ]
    if s["collected"] > 0:
        rows.append(("feedback", _share(s["answered"], s["collected"]), r.feedback_share_below))
    out = []
    for check, value, required in rows:
        known = _known(value)
        out.append(
            {
                "check": check,
                "value": float(value) if known else math.nan,
                "required": float(required),
                "ok": (float(value) >= float(required)) if known else None,
            }
        )
    return out


_STANDARD_CODES = {
    ("contact_points", "room"): "room_small",
    ("contact_points", "staff"): "staff_short",
    ("homes", "room"): "room_small",
    ("homes", "administrators"): "admin_short",
    ("homes", "volunteers"): "volunteers_short",
    ("homes", "study_months"): "study_monthly_short",
}


def standard_findings(
    s: Mapping[str, Any], checks: list[dict[str, Any]], std: Standards
) -> list[Finding]:
    """The failed room, staff and monthly-study checks, as findings."""
    out: list[Finding] = []
    for c in checks:
        code = _STANDARD_CODES.get((str(s["point_layer"]), str(c["check"])))
        if code is None or c["ok"] is not False:
            continue
        value, minimum = c["value"], c["required"]
        params: dict[str, Any] = {"minimum": minimum}
        if code == "room_small":
            params["area"] = value
        elif code in ("staff_short", "admin_short"):
            params["staff"] = value
        elif code == "volunteers_short":
            params.update(volunteers=value, maximum=float(std.home_max_volunteers))
        else:
            params.update(months=int(value), per_month=std.review.home_study_per_month)
        out.append((code, params))
    return out


def commend_findings(
    s: Mapping[str, Any], std: Standards, city_rate: float, level: str = "city"
) -> list[Finding]:
    """Why a point is commended; empty when it is not."""
    r = std.review
    if s["point_layer"] == "contact_points":
        collected, adopted = s["collected"], s["adopted"]
        rate = _share(adopted, collected)
        feedback = _share(s["answered"], collected)
        if not (
            collected >= r.commend_min_opinions
            and _known(city_rate)
            and rate >= r.commend_adoption_ratio_above * city_rate
            and s["active_quarters"] >= r.commend_active_quarters
            and feedback >= r.commend_feedback_share
        ):
            return []
        return [
            (
                "top_adoption",
                {
                    "rate": rate,
                    "city": city_rate,
                    "collected": collected,
                    "adopted": adopted,
                    "level": level,
                },
            ),
            ("regular", {"quarters": r.commend_active_quarters}),
            ("full_feedback", {"share": feedback}),
        ]
    total = s["year_activities"]
    gov_share = _share(s["year_governance"], total)
    if total >= r.commend_home_min_activities and gov_share >= r.commend_home_governance_share:
        return [("active_home", {"total": total}), ("governance_share", {"share": gov_share})]
    return []
