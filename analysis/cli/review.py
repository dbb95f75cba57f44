"""``python -m analysis review``: the performance review of contact points and homes as files.

Usage::

    python -m analysis review (--demo | --points F [--homes F]) [--records F]
                              [--townships F --villages F] [--relocate] [--standards F]
                              [--all-problems] [--problems-file F.csv] --out DIR

Writes ``review_ranking.csv``, ``review_commend.csv``, ``review_adjust.csv``,
``review_standards.csv``, ``review_counties.csv``, ``review_quarters.csv`` (UTF-8 with BOM)
and ``运行评估.xlsx`` (one sheet each). ``--records`` is the records sheet (XLSX/CSV, Chinese
headers; the dashboard's template); with ``--demo`` it defaults to the demo city's records.
``--relocate`` also writes ``review_relocation.csv``: where each contact point on the
adjustment list could move, with the people gained and lost (needs ``--demo`` or
``--townships`` and ``--villages``). Exit status: 0 success, 2 bad input (every problem on
stderr, identical ones once), 1 output could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.cli.inputs import add_problem_arguments, load_city_files, print_problems
from analysis.errors import AnalysisError
from analysis.review.api import ReviewResult, review_points
from analysis.review.files import write_review
from analysis.review.tables import point_layers
from analysis.standards.load import load_standards
from geodata.admin.codes import area_name_zh
from geodata.city import CityData
from geodata.errors import GeodataError, Problem
from geodata.spreadsheet_safety import neutralise_frame

EXIT_OK, EXIT_OUTPUT, EXIT_BAD_INPUT = 0, 1, 2
RELOCATION_FILE = "review_relocation.csv"


def add_parser(subparsers: Any) -> None:
    """Register the ``review`` sub-command."""
    p = subparsers.add_parser(
        "review",
        help="performance review: ranking, commendation/adjustment lists, standards (CSV+XLSX)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--demo", action="store_true", help="the built-in fictional demo city")
    p.add_argument("--points", type=Path, metavar="F", help="contact points (基层立法联系点)")
    p.add_argument("--homes", type=Path, metavar="F", help="representative homes (代表之家)")
    p.add_argument("--records", type=Path, metavar="F", help="records sheet (运行记录, XLSX/CSV)")
    p.add_argument("--townships", type=Path, metavar="F", help="township polygons (--relocate)")
    p.add_argument("--villages", type=Path, metavar="F", help="villages (--relocate)")
    p.add_argument("--relocate", action="store_true", help="also propose moves of flagged points")
    p.add_argument("--standards", type=Path, metavar="F", help="planning standards TOML")
    add_problem_arguments(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")


def _argument_problems(args: argparse.Namespace) -> list[Problem]:
    files = [n for n in ("points", "homes", "townships", "villages") if getattr(args, n)]
    if args.demo and files:
        names = ", ".join(f"--{n}" for n in files)
        return [Problem("demo_with_files", f"--demo cannot be combined with {names}.")]
    if not args.demo and (args.points is None or args.records is None):
        return [Problem("missing_input", "Give --demo, or --points F and --records F.")]
    if args.relocate and not args.demo and (args.townships is None or args.villages is None):
        return [Problem("missing_input", "--relocate needs --demo, or --townships and --villages.")]
    return []


def _inputs(args: argparse.Namespace) -> tuple[CityData | pd.DataFrame, Any, pd.DataFrame]:
    """The city (or the point layers alone), the homes and the records."""
    from geodata.io.readers import read_layer
    from geodata.records.read import read_records

    homes = None
    if args.demo:
        from geodata.demo.load import load_demo_city, load_demo_records

        city: CityData | pd.DataFrame = load_demo_city()
        assert isinstance(city, CityData)
        cps, homes = city.contact_points, city.homes
    elif args.townships is not None:
        city = load_city_files(args.townships, args.points, args.villages, homes=args.homes)
        assert isinstance(city, CityData)
        cps, homes = city.contact_points, city.homes
    else:
        city = cps = read_layer(args.points, "contact_points").gdf
        homes = read_layer(args.homes, "homes").gdf if args.homes else None
    if args.records is None:
        records = load_demo_records()
    else:
        records = read_records(args.records, point_layers(cps, homes))
    return city, homes, records


def run(args: argparse.Namespace) -> int:
    """Run the review; return the exit status."""
    try:
        problems = _argument_problems(args)
        if problems:
            raise AnalysisError(problems)
        standards = load_standards(args.standards)
        city, homes, records = _inputs(args)
        result = review_points(city, records, standards, homes=homes)
        moves = None
        if args.relocate and isinstance(city, CityData):
            from analysis.review.relocate import propose_relocation

            moves = propose_relocation(city, result, standards).frame()
    except (GeodataError, AnalysisError) as exc:
        print_problems(exc.problems, args)
        return EXIT_BAD_INPUT
    print_problems(records.attrs.get("warnings", ()), args)
    try:
        paths = write_review(result, args.out)
        if moves is not None:
            target = Path(args.out) / RELOCATION_FILE
            neutralise_frame(moves).to_csv(target, index=False, encoding="utf-8-sig")
            paths.append(target)
    except OSError as exc:
        print(f"ERROR: cannot write to {args.out}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(_summary(result) + f" → {args.out}")
    return EXIT_OK


def _summary(result: ReviewResult) -> str:
    window = f"{result.window[0]}至{result.window[-1]}" if result.window else "无记录"
    return (
        f"运行评估（{window}）：点位 {len(result.ranking)} 个，表彰 {len(result.commend)} 个，"
        f"调整 {len(result.adjust)} 个；{area_name_zh(result.area_level)}意见采纳率 "
        f"{result.city_adoption_rate:.1%}"
    )
