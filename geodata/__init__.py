"""Reading, validating and converting input layers; layer schemas; the demo city (no UI)."""

from geodata.city import CityData
from geodata.errors import GeodataError, Problem

__all__ = ["CityData", "GeodataError", "Problem"]
