"""Command line: ``python -m analysis {report,propose,export} ...``.

Each sub-command lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``; they are imported lazily so one command's dependencies do not
slow the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys

_COMMANDS = {
    "report": "analysis.cli_report",
    "propose": "analysis.cli_propose",
    "export": "analysis.cli_export",
}


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, module_name in _COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # command not built yet
        module.add_parser(sub)
        modules[name] = module
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args))


if __name__ == "__main__":
    sys.exit(main())
