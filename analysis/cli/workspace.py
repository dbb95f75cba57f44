"""``python -m analysis workspace migrate``: move a workspace between stores.

Usage::

    python -m analysis workspace migrate --from workspace/workspace.gpkg \\
        --to postgresql://planner@db.example/coverage
    python -m analysis workspace migrate --from postgresql://planner@db.example/coverage \\
        --to backup/workspace.gpkg

Each side is a GeoPackage path or a ``postgresql://`` URL (as ``COVERAGE_PLANNER_STORE``).
Moves every dataset (all layers, roads included), scenario (versions, owners, published
flags), account and the audit log. The target must be empty: nothing is ever overwritten or
merged. Exit status: 0 moved, 2 refused or a store problem (every problem on stderr).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from analysis.cli.inputs import print_problems
from analysis.errors import AnalysisError

EXIT_OK, EXIT_REFUSED = 0, 2


def add_parser(subparsers: Any) -> None:
    """Register the ``workspace`` sub-command (with its ``migrate`` action)."""
    p = subparsers.add_parser(
        "workspace",
        help="workspace stores: move one into PostgreSQL/PostGIS and back",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", required=True)
    m = actions.add_parser(
        "migrate",
        help="copy everything from one store into an empty other one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument("--from", dest="source", required=True, help="GeoPackage path or URL")
    m.add_argument("--to", dest="target", required=True, help="GeoPackage path or URL (empty)")


def run(args: argparse.Namespace) -> int:
    """Run the migration; return the exit status."""
    from analysis.workspace.api import open_store
    from analysis.workspace.migrate import migrate

    try:
        source, target = open_store(args.source), open_store(args.target)
        report = migrate(source, target)
    except AnalysisError as exc:
        print_problems(exc.problems, args)
        return EXIT_REFUSED
    print(f"{source.location} → {target.location}: {report.summary()}", file=sys.stderr)
    return EXIT_OK
