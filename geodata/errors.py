"""The one domain exception of the data layer, and the problems it carries.

Validators collect every :class:`Problem` and raise a single :class:`GeodataError`
so the user sees all of them at once. Each problem is structured (a ``code`` plus
fields) so the dashboard can translate it; ``message`` is the English sentence.
"""

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


class ProblemsError(ValueError):
    """Base of the packages' domain exceptions: carries every problem found.

    Parameters
    ----------
    problems
        All problems found (errors and warnings); at least one is an error.
    """

    #: Words after the error count in the message's first line.
    heading = "problem(s) in the input:"

    def __init__(self, problems: list[Problem]) -> None:
        # Imported here: problem_report imports this module.
        from geodata.problems.report import summary_lines

        self.problems: tuple[Problem, ...] = tuple(problems)
        head = f"{len(self.errors)} {self.heading}"
        # Identical problems are said once (with their count and first rows).
        super().__init__("\n".join([head, *summary_lines(self.problems)]))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity ``"error"``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems of severity ``"warning"``."""
        return tuple(p for p in self.problems if p.severity == "warning")


class GeodataError(ProblemsError):
    """Input data cannot be used; carries every problem found."""


class ProblemCollector:
    """Accumulates problems and raises once.

    Examples
    --------
    >>> c = ProblemCollector()
    >>> c.add("empty_file", "The file is empty.", source="a.csv")
    >>> c.raise_if_errors()
    Traceback (most recent call last):
    ...
    geodata.errors.GeodataError: 1 problem(s) in the input:
    ERROR: [a.csv] The file is empty.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, **kwargs: Any) -> None:
        """Record one problem (keyword arguments as in :class:`Problem`)."""
        self.problems.append(Problem(code=code, message=message, **kwargs))

    def extend(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        """Record several problems found elsewhere."""
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        """True when at least one error was recorded."""
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The warnings recorded so far."""
        return tuple(p for p in self.problems if p.severity == "warning")

    def raise_if_errors(self) -> None:
        """Raise :class:`GeodataError` with every problem if any is an error."""
        if self.has_errors:
            raise GeodataError(self.problems)
