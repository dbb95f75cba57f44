"""Exports of a plan: GIS layers, office tables, a static map and the Chinese meeting brief.

Entry points: :func:`export_scenario` (a scenario with its coverage before/after) and
:func:`export_bundle` (any :class:`ExportBundle`, e.g. built by :func:`build_bundle`).
The format writers in :mod:`~analysis.export.gis`, :mod:`~analysis.export.office`,
:mod:`~analysis.export.staticmap`, :mod:`~analysis.export.brief_pdf` and
:mod:`~analysis.export.brief_docx` only see bundles, never a scenario. Names are imported on
first use: a caller that needs one writer does not load the others (matplotlib, fpdf2,
python-docx).
"""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "ALL": "analysis.export.api",
    "COORD_SYSTEMS": "analysis.export.model",
    "EXPORT_LAYERS": "analysis.export.model",
    "ExportBundle": "analysis.export.model",
    "FORMATS": "analysis.export.api",
    "build_bundle": "analysis.export.layers",
    "check_format": "analysis.export.api",
    "export_bundle": "analysis.export.api",
    "export_scenario": "analysis.export.api",
    "files_to_bytes": "analysis.export.api",
    "safe_stem": "analysis.export.api",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
