"""The brief's section on the performance review (七、运行评估), when records exist.

A paragraph (window, adoption rate of the whole area (全省/全市/全县), how many points are
commended and to adjust), one line summing up the standards check, and the two lists with
each point's reasons. Both renderers print these strings
(:mod:`analysis.export.brief_docx`, :mod:`brief_pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.review.api import ReviewResult
from analysis.review.reasons import CHECK_ZH
from geodata.admin.codes import area_name_zh

REVIEW_HEADING = "七、运行评估"
REVIEW_COLUMNS: tuple[str, ...] = ("编号", "名称", "县区", "理由")
#: Most rows printed per list (the files hold all of them).
MAX_ROWS = 15


@dataclass(frozen=True)
class ReviewBrief:
    """Strings of the review section."""

    summary: str
    standards: str
    commend_rows: list[list[str]] = field(default_factory=list)
    adjust_rows: list[list[str]] = field(default_factory=list)
    more_note: str = ""


def _rows(frame: object) -> list[list[str]]:
    return [
        [str(r["point_id"]), str(r["name"]), str(r["county"] or "—"), str(r["reasons"])]
        for r in frame.to_dict("records")  # type: ignore[attr-defined]
    ]


def review_brief(result: ReviewResult | None) -> ReviewBrief | None:
    """The section's strings, or None without records."""
    if result is None or not result.has_records:
        return None
    commend, adjust = result.commend, result.adjust
    ranking = result.ranking
    n_points = int((ranking["point_layer"] == "contact_points").sum())
    n_homes = int((ranking["point_layer"] == "homes").sum())
    rate = result.city_adoption_rate
    rate_text = f"{rate:.1%}" if rate == rate else "—"
    summary = (
        f"按{result.window[0]}至{result.window[-1]}的运行记录，对{n_points}个基层立法联系点和"
        f"{n_homes}个代表之家进行评估：{area_name_zh(result.area_level)}意见采纳率{rate_text}；建议表彰{len(commend)}个，"
        f"作用发挥不明显或未达建设标准、需调整{len(adjust)}个（理由见下表）。"
    )
    std = result.standards
    parts = []
    if len(std):
        failed = std[std["ok"].map(lambda v: v is False)]
        for check, group in failed.groupby("check", sort=False):
            parts.append(
                f"{CHECK_ZH.get(str(check), str(check))}未达标{group['point_id'].nunique()}个"
            )
    standards = "建设标准检查：" + "，".join(parts) + "。" if parts else "建设标准检查：全部达标。"
    more = ""
    if len(commend) > MAX_ROWS or len(adjust) > MAX_ROWS:
        more = f"名单较长，仅列前{MAX_ROWS}个，完整名单见运行评估表格。"
    return ReviewBrief(
        summary=summary,
        standards=standards,
        commend_rows=_rows(commend.head(MAX_ROWS)),
        adjust_rows=_rows(adjust.head(MAX_ROWS)),
        more_note=more,
    )
