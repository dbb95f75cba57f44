"""Reading, validating and converting input layers; layer schemas; the demo city (no UI)."""

from geodata.city import CityData
from geodata.columns import suggest_column_map
from geodata.coords import COORD_SYSTEMS, CoordSystem, to_wgs84
from geodata.errors import GeodataError, Problem
from geodata.population import join_population, read_population_table
from geodata.problem_codes import PROBLEM_CODES
from geodata.readers import LoadedLayer, read_layer, read_table_headers
from geodata.readers_limits import MAX_INPUT_BYTES, MAX_UNCOMPRESSED_BYTES
from geodata.validate import assemble_city, validate_layer

__all__ = [
    "COORD_SYSTEMS",
    "MAX_INPUT_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "PROBLEM_CODES",
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
