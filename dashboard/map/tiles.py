"""Base maps an office without internet can use: a configured tile URL and a local tile file.

Two sources, both set by the administrator for the whole server (environment variables,
see ``docs/operations.md#offline-operation-and-base-maps``):

- ``COVERAGE_PLANNER_TILE_URL``: an XYZ template (``{z}/{x}/{y}``, ``{s}`` subdomains) or a
  WMTS KVP/REST template (``{TileMatrix}``, ``{TileRow}``, ``{TileCol}``), e.g. an intranet
  天地图 mirror or a GeoServer, with ``COVERAGE_PLANNER_TILE_ATTRIBUTION`` shown on the map;
- ``COVERAGE_PLANNER_TILE_FILE``: an MBTiles file (SQLite, raster PNG/JPEG/WebP tiles),
  read with the standard library. Its tiles are extracted once into
  ``dashboard/static/tiles/<name>-<digest>/{z}/{x}/{y}.<ext>`` and served by Streamlit's own
  static serving (``/app/static/``) behind the app's address: no second server, no port,
  no outside request. The extraction is bounded by ``COVERAGE_PLANNER_TILE_MAX_MB``
  (default 512 MB of tiles) and written to a temporary folder renamed when complete, so a
  stopped extraction never serves half a pyramid.

Why extraction rather than a tile endpoint: Streamlit serves only ``static/`` files and
offers no route of one's own; a second HTTP server would need its own port (another
address to open in an intranet's firewall and a proxy rule). Measured on this machine:
about 4,000 tiles (a county to zoom 14) extract in well under a second.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_URL = "COVERAGE_PLANNER_TILE_URL"
ENV_ATTRIBUTION = "COVERAGE_PLANNER_TILE_ATTRIBUTION"
ENV_MAX_ZOOM = "COVERAGE_PLANNER_TILE_MAX_ZOOM"
ENV_FILE = "COVERAGE_PLANNER_TILE_FILE"
ENV_MAX_MB = "COVERAGE_PLANNER_TILE_MAX_MB"
DEFAULT_MAX_MB = 512.0

#: Where extracted pyramids live (served at ``<base>/app/static/tiles/``).
TILES_DIR = Path(__file__).resolve().parents[1] / "static" / "tiles"
#: The same folder as seen from the map's iframe.
IFRAME_TILES_BASE = "../../app/static/tiles"
_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
_WMTS = {"{TileMatrix}": "{z}", "{TileRow}": "{y}", "{TileCol}": "{x}"}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class TileSpec:
    """One tile layer as Leaflet takes it.

    Parameters
    ----------
    url
        Leaflet template (``{z}``, ``{x}``, ``{y}``, optionally ``{s}``).
    attribution
        Text shown in the map's corner (plain text; escaped by the browser).
    min_zoom, max_zoom
        Zoom levels the source has tiles for (Leaflet scales the last one up).
    bounds
        ``[[south, west], [north, east]]`` outside which no tile is asked for, or None.
    subdomains
        Letters or digits ``{s}`` stands for.
    """

    url: str
    attribution: str = ""
    min_zoom: int = 0
    max_zoom: int = 18
    bounds: list[list[float]] | None = None
    subdomains: str = "abc"

    def options(self) -> dict[str, Any]:
        """Return Leaflet ``L.tileLayer`` options."""
        out: dict[str, Any] = {
            "minNativeZoom": self.min_zoom,
            "maxNativeZoom": self.max_zoom,
            "maxZoom": 17,
            "subdomains": self.subdomains,
        }
        if self.bounds:
            out["bounds"] = self.bounds
        return out


@dataclass(frozen=True)
class TileProblem:
    """Why a configured base map cannot be used: an i18n key and what was received."""

    key: str
    detail: str


def configured_url(env: dict[str, str] | None = None) -> TileSpec | None:
    """Return the administrator's tile URL (``COVERAGE_PLANNER_TILE_URL``), or None."""
    env = dict(os.environ) if env is None else env
    url = env.get(ENV_URL, "").strip()
    if not url:
        return None
    for wmts, xyz in _WMTS.items():
        url = url.replace(wmts, xyz)
    max_zoom = env.get(ENV_MAX_ZOOM, "").strip()
    return TileSpec(
        url=url,
        attribution=env.get(ENV_ATTRIBUTION, "").strip(),
        max_zoom=int(max_zoom) if max_zoom.isdigit() else 18,
        subdomains="01234567" if "tianditu" in url else "abc",
    )


def configured_file(env: dict[str, str] | None = None) -> Path | None:
    """Return the administrator's tile file (``COVERAGE_PLANNER_TILE_FILE``), or None."""
    env = dict(os.environ) if env is None else env
    path = env.get(ENV_FILE, "").strip()
    return Path(path).expanduser() if path else None


def basemap_choices(env: dict[str, str] | None = None) -> tuple[str, ...]:
    """Return the base maps to offer, the configured ones first (the first is the default)."""
    own = []
    if configured_file(env) is not None:
        own.append("local")
    if configured_url(env) is not None:
        own.append("custom")
    # "reference": roads and county seats of the loaded data (dashboard/map/reference.py).
    return (*own, "none", "reference", "osm", "tianditu")


