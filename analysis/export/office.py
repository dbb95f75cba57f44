"""Office writers: CSV (UTF-8 with BOM, for Excel/WPS) and XLSX (one sheet per table).

The tables: an overview of the plan in words (name, city, author, local times, county
compliance, reach, site warnings, rooms to set up), the KPIs before/after, the county
compliance table, the site-rule warnings (when any) and one table per layer. Office files
use Chinese headers (:data:`analysis.export.labels.COLUMN_LABELS_ZH`) and Chinese values
(types, statuses, kinds, rules, 是/否, 待建); coordinates are the ``经度``/``纬度`` columns
(no geometry). Every cell, header and metadata included, passes through
:mod:`geodata.spreadsheet_safety`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.coverage.kpis import PLANNED_STATUSES
from analysis.export.labels import (
    BOOL_ZH,
    COLUMN_LABELS_ZH,
    LAYER_TITLES_ZH,
    ROOM_PENDING_ZH,
    VALUE_TABLES,
    kpi_label,
    zh_value,
)
from analysis.export.layers import IMPACT_EXPORT_COLUMNS
from analysis.export.model import (
    META_AUTHOR,
    META_CITY,
    META_CREATED,
    META_EXPORTED,
    META_UPDATED,
    ExportBundle,
    kpi_table,
)
from analysis.export.notes import (
    IMPACT_NOTE_ZH,
    PLACEMENT_COLUMNS,
    compliance,
    coords_text,
    missing_points,
    pending_rooms,
    placement_rows,
    placement_summary,
    reach_text,
    room_pending_text,
    shortfall_text,
)
from analysis.export.numbers import is_share
from analysis.export.solve_note import SOLVE_HEADING_ZH
from geodata.spreadsheet_safety import neutralise_frame, neutralise_value

OVERVIEW_SHEET = "方案概况"
KPI_SHEET = "指标"
COUNTY_SHEET = "县区达标"
PLACEMENT_SHEET = "选址提示"
OVERVIEW_HEADERS: tuple[str, ...] = ("项目", "内容")
#: The KPI sheet: label, before, after, change, then the KPI's code (for matching by program).
KPI_HEADERS: tuple[str, ...] = ("指标", "调整前", "调整后", "变化", "键")
_COUNTY_COLUMNS: dict[str, str] = {
    "county": "县区",
    "population": "人口",
    "rural_population": "农村人口",
    "covered_population": "覆盖人口",
    "coverage_share": "覆盖率",
    "rural_coverage_share": "农村覆盖率",
    "points_rural": "农村联系点",
    "points_enterprise": "企业联系点",
    "points_association": "行业协会联系点",
    "points_urban_community": "城市社区联系点",
    "meets_rural_minimum": "农村联系点达标",
    "meets_enterprise_minimum": "企业联系点达标",
    "exempt_from_rural_minimum": "免于农村联系点下限",
    "rural_points_missing": "缺农村联系点",
    "enterprise_points_missing": "缺企业联系点",
    "compliant": "达标",
    "shortfall": "缺口说明",
    "equity_index": "城乡均衡指数",
}
#: Room figures shown as "待建" on a planned point whose room is not set up yet.
ROOM_FIGURES: tuple[str, ...] = ("area_m2", "staff", "administrators", "volunteers")
_WHOLE_FIGURES: frozenset[str] = frozenset({"staff", "administrators", "volunteers"})


def office_table(layer: pd.DataFrame) -> pd.DataFrame:
    """A layer as an office table: no geometry, Chinese headers and values (是/否, 待建)."""
    frame = pd.DataFrame(layer.drop(columns=[c for c in ("geometry",) if c in layer.columns]))
    geom = getattr(layer, "geometry", None)
    if geom is not None and geom.name in frame.columns:
        frame = frame.drop(columns=[geom.name])
    planned = (
        frame["status"].astype(str).isin(PLANNED_STATUSES)
        if "status" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    for col in ROOM_FIGURES:
        if col in frame.columns:
            frame[col] = _room_figure(frame[col], planned, whole=col in _WHOLE_FIGURES)
    for col in IMPACT_EXPORT_COLUMNS:
        if col in frame.columns:  # only new points bring people under coverage
            frame[col] = frame[col].astype(object).where(planned, None)
    for col in frame.columns:
        series = frame[col]
        if col in VALUE_TABLES or not pd.api.types.is_numeric_dtype(series):
            frame[col] = series.map(lambda v, c=col: zh_value(c, v))
        elif pd.api.types.is_bool_dtype(series):
            frame[col] = series.map(BOOL_ZH)
    return frame.rename(columns={c: COLUMN_LABELS_ZH.get(c, c) for c in frame.columns})


def _room_figure(values: pd.Series, planned: pd.Series, *, whole: bool) -> pd.Series:
    """Room figures as cells: "待建" where a planned point has none, whole numbers as ints."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    cells: list[Any] = []
    for value, new in zip(numbers, planned.to_numpy(dtype=bool), strict=True):
        if np.isnan(value):
            cells.append(ROOM_PENDING_ZH if new else None)
        else:
            cells.append(int(value) if whole and value.is_integer() else float(value))
    return pd.Series(cells, index=values.index, dtype=object)


