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
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from geodata.errors import Problem, Severity
from geodata.problems.codes import PROBLEM_CODES
from geodata.spreadsheet_safety import neutralise_value

#: Rows named in a group's line (the rest are counted).
SHOWN_ROWS: int = 5
#: Columns of :func:`problems_table`, in order.
TABLE_COLUMNS: tuple[str, ...] = ("severity", "code", "file", "row", "column", "value", "message")
_SEVERITY_ORDER: dict[Severity, int] = {"error": 0, "warning": 1}
# Archives are unpacked into <tmp>/geodata_xxxx/ (geodata.io.formats): not the user's.
_EXTRACT_DIR = re.compile(
    re.escape(tempfile.gettempdir().rstrip("/\\")) + r"[/\\]geodata_[^/\\\s'\"]*[/\\]"
)


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one code, file and column (one line for the reader).

    Parameters
    ----------
    first
        The first problem of the group (its message, value and parameters stand for all).
    count
        How many problems the group holds.
    rows
        0-based rows of the first :data:`SHOWN_ROWS` problems that name a row, ascending.
    """

    first: Problem
    count: int
    rows: tuple[int, ...]

    @property
    def code(self) -> str:
        """The problems' code."""
        return self.first.code

    @property
    def severity(self) -> Severity:
        """``"error"`` or ``"warning"``."""
        return self.first.severity

    @property
    def more_rows(self) -> bool:
        """True when more rows are concerned than :attr:`rows` lists."""
        return self.count > len(self.rows) and bool(self.rows)


def group_problems(problems: Iterable[Problem], shown_rows: int = SHOWN_ROWS) -> list[ProblemGroup]:
    """Group problems by severity, file, code and column; errors first, then first seen.

    Parameters
    ----------
    problems
        Any problems (e.g. ``GeodataError.problems``).
    shown_rows
        Rows kept per group.

    Returns
    -------
    list of ProblemGroup
    """
    firsts: dict[tuple[str, str, str, str], Problem] = {}
    counts: dict[tuple[str, str, str, str], int] = {}
    rows: dict[tuple[str, str, str, str], list[int]] = {}
    for p in problems:
        key = (p.severity, p.source, p.code, p.column or "")
        if key not in firsts:
            firsts[key], counts[key], rows[key] = p, 0, []
        counts[key] += 1
        if p.row is not None:
            rows[key].append(p.row)
    groups = [
        ProblemGroup(firsts[k], counts[k], tuple(sorted(rows[k])[:shown_rows])) for k in firsts
    ]
    return sorted(groups, key=lambda g: _SEVERITY_ORDER.get(g.severity, 2))


def rows_text(group: ProblemGroup) -> str:
    """1-based rows of a group for English text: ``"3, 4, 9, …"`` (``""`` when none)."""
    if not group.rows:
        return ""
    return ", ".join(str(r + 1) for r in group.rows) + (", …" if group.more_rows else "")


def summary_lines(
    problems: Iterable[Problem], *, codes: bool = False, shown_rows: int = SHOWN_ROWS
) -> list[str]:
    """One English line per group: a single problem as itself, repeats counted with rows.

    Parameters
    ----------
    problems
        Problems to summarise.
    codes
        Append ``[code]`` to each line (the command line does, for search and scripts).
    shown_rows
        Rows named per line.
    """
    lines: list[str] = []
    for g in group_problems(problems, shown_rows):
        tail = f"  [{g.code}]" if codes else ""
        if g.count == 1:
            lines.append(f"{g.first}{tail}")
            continue
        first = g.first
        where = ", ".join(
            p for p in (first.source, f"column {first.column!r}" if first.column else "") if p
        )
        what = PROBLEM_CODES.get(g.code, g.code).removeprefix("(warning) ")
        rows = f" (rows {rows_text(g)})" if g.rows else ""
        unit = "rows" if g.rows else "times"
        lines.append(
            f"{g.severity.upper()}: [{where}] {what}: {g.count:,} {unit}{rows}. "
            f"First: {first.message}{tail}"
        )
    return lines


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
