"""Input files and problem output shared by the ``python -m analysis`` commands.

Every file is read with :func:`geodata.io.readers.read_layer`; the problems of all files are
collected and raised together, so one run shows everything that is wrong. Identical problems
are printed once (``--all-problems`` prints each, ``--problems-file`` writes each to a CSV
file); ``--outside-china`` accepts data outside China.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import AnalysisError
from geodata.boundaries.clean import clean_boundaries as clean_township_boundaries
from geodata.city import CityData
from geodata.errors import GeodataError, Problem
from geodata.io.population import join_population
from geodata.io.readers import LoadedLayer, read_layer
from geodata.match.table import only_missing_coordinates, place_point_table
from geodata.problems.cli import ProblemPrinter, add_outside_china_option, add_problem_options
from geodata.raster.population import (
    allocate_to_villages,
    apply_raster_population,
    raster_demand_grid,
    raster_population,
)
from geodata.schema import InputLayerName
from geodata.validate.layers import assemble_city


def load_city_files(
    townships: Path,
    points: Path,
    villages: Path | None = None,
    sites: Path | None = None,
    homes: Path | None = None,
    population: Path | None = None,
    *,
    roads: Path | None = None,
    outside_china: bool = False,
    point_matches: dict[str, pd.DataFrame] | None = None,
    population_raster: Path | None = None,
    clean_boundaries: bool = False,
    raster_demand: bool = False,
) -> CityData:
    """Read and assemble the layers named on the command line.

    Parameters
    ----------
    townships, points
        Township polygons and contact points (required).
    villages, sites, homes
        Optional point layers (``None``: no villages means township-grid demand).
    population
        Optional table of township populations joined by code or name.
    roads
        Optional road lines (``--roads``): ``CityData.roads``.
    outside_china
        The data lies outside China (``--outside-china``): the China-only checks step aside.
    point_matches
        Filled with ``{layer: match table}`` for every point table that had no coordinates
        and was placed by name or address (:func:`geodata.match.table.place_point_table`).
    population_raster
        Optional GeoTIFF of people per cell (``--population-raster``): the townships'
        population becomes its area-weighted sums, and the villages share their township's
        (:mod:`geodata.raster.population`).
    clean_boundaries
        Snap and clean the township boundaries first (``--clean-boundaries``; see
        :mod:`geodata.boundaries.clean`).
    raster_demand
        The raster's cells are also the demand of the townships without villages
        (``--raster-demand``: ``CityData.demand_cells``) instead of a uniform grid.

    Returns
    -------
    CityData

    Raises
    ------
    GeodataError
        With the problems of every file.
    """
    files: dict[InputLayerName, Path | None] = {
        "townships": townships,
        "villages": villages,
        "contact_points": points,
        "collection_sites": sites,
        "homes": homes,
        "roads": roads,
    }
    problems: list[Problem] = []
    warnings: list[Problem] = []
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    for layer, path in files.items():
        if path is None:
            layers[layer] = None
            continue
        # Township boundaries may lack population when a table supplies it.
        table_later = population is not None or population_raster is not None
        optional = ("population",) if layer == "townships" and table_later else ()
        try:
            loaded = read_layer(path, layer, optional_columns=optional, outside_china=outside_china)
        except GeodataError as exc:
            try:
                placed = _placed_by_name(exc, path, layer, layers, point_matches)
            except GeodataError as again:
                problems.extend(again.problems)
                continue
            if placed is None:
                problems.extend(exc.problems)
                continue
            loaded = placed
        layers[layer] = loaded.gdf
        warnings.extend(loaded.warnings)
    towns = layers.get("townships")
    if population is not None and towns is not None:
        try:
            towns = join_population(towns, population)
        except GeodataError as exc:
            problems.extend(exc.problems)
    cells = None
    if population_raster is not None and towns is not None and not problems:
        try:
            if raster_demand:
                cells = raster_demand_grid(population_raster, towns)
            towns = _with_raster(population_raster, towns, layers, warnings)
        except GeodataError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or towns is None:
        raise GeodataError(problems + warnings)
    if clean_boundaries:
        towns = clean_township_boundaries(towns, source=Path(townships).name).townships
    sources = {str(layer): Path(path).name for layer, path in files.items() if path is not None}
    city = _assemble(
        towns,
        layers,
        tuple(warnings),
        name=Path(townships).stem,
        outside_china=outside_china,
        sources=sources,
    )
    return replace(city, demand_cells=cells) if cells is not None else city


def _with_raster(
    path: Path,
    towns: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame | None],
    warnings: list[Problem],
) -> gpd.GeoDataFrame:
    """Townships (and villages, in ``layers``) with the population of a raster."""
    found = raster_population(path, towns)
    warnings.extend(found.warnings)
    towns = apply_raster_population(towns, found)
    villages = layers.get("villages")
    if villages is not None:
        shared = allocate_to_villages(
            villages["township_code"].to_numpy(),
            villages["population"].to_numpy(),
            towns["code"].to_numpy(),
            towns["population"].to_numpy(),
        )
        layers["villages"] = villages.assign(population=shared)
    return towns


def _placed_by_name(
    exc: GeodataError,
    path: Path,
    layer: InputLayerName,
    layers: dict[str, gpd.GeoDataFrame | None],
    point_matches: dict[str, pd.DataFrame] | None,
) -> LoadedLayer | None:
    """A point table whose only fault is missing coordinates, placed by name or address."""
    towns = layers.get("townships")
    if (
        layer not in ("contact_points", "collection_sites", "homes")
        or towns is None
        or not only_missing_coordinates(exc)
    ):
        return None
    placed = place_point_table(path, layer, towns, layers.get("villages"))
    if not placed.found_any:  # more likely coordinate headers not recognised: say that
        return None
    if point_matches is not None:
        point_matches[layer] = placed.matches.table
    return placed.loaded


def _assemble(
    towns: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame | None],
    warnings: tuple[Problem, ...],
    name: str,
    outside_china: bool,
    sources: dict[str, str] | None = None,
) -> CityData:
    city = assemble_city(
        towns,
        villages=layers.get("villages"),
        contact_points=layers.get("contact_points"),
        collection_sites=layers.get("collection_sites"),
        homes=layers.get("homes"),
        roads=layers.get("roads"),
        name=name,
        outside_china=outside_china,
        sources=sources,
    )
    return replace(city, warnings=warnings + tuple(city.warnings))


def load_city_from_args(
    args: argparse.Namespace, point_matches: dict[str, pd.DataFrame] | None = None
) -> CityData:
    """Load the city named by a command's ``--demo`` or input-file options.

    Parameters
    ----------
    args
        Parsed options with ``demo``, ``townships``, ``points``, ``villages``, ``sites``,
        ``homes`` and, optionally, ``population``, ``roads`` and ``outside_china``.
    """
    if args.demo:
        try:
            from geodata.demo.load import load_demo_city
        except ImportError:  # the demo module ships separately; say so instead of a traceback
            raise AnalysisError(
                [Problem("demo_unavailable", "The built-in demo city is not installed.")]
            ) from None
        return load_demo_city()
    return load_city_files(
        townships=args.townships,
        points=args.points,
        villages=args.villages,
        sites=args.sites,
        homes=args.homes,
        population=getattr(args, "population", None),
        roads=getattr(args, "roads", None),
        outside_china=bool(getattr(args, "outside_china", False)),
        point_matches=point_matches,
        population_raster=getattr(args, "population_raster", None),
        clean_boundaries=bool(getattr(args, "clean_boundaries", False)),
        raster_demand=bool(getattr(args, "raster_demand", False)),
    )


def add_population_raster_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--population-raster F.tif`` and ``--raster-demand`` to a command."""
    parser.add_argument(
        "--population-raster",
        type=Path,
        dest="population_raster",
        metavar="F.tif",
        help="GeoTIFF of people per cell (WorldPop-style): township and village populations",
    )
    parser.add_argument(
        "--raster-demand",
        action="store_true",
        dest="raster_demand",
        help="with --population-raster: the raster's cells are the demand of the townships "
        "without villages (instead of a uniform grid)",
    )


