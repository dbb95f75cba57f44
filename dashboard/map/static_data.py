"""A dataset's map data as a content-hashed static file: it travels to the browser once.

The component of streamlit-folium receives all its arguments again on every rerun; with the
data inside the base script, every change of measure or county re-sent the whole dataset
(252 kB on the demo city, 2.7 MB on a province), and the map's code (27 kB) with it.
Instead the data is written once to ``dashboard/static/mapdata/<digest>.json`` (the code
to ``<digest>.js``, loaded by the component like Leaflet) (served by Streamlit's static serving at
``/app/static/``, same origin: no outside request) and the base script only names it
(``load.js`` fetches it, the browser caches it); the arguments carry the URL and the view.

On the 地图 page the code file also holds Leaflet and, first, the start of the data's fetch
(:func:`code_bundle`): streamlit-folium loads scripts one at a time and runs the map's script
last, so the data now downloads while Leaflet and the code are evaluated.

The name is the data's BLAKE2b digest (128 bits): a new dataset, language or layer set is a
new file; the same data is never written twice. The URL is unguessable without the data,
as Streamlit's static files are served without a session (docs/operations.md, "Static
files": what this exposes and how an office with accounts puts it behind its proxy).

Several server processes may share the folder: a file is written under a temporary name of
its own (process id) and renamed over its final name (atomic on one file system; the same
name always holds the same content), a file in use is touched so that another process's
pruning keeps it, and a file pruned by another process meanwhile is skipped. A folder the
app cannot write is reported once, in Chinese, by :func:`check_writable`
(``static_not_writable``) instead of a traceback on the first map.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

from analysis.errors import AnalysisError
from dashboard.map.view import CODE_JS, LEAFLET_JS, js_json
from geodata.errors import Problem

#: Where the files are written (served at ``<base>/app/static/mapdata/``).
MAPDATA_DIR = Path(__file__).resolve().parents[1] / "static" / "mapdata"
#: The same folder relative to streamlit-folium's iframe (``/component/<name>/index.html``).
IFRAME_MAPDATA_BASE = "../../app/static/mapdata"
#: The same folder relative to the app's page (Streamlit's own files are ``./static/...``).
PAGE_MAPDATA_BASE = "./app/static/mapdata"
#: Files kept: older ones are removed when a new one is written (every process rewrites
#: the files it needs when they are missing).
MAX_FILES = 64

_LOCK = threading.Lock()
_KNOWN: dict[tuple[int, int, str], str] = {}
#: The served folder the app writes into (map data, search lists, extracted tiles).
STATIC_DIR = MAPDATA_DIR.parent
#: Folders found writable by :func:`check_writable` (checked once per process).
_WRITABLE: set[str] = set()


def not_writable(folder: Path, exc: OSError) -> AnalysisError:
    """The domain error of a static folder the app cannot write (``static_not_writable``)."""
    reason = exc.strerror or type(exc).__name__
    return AnalysisError(
        [
            Problem(
                code="static_not_writable",
                message=(
                    f"The app cannot write its static files in {folder} ({reason}); "
                    "make the folder writable by the account that runs the app."
                ),
                value=str(folder),
                params={"folder": str(folder), "reason": reason},
            )
        ]
    )


def check_writable(folder: Path | None = None) -> None:
    """Raise :class:`AnalysisError` (``static_not_writable``) unless ``folder`` is writable.

    ``folder`` defaults to :data:`STATIC_DIR`. A real write and removal of a probe file
    (``os.access`` says yes to root on a read-only mount); once per folder and process.
    """
    folder = STATIC_DIR if folder is None else folder
    if str(folder) in _WRITABLE:
        return
    probe = folder / f".write-probe.{os.getpid()}.{threading.get_ident()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise not_writable(folder, exc) from exc
    _WRITABLE.add(str(folder))


def digest(text: str) -> str:
    """Return the 32-hex-digit BLAKE2b digest of ``text`` (UTF-8)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def publish(
    text: str, folder: Path = MAPDATA_DIR, base: str = IFRAME_MAPDATA_BASE, suffix: str = ".json"
) -> str:
    """Write ``text`` as ``<digest><suffix>`` in ``folder`` if needed; return its URL.

    Parameters
    ----------
    text
        The JSON document (e.g. :attr:`dashboard.map.pipeline.MapData.data_js`), or the
        map's code (``suffix=".js"``).
    folder
        Served folder (default :data:`MAPDATA_DIR`).
    base
        URL of ``folder`` as the browser reaches it (default: relative to the map's iframe).
    suffix
        File name ending (its content type as served).
    """
    # The same cached string comes back on every rerun: remember its digest by identity of
    # content (Python's hash and length) and only check that the file is still there.
    key = (hash(text), len(text), suffix)
    name = _KNOWN.get(key)
    if name is None:
        name = f"{digest(text)}{suffix}"
    path = folder / name
    try:
        if not _there(path, first_use=key not in _KNOWN):
            with _LOCK:
                folder.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)  # atomic: a browser never reads half a file
                _prune(folder, keep=path)
    except OSError as exc:
        raise not_writable(folder, exc) from exc
    _KNOWN[key] = name
    return f"{base.rstrip('/')}/{name}"


