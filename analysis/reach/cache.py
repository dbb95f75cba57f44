"""Travel pairs cached on disk, keyed by everything they depend on, so a restart does not
recompute them.

The key is a blake2b hash over the bytes (and dtype and shape) of every network array, both
attachments, the coordinates, the limits, the mode and a code version (the text of the
modules that compute the times, so a change of method never serves stale answers). Files
are ``<key>.npz`` written atomically (temporary file + ``os.replace``); a file that cannot
be read is ignored and recomputed. Past the size cap the least recently used files go.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from analysis.reach import legs, times
from analysis.reach.network.types import Attachment, RoadNetwork, TravelMode
from analysis.reach.times import TravelPairs, travel_pairs

#: Environment variable naming the cache folder.
CACHE_DIR_ENV = "COVERAGE_PLANNER_CACHE_DIR"
#: Bumped by hand when the file layout changes.
FORMAT_VERSION = b"reach-pairs-1"
#: Default size cap of the folder.
DEFAULT_MAX_BYTES = 2 * 1024**3
_FIELDS = ("source", "target", "minutes")


def cache_dir() -> Path:
    """``$COVERAGE_PLANNER_CACHE_DIR`` or ``~/.cache/coverage-planner/reach``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "coverage-planner" / "reach"


def _code_version() -> bytes:
    digest = hashlib.blake2b(FORMAT_VERSION, digest_size=16)
    for module in (legs, times):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def _add(digest: hashlib.blake2b, name: str, value: object) -> None:
    array = np.ascontiguousarray(value)
    digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
    digest.update(array.tobytes())


def cache_key(
    network: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    limit_minutes: ArrayLike,
    source_xy_m: ArrayLike | None = None,
    target_xy_m: ArrayLike | None = None,
) -> str:
    """Hex key of a :func:`~analysis.reach.times.travel_pairs` call's inputs."""
    digest = hashlib.blake2b(_code_version(), digest_size=20)
    digest.update(f"mode={mode}|".encode())
    for name in RoadNetwork.__dataclass_fields__:
        _add(digest, f"network.{name}", getattr(network, name))
    for label, places in (("sources", sources), ("targets", targets)):
        for name in Attachment.__dataclass_fields__:
            _add(digest, f"{label}.{name}", getattr(places, name))
    _add(digest, "limits", np.asarray(limit_minutes, dtype=np.float64))
    for label, xy in (("source_xy", source_xy_m), ("target_xy", target_xy_m)):
        if xy is None:
            digest.update(f"{label}=none|".encode())
        else:
            _add(digest, label, np.asarray(xy, dtype=np.float64))
    return digest.hexdigest()


def load_pairs(path: Path, n_sources: int, n_targets: int) -> TravelPairs | None:
    """The pairs stored in ``path``, or None when it is missing, unreadable or inconsistent."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: np.array(stored[name]) for name in (*_FIELDS, "sizes")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    source, target, minutes = (arrays[name] for name in _FIELDS)
    sizes = arrays["sizes"]
    consistent = (
        sizes.shape == (2,)
        and tuple(int(s) for s in sizes) == (n_sources, n_targets)
        and source.ndim == target.ndim == minutes.ndim == 1
        and source.shape == target.shape == minutes.shape
        and source.dtype.kind == target.dtype.kind == "i"
        and minutes.dtype.kind == "f"
        and (source.size == 0 or (source.min() >= 0 and source.max() < n_sources))
        and (target.size == 0 or (target.min() >= 0 and target.max() < n_targets))
    )
    if not consistent:
        return None
    return TravelPairs(
        source.astype(np.int64), target.astype(np.int64), minutes, n_sources, n_targets
    )


def save_pairs(path: Path, pairs: TravelPairs) -> None:
    """Write ``pairs`` to ``path`` atomically (readers never see a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                source=pairs.source,
                target=pairs.target,
                minutes=pairs.minutes,
                sizes=np.array([pairs.n_sources, pairs.n_targets], np.int64),
            )
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def evict(folder: Path, max_bytes: int, keep: Path | None = None) -> None:
    """Delete the least recently used ``*.npz`` files until the folder fits ``max_bytes``."""
    entries = []
    for path in folder.glob("*.npz"):
        try:
            info = path.stat()
        except OSError:  # removed meanwhile by another process
            continue
        entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda entry: entry[0]):
        if total <= max_bytes:
            break
        if path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size


def cached_travel_pairs(
    network: RoadNetwork,
    mode: TravelMode,
    sources: Attachment,
    targets: Attachment,
    limit_minutes: ArrayLike,
    *,
    source_xy_m: ArrayLike | None = None,
    target_xy_m: ArrayLike | None = None,
    folder: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
) -> TravelPairs:
    """:func:`~analysis.reach.times.travel_pairs`, read from the disk cache when stored.

    Parameters as in ``travel_pairs`` (``workers``: threads, not part of the key: the
    answer does not depend on it); ``folder`` defaults to :func:`cache_dir`,
    ``max_bytes`` caps the folder's size. A cache that cannot be written (read-only disk)
    only costs the recomputation next time.
    """
    where = folder if folder is not None else cache_dir()
    key = cache_key(network, mode, sources, targets, limit_minutes, source_xy_m, target_xy_m)
    path = where / f"{key}.npz"
    found = load_pairs(path, sources.size, targets.size)
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return found
    pairs = travel_pairs(
        network,
        mode,
        sources,
        targets,
        limit_minutes,
        source_xy_m=source_xy_m,
        target_xy_m=target_xy_m,
        workers=workers,
    )
    try:
        save_pairs(path, pairs)
        evict(where, max_bytes, keep=path)
    except OSError:
        pass
    return pairs
