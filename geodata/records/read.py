"""Read and validate a records sheet (CSV or XLSX with Chinese headers).

:func:`read_records` reads a file; :func:`validate_records` checks a raw table (also the demo
city's committed table). Every problem is collected and raised once as a
:class:`~geodata.errors.GeodataError`: missing columns (headers found and accepted listed),
numbers that are not numbers or are negative, periods that are neither a month nor a quarter,
ids that name no contact point or home, and a point given twice for one period (or for a
quarter and a month of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.errors import GeodataError, Problem, ProblemCollector
from geodata.io.columns import normalise_header
from geodata.io.formats import detect_format, problem, read_table
from geodata.io.readers import check_input_file
from geodata.problems.report import without_paths
from geodata.records.periods import parse_period, quarter_of
from geodata.records.schema import (
    COUNT_COLUMNS,
    RECORD_COLUMNS,
    RECORD_FRAME_COLUMNS,
    RESOURCE_COLUMNS,
    record_column,
)
from geodata.validate.values import parse_number, parse_text, to_text

#: Most ids listed in one problem's message.
_LIST_MAX = 20


def empty_records() -> pd.DataFrame:
    """A records frame without rows (the canonical columns and dtypes)."""
    return _typed(pd.DataFrame({c: [] for c in RECORD_FRAME_COLUMNS}))


def read_records(
    path: str | Path,
    point_layers: Mapping[str, str] | None = None,
    *,
    source_name: str | None = None,
) -> pd.DataFrame:
    """Read a records sheet.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8 or GBK) or ``.xlsx`` file; the first non-empty sheet is read.
    point_layers
        Known point ids -> ``"contact_points"`` or ``"homes"``; ``None`` accepts any id
        as a contact point.
    source_name
        Name shown in problems (defaults to the file name).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~geodata.records.schema.RECORD_FRAME_COLUMNS`, sorted by point and
        period; ``attrs["warnings"]`` holds the warnings.

    Raises
    ------
    GeodataError
        Every problem of the file at once.
    """
    path = Path(path)
    source = source_name or path.name
    try:
        fmt = detect_format(path, check_input_file(path, source), source=source)
        if fmt not in ("csv", "xlsx"):
            raise problem(
                "records_format",
                "A records sheet must be a .xlsx or .csv file.",
                source,
                value=fmt,
            )
        raw = read_table(path, fmt, source=source)
    except GeodataError as exc:
        raise GeodataError(without_paths(exc.problems, path, source)) from None
    return validate_records(raw, point_layers, source=source)


def header_map(headers: list[str]) -> dict[str, str]:
    """``{raw_header: canonical}`` for the headers that name a records column."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    for col in RECORD_COLUMNS:
        for name in (col.name, *col.aliases):
            raw = by_norm.get(normalise_header(name))
            if raw is not None and raw not in mapping:
                mapping[raw] = col.name
                break
    return mapping


def validate_records(
    raw: pd.DataFrame,
    point_layers: Mapping[str, str] | None = None,
    *,
    source: str = "records",
) -> pd.DataFrame:
    """Check a raw records table and return it in canonical form (see :func:`read_records`)."""
    collector = ProblemCollector()
    headers = [str(c) for c in raw.columns]
    mapping = header_map(headers)
    table = raw.rename(columns=mapping)
    for col in RECORD_COLUMNS:
        if col.required and col.name not in table.columns:
            accepted = ", ".join(dict.fromkeys((col.name, *col.aliases)))
            collector.add(
                "missing_column",
                f"Required column {col.name!r} was not found. Headers found: "
                f"{', '.join(headers) or '(none)'}. Accepted headers for it: {accepted}. "
                "Rename the column (the template has the right headers).",
                source=source,
                column=col.name,
                params={"found": headers, "accepted": accepted},
            )
    collector.raise_if_errors()
    if len(table) == 0:
        collector.add("no_features", "The records sheet has no rows.", source=source)
        collector.raise_if_errors()
    out = pd.DataFrame(index=range(len(table)))
    ids, problems = parse_text(list(table["point_id"]), record_column("point_id"), source)
    collector.extend(problems)
    out["point_id"] = ids
    out["point_layer"] = _layers(ids, point_layers, source, collector)
    out["period"] = _periods(list(table["period"]), source, collector)
    for name in (*COUNT_COLUMNS, *RESOURCE_COLUMNS):
        if name in table.columns:
            values, problems = parse_number(list(table[name]), record_column(name), source)
            collector.extend(problems)
            out[name] = values
        else:
            out[name] = np.nan
    _check_totals(out, source, collector)
    _check_duplicates(out, source, collector)
    collector.raise_if_errors()
    frame = _typed(out).sort_values(["point_layer", "point_id", "period"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["warnings"] = tuple(collector.problems)
    return frame


def _layers(
    ids: list[str],
    point_layers: Mapping[str, str] | None,
    source: str,
    collector: ProblemCollector,
) -> list[str]:
    if point_layers is None:
        return ["contact_points"] * len(ids)
    unknown = [i for i, v in enumerate(ids) if v and v not in point_layers]
    for row in unknown:
        known = ", ".join(sorted(point_layers)[:_LIST_MAX])
        collector.add(
            "records_unknown_point",
            f"The id {ids[row]!r} names no contact point or representative home of the "
            f"data in use. Known ids: {known}. Correct the id, or load the point first.",
            source=source,
            row=row,
            column="point_id",
            value=ids[row],
        )
    return [str(point_layers.get(v, "")) for v in ids]


def _periods(values: list[object], source: str, collector: ProblemCollector) -> list[str]:
    out: list[str] = []
    for row, value in enumerate(values):
        period = parse_period(value) if to_text(value) else None
        if period is None:
            collector.add(
                "records_bad_period",
                f"The period {to_text(value)!r} is neither a month nor a quarter. Write a "
                "month as 2025-03 (or 2025年3月) or a quarter as 2025-Q1 (or 2025年第1季度).",
                source=source,
                row=row,
                column="period",
                value=to_text(value),
            )
        out.append(period or "")
    return out


def _check_totals(out: pd.DataFrame, source: str, collector: ProblemCollector) -> None:
    """Adopted or answered above collected: warnings (an earlier opinion may be answered now)."""
    collected = out["opinions_collected"].fillna(0).to_numpy()
    for name, code in (
        ("opinions_adopted", "adopted_exceeds_collected"),
        ("opinions_answered", "records_answered_exceeds_collected"),
    ):
        given = out[name].fillna(0).to_numpy(float)
        for row in np.flatnonzero((given > collected) & (collected >= 0)):  # negative: an error
            collector.add(
                code,
                f"{name} ({given[row]:g}) is above opinions_collected "
                f"({collected[row]:g}) in this period; fine when earlier opinions were settled "
                "now, otherwise check the numbers.",
                source=source,
                row=int(row),
                column=name,
                value=f"{given[row]:g}",
                severity="warning",
            )


def _check_duplicates(out: pd.DataFrame, source: str, collector: ProblemCollector) -> None:
    """A point twice in one period, or in a quarter and one of its months."""
    ok = out[(out["period"] != "") & (out["point_id"] != "")]
    dup = ok.duplicated(["point_id", "period"], keep="first")
    quarters = ok.loc[ok["period"].str.contains("-Q"), ["point_id", "period"]]
    in_quarter = ok["period"].map(lambda p: quarter_of(p) if "-Q" not in p else "")
    keys = set(zip(quarters["point_id"], quarters["period"], strict=True))
    overlap = pd.Series(
        [(i, q) in keys for i, q in zip(ok["point_id"], in_quarter, strict=True)], index=ok.index
    )
    for row in ok.index[dup | overlap]:
        collector.add(
            "records_duplicate_period",
            f"Point {out.at[row, 'point_id']!r} has more than one row for "
            f"{out.at[row, 'period']!s} (a period twice, or a quarter and one of its months). "
            "Keep one row per point and period.",
            source=source,
            row=int(row),
            column="period",
            value=str(out.at[row, "period"]),
        )


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(index=out.index)
    for name in ("point_id", "point_layer", "period"):
        frame[name] = out[name].astype(str) if len(out) else pd.Series(dtype=object)
    for name in COUNT_COLUMNS:
        frame[name] = pd.Series(out[name], dtype=float).fillna(0).round().astype(np.int64)
    for name in RESOURCE_COLUMNS:
        frame[name] = pd.Series(out[name], dtype=float).astype(np.float64)
    return frame[list(RECORD_FRAME_COLUMNS)]


def problems_of(frame: pd.DataFrame) -> tuple[Problem, ...]:
    """Warnings found while reading ``frame`` (kept in ``frame.attrs``)."""
    return tuple(frame.attrs.get("warnings", ()))
