"""Problems as tables in the interface language: one row per kind of problem, or every one.

The page shows :func:`summary_frame` (identical problems once, with their count and first
rows, :func:`geodata.problems.report.group_problems`); :func:`problems_csv` gives every
problem (file, row, column, value, the translated sentence and the detailed English
message) as a CSV file whose cells a spreadsheet cannot run as formulas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.i18n import Lang, field_label, fmt_int, problem_text, t

if TYPE_CHECKING:
    from geodata.errors import Problem
    from geodata.problems.summary import ProblemGroup

#: Base name of the downloaded problem list (``.csv`` added).
CSV_STEM = {"zh": "数据问题清单", "en": "data-problems"}


def source_label(source: str) -> str:
    """The file a problem names, without the server's folders (an absolute path's last part).

    Problems of the workspace name its file by full path; the folders mean nothing to a
    user and tell a stranger about the server.
    """
    for flavour in (PurePosixPath, PureWindowsPath):
        path: PurePath = flavour(source)
        if path.is_absolute():
            return path.name
    return source


def rows_label(group: ProblemGroup, lang: Lang) -> str:
    """``第 3、4、9 行…`` / ``rows 3, 4, 9 …`` for a group (``""`` when no row is named)."""
    if not group.rows:
        return ""
    sep = "、" if lang == "zh" else ", "
    rows = sep.join(str(r + 1) for r in group.rows) + ("…" if group.more_rows else "")
    return t("problems_rows", lang, rows=rows)


def count_label(group: ProblemGroup, lang: Lang) -> str:
    """``1,204 行`` / ``1,204 rows`` (``1,204 处`` / ``times`` when no row is named)."""
    key = "problems_count_rows" if group.rows else "problems_count_times"
    return t(key, lang, n=fmt_int(group.count))


def summary_frame(problems: Iterable[Problem], lang: Lang) -> pd.DataFrame:
    """One row per file, problem code and column: severity, file, column, problem, count,
    first rows and the first value found."""
    from geodata.problems.summary import group_problems

    records = [
        {
            t("col_severity", lang): t(f"severity_{g.severity}", lang),
            t("col_file", lang): source_label(g.first.source),
            t("col_column", lang): field_label(g.first.column, lang),
            t("col_problem", lang): problem_text(
                g.code, dict(g.first.params), g.first.message, lang
            ),
            t("col_count", lang): count_label(g, lang),
            t("col_rows", lang): rows_label(g, lang),
            t("col_example", lang): g.first.value or "",
        }
        for g in group_problems(problems)
    ]
    return pd.DataFrame(records)


def full_frame(problems: Iterable[Problem], lang: Lang) -> pd.DataFrame:
    """Every problem: severity, file, row, column, value, problem, detail (English), code."""
    records = [
        {
            t("col_severity", lang): t(f"severity_{p.severity}", lang),
            t("col_file", lang): source_label(p.source),
            t("col_row", lang): "" if p.row is None else str(p.row + 1),
            t("col_column", lang): field_label(p.column, lang),
            t("col_value", lang): p.value or "",
            t("col_problem", lang): problem_text(p.code, dict(p.params), p.message, lang),
            t("col_detail", lang): p.message,
            t("col_code", lang): p.code,
        }
        for p in problems
    ]
    return pd.DataFrame(records)


def problems_csv(problems: Sequence[Problem], lang: Lang) -> bytes:
    """Every problem as CSV bytes (UTF-8 with BOM for Excel; no cell runs as a formula)."""
    from geodata.spreadsheet_safety import neutralise_frame

    frame = neutralise_frame(full_frame(problems, lang))
    return frame.to_csv(index=False).encode("utf-8-sig")


def csv_file_name(lang: Lang) -> str:
    """Name of the downloaded problem list."""
    return f"{CSV_STEM[lang]}.csv"
