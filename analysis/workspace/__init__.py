"""The workspace store: scenarios and uploaded datasets in one GeoPackage file.

``WorkspaceStore(path)`` (:mod:`.store`); the file's layout :mod:`.tables`, geometry
encoding :mod:`.geom`, GeoPackage details :mod:`.gpkg`, stored datasets :mod:`.datasets`.
"""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "WORKSPACE_ENV_VAR": "analysis.workspace.store",
    "WorkspaceStore": "analysis.workspace.store",
    "default_workspace_path": "analysis.workspace.store",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
