"""The one domain exception of the data layer, and the problems it carries.

Validators collect every :class:`Problem` and raise a single :class:`GeodataError`
so the user sees all of them at once. Each problem is structured (a ``code`` plus
fields) so the dashboard can translate it; ``message`` is the English sentence.
"""

from __future__ import annotations

from typing import Any

from geodata.problems.problem import Problem, Severity
from geodata.problems.summary import summary_lines

__all__ = ["GeodataError", "Problem", "ProblemCollector", "ProblemsError", "Severity"]


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