def population_raster_problems(args: argparse.Namespace) -> list[Problem]:
    """``--raster-demand`` without ``--population-raster`` (empty when the options are fine)."""
    if getattr(args, "raster_demand", False) and getattr(args, "population_raster", None) is None:
        return [
            Problem(
                "missing_input",
                "--raster-demand uses the cells of --population-raster F.tif: give the raster.",
            )
        ]
    return []


def given_options(args: argparse.Namespace, names: Sequence[str]) -> list[str]:
    """The options among ``names`` (``dest`` names) given on the command line, as typed
    (``population_raster`` -> ``population-raster``)."""
    return [n.replace("_", "-") for n in names if getattr(args, n, None) is not None]


def add_problem_arguments(parser: argparse.ArgumentParser, *, reads_files: bool = True) -> None:
    """Add ``--all-problems``, ``--problems-file`` and ``--outside-china`` to a command.

    Parameters
    ----------
    parser
        The sub-command's parser.
    reads_files
        False for a command that reads no input layer (``export`` works on a saved
        dataset, checked when it was loaded): its ``--outside-china`` only says so.
    """
    add_problem_options(parser)
    add_outside_china_option(
        parser,
        ""
        if reads_files
        else "accepted for the same command line as report/propose; a saved dataset was "
        "checked when it was loaded, so nothing is checked again",
    )


def print_problems(problems: Sequence[Problem], args: argparse.Namespace) -> bool:
    """Print ``problems`` to stderr (identical ones once) and write ``--problems-file``.

    Returns
    -------
    bool
        False when the problems file could not be written.
    """
    printer = ProblemPrinter(bool(getattr(args, "all_problems", False)), stream=sys.stderr)
    printer(problems)
    return printer.finish(getattr(args, "problems_file", None))
