"""The brief's 求解说明 and the overview's solve rows, in Chinese, from a plan's solve facts.

Written from :class:`analysis.plan.solvefacts.SolveFacts` (never from the description):
where the plan came from and when it was adopted, the solve's status and proven gap, time
and time limit, the counts asked for, the capacities and township minimum when used, the
hand edits since adoption (the status is then said of the plan as adopted, not of the
plan as it is), and each proposed point's reason (rule, gain, runner-up), as the plan
stores it.
"""

from __future__ import annotations

import math

import geopandas as gpd

from analysis.export.labels import TYPE_ZH
from analysis.export.model import SolveNote
from analysis.localtime import local_text
from analysis.optimise.scenario import OBJECTIVE_ZH, solve_note_zh
from analysis.plan.solvefacts import SolveFacts

#: Heading of the brief's section (under 一、总体情况) and label of the overview's rows.
SOLVE_HEADING_ZH = "求解说明"
#: Statuses as one word (the overview's 求解状态 row).
STATUS_WORD_ZH: dict[str, str] = {
    "optimal": "已证明最优",
    "time_limit": "达到时限，未证明最优",
    "cancelled": "已取消，未证明最优",
    "heuristic": "即时预览，未证明最优",
}
EDIT_ZH: dict[str, str] = {
    "add": "新增",
    "move": "迁移",
    "remove": "删除",
    "restore": "恢复",
    "update": "修改属性",
}
LAYER_ZH: dict[str, str] = {
    "contact_points": "联系点",
    "collection_sites": "采集点",
    "homes": "代表之家",
}


def solve_note(facts: SolveFacts | None, contact_points: gpd.GeoDataFrame) -> SolveNote:
    """The note of ``facts`` (empty for a plan not adopted from the optimiser).

    ``contact_points`` is the plan's layer: the reasons are read from its ``reason``
    column, for the points the plan added that it still holds.
    """
    if facts is None:
        return SolveNote()
    lines = [_origin(facts), _status(facts)]
    if facts.constrained:
        lines.append(f"本次求解使用的规划假设：{assumptions_zh(facts)}")
    lines.append(edits_zh(facts))
    return SolveNote(tuple(lines), _point_lines(facts, contact_points), _rows(facts))


def counts_zh(counts: dict[str, int]) -> str:
    """E.g. "农村联系点8个、企业联系点5个"."""
    return "、".join(f"{TYPE_ZH.get(t, t)}联系点{n}个" for t, n in counts.items() if n)


def assumptions_zh(facts: SolveFacts) -> str:
    """The capacities and township minimum in force, with their basis."""
    parts = []
    if facts.capacity_population:
        caps = "、".join(
            f"{TYPE_ZH.get(t, t)}{v:,.0f}人" for t, v in facts.capacity_population.items()
        )
        parts.append(f"每个联系点最多服务{caps}")
    if facts.capacity_sites:
        parts.append(f"每点最多服务{facts.capacity_sites}个村（社区，每村一个采集点）")
    if facts.capacitated:
        parts.append("超出容量的人口计为未服务")
    if facts.township_min_share > 0:
        basis = "服务" if facts.capacitated else "覆盖"
        parts.append(f"每个有人口的乡镇至少{facts.township_min_share:.0%}的人口得到{basis}")
    return "；".join(parts) + "。"


def edits_zh(facts: SolveFacts) -> str:
    """The hand edits since adoption, or that there were none."""
    if not facts.edited:
        return "采纳后未经手工修改：以上求解状态即本方案的状态。"
    by_layer: dict[str, list[str]] = {}
    for (layer, kind), n in facts.edit_counts().items():
        by_layer.setdefault(layer, []).append(f"{EDIT_ZH.get(kind, kind)}{n}个")
    what = "；".join(f"{LAYER_ZH.get(la, la)}{'、'.join(v)}" for la, v in by_layer.items())
    return (
        f"采纳后经过手工修改（{what}）：以上求解状态说的是采纳时的方案，修改后的方案未经求解证明。"
    )


def _origin(facts: SolveFacts) -> str:
    goal = OBJECTIVE_ZH.get(facts.objective_kind, facts.objective_kind)
    when = local_text(facts.adopted_at) if facts.adopted_at else ""
    asked = counts_zh(facts.counts)
    text = f"本方案由自动优化生成（目标：{goal}）"
    text += f"，于{when}采纳" if when else ""
    text += f"；求解请求新增{asked}" if asked else ""
    rules = "满足各县区最低配置要求" if facts.compliant else "未满足全部县区最低配置（放宽求解）"
    return f"{text}；{rules}。"


def _status(facts: SolveFacts) -> str:
    note = solve_note_zh(facts.status, facts.proven_gap) or f"采纳时的求解状态：{facts.status}"
    took = f"求解用时{facts.solver_seconds:.1f}秒" if math.isfinite(facts.solver_seconds) else ""
    if took and facts.time_limit_s is not None:
        took += f"（时限{facts.time_limit_s:g}秒）"
    return f"{note}；{took}。" if took else f"{note}。"


def _point_lines(facts: SolveFacts, contact_points: gpd.GeoDataFrame) -> tuple[str, ...]:
    if "reason" not in contact_points.columns:
        return ()
    by_id = {str(r["id"]): r for r in contact_points.to_dict("records")}
    lines = []
    for pid in facts.proposed_ids:
        rec = by_id.get(pid)
        reason = "" if rec is None else " ".join(str(rec.get("reason") or "").split())
        if rec is not None and reason and reason != "nan":
            lines.append(f"{pid} {rec.get('name') or ''}：{reason}")
    return tuple(lines)


def _rows(facts: SolveFacts) -> tuple[tuple[str, str], ...]:
    gap = facts.proven_gap
    rows = [
        ("求解状态（采纳时）", STATUS_WORD_ZH.get(facts.status, facts.status)),
        ("已证明差距", f"{gap * 100:.4g}%" if math.isfinite(gap) else "无"),
        ("目标", OBJECTIVE_ZH.get(facts.objective_kind, facts.objective_kind)),
        (
            "目标函数值",
            f"{facts.objective:,.6g}" if abs(facts.objective) < 1e6 else f"{facts.objective:,.0f}",
        ),
        ("求解用时（秒）", f"{facts.solver_seconds:.1f}"),
        ("求解时限（秒）", "—" if facts.time_limit_s is None else f"{facts.time_limit_s:g}"),
        ("求解请求", counts_zh(facts.counts) or "—"),
        ("采纳时间", local_text(facts.adopted_at) if facts.adopted_at else "—"),
        ("规划假设", assumptions_zh(facts) if facts.constrained else "未使用容量和乡镇最低覆盖"),
        ("采纳后手工修改", edits_zh(facts)),
    ]
    return tuple(rows)


def _number(value: float) -> str:
    """A value as people read it: "2.34568", "2,816,040" (no exponent)."""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
