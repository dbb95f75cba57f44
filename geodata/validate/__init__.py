"""Validation of each layer and of a whole city; every problem at once."""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "assemble_city": "geodata.validate.layers",
    "validate_layer": "geodata.validate.layers",
    "validate_roads": "geodata.validate.roads",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
