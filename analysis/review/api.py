"""The performance review of a city's points: :func:`review_points` -> :class:`ReviewResult`.

Pure computation on the validated city and records (``geodata.records``): ranking and
trends per point and per county, the standards checked, the commendation list and the
adjustment list with the reason for each point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.review.reasons import REASON_KIND, reason_text
from analysis.review.rules import (
    Finding,
    commend_findings,
    role_findings,
    standard_checks,
    standard_findings,
)
from analysis.review.tables import (
    ACTIVITY_COLUMNS,
    earliest_quarter,
    full_quarters,
    latest_quarter,
    latest_resources,
    points_frame,
    quarterly,
    review_points_frame,
    window_quarters,
)
from analysis.standards.load import Standards, load_standards
from geodata.admin.codes import frame_area_level
from geodata.city import CityData

#: Columns of :attr:`ReviewResult.findings`.
FINDING_COLUMNS = ("point_id", "point_layer", "name", "county", "code", "kind", "params", "text")


@dataclass(frozen=True, eq=False)
class ReviewResult:
    """What the review found.

    Parameters
    ----------
    ranking
        One row per point: totals over the window (``collected``, ``adopted``, ``answered``,
        ``drafts``, ``adoption_rate``, ``feedback_share``), last year's activities
        (``year_*``), ``rank`` within its layer, ``verdict`` (commend, adjust, ok,
        no_records) and ``reasons`` (Chinese, "；"-joined).
    quarters
        One row per point and quarter of the window (the trend), zeros where nothing was
        recorded.
    counties
        Per county: points, homes, opinions, adoption rate, feedback share, activities,
        commended and to-adjust counts.
    standards
        One row per point and check: ``check``, ``value``, ``required``, ``ok`` (None when
        unknown).
    findings
        One row per point and finding: ``code``, ``kind`` (role, standard, commend),
        ``params`` (dict) and ``text`` (Chinese).
    city_adoption_rate
        Adopted / collected over every contact point in the window.
    window
        The quarters reviewed, oldest first (empty without records).
    area_level
        What the whole area is (``"province"``, ``"city"``, ``"county"``,
        :func:`geodata.admin.codes.area_level`): the adoption rate is 全省, 全市 or 全县.
    """

    ranking: pd.DataFrame
    quarters: pd.DataFrame
    counties: pd.DataFrame
    standards: pd.DataFrame
    findings: pd.DataFrame
    city_adoption_rate: float
    window: tuple[str, ...]
    area_level: str = "city"

    @property
    def commend(self) -> pd.DataFrame:
        """The commendation list (表彰名单), with reasons."""
        return _listed(self.ranking, "commend")

    @property
    def adjust(self) -> pd.DataFrame:
        """The adjustment list (调整名单), role reasons first, with reasons."""
        out = _listed(self.ranking, "adjust")
        return out.sort_values(
            ["role_reasons", "point_layer", "rank"], ascending=[False, True, True], kind="stable"
        ).reset_index(drop=True)

    @property
    def has_records(self) -> bool:
        """True when any record was reviewed."""
        return bool(self.window)


def _listed(ranking: pd.DataFrame, verdict: str) -> pd.DataFrame:
    cols = ["point_id", "point_layer", "name", "county", "type", "rank", "role_reasons", "reasons"]
    return ranking.loc[ranking["verdict"] == verdict, cols].reset_index(drop=True)


def point_summary(
    point: dict[str, Any], q: pd.DataFrame, window: tuple[str, ...], std: Standards
) -> dict[str, Any]:
    """Totals of one point over the window and last year (``q``: its quarters, in order)."""
    r = std.review
    year = q[q["quarter"].isin(window[-4:])]
    collected = q["opinions_collected"].to_numpy()
    out = dict(point)
    out.update(
        collected=int(collected.sum()),
        adopted=int(q["opinions_adopted"].sum()),
        answered=int(q["opinions_answered"].sum()),
        drafts=int(q["drafts_consulted"].sum()),
        silent=bool(len(collected) >= r.silent_quarters)
        and int(collected[-r.silent_quarters :].sum()) == 0,
        active_quarters=int((collected[-r.commend_active_quarters :] > 0).sum()),
        study_months=int(year["study_months"].sum()),
        reception_quarters=int(
            (year["activities_reception"] >= r.home_reception_per_quarter).sum()
        ),
        year_activities=int(year[list(ACTIVITY_COLUMNS)].to_numpy().sum()),
    )
    for col in ACTIVITY_COLUMNS:
        out[f"year_{col.removeprefix('activities_')}"] = int(year[col].sum())
    return out


def review_points(
    city: CityData | pd.DataFrame,
    records: pd.DataFrame,
    standards: Standards | None = None,
    *,
    homes: pd.DataFrame | None = None,
    area_level: str | None = None,
) -> ReviewResult:
    """Review every contact point and representative home of ``city`` on ``records``.

    Parameters
    ----------
    city
        The validated city (its contact points and homes), or a contact point layer alone
        (with ``homes``: no townships are needed).
    records
        Validated records (:func:`geodata.records.read.read_records`); rows naming points
        not in ``city`` are ignored.
    standards
        Planning standards (``[rooms]`` and ``[review]``); default ``standards.toml``.
    homes
        The home layer, when ``city`` is a contact point layer.
    area_level
        What the whole area is; default: from the townships' county codes and names
        (:func:`geodata.admin.codes.frame_area_level`), or the points' alone.
    """
    std = standards or load_standards()
    r = std.review
    whole = isinstance(city, CityData)
    points = review_points_frame(city) if whole else points_frame(city, homes)  # type: ignore[arg-type]
    records = records[records["point_id"].isin(points["point_id"])]
    latest = latest_quarter(records)
    first = earliest_quarter(records)
    window = window_quarters(latest, r.window_quarters, first) if latest is not None else ()
    quarters = full_quarters(quarterly(records, r.home_study_per_month), points, window)
    quarters = quarters[quarters["quarter"].isin(window)].reset_index(drop=True)
    resources = latest_resources(records, points)
    with_records = set(records["point_id"])
    by_point = {pid: grp for pid, grp in quarters.groupby("point_id", sort=False)}
    empty_q = quarters.iloc[0:0]
    summaries = []
    for record in points.to_dict("records"):
        point = {str(k): v for k, v in record.items()}
        pid = point["point_id"]
        point.update(resources.loc[pid].to_dict())
        summaries.append(point_summary(point, by_point.get(pid, empty_q), window, std))
    cps = [s for s in summaries if s["point_layer"] == "contact_points"]
    total = sum(s["collected"] for s in cps)
    city_rate = sum(s["adopted"] for s in cps) / total if total else math.nan
    if area_level is None:
        area_level = frame_area_level(city.townships if isinstance(city, CityData) else city)
    level = area_level
    rows, findings, checks = _judge(summaries, with_records, std, city_rate, level)
    ranking = _ranked(pd.DataFrame(rows))
    return ReviewResult(
        ranking=ranking,
        quarters=quarters,
        counties=_counties(ranking),
        standards=pd.DataFrame(checks),
        findings=pd.DataFrame(findings, columns=list(FINDING_COLUMNS)),
        city_adoption_rate=city_rate,
        window=window,
        area_level=level,
    )


def _judge(
    summaries: list[dict[str, Any]],
    with_records: set[str],
    std: Standards,
    city_rate: float,
    level: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rows, findings, checks = [], [], []
    ident = ("point_id", "point_layer", "name", "county")
    for s in summaries:
        point_checks = standard_checks(s, std)
        checks += [{**{k: s[k] for k in ident}, **c} for c in point_checks]
        found: list[Finding] = []
        verdict = "no_records"
        if s["point_id"] in with_records:
            found = role_findings(s, std, city_rate, level)
            found += standard_findings(s, point_checks, std)
            role = [f for f in found if REASON_KIND[f[0]] == "role"]
            adjust = bool(role) or (bool(found) and std.review.standards_on_adjustment_list)
            praise = [] if found else commend_findings(s, std, city_rate, level)
            verdict = "adjust" if adjust else "commend" if praise else "ok"
            found = found if found else praise
        for code, params in found:
            findings.append(
                {**{k: s[k] for k in ident}, "code": code, "kind": REASON_KIND[code]}
                | {"params": params, "text": reason_text(code, params)}
            )
        rows.append(
            {
                **s,
                "adoption_rate": s["adopted"] / s["collected"] if s["collected"] else math.nan,
                "feedback_share": s["answered"] / s["collected"] if s["collected"] else math.nan,
                "verdict": verdict,
                "role_reasons": sum(REASON_KIND[c] == "role" for c, _ in found),
                "reasons": "；".join(reason_text(c, p) for c, p in found),
            }
        )
    return rows, findings, checks


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank within each layer: points by adopted, rate, collected, feedback; homes by
    activities last year, governance, reception (ASSUMPTION, docs/method.md)."""
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype=np.int64))
    parts = []
    keys = {
        "contact_points": ["adopted", "adoption_rate", "collected", "feedback_share"],
        "homes": ["year_activities", "year_governance", "year_reception", "year_study"],
    }
    for layer, cols in keys.items():
        part = frame[frame["point_layer"] == layer]
        part = part.assign(_nr=part["verdict"] == "no_records").sort_values(
            ["_nr", *cols, "point_id"],
            ascending=[True, *([False] * len(cols)), True],
            na_position="last",
            kind="stable",
        )
        parts.append(part.drop(columns="_nr").assign(rank=np.arange(1, len(part) + 1)))
    return pd.concat(parts, ignore_index=True)


def _counties(ranking: pd.DataFrame) -> pd.DataFrame:
    if ranking.empty:
        return pd.DataFrame()
    frame = ranking.assign(
        is_point=ranking["point_layer"] == "contact_points",
        is_home=ranking["point_layer"] == "homes",
        commended=ranking["verdict"] == "commend",
        to_adjust=ranking["verdict"] == "adjust",
    )
    out = frame.groupby("county", as_index=False, sort=True).agg(
        contact_points=("is_point", "sum"),
        homes=("is_home", "sum"),
        collected=("collected", "sum"),
        adopted=("adopted", "sum"),
        answered=("answered", "sum"),
        activities=("year_activities", "sum"),
        commended=("commended", "sum"),
        to_adjust=("to_adjust", "sum"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["adoption_rate"] = np.where(
            out["collected"] > 0, out["adopted"] / out["collected"], np.nan
        )
        out["feedback_share"] = np.where(
            out["collected"] > 0, out["answered"] / out["collected"], np.nan
        )
    return out
