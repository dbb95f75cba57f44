"""Problems said once: identical findings grouped, and the full list as a table or CSV file.

A file with 1,204 rows whose population is text gives 1,204 :class:`~geodata.errors.Problem`
objects. People need one line ("villages.csv, column population: text where a number is
expected, 1,204 rows (rows 3, 4, 9 ...)") and, separately, every row to fix: the groups of
:func:`group_problems` and the table of :func:`problems_table` (``--problems-file`` on the
command line, a download on the dashboard's data page).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geodata.problems.problem import Problem
from geodata.spreadsheet_safety import neutralise_value

#: Columns of :func:`problems_table`, in order.
TABLE_COLUMNS: tuple[str, ...] = ("severity", "code", "file", "row", "column", "value", "message")
# Archives are unpacked into <tmp>/geodata_xxxx/ (geodata.io.formats): not the user's.
_EXTRACT_DIR = re.compile(
    re.escape(tempfile.gettempdir().rstrip("/\\")) + r"[/\\]geodata_[^/\\\s'\"]*[/\\]"
)


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Every problem as one row (English headers of :data:`TABLE_COLUMNS`; rows 1-based)."""
    records = [
        {
            "severity": p.severity,
            "code": p.code,
            "file": p.source,
            "row": "" if p.row is None else str(p.row + 1),
            "column": p.column or "",
            "value": p.value or "",
            "message": p.message,
        }
        for p in problems
    ]
    return pd.DataFrame(records, columns=list(TABLE_COLUMNS))


#: Text a spreadsheet would run as a formula, prefixed with ``'``; anything else as is.
neutralise_cell = neutralise_value


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers are neutralised for spreadsheets."""
    out = frame.astype(object).map(neutralise_cell)
    out.columns = [str(neutralise_cell(str(c))) for c in frame.columns]
    return out


def write_problems_csv(problems: Sequence[Problem], path: str | Path) -> Path:
    """Write every problem to a CSV file (UTF-8 with BOM for Excel, formulas neutralised).

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    path = Path(path)
    safe_table(problems_table(problems)).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def without_paths(problems: Iterable[Problem], path: str | Path, name: str) -> list[Problem]:
    """Problems whose texts name ``name`` where a library wrote the server path ``path``.

    GDAL and the XML parser quote the path they opened; on the dashboard that is a copy in
    a temporary folder, which means nothing to the user and tells a stranger about the server.
    """
    full = str(path)
    out: list[Problem] = []
    for p in problems:
        message = _scrub(p.message, full, name)
        value = None if p.value is None else _scrub(p.value, full, name)
        params = {
            k: _scrub(v, full, name) if isinstance(v, str) else v for k, v in p.params.items()
        }
        if message != p.message or value != p.value or params != p.params:
            p = replace(p, message=message, value=value, params=params)
        out.append(p)
    return out


def _scrub(text: str, full: str, name: str) -> str:
    return _EXTRACT_DIR.sub("", text.replace(full, name)) if full else text
