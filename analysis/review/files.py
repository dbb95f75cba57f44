"""The review's tables with Chinese headers, and the files ``python -m analysis review`` writes.

One CSV per table (UTF-8 with BOM, formulas neutralised) and one workbook
``运行评估.xlsx`` with a sheet per table: the ranking, the commendation and adjustment lists,
the standards check, the county summary and the quarterly trend.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from analysis.export.labels import TYPE_ZH
from analysis.export.office import put
from analysis.review.api import ReviewResult
from analysis.review.reasons import CHECK_ZH, LAYER_ZH, VERDICT_ZH
from geodata.spreadsheet_safety import neutralise_frame

WORKBOOK_NAME = "运行评估.xlsx"
#: File stem -> sheet title, in workbook order.
TABLES: dict[str, str] = {
    "ranking": "排名",
    "commend": "表彰名单",
    "adjust": "调整名单",
    "standards": "标准检查",
    "counties": "县区汇总",
    "quarters": "季度趋势",
}


def _kind(layer: pd.Series, ptype: pd.Series) -> list[str]:
    return [
        LAYER_ZH.get(str(lay), str(lay))
        if lay == "homes"
        else f"{TYPE_ZH.get(str(t), str(t))}联系点"
        for lay, t in zip(layer, ptype, strict=True)
    ]


def ranking_table(result: ReviewResult) -> pd.DataFrame:
    """The ranking with Chinese headers."""
    r = result.ranking
    return pd.DataFrame(
        {
            "排名": r["rank"],
            "编号": r["point_id"],
            "名称": r["name"],
            "类别": _kind(r["point_layer"], r["type"]),
            "县区": r["county"],
            "收集意见": r["collected"],
            "采纳意见": r["adopted"],
            "采纳率": r["adoption_rate"],
            "反馈意见": r["answered"],
            "反馈率": r["feedback_share"],
            "法规草案": r["drafts"],
            "近一年活动": r["year_activities"],
            "其中学习": r["year_study"],
            "其中议事调解": r["year_governance"],
            "其中接待日": r["year_reception"],
            "评估结论": r["verdict"].map(VERDICT_ZH),
            "理由": r["reasons"],
        }
    )


def list_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A commendation or adjustment list with Chinese headers."""
    return pd.DataFrame(
        {
            "编号": frame["point_id"],
            "名称": frame["name"],
            "类别": _kind(frame["point_layer"], frame["type"]),
            "县区": frame["county"],
            "理由": frame["reasons"],
        }
    )


def standards_table(result: ReviewResult) -> pd.DataFrame:
    """The standards check with Chinese headers (达标: 是/否/不详)."""
    s = result.standards
    if s.empty:
        return pd.DataFrame(columns=["编号", "名称", "县区", "检查项", "实际", "标准", "是否达标"])
    verdict = {True: "是", False: "否"}
    return pd.DataFrame(
        {
            "编号": s["point_id"],
            "名称": s["name"],
            "县区": s["county"],
            "检查项": s["check"].map(CHECK_ZH),
            "实际": s["value"],
            "标准": s["required"],
            "是否达标": [verdict.get(v, "不详") if v is not None else "不详" for v in s["ok"]],
        }
    )


def county_table(result: ReviewResult) -> pd.DataFrame:
    """The county summary with Chinese headers."""
    c = result.counties
    if c.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "县区": c["county"],
            "联系点": c["contact_points"],
            "代表之家": c["homes"],
            "收集意见": c["collected"],
            "采纳意见": c["adopted"],
            "采纳率": c["adoption_rate"],
            "反馈率": c["feedback_share"],
            "近一年活动": c["activities"],
            "表彰": c["commended"],
            "调整": c["to_adjust"],
        }
    )


def quarter_table(result: ReviewResult) -> pd.DataFrame:
    """The quarterly trend with Chinese headers."""
    q = result.quarters
    return pd.DataFrame(
        {
            "编号": q["point_id"],
            "季度": q["quarter"],
            "收集意见": q["opinions_collected"],
            "采纳意见": q["opinions_adopted"],
            "反馈意见": q["opinions_answered"],
            "法规草案": q["drafts_consulted"],
            "学习": q["activities_study"],
            "普法": q["activities_publicity"],
            "议事调解": q["activities_governance"],
            "接待日": q["activities_reception"],
            "调研": q["activities_research"],
        }
    )


def review_tables(result: ReviewResult) -> dict[str, pd.DataFrame]:
    """Every table of :data:`TABLES`, by file stem."""
    return {
        "ranking": ranking_table(result),
        "commend": list_table(result.commend),
        "adjust": list_table(result.adjust),
        "standards": standards_table(result),
        "counties": county_table(result),
        "quarters": quarter_table(result),
    }


def write_review(result: ReviewResult, out: Path) -> list[Path]:
    """Write ``review_<table>.csv`` (UTF-8 BOM) and :data:`WORKBOOK_NAME` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = review_tables(result)
    paths = []
    for stem, table in tables.items():
        path = out / f"review_{stem}.csv"
        neutralise_frame(table).to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has a sheet
    book.remove(first)
    for stem, table in tables.items():
        ws = book.create_sheet(TABLES[stem])
        for j, header in enumerate(table.columns, start=1):
            put(ws, 1, j, str(header))
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = 60 if header == "理由" else 14
        for i, row in enumerate(table.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(row, start=1):
                cell = put(ws, i, j, value)
                if "率" in str(table.columns[j - 1]):
                    cell.number_format = "0.0%"
        ws.freeze_panes = "A2"
    book.save(out / WORKBOOK_NAME)
    paths.append(out / WORKBOOK_NAME)
    return paths
