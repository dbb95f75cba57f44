"""Which store the app uses, and a quick count of its accounts, without the store's libraries.

The launcher (``dashboard.launch``) decides which address to listen on from the number of
accounts before the server starts. Opening the store for that imports pandas, geopandas and
shapely (~0.5 s of CPU, bench/README.md "The province"), all before the server listens;
:func:`quick_user_count` reads the count from a GeoPackage workspace with :mod:`sqlite3`
alone, and says when it cannot (then the store is opened as before). Every page's run asks
the same (``dashboard.services.access.enabled``): the map page's first run then needs
neither the store nor its libraries, which load after the first map (``dashboard.warmup``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

#: Environment variable naming the store: a GeoPackage path or a ``postgresql://`` URL.
STORE_ENV_VAR = "COVERAGE_PLANNER_STORE"
#: URL schemes of a PostgreSQL store.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: The checkout (or installation) root: analysis/workspace/setting.py is two folders down.
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Environment variable naming the workspace file.
WORKSPACE_ENV_VAR = "COVERAGE_PLANNER_WORKSPACE"
#: Workspace used when the environment variable is not set.
DEFAULT_WORKSPACE_PATH = REPO_ROOT / "workspace" / "workspace.gpkg"
#: The accounts' table (``analysis.workspace.tables.USERS_TABLE``; a test keeps them equal).
USERS_TABLE_NAME = "users"


def default_workspace_path() -> Path:
    """``$COVERAGE_PLANNER_WORKSPACE`` if set (``~`` expanded), else the default path."""
    value = os.environ.get(WORKSPACE_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else DEFAULT_WORKSPACE_PATH


def is_postgres_url(setting: str | Path) -> bool:
    """True when ``setting`` is a ``postgresql://`` (or ``postgres://``) URL."""
    return str(setting).strip().lower().startswith(POSTGRES_SCHEMES)


def store_setting() -> str:
    """``$COVERAGE_PLANNER_STORE``, else ``$COVERAGE_PLANNER_WORKSPACE``, else the default file."""
    value = os.environ.get(STORE_ENV_VAR, "").strip()
    return value or str(default_workspace_path())


def quick_user_count(setting: str | Path) -> int | None:
    """The number of accounts in the GeoPackage workspace ``setting``, read with sqlite3 only.

    Returns
    -------
    int or None
        0 when the file does not exist (nothing is created) or has no accounts' table yet;
        ``None`` when this cannot tell (a PostgreSQL URL, a file SQLite cannot read, a
        locked or damaged file): open the store instead, which reports such problems.
    """
    if is_postgres_url(setting):
        return None
    path = Path(str(setting).strip()).expanduser()
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (USERS_TABLE_NAME,)
        ).fetchone()
        if found is None:
            return 0
        row = conn.execute(f"SELECT count(*) FROM {USERS_TABLE_NAME}").fetchone()
        return int(row[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()
