"""Each finding of the review, said in Chinese (files, brief, command line).

The dashboard says the same through its own i18n keys ``review_reason_<code>`` (Chinese and
English); the codes and parameters are the contract between both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from geodata.admin.codes import area_name_zh

#: "role": the point's work (作用发挥); "standard": room, staff, activity minimums;
#: "commend": why it is commended.
ReasonKind = Literal["role", "standard", "commend"]

REASON_ZH: dict[str, str] = {
    "silent": "连续{quarters}个季度未收集到立法意见",
    "low_adoption": "意见采纳率{rate:.0%}，远低于{whole}{city:.0%}",
    "no_feedback": "收集意见{collected}条，仅反馈{answered}条（{share:.0%}）",
    "room_small": "场所面积{area:g}平方米，低于{minimum:g}平方米",
    "staff_short": "专职联络员{staff:g}名，应不少于{minimum:g}名",
    "admin_short": "管理员{staff:g}名，应不少于{minimum:g}名",
    "volunteers_short": "志愿者{volunteers:g}名，应为{minimum:g}-{maximum:g}名",
    "study_monthly_short": "近一年有{months}个月开展集中学习，应每月至少{per_month}次",
    "reception_missing": "近一年有{quarters}个季度组织代表接待日，应每季度至少{per_quarter}次",
    "study_heavy": "近一年{total}次活动中学习类{study}次（{share:.0%}），以学习为主",
    "governance_low": "参与基层治理（议事、调解）的活动仅{governance}次（{share:.0%}）",
    "inactive": "近一年未开展活动",
    "top_adoption": (
        "意见采纳率{rate:.0%}，不低于{whole}{city:.0%}（收集{collected}条、采纳{adopted}条）"
    ),
    "regular": "近{quarters}个季度每季度均有意见收集",
    "full_feedback": "意见反馈率{share:.0%}",
    "active_home": "近一年开展活动{total}次",
    "governance_share": "基层治理活动占{share:.0%}",
}
#: Kind of each reason code.
REASON_KIND: dict[str, ReasonKind] = {
    **dict.fromkeys(
        ("silent", "low_adoption", "no_feedback", "reception_missing", "study_heavy"), "role"
    ),
    **dict.fromkeys(("governance_low", "inactive"), "role"),
    **dict.fromkeys(
        ("room_small", "staff_short", "admin_short", "volunteers_short", "study_monthly_short"),
        "standard",
    ),
    **dict.fromkeys(
        ("top_adoption", "regular", "full_feedback", "active_home", "governance_share"), "commend"
    ),
}
#: Names of the standards checks (the standards table's ``check`` column).
CHECK_ZH: dict[str, str] = {
    "room": "场所面积（平方米）",
    "staff": "专职联络员（名）",
    "administrators": "管理员（名）",
    "volunteers": "志愿者（名）",
    "study_months": "每月集中学习（近一年达标月数）",
    "reception_quarters": "每季度代表接待日（近一年达标季度数）",
    "feedback": "意见反馈率",
}
VERDICT_ZH: dict[str, str] = {
    "commend": "表彰",
    "adjust": "调整",
    "ok": "正常",
    "no_records": "无记录",
}
LAYER_ZH: dict[str, str] = {"contact_points": "基层立法联系点", "homes": "代表之家"}


def reason_text(code: str, params: Mapping[str, Any]) -> str:
    """The Chinese sentence of one finding (the code itself when unknown).

    ``{whole}`` (the adoption findings) is the area the rate is compared with, named by
    the finding's ``level`` parameter (全省 / 全市 / 全县; 全市 without it).
    """
    template = REASON_ZH.get(code)
    if template is None:
        return code
    try:
        return template.format(**params, whole=area_name_zh(str(params.get("level", ""))))
    except (KeyError, ValueError):  # a finding without its figures: say what it is
        return template.split("{")[0] or code
