"""Exports of a plan: GIS layers, office tables, a static map and the Chinese meeting brief.

Entry points: :func:`export_scenario` (a scenario with its coverage before/after) and
:func:`export_bundle` (any :class:`ExportBundle`, e.g. built by :func:`build_bundle`).
The format writers in :mod:`~analysis.export.gis`, :mod:`~analysis.export.office`,
:mod:`~analysis.export.staticmap`, :mod:`~analysis.export.brief_pdf` and
:mod:`~analysis.export.brief_docx` only see bundles, never a scenario.
"""

from analysis.export.api import (
    ALL,
    FORMATS,
    check_format,
    export_bundle,
    export_scenario,
    files_to_bytes,
    safe_stem,
)
from analysis.export.layers import build_bundle
from analysis.export.model import COORD_SYSTEMS, EXPORT_LAYERS, ExportBundle

__all__ = [
    "ALL",
    "COORD_SYSTEMS",
    "EXPORT_LAYERS",
    "FORMATS",
    "ExportBundle",
    "build_bundle",
    "check_format",
    "export_bundle",
    "export_scenario",
    "files_to_bytes",
    "safe_stem",
]
