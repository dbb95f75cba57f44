"""What a plan says in words: county compliance, the reach used, site warnings, rooms to set up.

One wording for the meeting brief and the Excel workbook, computed from the figures of the
plan (the county table of its coverage, the site-rule check, the room check), so a plan
that breaks a rule says so in both, in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.export.labels import TYPE_ZH
from analysis.export.model import ExportBundle

#: The basis of "covered" as printed (a later version adds "道路通行时间", travel time by road).
REACH_BASIS_ZH = "直线服务半径"
#: The basis under road reach, and how people travel.
ROAD_BASIS_ZH = "道路通行时间（路网最短时间，含步行至道路）"
TRAVEL_ZH = {"walk": "步行", "drive": "驾车"}
COMPLIANT_ZH = "合规"
NOT_COMPLIANT_ZH = "不合规"
#: What the two newly-covered figures of a new point mean (see :mod:`analysis.coverage.impact`).
IMPACT_NOTE_ZH = (
    "“新增覆盖人口（按顺序）”按各新点位贡献从大到小依次计入，每人只计一次，"
    "合计等于方案新增覆盖人口；“单独新增覆盖人口”是假如只新建该点位时新增的覆盖人口，"
    "相邻点位之间会重复计入。"
)
#: Types whose county minimum is checked, in the order they are named.
MINIMUM_TYPES: tuple[str, ...] = ("rural", "enterprise")


def coords_text(coords: str) -> str:
    """The coordinate system of the files, in words."""
    return "GCJ-02（火星坐标）" if coords == "gcj02" else "WGS84（CGCS2000）"


@dataclass(frozen=True)
class Compliance:
    """The plan against the county rule ("every county at least N rural, M enterprise").

    Parameters
    ----------
    compliant
        Every county meets its minimums; ``None`` when there is no county table.
    verdict
        :data:`COMPLIANT_ZH`, :data:`NOT_COMPLIANT_ZH` or ``""`` (no county table).
    text
        One sentence, e.g. "不合规：8个县区中有1个未达到……要求：黄川县缺农村联系点2个。"
    shortfalls
        County -> what it lacks, e.g. ``{"黄川县": "缺农村联系点2个"}`` (short counties only).
    """

    compliant: bool | None
    verdict: str
    text: str
    shortfalls: dict[str, str] = field(default_factory=dict)


def rule_text(minimums: Mapping[str, int]) -> str:
    """The county rule in words, e.g. "每个县区至少2个农村联系点、1个企业联系点"."""
    parts = [
        f"{int(minimums[t])}个{TYPE_ZH.get(t, t)}联系点"
        for t in MINIMUM_TYPES
        if int(minimums.get(t, 0)) > 0
    ]
    return f"每个县区至少{'、'.join(parts)}" if parts else "县区最低配置"


def missing_points(record: Mapping[Any, Any], minimums: Mapping[str, int]) -> dict[str, int]:
    """Points of each type a county lacks (from ``<type>_points_missing``, else the minimum)."""
    out = {}
    for t in MINIMUM_TYPES:
        value = record.get(f"{t}_points_missing")
        if value is None or pd.isna(value):
            meets = record.get(f"meets_{t}_minimum")
            have = record.get(f"points_{t}")
            need = int(minimums.get(t, 0))
            if meets is None or bool(meets) or have is None or pd.isna(have):
                continue
            value = max(need - int(have), 0)
        if int(value) > 0:
            out[t] = int(value)
    return out


def shortfall_text(missing: Mapping[str, int]) -> str:
    """E.g. "缺农村联系点1个、企业联系点1个" ("" when nothing is missing)."""
    if not missing:
        return ""
    return "缺" + "、".join(f"{TYPE_ZH.get(t, t)}联系点{n}个" for t, n in missing.items())


def compliance(counties: pd.DataFrame, minimums: Mapping[str, int]) -> Compliance:
    """Say whether the plan meets the county rule and which county lacks what.

    Parameters
    ----------
    counties
        ``CoverageResult.counties`` of the plan (``county``, ``compliant``,
        ``rural_points_missing``, ``enterprise_points_missing``, ...).
    minimums
        ``{"rural": 2, "enterprise": 1}`` (the standards' county minimums), for the wording.
    """
    if counties.empty or "county" not in counties.columns or "compliant" not in counties:
        return Compliance(None, "", "")
    rule = f"“{rule_text(minimums)}”"
    shortfalls: dict[str, str] = {}
    for rec in counties.to_dict("records"):
        if bool(rec["compliant"]):
            continue
        text = shortfall_text(missing_points(rec, minimums)) or "未达到最低配置"
        shortfalls[str(rec["county"])] = text
    total = len(counties)
    exempt = _exempt_note(counties)
    if not shortfalls:
        who = str(counties["county"].iloc[0]) if total == 1 else f"全部{total}个县区均"
        text = f"{COMPLIANT_ZH}：{who}达到{rule}的要求{exempt}。"
        return Compliance(True, COMPLIANT_ZH, text, {})
    short = "；".join(f"{county}{what}" for county, what in shortfalls.items())
    text = (
        f"{NOT_COMPLIANT_ZH}：{total}个县区中有{len(shortfalls)}个未达到{rule}的要求"
        f"{exempt}——{short}。"
        if total > 1
        else f"{NOT_COMPLIANT_ZH}：{short}，未达到{rule}的要求{exempt}。"
    )
    return Compliance(False, NOT_COMPLIANT_ZH, text, shortfalls)


def _exempt_note(counties: pd.DataFrame) -> str:
    if "exempt_from_rural_minimum" not in counties.columns:
        return ""
    names = counties.loc[counties["exempt_from_rural_minimum"].astype(bool), "county"]
    if names.empty:
        return ""
    return f"（{'、'.join(str(n) for n in names)}无农村人口，按规定不计农村联系点下限）"


def distance_text(metres: float) -> str:
    """3000 -> "3公里", 2500 -> "2.5公里", 800 -> "800米"."""
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g}公里" if round(km, 1) == km else f"{km:.1f}公里"
    return f"{metres:.0f}米"


def reach_text(
    reach_m: Mapping[str, float],
    site_radius_m: float | None = None,
    reach: Mapping[str, Any] | None = None,
) -> str:
    """Which reach the coverage used, e.g. "覆盖范围按直线服务半径计算：农村联系点10公里……"
    or, under road reach, "覆盖范围按道路通行时间计算：农村联系点驾车20分钟……"."""
    if reach and reach.get("reach_mode") == "road":
        return _road_reach_text(reach_m, reach)
    if not reach_m:
        return ""
    parts = "、".join(f"{TYPE_ZH.get(t, t)}联系点{distance_text(r)}" for t, r in reach_m.items())
    text = f"覆盖范围按{REACH_BASIS_ZH}计算：{parts}"
    if site_radius_m:
        text += f"；网络覆盖另计立法信息采集点{distance_text(site_radius_m)}"
    return text + "。"


def _road_reach_text(types: Mapping[str, float], reach: Mapping[str, Any]) -> str:
    minutes = reach.get("reach_minutes_by_type", {})
    travel = reach.get("travel_mode_by_type", {})
    shown = list(types) or list(minutes)
    parts = "、".join(
        f"{TYPE_ZH.get(t, t)}联系点{TRAVEL_ZH.get(travel.get(t, ''), '')}{minutes[t]:g}分钟"
        for t in shown
        if t in minutes
    )
    text = f"覆盖范围按{ROAD_BASIS_ZH}计算：{parts}"
    site = reach.get("collection_site_reach_minutes")
    if site:
        text += f"；网络覆盖另计立法信息采集点{site:g}分钟"
    return text + "。"


#: Columns of :func:`placement_rows` (Excel sheet and brief table).
PLACEMENT_COLUMNS: tuple[str, ...] = ("编号", "名称", "选址问题", "所在位置")


def placement_rows(warnings: pd.DataFrame) -> list[list[str]]:
    """Rows ``[id, name, problem, place]`` of the site-rule warnings.

    ``warnings`` is :func:`analysis.standards.site_rules.placement_warnings`'s table; the place is
    county, township and village, e.g. "崆源区东关街道田峡社区".
    """
    rows = []
    for rec in warnings.to_dict("records"):
        place = "".join(str(rec.get(k) or "") for k in ("county", "township_name", "village_name"))
        rows.append(
            [str(rec.get("id", "")), str(rec.get("name", "")), str(rec["message_zh"]), place]
        )
    return rows


def placement_lines(warnings: pd.DataFrame) -> list[str]:
    """One line per warning, e.g. "NEW-01 农村联系点位于街道社区（崆源区东关街道田峡社区）"."""
    return [
        f"{pid} {problem}（{place}）" if place else f"{pid} {problem}"
        for pid, _name, problem, place in placement_rows(warnings)
    ]


def placement_summary(warnings: pd.DataFrame, see: str = "（见“选址提示”表）") -> str:
    """One sentence on the site rules (how many points stand where their type should not)."""
    if warnings.empty:
        return "全部联系点的选址符合其类型的选址规则。"
    return f"有{len(warnings)}个联系点的选址不符合其类型的选址规则{see}。"


def pending_rooms(bundle: ExportBundle) -> int:
    """Contact points of the plan whose room is "待建" (``room_status == "pending"``)."""
    points = bundle.layers.get("contact_points")
    if points is None or "room_status" not in points.columns:
        return 0
    return int((points["room_status"] == "pending").sum())


def room_pending_text(pending: int) -> str:
    """E.g. "16个拟新增（迁移）联系点场所待建……" ("" when none)."""
    if pending <= 0:
        return ""
    return (
        f"{pending}个拟新增（迁移）联系点的场所待建（面积、专职人员尚未落实），"
        "不计入场所面积不达标的联系点数。"
    )


def one_county_sentence(counties: pd.DataFrame, ok_before: int | None, rule: str) -> str:
    """The brief's sentence on the county rule for a dataset of one county.

    ``ok_before``: whether it met the rule before the plan (``None``: no change to tell).
    """
    name = str(counties["county"].iloc[0]) if "county" in counties else "本县"
    ok = bool(counties["compliant"].astype(bool).iloc[0])
    now = "达到" if ok else "未达到"
    if ok_before is None or bool(ok_before) == ok:
        return f"{name}{'调整后' if ok_before is not None else ''}{now}{rule}要求。"
    return f"{name}由{'达到' if ok_before else '未达到'}{rule}要求变为{now}。"
