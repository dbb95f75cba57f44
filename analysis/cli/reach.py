"""Reach options of the commands: ``--reach road|radius``, ``--roads F``, ``--reach-minutes N``.

Road reach needs a road layer: ``--roads FILE``, or the demo city's own roads with ``--demo``.
Without ``--reach`` the reach is road when ``--roads`` is given, else the standards' mode
(radius by default).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError
from geodata.city import CityData
from geodata.errors import GeodataError, Problem
from geodata.io.readers import read_layer


def add_reach_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--reach``, ``--roads`` and ``--reach-minutes`` to a command."""
    parser.add_argument(
        "--reach",
        choices=("road", "radius"),
        default=None,
        help="what 'within reach' means: travel time on roads or the service radius "
        "(default: road when --roads is given, else radius)",
    )
    parser.add_argument(
        "--roads", type=Path, metavar="F", help="road lines (GeoPackage, zipped Shapefile, ...)"
    )
    parser.add_argument(
        "--reach-minutes",
        type=float,
        dest="reach_minutes",
        metavar="N",
        help="one travel time in minutes for every point type (road reach)",
    )


def reach_problems(args: argparse.Namespace) -> list[Problem]:
    """What is wrong with the reach options (empty when nothing is)."""
    problems: list[Problem] = []
    minutes = getattr(args, "reach_minutes", None)
    if minutes is not None and not (math.isfinite(minutes) and minutes > 0):
        problems.append(
            Problem(
                "bad_reach_minutes",
                f"--reach-minutes must be a positive number of minutes, got {minutes:g}.",
                value=str(minutes),
            )
        )
    if args.reach == "road" and args.roads is None and not getattr(args, "demo", False):
        problems.append(
            Problem(
                "reach_road_without_roads",
                "--reach road needs a road layer: give --roads FILE (road lines with a road "
                "class or speed column), or use --reach radius.",
            )
        )
    return problems


def reach_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Standards overrides for :func:`analysis.standards.load.load_standards`."""
    mode = args.reach or ("road" if args.roads is not None else None)
    return {"reach_mode": mode, "reach_minutes": getattr(args, "reach_minutes", None)}


def with_roads(city: CityData, args: argparse.Namespace) -> CityData:
    """``city`` with the roads of ``--roads`` (the demo keeps its own without it).

    Raises
    ------
    AnalysisError
        The road file cannot be used (every problem of the file).
    """
    if args.roads is None or (city.roads is not None and not getattr(args, "demo", False)):
        return city  # the input files' roads were read with them (load_city_files)
    outside = bool(getattr(args, "outside_china", False))
    try:
        loaded = read_layer(args.roads, "roads", outside_china=outside)
    except GeodataError as exc:
        raise AnalysisError(list(exc.problems)) from None
    return replace(city, roads=loaded.gdf, warnings=tuple(city.warnings) + tuple(loaded.warnings))
