"""Identical problems said once: groups by file, code and column, one line per group."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geodata.problems.codes import PROBLEM_CODES
from geodata.problems.problem import Problem, Severity

#: Rows named in a group's line (the rest are counted).
SHOWN_ROWS: int = 5
_SEVERITY_ORDER: dict[Severity, int] = {"error": 0, "warning": 1}


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