def _max_bytes(env: dict[str, str]) -> float:
    try:
        return float(env.get(ENV_MAX_MB, "") or DEFAULT_MAX_MB) * 1e6
    except ValueError:
        return DEFAULT_MAX_MB * 1e6


def _metadata(db: sqlite3.Connection) -> dict[str, str]:
    try:
        return {str(k): str(v) for k, v in db.execute("SELECT name, value FROM metadata")}
    except sqlite3.Error:
        return {}


def _bounds(meta: dict[str, str]) -> list[list[float]] | None:
    try:
        west, south, east, north = (float(v) for v in meta["bounds"].split(","))
    except (KeyError, ValueError):
        return None
    return [[south, west], [north, east]]


def _extract(db: sqlite3.Connection, dest: Path, ext: str) -> None:
    """Write every tile of ``db`` under ``dest`` (MBTiles rows are TMS: y flipped)."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    made: set[tuple[int, int]] = set()
    rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
    for z, x, row, data in rows:
        y = (1 << int(z)) - 1 - int(row)
        if (z, x) not in made:
            (tmp / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
            made.add((z, x))
        (tmp / str(z) / str(x) / f"{y}.{ext}").write_bytes(bytes(data))
    try:
        if dest.exists():  # another session finished first
            raise FileExistsError(dest)
        tmp.rename(dest)
    except OSError:
        # Another process sharing the folder renamed its copy between exists() and
        # rename() (a directory is not replaced: ENOTEMPTY): keep theirs, the same tiles.
        shutil.rmtree(tmp, ignore_errors=True)
        if not dest.is_dir():
            raise


def local_tiles(
    path: Path, env: dict[str, str] | None = None, tiles_dir: Path = TILES_DIR
) -> TileSpec | TileProblem:
    """Return the tile layer of an MBTiles file, extracting its tiles on first use.

    Parameters
    ----------
    path
        The ``.mbtiles`` file.
    env
        Environment (``os.environ`` by default), for ``COVERAGE_PLANNER_TILE_MAX_MB``.
    tiles_dir
        Where pyramids are extracted (the served ``dashboard/static/tiles`` by default).

    Returns
    -------
    TileSpec or TileProblem
        The layer (URL relative to the map's iframe), or why the file cannot be used.
    """
    env = dict(os.environ) if env is None else env
    try:
        stat = path.stat()
    except OSError:
        return TileProblem("tiles_file_missing", str(path.name))
    key = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    name = f"{''.join(c for c in path.stem if c.isalnum() or c in '-_')[:40]}-{digest}"
    dest = tiles_dir / name
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            meta = _metadata(db)
            ext = _FORMATS.get(meta.get("format", "png").lower())
            if ext is None:
                return TileProblem("tiles_file_format", meta.get("format", ""))
            zmin, zmax, count, size = db.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level), COUNT(*), SUM(LENGTH(tile_data))"
                " FROM tiles"
            ).fetchone()
            if not count:
                return TileProblem("tiles_file_empty", path.name)
            if size > _max_bytes(env):
                return TileProblem("tiles_file_too_big", f"{size / 1e6:.0f} MB")
            with _LOCK:
                if not dest.exists():
                    tiles_dir.mkdir(parents=True, exist_ok=True)
                    _extract(db, dest, ext)
    except sqlite3.Error:
        # SQLite's own message is English and says no more than "not a database".
        return TileProblem("tiles_file_unreadable", path.name)
    except OSError as exc:
        return TileProblem("tiles_file_unwritable", str(exc.strerror or exc))
    return TileSpec(
        url=f"{IFRAME_TILES_BASE}/{name}/{{z}}/{{x}}/{{y}}.{ext}",
        attribution=meta.get("attribution", "") or meta.get("name", ""),
        min_zoom=int(zmin),
        max_zoom=int(zmax),
        bounds=_bounds(meta),
    )


def tile_spec(basemap: str) -> TileSpec | TileProblem | None:
    """Return the layer of a configured base map (``"local"``/``"custom"``), else None."""
    if basemap == "custom":
        return configured_url()
    if basemap == "local":
        path = configured_file()
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return TileProblem("tiles_file_missing", path.name)
        return _local_cached(str(path), stat.st_size, stat.st_mtime_ns)
    return None


@functools.lru_cache(maxsize=4)
def _local_cached(path: str, size: int, mtime_ns: int) -> TileSpec | TileProblem:
    """:func:`local_tiles`, once per file version (size and time are the cache key)."""
    return local_tiles(Path(path))


def _js(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left)."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tile_js(spec: TileSpec) -> str:
    """Return the script adding ``spec`` to ``__MAP__`` (with its attribution, if any).

    The attribution is set as text (a DOM text node), never as HTML.
    """
    out = f"L.tileLayer({_js(spec.url)}, {_js(spec.options())}).addTo(__MAP__);\n"
    if spec.attribution:
        out += (
            "(function(m, text) { var c = L.control({position: 'bottomright'});"
            " c.onAdd = function() { var d = L.DomUtil.create('div',"
            " 'leaflet-control-attribution cp-attribution'); d.textContent = text; return d; };"
            f" c.addTo(m); }})(__MAP__, {_js(spec.attribution)});\n"
        )
    return out
