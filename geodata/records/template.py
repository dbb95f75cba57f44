"""The records template (运行记录模板.xlsx): Chinese headers, one row per point and period.

Written from a records frame it round-trips: reading the file back with
:func:`geodata.records.read.read_records` gives the same frame. Without records it lists every
point once with an empty period for the user to fill in. A second sheet explains the columns.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from geodata.records.schema import (
    COUNT_COLUMNS,
    RECORD_COLUMNS,
    RESOURCE_COLUMNS,
    TEMPLATE_HEADERS,
)
from geodata.spreadsheet_safety import neutralise_value

TEMPLATE_FILE_NAME = "运行记录模板.xlsx"
SHEET_RECORDS = "运行记录"
SHEET_HELP = "填写说明"
#: Header of the informative name column (ignored when read back).
NAME_HEADER = "名称"
_HELP_ROWS: tuple[tuple[str, str], ...] = (
    ("编号", "联系点或代表之家的编号（与点位数据一致，如 LXD01、DBZJ01）"),
    ("名称", "仅供填写时参考，读入时不使用"),
    ("期间", "月份写 2025-03 或 2025年3月；季度写 2025-Q1 或 2025年第1季度；每个点位每期一行"),
    ("收集意见数 … 调研活动", "本期数量；空白按 0 计"),
    ("反馈意见数", "本期已向意见提出人反馈办理或采纳情况的条数（双向反馈）"),
    ("专职人员", "联系点：专职联络员人数；代表之家：管理员人数。空白表示沿用点位数据"),
    ("志愿者、面积", "空白表示沿用点位数据；面积单位平方米"),
)


def template_frame(
    records: pd.DataFrame | None,
    names: Mapping[str, str] | None = None,
    point_ids: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The template's rows with Chinese headers (name column second).

    Parameters
    ----------
    records
        A validated records frame; ``None`` or empty gives one row per ``point_ids``.
    names
        Display names by id (the informative 名称 column).
    point_ids
        Ids listed when there are no records.
    """
    names = names or {}
    if records is None or records.empty:
        base = pd.DataFrame({"point_id": list(point_ids), "period": ""})
        for col in (*COUNT_COLUMNS, *RESOURCE_COLUMNS):
            base[col] = None
    else:
        base = records.copy()
    out = pd.DataFrame({TEMPLATE_HEADERS["point_id"]: base["point_id"].astype(str)})
    out[NAME_HEADER] = [names.get(i, "") for i in out[TEMPLATE_HEADERS["point_id"]]]
    for column in RECORD_COLUMNS[1:]:
        values = base[column.name].astype(object).where(base[column.name].notna(), None)
        out[TEMPLATE_HEADERS[column.name]] = values.tolist()
    return out


def template_xlsx(
    records: pd.DataFrame | None,
    names: Mapping[str, str] | None = None,
    point_ids: tuple[str, ...] = (),
) -> bytes:
    """The template as ``.xlsx`` bytes (records sheet first, then the column notes)."""
    frame = template_frame(records, names, point_ids)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = SHEET_RECORDS
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    for i, header in enumerate(frame.columns, start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        width = 28 if header == NAME_HEADER else max(10, len(str(header)) * 2 + 2)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C2"
    notes = book.create_sheet(SHEET_HELP)
    notes.append(["列", "说明"])
    for row_text in _HELP_ROWS:
        notes.append(list(row_text))
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars: plain numbers for openpyxl
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise_value(value)