def _there(path: Path, first_use: bool) -> bool:
    """True when ``path`` exists; on this process's first use its time is renewed, so that
    pruning (here or in another process sharing the folder) removes files not in use."""
    try:
        if not first_use:
            return path.exists()
        os.utime(path)
    except FileNotFoundError:  # never written, or pruned by another process
        return False
    return True


def _prune(folder: Path, keep: Path) -> None:
    """Remove the oldest files beyond :data:`MAX_FILES` (never ``keep``)."""
    stamped = []
    for p in folder.iterdir():
        if p.suffix not in (".json", ".js"):
            continue
        try:
            stamped.append((p.stat().st_mtime, p))
        except FileNotFoundError:  # removed by another process meanwhile
            continue
    files = [p for _, p in sorted(stamped)]
    for old in files[: max(0, len(files) - MAX_FILES)]:
        if old != keep:
            old.unlink(missing_ok=True)


@lru_cache(maxsize=16)
def code_bundle(data_url: str) -> str:
    """Return the 地图 page's one script file: the data's fetch started, Leaflet, the map's code.

    streamlit-folium loads its scripts one after the other and runs the map's script only
    then: with Leaflet and the map's code in one file whose first line starts fetching the
    dataset's data (``cpPrefetch``, taken by ``cpLoad``), the data downloads while Leaflet
    and the code are evaluated, and one request of the chain is saved.

    Parameters
    ----------
    data_url
        The data's URL as the map fetches it (:func:`dashboard.map.static_data.publish`).
    """
    leaflet = (MAPDATA_DIR.parent / LEAFLET_JS).read_text(encoding="utf-8")
    # The source map's comment would name a file that is not beside the bundle.
    leaflet = "\n".join(
        line for line in leaflet.splitlines() if not line.startswith("//# sourceMappingURL=")
    )
    # Not when the page started it already (prefetch_js): the map takes the page's.
    prefetch = (
        "(function(u) { try { var a = new URL(u, document.baseURI).href;"
        " var q = window.parent !== window && window.parent.cpPrefetch;"
        " if (q && q[a]) { return; } } catch (e) {}"
        " var p = window.cpPrefetch = window.cpPrefetch || {};\n"
        "if (!p[u] && window.fetch) { p[u] = fetch(u, {credentials: 'same-origin'});"
        " p[u].catch(function() {}); } })"
        f"({js_json(data_url)});\n"
    )
    return prefetch + leaflet + "\n" + CODE_JS


def prefetch_js(data_url: str) -> str:
    """Return the page's script that starts fetching a map's data before the map exists.

    Run in the app's page (:func:`dashboard.adapters.streamlit_internals.page_script`) as
    soon as the page's script knows the data's file, the fetch overlaps with what comes
    before the map can ask for it: the iframe, streamlit-folium's bundle and its render
    handshake, Leaflet and the map's code. The text is kept in ``window.cpPrefetch`` under
    the file's absolute URL, once per page (every rerun sends the script again); the map's
    ``cpLoad`` (``load.js``, same origin) takes it from its parent and parses it, or fetches
    the file itself when the page has nothing under that URL (another page, a failed
    fetch, a map built again).

    Parameters
    ----------
    data_url
        The data's URL as the map fetches it (:func:`publish`, relative to the iframe).
    """
    name = data_url.rsplit("/", 1)[-1]
    url = js_json(f"{PAGE_MAPDATA_BASE}/{name}")
    return (
        "(function(u) { if (!window.fetch) { return; } u = new URL(u, document.baseURI).href;"
        " var p = window.cpPrefetch = window.cpPrefetch || {};"
        " var s = window.cpPrefetchSeen = window.cpPrefetchSeen || {};"
        " if (s[u]) { return; } s[u] = 1;"
        " p[u] = fetch(u, {credentials: 'same-origin'}).then(function(r) {"
        " if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); });"
        f" p[u].catch(function() {{ delete p[u]; }}); }})({url});"
    )
