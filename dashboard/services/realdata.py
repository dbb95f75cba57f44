"""Inputs as planners really have them, for the data page's check (issue #16).

Point sheets without coordinates placed by name or address (the planner chooses among the
candidates of an ambiguous row), a population raster summed to the townships and shared to
the villages, and the optional snap-and-clean of the township boundaries. Thin calls into
:mod:`geodata.match`, :mod:`geodata.raster` and :mod:`geodata.boundaries`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geodata.errors import GeodataError, Problem

#: The raster upload's key in the uploads (``state.UPLOAD_LAYERS``) and its file types.
RASTER_LAYER = "population_raster"
RASTER_TYPES = ["tif", "tiff"]
#: Layers a sheet without coordinates may hold.
PLACEABLE = ("contact_points", "collection_sites", "homes")


def place_if_unplaced(
    exc: GeodataError,
    up: Any,
    layer: str,
    layers: Mapping[str, Any],
    choices: Mapping[int, str] | None,
) -> Any | None:
    """The :class:`~geodata.match.table.PlacedPoints` of a sheet whose only fault is missing
    coordinates, or None when it has other faults, no townships to match against, or no row
    was found (then its coordinate headers were more likely not recognised).

    Raises
    ------
    GeodataError
        When placing fails (e.g. the placed rows are not a valid layer).
    """
    from geodata.match.table import only_missing_coordinates, place_point_table

    if layer not in PLACEABLE or "townships" not in layers or not only_missing_coordinates(exc):
        return None
    with up.on_disk() as path:
        placed = place_point_table(
            path,
            layer,  # type: ignore[arg-type]
            layers["townships"],
            layers.get("villages"),
            source_name=up.name,
            choices=choices,
        )
    return placed if placed.found_any else None


def apply_raster(
    up: Any, layers: dict[str, Any], *, cells: bool = False
) -> tuple[list[Problem], Any]:
    """Set the townships' (and villages') population from a raster upload.

    Returns its warnings, and with ``cells`` the raster's cells as demand points
    (:func:`geodata.raster.population.raster_demand_grid`, else ``None``).
    """
    from geodata.raster.population import (
        allocate_to_villages,
        apply_raster_population,
        raster_demand_grid,
        raster_population,
    )

    with up.on_disk() as path:
        found = raster_population(path, layers["townships"], source_name=up.name)
        grid = raster_demand_grid(path, layers["townships"], source_name=up.name) if cells else None
    towns = apply_raster_population(layers["townships"], found)
    layers["townships"] = towns
    villages = layers.get("villages")
    if villages is not None:
        layers["villages"] = villages.assign(
            population=allocate_to_villages(
                villages["township_code"].to_numpy(),
                villages["population"].to_numpy(),
                towns["code"].to_numpy(),
                towns["population"].to_numpy(),
            )
        )
    return list(found.warnings), grid


def cleaned_townships(townships: Any, source: str) -> Any:
    """Townships after the snap-and-clean step (``geodata.boundaries.clean``)."""
    from geodata.boundaries.clean import clean_boundaries

    return clean_boundaries(townships, source=source).townships
