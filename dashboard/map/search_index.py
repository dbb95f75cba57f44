"""The search list as a file the map fetches once, not a part of every map script.

A province's list of places with their pinyin is ~1 MB (the demo city's ~150 kB); sent with
the map's script it would travel with every redraw. Instead it is written once per dataset
to ``dashboard/static/search/<key>.json`` and served by Streamlit's static file serving,
like the extracted tiles (:mod:`dashboard.map.tiles`): the map fetches it when the search
box is first used or township labels are first drawn, and the browser keeps it.

The list is built in a background thread (pypinyin's dictionary alone takes ~1 s to load):
the first map never waits for it, and the map retries its fetch until the file is there.
The file's name is a digest of the dataset's id (itself a content fingerprint), so it names
no place and is not guessable; its content changes only with the dataset.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Where the lists are written (served at ``<base>/app/static/search/``).
SEARCH_DIR = Path(__file__).resolve().parents[1] / "static" / "search"
#: The same folder as seen from the map's iframe.
IFRAME_SEARCH_BASE = "../../app/static/search"
#: Bumped when the list's format changes (a new name: browsers never use a stale list).
FORMAT = "2"

_LOCK = threading.Lock()
_BUSY: set[str] = set()
#: Lists that could not be written (read-only folder): not tried again by this process.
_FAILED: set[str] = set()
_LOG = logging.getLogger(__name__)


def index_name(dataset_id: str) -> str:
    """Return the file name of a dataset's search list."""
    digest = hashlib.sha256(f"{FORMAT}:{dataset_id}".encode()).hexdigest()[:24]
    return f"{digest}.json"


def index_url(dataset_id: str) -> str:
    """Return the search list's URL as the map's iframe fetches it."""
    return f"{IFRAME_SEARCH_BASE}/{index_name(dataset_id)}"


def write_index(path: Path, index: list[Any]) -> None:
    """Write ``index`` as compact JSON to ``path`` (a temporary file renamed: never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
    tmp.replace(path)


def publish(dataset_id: str, city: Callable[[], Any], folder: Path = SEARCH_DIR) -> bool:
    """Make sure a dataset's search list is written, building it in the background.

    Parameters
    ----------
    dataset_id
        The dataset's id (:func:`dashboard.services.data.current_dataset_id`).
    city
        Returns the dataset's :class:`geodata.city.CityData`; called only when the list is
        not written yet (a warm start loads nothing).
    folder
        Where to write (the static folder by default).

    Returns
    -------
    bool
        True when the list is already there.
    """
    path = folder / index_name(dataset_id)
    if path.is_file():
        return True
    with _LOCK:
        if str(path) in _BUSY or str(path) in _FAILED:
            return False
        _BUSY.add(str(path))
    data = city()
    threading.Thread(target=_build, args=(path, data), name="cp-search-index", daemon=True).start()
    return False


def _build(path: Path, city: Any) -> None:
    from dashboard.map.search import search_index

    try:
        write_index(path, search_index(city.townships, city.villages))
    except OSError as exc:  # a read-only static folder: the map's search finds nothing
        _LOG.warning("cannot write the map's search list %s: %s", path, exc)
        with _LOCK:
            _FAILED.add(str(path))
    finally:
        with _LOCK:
            _BUSY.discard(str(path))
