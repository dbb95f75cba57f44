"""The workspace store: scenarios, uploaded datasets, accounts and the audit log.

``open_store(setting)`` and the ``Store`` interface (:mod:`.api`) over two stores: the
GeoPackage file ``WorkspaceStore(path)`` (:mod:`.store`) and PostgreSQL/PostGIS
``PostgisStore(url)`` (:mod:`.postgis`). The operations :mod:`.sqlbase`/:mod:`.sqlrecords`,
the layout :mod:`.tables`, records :mod:`.records`, moving a workspace :mod:`.migrate`.
"""

from __future__ import annotations

from geodata.lazy import lazy_exports

_EXPORTS = {
    "STORE_ENV_VAR": "analysis.workspace.api",
    "Store": "analysis.workspace.api",
    "open_store": "analysis.workspace.api",
    "WORKSPACE_ENV_VAR": "analysis.workspace.store",
    "WorkspaceStore": "analysis.workspace.store",
    "default_workspace_path": "analysis.workspace.store",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
