"""Command line: ``python -m analysis {report,propose,export,workspace,review,accounts} ...``
(installed as ``coverage-analysis``).

Each sub-command lives in its own module of :mod:`analysis.cli` exposing
``add_parser(subparsers)`` and ``run(args) -> int``. Every sub-command's module is imported
to build the help, so a broken one fails loudly here rather than vanishing from the list;
the heavy libraries each needs are imported inside its ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: Sub-command -> module that implements it.
COMMANDS: dict[str, str] = {
    "report": "analysis.cli.report",
    "propose": "analysis.cli.propose",
    "export": "analysis.cli.export",
    "workspace": "analysis.cli.workspace",
    "review": "analysis.cli.review",
    "accounts": "analysis.cli.accounts",
}


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {name: importlib.import_module(path) for name, path in COMMANDS.items()}
    for module in modules.values():
        module.add_parser(sub)
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args))


if __name__ == "__main__":
    sys.exit(main())
