"""Who is within reach of which point: the engine, tables, KPIs, each new point's impact.

``compute_coverage(city, standards) -> CoverageResult`` is the door (:mod:`.api`); the array
engine is :mod:`.engine`; per-area tables :mod:`.aggregate`, headline figures :mod:`.kpis`,
urban-rural equity :mod:`.equity`, what each new point brings :mod:`.impact`, the metric
CRS :mod:`.crs`, township-grid demand :mod:`.grid_demand`.
"""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "CoverageResult": "analysis.coverage.api",
    "KPIs": "analysis.coverage.kpis",
    "compute_coverage": "analysis.coverage.api",
    "metric_crs_for": "analysis.coverage.api",
    "point_impact": "analysis.coverage.impact",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