def kpi_frame(bundle: ExportBundle) -> pd.DataFrame:
    """KPI table with Chinese label, key, before, after and delta columns."""
    table = kpi_table(bundle)

    def cells(column: str) -> list[Any]:
        return [zh_value(str(k), v) for k, v in zip(table["key"], table[column], strict=True)]

    frame = pd.DataFrame(
        {
            KPI_HEADERS[0]: [kpi_label(k) for k in table["key"]],
            KPI_HEADERS[1]: cells("before"),
            KPI_HEADERS[2]: cells("after"),
            KPI_HEADERS[3]: table["delta"],
            KPI_HEADERS[4]: table["key"],
        }
    )
    return frame.astype(object).where(frame.notna(), None)


def county_frame(bundle: ExportBundle) -> pd.DataFrame:
    """Per-county compliance table with Chinese headers (empty when not available)."""
    counties = bundle.counties
    if counties.empty:
        return pd.DataFrame()
    frame = counties.copy()
    if "county" in frame.columns:
        frame["shortfall"] = [
            shortfall_text(missing_points(rec, bundle.county_minimums))
            for rec in counties.to_dict("records")
        ]
    cols = [c for c in _COUNTY_COLUMNS if c in frame.columns]
    frame = frame[cols].copy()
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].map(BOOL_ZH)
    return frame.rename(columns=_COUNTY_COLUMNS)


def overview_frame(bundle: ExportBundle) -> pd.DataFrame:
    """The plan in words: name, city, author, times, compliance, reach, site and room notes."""
    meta = dict(bundle.meta)
    rows: list[tuple[str, str]] = [("方案", bundle.title)]
    for key in (META_CITY, META_AUTHOR, META_CREATED, META_UPDATED, META_EXPORTED):
        rows.append((key, str(meta.pop(key, "") or "—")))
    rows.append(("坐标系", coords_text(bundle.coords)))
    rows += [(str(k), str(v)) for k, v in meta.items()]
    verdict = compliance(bundle.counties, bundle.county_minimums)
    if verdict.verdict:
        rows.append(("县区达标", verdict.verdict))
        rows.append(("县区达标说明", verdict.text))
        rows += [(f"缺口：{county}", what) for county, what in verdict.shortfalls.items()]
    reach = reach_text(bundle.reach_m, bundle.site_radius_m, bundle.reach)
    if reach:
        rows.append(("覆盖口径", reach))
    rows.append(("选址提示", placement_summary(bundle.placement)))
    rows += [(f"{SOLVE_HEADING_ZH}：{k}", v) for k, v in bundle.solve.rows]  # adopted plans
    if bundle.constraints_note:  # capacities / township minimum, only when used
        rows.append(("容量与乡镇下限", bundle.constraints_note))
    pending = room_pending_text(pending_rooms(bundle))
    if pending:
        rows.append(("场所待建", pending))
    if _has_new_points(bundle):
        rows.append(("新增覆盖人口口径", IMPACT_NOTE_ZH))
    return pd.DataFrame(rows, columns=list(OVERVIEW_HEADERS))


