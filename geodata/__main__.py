"""Command line of the data layer: ``python -m geodata check FILE [FILE ...]``.

Prints the problems in plain English, identical ones once (count and first rows;
``--all-problems`` prints each, ``--problems-file`` writes each to a CSV file), and exits 0
when every file is usable, 2 when not (also for usage errors). It never shows a traceback:
every failure of reading becomes a :class:`~geodata.errors.GeodataError` listing problems.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pyogrio

from geodata.coords import COORD_SYSTEMS, CoordSystem
from geodata.errors import GeodataError, Problem
from geodata.io.columns import infer_layer_from_headers, infer_layer_from_name, names_roads
from geodata.io.formats import READ_ERRORS
from geodata.io.population import join_population, read_population_table
from geodata.io.readers import LoadedLayer, read_layer, read_table_headers
from geodata.problems.cli import ProblemPrinter, add_outside_china_option, add_problem_options
from geodata.road_schema import INPUT_LAYER_NAMES, ROADS_LAYER
from geodata.schema import InputLayerName
from geodata.validate.layers import assemble_city

_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
EXIT_OK = 0
EXIT_INVALID = 2
#: Most lines printed per file (the rest are counted; --all-problems prints all).
MAX_PRINTED = 200


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check",
        help="check input files and print every problem",
        description="Check input files. Exit 0 when all are valid, 2 when not. When a townships "
        "file is among them, the point layers are also checked against it.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument(
        "--layer", choices=INPUT_LAYER_NAMES, help="layer of every file (default: inferred)"
    )
    check.add_argument(
        "--coords",
        choices=COORD_SYSTEMS,
        default="wgs84",
        help="coordinate system of the points (default wgs84; also CGCS2000)",
    )
    add_problem_options(check)
    add_outside_china_option(check)
    return parser


def _infer_layer(path: Path) -> InputLayerName:
    if names_roads(path.name):
        return ROADS_LAYER
    layer = infer_layer_from_name(path.name)
    if layer is not None:
        return layer
    headers = read_table_headers(path)
    layer = infer_layer_from_headers(headers)
    if layer is None:
        raise GeodataError(
            [
                Problem(
                    "layer_not_inferred",
                    "Which layer this file holds could not be told from its name or its columns "
                    f"({', '.join(headers)}). Give it with --layer "
                    f"({', '.join(INPUT_LAYER_NAMES)}).",
                    source=path.name,
                )
            ]
        )
    return layer


def _jobs(
    files: list[str], layer: InputLayerName | None
) -> list[tuple[Path, InputLayerName | None]]:
    """(file, layer) pairs: a GeoPackage holding several canonical layers gives one each."""
    jobs: list[tuple[Path, InputLayerName | None]] = []
    for name in files:
        path = Path(name)
        canonical: list[InputLayerName] = []
        if layer is None and path.suffix.lower() == ".gpkg" and path.is_file():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    names = {str(row[0]) for row in pyogrio.list_layers(path)}
            except READ_ERRORS:
                names = set()  # reported when the file is read below
            canonical = [n for n in INPUT_LAYER_NAMES if n in names]
        if len(canonical) > 1:
            jobs.extend((path, n) for n in canonical)
        else:
            jobs.append((path, layer))
    return jobs


def check(
    files: list[str],
    layer: InputLayerName | None,
    coords: CoordSystem,
    *,
    outside_china: bool = False,
    all_problems: bool = False,
    problems_file: Path | None = None,
) -> int:
    """Check ``files``; print a report; return the exit code."""
    report = ProblemPrinter(all_problems, indent="  ", max_lines=MAX_PRINTED)
    population_table_given = layer is None and any(
        Path(f).suffix.lower() in _TABLE_SUFFIXES
        and infer_layer_from_name(Path(f).name) == "townships"
        for f in files
    )
    ok = True
    loaded: dict[InputLayerName, LoadedLayer] = {}
    population_table: Path | None = None
    for path, given_layer in _jobs(files, layer):
        name = str(path)
        try:
            this_layer = given_layer or _infer_layer(path)
            if this_layer == "townships" and path.suffix.lower() in _TABLE_SUFFIXES:
                # A township table without boundaries is a population table to join.
                rows = read_population_table(path)
                print(f"OK {name}: population table, {len(rows)} rows")
                population_table = population_table or path
                continue
            result = read_layer(
                path,
                this_layer,
                coord_system=coords,
                optional_columns=("population",) if population_table_given else (),
                outside_china=outside_china,
            )
        except GeodataError as exc:
            ok = False
            print(f"INVALID {name}")
            report(exc.problems)
            continue
        print(f"OK {name}: {len(result.gdf)} {this_layer} ({result.file_format})")
        report(result.warnings)
        if this_layer in loaded:
            print(f"  (another {this_layer} file was given; cross-layer checks use the first)")
        else:
            loaded[this_layer] = result
    if ok and "townships" in loaded and (len(loaded) > 1 or population_table):
        layers = {k: v.gdf for k, v in loaded.items()}
        try:
            if population_table is not None:
                layers["townships"] = join_population(layers["townships"], population_table)
            sources = {str(k): v.source for k, v in loaded.items()}
            city = assemble_city(**layers, outside_china=outside_china, sources=sources)
        except GeodataError as exc:
            ok = False
            print("INVALID across layers")
            report(exc.problems)
        else:
            print("OK across layers")
            report(city.warnings)
    if not report.finish(problems_file):
        ok = False
    return EXIT_OK if ok else EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        return check(
            args.files,
            args.layer,
            args.coords,
            outside_china=args.outside_china,
            all_problems=args.all_problems,
            problems_file=args.problems_file,
        )
    return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
