"""Command-line options and output for problems, shared by ``python -m geodata`` and
``python -m analysis``: identical problems printed once, every one on request.

``--all-problems`` prints each problem on its own line; ``--problems-file F.csv`` writes
each (file, row, column, value, message) to a CSV file; ``--outside-china`` lets data
outside China through the China-only checks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from geodata.errors import Problem
from geodata.problems.report import write_problems_csv
from geodata.problems.summary import summary_lines

#: Printed after a summary: how to get every problem.
SUMMARY_HINT = (
    "Identical problems are shown once with their count and first rows; --all-problems "
    "prints each, --problems-file FILE.csv writes each with its row, column and value."
)
#: Help of ``--outside-china``.
OUTSIDE_CHINA_HELP = (
    "the data lies outside China: skip the China-only checks (China's bounds, GCJ-02/BD-09 "
    "hints); coordinates must still be WGS84 longitude/latitude"
)


def add_problem_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--all-problems`` and ``--problems-file`` to ``parser``."""
    parser.add_argument(
        "--all-problems",
        action="store_true",
        help="print every problem on its own line (default: identical problems once, "
        "with their count and first rows)",
    )
    parser.add_argument(
        "--problems-file",
        type=Path,
        metavar="CSV",
        help="write every problem (file, row, column, value, message) to this CSV file",
    )


def add_outside_china_option(parser: argparse.ArgumentParser, help_text: str = "") -> None:
    """Add ``--outside-china`` to ``parser``."""
    parser.add_argument(
        "--outside-china", action="store_true", help=help_text or OUTSIDE_CHINA_HELP
    )


class ProblemPrinter:
    """Prints problems (identical ones once unless ``every``) and keeps them all.

    Parameters
    ----------
    every
        Print each problem on its own line (``--all-problems``).
    stream
        Where to print (default ``sys.stdout`` at call time).
    indent
        Text put before each line.
    max_lines
        Most lines printed per call when summarising (the rest are counted).
    """

    def __init__(
        self, every: bool, stream: TextIO | None = None, indent: str = "", max_lines: int = 200
    ) -> None:
        self.every = every
        self.stream = stream
        self.indent = indent
        self.max_lines = max_lines
        self.seen: list[Problem] = []
        self.summarised = False

    def __call__(self, problems: Sequence[Problem]) -> None:
        """Print ``problems`` and remember them."""
        self.seen.extend(problems)
        out = self.stream or sys.stdout
        if self.every:
            lines = [f"{p}  [{p.code}]" for p in problems]
            shown = lines
        else:
            lines = summary_lines(problems, codes=True)
            self.summarised |= len(lines) < len(problems)
            shown = lines[: self.max_lines]
        for line in shown:
            print(f"{self.indent}{line}", file=out)
        if len(lines) > len(shown):
            print(f"{self.indent}... and {len(lines) - len(shown)} more line(s)", file=out)

    def finish(self, problems_file: Path | None) -> bool:
        """Say how to get every problem, write the problems file; False when it failed."""
        if self.summarised and problems_file is None:
            print(SUMMARY_HINT, file=self.stream or sys.stdout)
        return write_problems_file(self.seen, problems_file)


def write_problems_file(problems: Sequence[Problem], path: Path | None) -> bool:
    """Write ``problems`` to ``path`` when given; False (and a message) when it cannot be."""
    if path is None:
        return True
    try:
        write_problems_csv(problems, path)
    except OSError as exc:
        print(f"ERROR: cannot write the problems file {path}: {exc.strerror}", file=sys.stderr)
        return False
    print(f"{len(problems)} problem(s) written to {path}", file=sys.stderr)
    return True
