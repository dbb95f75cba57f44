"""The one domain exception of the analysis package.

Analysis functions collect every :class:`~geodata.errors.Problem` they find (bad planning
standards, inconsistent layers) and raise a single :class:`AnalysisError`, so the user sees
all of them at once. The problem type is shared with the data layer so the CLI and the
dashboard report both the same way.
"""

from __future__ import annotations

from typing import Any

from geodata.errors import Problem, ProblemsError

__all__ = ["AnalysisError", "AnalysisProblems", "Problem"]


class AnalysisError(ProblemsError):
    """The analysis cannot run on these inputs or settings; carries every problem found."""

    heading = "problem(s) in the analysis input:"


class AnalysisProblems:
    """Accumulates analysis problems and raises :class:`AnalysisError` once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, **kwargs: Any) -> None:
        """Record one problem (keyword arguments as in :class:`Problem`)."""
        self.problems.append(Problem(code=code, message=message, **kwargs))

    @property
    def has_errors(self) -> bool:
        """True when at least one error was recorded."""
        return any(p.severity == "error" for p in self.problems)

    def raise_if_errors(self) -> None:
        """Raise :class:`AnalysisError` with every problem if any is an error."""
        if self.has_errors:
            raise AnalysisError(self.problems)
