"""``python -m analysis report``: coverage tables and KPIs of a city, for batch work.

Usage::

    python -m analysis report [--demo | --townships F --villages F --points F [--sites F]
                               [--homes F] [--population F] [--population-raster F.tif
                               [--raster-demand]] [--clean-boundaries]]
                               [--standards F] [--radius-m N]
                               [--reach road|radius] [--roads F] [--reach-minutes N]
                               [--outside-china] [--all-problems] [--problems-file F.csv]
                               --out DIR

Writes ``kpis.json`` (UTF-8), ``townships.csv``, ``counties.csv`` and ``contact_points.csv``
(UTF-8 with BOM so Excel shows the Chinese names). A ``--points`` (``--sites``, ``--homes``)
table without coordinates is placed by name or address against the villages and townships:
``point_matches.csv`` (one row per input row: matched, ambiguous with its candidates,
unmatched) is written too, and the ambiguous and unmatched rows are warnings. Villages are
the demand; without ``--villages`` each township's population is spread over a grid, or,
with ``--population-raster F.tif --raster-demand``, placed on the raster's cells (people
where they live; also for the townships that have no village when ``--villages`` is given). Exit
status: 0 success, 2 bad input (the problems on stderr, identical ones once with their count
and first rows; ``--all-problems`` prints each, ``--problems-file`` writes each to a CSV file;
no traceback), 1 output could not be written. ``--outside-china`` accepts data outside China. With
``--reach road`` (or ``--roads F``) "within reach" is travel time on the roads
(``kpis.json`` then says ``"reach_mode": "road"``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.cli.inputs import (
    add_population_raster_arguments,
    add_problem_arguments,
    given_options,
    load_city_from_args,
    population_raster_problems,
    print_problems,
)
from analysis.cli.reach import add_reach_arguments, reach_overrides, reach_problems, with_roads
from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.errors import AnalysisError
from analysis.standards.load import load_standards
from geodata.errors import GeodataError, Problem
from geodata.spreadsheet_safety import neutralise_frame

EXIT_OK, EXIT_OUTPUT, EXIT_BAD_INPUT = 0, 1, 2
OUTPUT_FILES = ("kpis.json", "townships.csv", "counties.csv", "contact_points.csv")


def add_parser(subparsers: Any) -> None:
    """Register the ``report`` sub-command on an argparse sub-parser collection."""
    p = subparsers.add_parser(
        "report",
        help="coverage tables and KPIs (kpis.json + three CSV files)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--demo", action="store_true", help="use the built-in fictional demo city")
    p.add_argument(
        "--townships", type=Path, metavar="F", help="township polygons (with population)"
    )
    p.add_argument(
        "--villages", type=Path, metavar="F", help="village/community points (the demand)"
    )
    p.add_argument("--points", type=Path, metavar="F", help="contact points (基层立法联系点)")
    p.add_argument("--sites", type=Path, metavar="F", help="collection sites (立法信息采集点)")
    p.add_argument("--homes", type=Path, metavar="F", help="representative homes (代表之家)")
    p.add_argument(
        "--population", type=Path, metavar="F", help="table of township populations to join"
    )
    add_population_raster_arguments(p)
    p.add_argument(
        "--clean-boundaries",
        action="store_true",
        dest="clean_boundaries",
        help="snap and clean the township boundaries (overlaps, gaps up to 1 km2) before use",
    )
    p.add_argument(
        "--standards", type=Path, metavar="F", help="planning standards TOML (overrides defaults)"
    )
    p.add_argument(
        "--radius-m",
        type=float,
        dest="radius_m",
        metavar="N",
        help="one service radius for every point type",
    )
    add_reach_arguments(p)
    add_problem_arguments(p)
    p.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output folder (created if missing)"
    )


def run(args: argparse.Namespace) -> int:
    """Run the report; return the exit status."""
    try:
        problems = _argument_problems(args) + reach_problems(args)
        if problems:
            raise AnalysisError(problems)
        standards = load_standards(args.standards, radius_m=args.radius_m, **reach_overrides(args))
        matches: dict[str, pd.DataFrame] = {}
        city = with_roads(load_city_from_args(args, matches), args)
        result = compute_coverage(city, standards)
    except (GeodataError, AnalysisError) as exc:
        print_problems(exc.problems, args)
        return EXIT_BAD_INPUT
    print_problems(tuple(city.warnings) + result.warnings, args)
    try:
        write_report(result, args.out)
        write_point_matches(matches, args.out)
    except OSError as exc:
        print(f"ERROR: cannot write to {args.out}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    k = result.kpis
    print(
        f"{city.name or '—'}: 人口 {k.population_total:,}，覆盖 {k.population_covered:,} "
        f"({k.coverage_share:.1%})；联系点 {k.contact_points_total} 个；"
        f"盲区乡镇 {k.townships_uncovered} 个 → {args.out}"
    )
    return EXIT_OK


def write_report(result: CoverageResult, out: Path) -> list[Path]:
    """Write the four report files into ``out`` (created if missing); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in OUTPUT_FILES]
    paths[0].write_text(
        json.dumps(result.kpis.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for path, table in zip(
        paths[1:], (result.townships, result.counties, result.contact_points), strict=True
    ):
        neutralise_frame(table).to_csv(path, index=False, encoding="utf-8-sig")
    return paths


def write_point_matches(matches: dict[str, pd.DataFrame], out: Path) -> Path | None:
    """Write ``point_matches.csv`` (every layer placed by name, one row per input row)."""
    if not matches:
        return None
    table = pd.concat([m.assign(layer=layer) for layer, m in matches.items()], ignore_index=True)
    table["row"] = table["row"] + 1  # as the user counts rows, the header not counted
    path = out / "point_matches.csv"
    neutralise_frame(table).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _argument_problems(args: argparse.Namespace) -> list[Problem]:
    if args.radius_m is not None and not (math.isfinite(args.radius_m) and args.radius_m > 0):
        return [
            Problem(
                "bad_radius",
                f"--radius-m must be a positive number of metres, got {args.radius_m:g}.",
                value=str(args.radius_m),
            )
        ]
    files = ("townships", "villages", "points", "sites", "homes", "population", "population_raster")
    given = given_options(args, files)
    if raster := population_raster_problems(args):
        return raster
    if args.demo and given:
        names = ", ".join(f"--{n}" for n in given)
        return [Problem("demo_with_files", f"--demo cannot be combined with {names}.")]
    if args.demo:
        return []
    missing = [f"--{n}" for n in ("townships", "points") if getattr(args, n) is None]
    if missing:
        return [
            Problem(
                "missing_input",
                f"Give --demo, or input files: {' and '.join(missing)} missing "
                "(--villages, --sites, --homes and --population are optional).",
            )
        ]
    return []
