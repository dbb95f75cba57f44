"""``python -m analysis export``: a scenario's layers, KPIs, map and meeting brief as files.

Usage::

    python -m analysis export (--demo | --scenario NAME [--workspace PATH])
                              --format FMT --out DIR [--coords wgs84|gcj02] [--standards F]

FMT is one of gpkg, shp, geojson, kml, kmz, csv, xlsx, docx, pdf, png, all. ``--demo``
exports the demo city as it is (every point ``existing``); ``--scenario`` loads a saved
scenario from the workspace (a GeoPackage path or a ``postgresql://`` URL; default:
``$COVERAGE_PLANNER_STORE``, ``$COVERAGE_PLANNER_WORKSPACE`` or ``workspace/workspace.gpkg``)
and compares it with its base dataset. Exit status: 0 success, 2 bad input (every problem on
stderr, no traceback), 1 output could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from analysis.cli.inputs import add_problem_arguments, print_problems
from analysis.cli.reach import add_reach_arguments, reach_overrides, reach_problems, with_roads
from analysis.errors import AnalysisError
from geodata.errors import GeodataError, Problem

EXIT_OK, EXIT_OUTPUT, EXIT_BAD_INPUT = 0, 1, 2
FORMAT_CHOICES: tuple[str, ...] = (
    "gpkg",
    "shp",
    "geojson",
    "kml",
    "kmz",
    "csv",
    "xlsx",
    "docx",
    "pdf",
    "png",
    "all",
)


def add_parser(subparsers: Any) -> None:
    """Register the ``export`` sub-command on an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "export",
        help="export a scenario (GIS layers, Excel, Chinese brief in Word/PDF, map PNG)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="the built-in demo city as it is")
    source.add_argument("--scenario", help="name of a scenario saved in the workspace")
    p.add_argument(
        "--workspace",
        help="workspace: a GeoPackage path or a postgresql:// URL (with --scenario; default"
        " $COVERAGE_PLANNER_STORE)",
    )
    p.add_argument("--format", dest="fmt", required=True, choices=FORMAT_CHOICES)
    p.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    p.add_argument("--coords", choices=("wgs84", "gcj02"), default="wgs84")
    p.add_argument("--standards", type=Path, help="planning standards TOML (overrides defaults)")
    add_reach_arguments(p)
    add_problem_arguments(p, reads_files=False)


def run(args: argparse.Namespace) -> int:
    """Run the export; return the exit status."""
    from analysis.coverage.api import compute_coverage
    from analysis.export import export_scenario
    from analysis.plan.scenarios import apply_scenario
    from analysis.standards.load import load_standards

    try:
        if args.workspace is not None and args.scenario is None:
            raise AnalysisError(
                [Problem("workspace_without_scenario", "--workspace needs --scenario NAME.")]
            )
        problems = reach_problems(args)
        if problems:
            raise AnalysisError(problems)
        standards = load_standards(args.standards, **reach_overrides(args))
        city, scenario = _load(args)
        city = with_roads(city, args)
        before = compute_coverage(city, standards)
        after = compute_coverage(apply_scenario(city, scenario), standards)
    except (GeodataError, AnalysisError) as exc:
        print_problems(exc.problems, args)
        return EXIT_BAD_INPUT
    try:
        written = export_scenario(
            city, scenario, before, after, args.fmt, args.out, coords=args.coords,
            standards=standards,
        )  # fmt: skip
    except AnalysisError as exc:
        print_problems(exc.problems, args)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"ERROR: cannot write to {args.out}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    for path in written:
        print(path)
    k = after.kpis
    print(
        f"{scenario.name}: 联系点 {k.contact_points_total} 个，人口覆盖率 {k.coverage_share:.1%}；"
        f"{len(written)} 个文件 → {args.out}",
        file=sys.stderr,
    )
    return EXIT_OK


def _load(args: argparse.Namespace) -> tuple[Any, Any]:
    """The base city and the scenario to export."""
    from analysis.plan.scenarios import DEMO_DATASET_ID, baseline_scenario

    if args.demo:
        city = _demo_city()
        return city, baseline_scenario(city, DEMO_DATASET_ID)
    from analysis.workspace.api import open_store

    store = open_store(args.workspace)
    scenario = store.load(args.scenario)
    if scenario.dataset_id == DEMO_DATASET_ID:
        return _demo_city(), scenario
    return store.load_dataset(scenario.dataset_id), scenario


def _demo_city() -> Any:
    try:
        from geodata.demo.load import load_demo_city
    except ImportError:  # the demo module ships separately; say so instead of a traceback
        raise AnalysisError(
            [Problem("demo_unavailable", "The built-in demo city is not installed.")]
        ) from None
    return load_demo_city()