def placement_frame(bundle: ExportBundle) -> pd.DataFrame:
    """Contact points standing where their type should not (empty when none)."""
    rows = placement_rows(bundle.placement)
    return pd.DataFrame(rows, columns=list(PLACEMENT_COLUMNS)) if rows else pd.DataFrame()


def _has_new_points(bundle: ExportBundle) -> bool:
    points = bundle.layers.get("contact_points")
    return bool(
        points is not None
        and "newly_covered_population" in points.columns
        and points["status"].astype(str).isin(PLANNED_STATUSES).any()
    )


def office_tables(bundle: ExportBundle) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every table of the office files: CSV stem suffix -> (sheet title, table), in order."""
    tables: dict[str, tuple[str, pd.DataFrame]] = {
        "overview": (OVERVIEW_SHEET, overview_frame(bundle)),
        "kpis": (KPI_SHEET, kpi_frame(bundle)),
    }
    county = county_frame(bundle)
    if not county.empty:
        tables["counties"] = (COUNTY_SHEET, county)
    placement = placement_frame(bundle)
    if not placement.empty:
        tables["placement"] = (PLACEMENT_SHEET, placement)
    for name, layer in bundle.layers.items():
        tables[name] = (LAYER_TITLES_ZH.get(name, name)[:31], office_table(layer))
    return tables


def write_csv(bundle: ExportBundle, out_dir: Path, stem: str) -> list[Path]:
    """Write ``<stem>_<table>.csv`` per table of :func:`office_tables` (UTF-8 with BOM)."""
    out_dir = Path(out_dir)
    written = []
    for name, (_title, table) in office_tables(bundle).items():
        target = out_dir / f"{stem}_{name}.csv"
        neutralise_frame(table).to_csv(target, index=False, encoding="utf-8-sig")
        written.append(target)
    return written


def write_xlsx(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write an XLSX workbook: overview, KPIs, counties, site warnings, then one sheet per layer.

    Every cell goes through :func:`put` (formula text neutralised, text typed as text).
    """
    path = Path(path)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for _name, (title, table) in office_tables(bundle).items():
        ws = wb.create_sheet(title)
        _sheet(ws, table)
        if title == KPI_SHEET:
            _kpi_formats(ws, table)
        if title == OVERVIEW_SHEET:
            ws.column_dimensions["B"].width = 100
            for cell in ws["B"]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
    return [path]


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell: text neutralised and typed as text (never a formula), numbers as numbers."""
    cell = ws.cell(row=row, column=column)
    safe = neutralise_value(_cell(value))
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"
    return cell  # type: ignore[return-value]


def _kpi_formats(ws: Worksheet, kpis: pd.DataFrame) -> None:
    for i, key in enumerate(kpis[KPI_HEADERS[4]], start=2):
        if is_share(str(key), *kpis.iloc[i - 2, 1:3]):
            for col in (2, 3, 4):
                ws.cell(row=i, column=col).number_format = "0.0%"


def _sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    headers = [str(c) for c in frame.columns]
    for j, header in enumerate(headers, start=1):
        put(ws, 1, j, header)
    for i, record in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(record, start=1):
            put(ws, i, j, value)
    for j, header in enumerate(headers, start=1):
        letter = get_column_letter(j)
        if "率" in header:
            for cell in ws[letter][1:]:
                cell.number_format = "0.0%"
        width = max([_width(header), *(_width(c.value) for c in ws[letter][1:200])])
        ws.column_dimensions[letter].width = min(40, width + 2)
    ws.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
