"""Read the report command's input files into one :class:`~geodata.city.CityData`.

Every file is read with :func:`geodata.readers.read_layer`; the problems of all files are
collected and raised together, so one run shows everything that is wrong.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import geopandas as gpd

from analysis.errors import AnalysisError
from geodata.city import CityData
from geodata.errors import GeodataError, Problem
from geodata.population import join_population
from geodata.readers import read_layer
from geodata.schema import LayerName
from geodata.validate import assemble_city


def load_city_files(
    townships: Path,
    points: Path,
    villages: Path | None = None,
    sites: Path | None = None,
    homes: Path | None = None,
    population: Path | None = None,
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

    Returns
    -------
    CityData

    Raises
    ------
    GeodataError
        With the problems of every file.
    """
    files: dict[LayerName, Path | None] = {
        "townships": townships,
        "villages": villages,
        "contact_points": points,
        "collection_sites": sites,
        "homes": homes,
    }
    problems: list[Problem] = []
    warnings: list[Problem] = []
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    for layer, path in files.items():
        if path is None:
            layers[layer] = None
            continue
        # Township boundaries may lack population when a table supplies it.
        optional = ("population",) if layer == "townships" and population is not None else ()
        try:
            loaded = read_layer(path, layer, optional_columns=optional)
        except GeodataError as exc:
            problems.extend(exc.problems)
            continue
        layers[layer] = loaded.gdf
        warnings.extend(loaded.warnings)
    towns = layers.get("townships")
    if population is not None and towns is not None:
        try:
            towns = join_population(towns, population)
        except GeodataError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or towns is None:
        raise GeodataError(problems + warnings)
    return _assemble(towns, layers, tuple(warnings), name=Path(townships).stem)


def _assemble(
    towns: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame | None],
    warnings: tuple[Problem, ...],
    name: str,
) -> CityData:
    city = assemble_city(
        towns,
        villages=layers.get("villages"),
        contact_points=layers.get("contact_points"),
        collection_sites=layers.get("collection_sites"),
        homes=layers.get("homes"),
        name=name,
    )
    return replace(city, warnings=warnings + tuple(city.warnings))


def load_city_from_args(args: argparse.Namespace) -> CityData:
    """Load the city named by a command's ``--demo`` or input-file options.

    Parameters
    ----------
    args
        Parsed options with ``demo``, ``townships``, ``points``, ``villages``, ``sites``,
        ``homes`` and, optionally, ``population``.
    """
    if args.demo:
        try:
            from geodata.demo import load_demo_city
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
    )
