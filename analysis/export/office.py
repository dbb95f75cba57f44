"""Office writers: CSV (UTF-8 with BOM, for Excel/WPS) and XLSX (one sheet per layer + KPIs).

Office files use Chinese headers (:data:`analysis.export.labels.COLUMN_LABELS_ZH`) and
Chinese values for type, status and urban/rural kind; coordinates are the ``经度``/``纬度``
columns (no geometry). Every text cell passes through :mod:`analysis.spreadsheet_safety`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.export.brief import is_share
from analysis.export.labels import COLUMN_LABELS_ZH, LAYER_TITLES_ZH, kpi_label, zh_value
from analysis.export.model import ExportBundle, kpi_table
from analysis.spreadsheet_safety import neutralise_frame

KPI_SHEET = "指标"
COUNTY_SHEET = "县区达标"
KPI_HEADERS: tuple[str, ...] = ("指标", "键", "调整前", "调整后", "变化")
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
    "compliant": "达标",
    "equity_index": "城乡均衡指数",
}


def office_table(layer: pd.DataFrame) -> pd.DataFrame:
    """A layer as an office table: no geometry, Chinese headers and coded values."""
    frame = pd.DataFrame(layer.drop(columns=[c for c in ("geometry",) if c in layer.columns]))
    geom = getattr(layer, "geometry", None)
    if geom is not None and geom.name in frame.columns:
        frame = frame.drop(columns=[geom.name])
    for col in ("type", "status", "kind", "site_rule"):
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v, c=col: zh_value(c, v))
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].map({True: "是", False: "否"})
    return frame.rename(columns={c: COLUMN_LABELS_ZH.get(c, c) for c in frame.columns})


def kpi_frame(bundle: ExportBundle) -> pd.DataFrame:
    """KPI table with Chinese label, key, before, after and delta columns."""
    table = kpi_table(bundle)
    frame = pd.DataFrame(
        {
            KPI_HEADERS[0]: [kpi_label(k) for k in table["key"]],
            KPI_HEADERS[1]: table["key"],
            KPI_HEADERS[2]: table["before"],
            KPI_HEADERS[3]: table["after"],
            KPI_HEADERS[4]: table["delta"],
        }
    )
    return frame.astype(object).where(frame.notna(), None)


def county_frame(bundle: ExportBundle) -> pd.DataFrame:
    """Per-county compliance table with Chinese headers (empty when not available)."""
    counties = bundle.counties
    if counties.empty:
        return pd.DataFrame()
    cols = [c for c in _COUNTY_COLUMNS if c in counties.columns]
    frame = counties[cols].copy()
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].map({True: "是", False: "否"})
    return frame.rename(columns=_COUNTY_COLUMNS)


def write_csv(bundle: ExportBundle, out_dir: Path, stem: str) -> list[Path]:
    """Write ``<stem>_<layer>.csv`` per layer and ``<stem>_kpis.csv`` (UTF-8 with BOM)."""
    out_dir = Path(out_dir)
    written = []
    tables: dict[str, pd.DataFrame] = {
        name: office_table(layer) for name, layer in bundle.layers.items()
    }
    tables["kpis"] = kpi_frame(bundle)
    county = county_frame(bundle)
    if not county.empty:
        tables["counties"] = county
    for name, table in tables.items():
        target = out_dir / f"{stem}_{name}.csv"
        neutralise_frame(table).to_csv(target, index=False, encoding="utf-8-sig")
        written.append(target)
    return written


def write_xlsx(bundle: ExportBundle, path: Path) -> list[Path]:
    """Write an XLSX workbook: a KPI sheet, a county sheet, then one sheet per layer."""
    path = Path(path)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    kpis = kpi_frame(bundle)
    _sheet(wb.create_sheet(KPI_SHEET), kpis)
    for i, key in enumerate(kpis[KPI_HEADERS[1]], start=2):
        if is_share(str(key), *kpis.iloc[i - 2, 2:4]):
            for col in (3, 4, 5):
                wb[KPI_SHEET].cell(row=i, column=col).number_format = "0.0%"
    meta_row = wb[KPI_SHEET].max_row + 2
    for i, (key, value) in enumerate(_meta(bundle).items()):
        wb[KPI_SHEET].cell(row=meta_row + i, column=1, value=key)
        wb[KPI_SHEET].cell(row=meta_row + i, column=2, value=value)
    county = county_frame(bundle)
    if not county.empty:
        _sheet(wb.create_sheet(COUNTY_SHEET), county)
    for name, layer in bundle.layers.items():
        _sheet(wb.create_sheet(LAYER_TITLES_ZH.get(name, name)[:31]), office_table(layer))
    wb.save(path)
    return [path]


def _meta(bundle: ExportBundle) -> dict[str, str]:
    meta = {"方案": bundle.title, "坐标系": "GCJ-02" if bundle.coords == "gcj02" else "WGS84"}
    meta.update(bundle.meta)
    return {k: v for k, v in meta.items() if v}


def _sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    safe = neutralise_frame(frame)
    headers = [str(c) for c in safe.columns]
    ws.append(headers)
    for record in safe.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in record])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    for j, header in enumerate(headers, start=1):
        letter = get_column_letter(j)
        if "率" in header:
            for cell in ws[letter][1:]:
                cell.number_format = "0.0%"
        width = max([_width(header), *(_width(c.value) for c in ws[letter][1:200])])
        ws.column_dimensions[letter].width = min(40, width + 2)
    ws.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
