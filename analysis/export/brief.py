"""Content of the Chinese meeting brief, computed from the numbers; rendered by
:mod:`analysis.export.brief_pdf` and :mod:`analysis.export.brief_docx`.

The brief holds: title, date, scenario name, author (编制人) and times; whether the plan
meets the county rule (合规/不合规, and which county lacks what); the reach used; for a plan
adopted from the optimiser, its 求解说明 (:mod:`analysis.export.solve_note`); the static
map; the KPI table before and after with deltas; the per-county compliance table; the
proposed points (type, township, coordinates, newly covered population in order and
alone, room); the site-rule warnings; and a short summary paragraph written from the
figures. Both renderers print exactly the same strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.export.brief_review import ReviewBrief, review_brief
from analysis.export.labels import ROOM_STATUS_ZH, STATUS_ZH, TYPE_ZH, kpi_label
from analysis.export.model import (
    META_AUTHOR,
    META_CREATED,
    META_DESCRIPTION,
    META_EXPORTED,
    META_UPDATED,
    ExportBundle,
    kpi_table,
)
from analysis.export.notes import (
    IMPACT_NOTE_ZH,
    Compliance,
    compliance,
    coords_text,
    missing_points,
    one_county_sentence,
    pending_rooms,
    placement_rows,
    placement_summary,
    reach_text,
    room_pending_text,
    rule_text,
    shortfall_text,
)
from analysis.export.numbers import clean, fmt_delta, fmt_value, is_share
from analysis.export.solve_note import SOLVE_HEADING_ZH
from analysis.localtime import to_local
from analysis.review.api import ReviewResult
from geodata.admin.codes import area_name_zh, frame_area_level

BRIEF_TITLE = "基层立法联系点布局方案简报"
HEADINGS: dict[str, str] = {
    "summary": "一、总体情况",
    "map": "二、布局示意图",
    "kpis": "三、主要指标（调整前后对比）",
    "counties": "四、各县区达标情况",
    "points": "五、拟新增（迁移）点位",
    "placement": "六、选址提示",
}
KPI_COLUMNS: tuple[str, ...] = ("指标", "调整前", "调整后", "变化")
#: Table headers; a line break keeps a narrow column's header on whole words.
COUNTY_COLUMNS: tuple[str, ...] = (
    "县区",
    "人口",
    "调整前\n覆盖率",
    "调整后\n覆盖率",
    "农村\n联系点",
    "企业\n联系点",
    "是否达标",
    "缺口",
)
POINT_COLUMNS: tuple[str, ...] = (
    "序",
    "名称",
    "类别",
    "状态",
    "所在乡镇",
    "经纬度",
    "新增覆盖人口\n（按顺序）",
    "单独新增\n覆盖人口",
    "场所",
)
#: KPIs shown in the brief, in this order (keys of ``KPIs.to_dict()``, nested ones dotted);
#: when none of them is present every numeric KPI is shown.
BRIEF_KPIS: tuple[str, ...] = (
    "coverage_share",
    "population_covered",
    "rural_coverage_share",
    "urban_coverage_share",
    "network_coverage_share",
    "townships_uncovered",
    "contact_points_total",
    "contact_points_by_type.rural",
    "contact_points_by_type.enterprise",
    "contact_points_by_type.association",
    "contact_points_by_type.urban_community",
    "counties_compliant",
    "points_with_3_to_5_sites",
    "points_below_room_standard",
    "collection_sites_total",
    "homes_total",
    "equity_index",
)
_LAYER_KIND_ZH = {"collection_sites": "立法信息采集点", "homes": "代表之家"}
_NEW = ("proposed", "moved")
#: The speech's county rule, for bundles built without standards.
DEFAULT_MINIMUMS: dict[str, int] = {"rural": 2, "enterprise": 1}


@dataclass(frozen=True)
class BriefContent:
    """Every string of the brief, ready to print (tables as lists of rows of text)."""

    title: str
    subtitle: str
    date_text: str
    scenario: str
    coords_note: str
    map_png: Path | None
    kpi_rows: list[list[str]]
    county_rows: list[list[str]]
    point_rows: list[list[str]]
    summary: str
    headings: dict[str, str]
    author_line: str = ""
    compliance: Compliance = field(default_factory=lambda: Compliance(None, "", ""))
    notes: list[str] = field(default_factory=list)
    placement_rows: list[list[str]] = field(default_factory=list)
    placement_summary: str = ""
    points_note: str = ""
    review: ReviewBrief | None = None
    solve_heading: str = ""
    solve_lines: list[str] = field(default_factory=list)


def build_brief(
    bundle: ExportBundle,
    *,
    map_png: Path | None = None,
    city_name: str = "",
    date: dt.date | None = None,
    review: ReviewResult | None = None,
) -> BriefContent:
    """Compute the brief's text and tables from an export bundle.

    Parameters
    ----------
    bundle
        Export layers and KPIs (with ``kpis_before`` for the before/after columns).
    map_png
        Static map to include (see :func:`analysis.export.staticmap.render_map`).
    city_name
        Name of the city, shown in the subtitle.
    date
        Date printed on the brief (default: today in the display zone).
    review
        The performance review: with records, the brief gets its section (七、运行评估).

    Returns
    -------
    BriefContent
        The strings and tables both renderers print.
    """
    now = to_local(dt.datetime.now(dt.UTC))
    day = date or (now.date() if now is not None else dt.date.today())
    coords = coords_text(bundle.coords)
    notes = [
        text
        for text in (
            # the scenario's free text (an optimiser's plan: its objective; older plans
            # also the solve's status, written into it before #14's solve facts)
            description_text(bundle.meta.get(META_DESCRIPTION, "")),
            reach_text(bundle.reach_m, bundle.site_radius_m, bundle.reach),
            room_pending_text(pending_rooms(bundle)),
            bundle.constraints_note,
        )
        if text
    ]
    rows = point_rows(bundle)
    return BriefContent(
        title=BRIEF_TITLE,
        subtitle=f"{city_name} · 方案：{bundle.title}" if city_name else f"方案：{bundle.title}",
        date_text=f"{day.year}年{day.month}月{day.day}日",
        scenario=bundle.title,
        coords_note=f"坐标系：{coords}",
        map_png=map_png,
        kpi_rows=kpi_rows(bundle),
        county_rows=county_rows(bundle),
        point_rows=rows,
        summary=summary_text(bundle),
        headings=dict(HEADINGS),
        author_line=author_line(bundle),
        compliance=compliance(bundle.counties, bundle.county_minimums),
        notes=notes,
        placement_rows=placement_rows(bundle.placement),
        placement_summary=placement_summary(bundle.placement, see=""),
        points_note=IMPACT_NOTE_ZH if rows else "",
        review=review_brief(review),
        solve_heading=SOLVE_HEADING_ZH if bundle.solve.lines else "",
        solve_lines=[*bundle.solve.lines, *bundle.solve.point_lines],
    )


def description_text(description: str) -> str:
    """E.g. "方案说明：自动优化新增 16 个联系点（目标：均衡；整数规划（HiGHS））"."""
    text = " ".join(str(description or "").split())
    return f"{META_DESCRIPTION}：{text}" if text else ""


def author_line(bundle: ExportBundle) -> str:
    """E.g. "编制人：张三　更新时间：2026-12-07 18:25　导出时间：2026-12-08 09:00"."""
    meta = bundle.meta
    keys = (META_AUTHOR, META_CREATED, META_UPDATED, META_EXPORTED)
    parts = [f"{k}：{meta[k]}" for k in keys if meta.get(k)]
    if not meta.get(META_AUTHOR):
        parts.insert(0, f"{META_AUTHOR}：未填写")
    return "　".join(parts)


def kpi_rows(bundle: ExportBundle) -> list[list[str]]:
    """Rows ``[label, before, after, delta]`` of the KPI table."""
    rows = []
    records = {str(r["key"]): r for r in kpi_table(bundle).to_dict("records")}
    chosen = [k for k in BRIEF_KPIS if k in records] or [
        k for k, r in records.items() if not isinstance(r["after"], str)
    ]
    for key in chosen:
        rec = records[key]
        before, after, delta = (clean(rec["before"]), clean(rec["after"]), clean(rec["delta"]))
        share = is_share(key, before, after)
        rows.append(
            [
                kpi_label(key),
                fmt_value(before, share),
                fmt_value(after, share),
                fmt_delta(delta, share),
            ]
        )
    return rows


def county_rows(bundle: ExportBundle) -> list[list[str]]:
    """Rows of the per-county table (see :data:`COUNTY_COLUMNS`)."""
    after = bundle.counties
    if after.empty or "county" not in after.columns:
        return []
    before = bundle.counties_before
    prior = before.set_index("county") if "county" in before.columns else pd.DataFrame()
    rows = []
    for rec in after.to_dict("records"):
        name = rec["county"]
        share_before = prior["coverage_share"].get(name) if "coverage_share" in prior else None
        compliant = rec.get("compliant")
        was = prior["compliant"].get(name) if "compliant" in prior else None
        verdict = fmt_value(clean(compliant))
        if was is not None and bool(was) != bool(compliant):
            verdict = f"{fmt_value(bool(was))}→{verdict}"
        rows.append(
            [
                str(name),
                fmt_value(clean(rec.get("population"))),
                fmt_value(clean(share_before), share=True),
                fmt_value(clean(rec.get("coverage_share")), share=True),
                fmt_value(clean(rec.get("points_rural"))),
                fmt_value(clean(rec.get("points_enterprise"))),
                verdict,
                shortfall_text(missing_points(rec, bundle.county_minimums)) or "—",
            ]
        )
    return rows


def point_rows(bundle: ExportBundle) -> list[list[str]]:
    """Rows of the proposed/moved points of every point layer (see :data:`POINT_COLUMNS`).

    Contact points come first, in the order their newly covered population was counted
    (largest first: the "按顺序" figures), then collection sites and homes.
    """
    rows = []
    for layer_name in ("contact_points", "collection_sites", "homes"):
        layer = bundle.layers.get(layer_name)
        if layer is None or layer.empty:
            continue
        new = layer[layer["status"].isin(_NEW)]
        if layer_name == "contact_points" and "newly_covered_population" in new.columns:
            new = new.assign(_gain=new["newly_covered_population"].fillna(0).to_numpy())
            new = new.sort_values(["_gain", "id"], ascending=[False, True], kind="stable")
        for k, rec in enumerate(new.to_dict("records"), start=1):
            if layer_name == "contact_points":
                kind = f"{TYPE_ZH.get(str(rec.get('type')), str(rec.get('type')))}联系点"
                gained = fmt_value(clean(rec.get("newly_covered_population")))
                alone = fmt_value(clean(rec.get("newly_covered_alone")))
                order = str(k)
            else:
                kind, gained, alone, order = _LAYER_KIND_ZH[layer_name], "—", "—", "—"
            place = "\n".join(str(rec.get(c) or "") for c in ("county", "township") if rec.get(c))
            room = ROOM_STATUS_ZH.get(str(rec.get("room_status")), "—")
            rows.append(
                [
                    order,
                    str(rec.get("name", "")),
                    kind,
                    STATUS_ZH.get(str(rec["status"]), str(rec["status"])),
                    place or "—",
                    f"{float(rec['lon']):.6f}\n{float(rec['lat']):.6f}",
                    gained,
                    alone,
                    room,
                ]
            )
    return rows


def _share_pair(bundle: ExportBundle, keys: tuple[str, ...], column: str) -> tuple[float, float]:
    """Before/after of a headline share, from the KPIs or else from the township layer."""
    for key in keys:
        a, b = bundle.kpis_after.get(key), bundle.kpis_before.get(key)
        if isinstance(a, int | float) and isinstance(b, int | float):
            return float(b), float(a)
    towns = bundle.layers["townships"]
    pop = towns["population"].sum() if "population" in towns else 0
    if not pop or column not in towns:
        return float("nan"), float("nan")
    after = float(towns[column].sum()) / float(pop)
    before = after
    if "coverage_share_before" in towns:
        before = float((towns["coverage_share_before"] * towns["population"]).sum()) / float(pop)
    return before, after


def summary_text(bundle: ExportBundle) -> str:
    """A short Chinese paragraph written from the plan's figures."""
    points = bundle.layers["contact_points"]
    status = points["status"].value_counts() if not points.empty else pd.Series(dtype=int)
    n = {s: int(status.get(s, 0)) for s in ("existing", "proposed", "moved", "removed")}
    total_before = n["existing"] + n["moved"] + n["removed"]
    total_after = n["existing"] + n["moved"] + n["proposed"]
    changed = n["proposed"] + n["moved"] + n["removed"] > 0
    if changed:
        parts = [
            f"本方案“{bundle.title}”拟新增基层立法联系点{n['proposed']}个、迁移{n['moved']}个、"
            f"撤销{n['removed']}个，联系点总数由{total_before}个调整为{total_after}个。"
        ]
    else:
        parts = [f"本方案“{bundle.title}”为现状布局，现有基层立法联系点{total_after}个。"]
    before, after = _share_pair(
        bundle, ("coverage_share", "population_coverage"), "covered_population"
    )
    if not pd.isna(after):
        diff = (after - before) * 100
        if abs(diff) < 0.05:
            parts.append(f"服务半径内人口覆盖率{'保持在' if changed else '为'}{after:.1%}")
        else:
            verb = "提高到" if diff > 0 else "下降到"
            parts.append(
                f"服务半径内人口覆盖率由{before:.1%}{verb}{after:.1%}（{diff:+.1f}个百分点）"
            )
    if "newly_covered_population" in points and n["proposed"] + n["moved"]:
        gained = int(points["newly_covered_population"].sum())
        parts.append(f"，新增及迁移点位新覆盖人口约{gained:,}人")
        if "rural_newly_covered_population" in points:
            rural = int(points["rural_newly_covered_population"].sum())
            parts.append(f"（其中农村人口约{rural:,}人）")
    net_after = bundle.kpis_after.get("population_covered")
    net_before = bundle.kpis_before.get("population_covered")
    if isinstance(net_after, int) and isinstance(net_before, int) and n["removed"]:
        parts.append(f"，计入撤销点位影响后覆盖人口净变化{net_after - net_before:+,}人")
    parts.append("。")
    towns = bundle.layers["townships"]
    if "is_blind_spot" in towns:
        blind = int(towns["is_blind_spot"].astype(bool).sum())
        parts.append(
            f"{'调整后' if changed else '目前'}仍有{blind}个乡镇（街道）无联系点覆盖，"
            "需在下一步布点中重点考虑。"
            if blind
            else f"{'调整后' if changed else '目前'}全部乡镇（街道）均有联系点覆盖。"
        )
    counties = bundle.counties
    if "compliant" in counties:
        ok_after = int(counties["compliant"].astype(bool).sum())
        prior = bundle.counties_before
        ok_before = int(prior["compliant"].astype(bool).sum()) if "compliant" in prior else None
        head = f"{area_name_zh(frame_area_level(towns))}{len(counties)}个县区中，"
        rule = f"“{rule_text(bundle.county_minimums or DEFAULT_MINIMUMS)}”"
        if len(counties) == 1:  # "全县1个县区中" reads oddly: the county by its name
            parts.append(one_county_sentence(counties, ok_before if changed else None, rule))
        elif ok_before is None or not changed:
            parts.append(f"{head}达到{rule}要求的有{ok_after}个。")
        else:
            change = (
                f"保持为{ok_after}个"
                if ok_before == ok_after
                else f"由{ok_before}个{'增加' if ok_after > ok_before else '减少'}到{ok_after}个"
            )
            parts.append(f"{head}达到{rule}要求的县区{change}。")
    return "".join(parts)
