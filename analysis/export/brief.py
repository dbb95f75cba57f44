"""Content of the Chinese meeting brief, computed from the numbers; rendered by
:mod:`analysis.export.brief_pdf` and :mod:`analysis.export.brief_docx`.

The brief holds: title, date and scenario name; the static map; the KPI table before and
after with deltas; the per-county compliance table; the proposed points (type, township,
coordinates, newly covered population); and a short summary paragraph written from the
figures. Both renderers print exactly the same strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.export.labels import STATUS_ZH, TYPE_ZH, kpi_label
from analysis.export.model import ExportBundle, kpi_table

BRIEF_TITLE = "基层立法联系点布局方案简报"
HEADINGS: dict[str, str] = {
    "summary": "一、总体情况",
    "map": "二、布局示意图",
    "kpis": "三、主要指标（调整前后对比）",
    "counties": "四、各县区达标情况",
    "points": "五、拟新增（迁移）点位",
}
KPI_COLUMNS: tuple[str, ...] = ("指标", "调整前", "调整后", "变化")
COUNTY_COLUMNS: tuple[str, ...] = (
    "县区",
    "人口",
    "覆盖率(前)",
    "覆盖率(后)",
    "农村联系点",
    "企业联系点",
    "是否达标",
)
POINT_COLUMNS: tuple[str, ...] = (
    "名称",
    "类别",
    "状态",
    "所在乡镇",
    "经度",
    "纬度",
    "新增覆盖人口",
)
_SHARE_HINTS = ("share", "rate", "ratio", "coverage")
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
    "collection_sites_total",
    "homes_total",
    "equity_index",
)
_LAYER_KIND_ZH = {"collection_sites": "立法信息采集点", "homes": "代表之家"}


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


def build_brief(
    bundle: ExportBundle,
    *,
    map_png: Path | None = None,
    city_name: str = "",
    date: dt.date | None = None,
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
        Date printed on the brief (default: today).

    Returns
    -------
    BriefContent
        The strings and tables both renderers print.
    """
    day = date or dt.date.today()
    coords = "GCJ-02（火星坐标）" if bundle.coords == "gcj02" else "WGS84（CGCS2000）"
    return BriefContent(
        title=BRIEF_TITLE,
        subtitle=f"{city_name} · 方案：{bundle.title}" if city_name else f"方案：{bundle.title}",
        date_text=f"{day.year}年{day.month}月{day.day}日",
        scenario=bundle.title,
        coords_note=f"坐标系：{coords}",
        map_png=map_png,
        kpi_rows=kpi_rows(bundle),
        county_rows=county_rows(bundle),
        point_rows=point_rows(bundle),
        summary=summary_text(bundle),
        headings=dict(HEADINGS),
    )


def is_share(key: str, *values: Any) -> bool:
    """True for KPIs expressed as a share in [0, 1] (shown as percentages)."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    in_unit = all(0.0 <= float(v) <= 1.0 for v in numbers) and any(
        isinstance(v, float) for v in numbers
    )
    return in_unit and any(h in key for h in _SHARE_HINTS)


def fmt_value(value: Any, share: bool = False) -> str:
    """Format a KPI value: percentages with one decimal, integers with separators."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if share:
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def fmt_delta(delta: Any, share: bool = False) -> str:
    """Format a change: ``+3.2个百分点`` for shares, ``+1,200`` for counts, ``0`` for none."""
    if delta is None or (isinstance(delta, float) and pd.isna(delta)):
        return "—"
    if share:
        points = float(delta) * 100
        return "持平" if abs(points) < 0.05 else f"{points:+.1f}个百分点"
    if float(delta) == 0:
        return "持平"
    if isinstance(delta, int) or float(delta).is_integer():
        return f"{int(delta):+,}"
    return f"{float(delta):+,.2f}"


def kpi_rows(bundle: ExportBundle) -> list[list[str]]:
    """Rows ``[label, before, after, delta]`` of the KPI table."""
    rows = []
    records = {str(r["key"]): r for r in kpi_table(bundle).to_dict("records")}
    chosen = [k for k in BRIEF_KPIS if k in records] or [
        k for k, r in records.items() if not isinstance(r["after"], str)
    ]
    for key in chosen:
        rec = records[key]
        before, after, delta = (_clean(rec["before"]), _clean(rec["after"]), _clean(rec["delta"]))
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


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


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
        verdict = fmt_value(_clean(compliant))
        if was is not None and bool(was) != bool(compliant):
            verdict = f"{fmt_value(bool(was))}→{verdict}"
        rows.append(
            [
                str(name),
                fmt_value(_clean(rec.get("population"))),
                fmt_value(_clean(share_before), share=True),
                fmt_value(_clean(rec.get("coverage_share")), share=True),
                fmt_value(_clean(rec.get("points_rural"))),
                fmt_value(_clean(rec.get("points_enterprise"))),
                verdict,
            ]
        )
    return rows


def point_rows(bundle: ExportBundle) -> list[list[str]]:
    """Rows of the proposed/moved points of every point layer (see :data:`POINT_COLUMNS`)."""
    rows = []
    for layer_name in ("contact_points", "collection_sites", "homes"):
        layer = bundle.layers.get(layer_name)
        if layer is None or layer.empty:
            continue
        new = layer[layer["status"].isin(("proposed", "moved"))]
        for rec in new.to_dict("records"):
            if layer_name == "contact_points":
                kind = f"{TYPE_ZH.get(str(rec.get('type')), str(rec.get('type')))}联系点"
                gained = fmt_value(_clean(rec.get("newly_covered_population")))
            else:
                kind, gained = _LAYER_KIND_ZH[layer_name], "—"
            rows.append(
                [
                    str(rec.get("name", "")),
                    kind,
                    STATUS_ZH.get(str(rec["status"]), str(rec["status"])),
                    str(rec.get("township") or "—"),
                    f"{float(rec['lon']):.6f}",
                    f"{float(rec['lat']):.6f}",
                    gained,
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
        head = f"全市{len(counties)}个县区中，"
        if ok_before is None or not changed:
            parts.append(f"{head}达到“至少2个农村、1个企业联系点”要求的有{ok_after}个。")
        else:
            change = (
                f"保持为{ok_after}个"
                if ok_before == ok_after
                else f"由{ok_before}个{'增加' if ok_after > ok_before else '减少'}到{ok_after}个"
            )
            parts.append(f"{head}达到“至少2个农村、1个企业联系点”要求的县区{change}。")
    return "".join(parts)
