"""The embedded, seeded demo city (示例市, fictional): ``load_demo_city()``."""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "DEMO_GPKG": "geodata.demo.load",
    "load_demo_city": "geodata.demo.load",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
