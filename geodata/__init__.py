"""Reading, validating and converting input layers; layer schemas; the demo city (no UI).

Names are imported on first use (PEP 562): loading the demo city should not import the
readers (openpyxl, pyogrio's drivers), which the dashboard's first start does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geodata.city import CityData
    from geodata.coords import COORD_SYSTEMS, CoordSystem, to_wgs84
    from geodata.errors import GeodataError, Problem
    from geodata.io.columns import suggest_column_map
    from geodata.io.limits import MAX_INPUT_BYTES, MAX_UNCOMPRESSED_BYTES
    from geodata.io.population import join_population, read_population_table
    from geodata.io.readers import LoadedLayer, read_layer, read_table_headers
    from geodata.problems.codes import PROBLEM_CODES
    from geodata.road_schema import ROAD_COLUMNS, ROADS_LAYER
    from geodata.validate.layers import assemble_city, validate_layer

#: Public name -> module that defines it.
_EXPORTS = {
    "COORD_SYSTEMS": "geodata.coords",
    "MAX_INPUT_BYTES": "geodata.io.limits",
    "MAX_UNCOMPRESSED_BYTES": "geodata.io.limits",
    "PROBLEM_CODES": "geodata.problems.codes",
    "ROAD_COLUMNS": "geodata.road_schema",
    "ROADS_LAYER": "geodata.road_schema",
    "CityData": "geodata.city",
    "CoordSystem": "geodata.coords",
    "GeodataError": "geodata.errors",
    "LoadedLayer": "geodata.io.readers",
    "Problem": "geodata.errors",
    "assemble_city": "geodata.validate.layers",
    "join_population": "geodata.io.population",
    "read_layer": "geodata.io.readers",
    "read_population_table": "geodata.io.population",
    "read_table_headers": "geodata.io.readers",
    "suggest_column_map": "geodata.io.columns",
    "to_wgs84": "geodata.coords",
    "validate_layer": "geodata.validate.layers",
}

__all__ = [
    "COORD_SYSTEMS",
    "MAX_INPUT_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "PROBLEM_CODES",
    "ROADS_LAYER",
    "ROAD_COLUMNS",
    "CityData",
    "CoordSystem",
    "GeodataError",
    "LoadedLayer",
    "Problem",
    "assemble_city",
    "join_population",
    "read_layer",
    "read_population_table",
    "read_table_headers",
    "suggest_column_map",
    "to_wgs84",
    "validate_layer",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geodata' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
