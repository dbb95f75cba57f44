"""One thing wrong (or doubtful) in an input: the :class:`Problem` every layer reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an input.

    Parameters
    ----------
    code
        Stable machine key, e.g. ``"missing_column"``; used for translation and tests.
    message
        Plain English sentence: what is wrong, what was found, how to fix it.
    source
        File name (or layer name) the problem was found in.
    row
        0-based row/feature index, when the problem concerns one row.
    column
        Column concerned, if any.
    value
        The offending value, as text.
    severity
        ``"error"`` stops loading; ``"warning"`` is reported but the data is used.
    params
        Extra values for translated messages (counts, names ...).
    """

    code: str
    message: str
    source: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = "error"
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = [p for p in (self.source, _row_text(self.row), _col_text(self.column)) if p]
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{self.severity.upper()}: {prefix}{self.message}"


def _row_text(row: int | None) -> str:
    return "" if row is None else f"row {row + 1}"


def _col_text(column: str | None) -> str:
    return "" if column is None else f"column {column!r}"
