"""The data page's logic: keep uploads, find unrecognised columns, check and assemble a city.

Every problem of every file is collected (one file's errors do not hide another's), so the
user sees at once exactly why their data cannot be used yet. Problems name the user's own
file, never the server's copy.

Uploads stay in memory (Streamlit holds them anyway). A file is written to disk only while
the data layer reads it, in a folder of its own under :data:`UPLOAD_DIR` that is removed
right after (:meth:`Upload.on_disk`); reads are cached by content digest, so a rerun of the
page writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dashboard.services import data as services
from dashboard.services import realdata
from geodata.errors import GeodataError, Problem

#: File types offered per upload field.
VECTOR_TYPES = ["gpkg", "geojson", "json", "zip", "kml", "kmz", "csv", "xlsx"]
TABLE_TYPES = ["csv", "xlsx"]
POINT_LAYERS = ("villages", "contact_points", "collection_sites", "homes")
UPLOAD_DIR = Path(tempfile.gettempdir()) / "coverage-planner-uploads"
#: Folders left in :data:`UPLOAD_DIR` by a server that stopped mid-read go after this long.
STALE_AFTER_S = 24 * 3600


def accepted_types(layer: str) -> list[str]:
    """Return the file extensions accepted for ``layer``."""
    if layer == "population":
        return TABLE_TYPES
    if layer == realdata.RASTER_LAYER:
        return realdata.RASTER_TYPES
    if layer in ("townships", "roads"):
        return [t for t in VECTOR_TYPES if t not in TABLE_TYPES]
    return VECTOR_TYPES


@dataclass(frozen=True)
class Upload:
    """One uploaded file.

    Parameters
    ----------
    layer
        Layer it holds (or ``"population"``).
    name
        The user's file name (shown in problems).
    path
        A file already on disk (tests), or ``""`` when the content is :attr:`data`.
    digest
        SHA-256 of the content (first 16 hex digits): the cache key of every read.
    data
        The uploaded bytes (written to disk only while they are read).
    """

    layer: str
    name: str
    path: str
    digest: str
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def is_table(self) -> bool:
        """True for CSV/XLSX files."""
        return Path(self.name).suffix.lower().lstrip(".") in TABLE_TYPES

    @contextmanager
    def on_disk(self) -> Iterator[str]:
        """The path of the content on disk while the block runs (removed afterwards)."""
        if self.data is None:
            yield self.path
            return
        folder = Path(tempfile.mkdtemp(prefix="read-", dir=_upload_dir()))
        try:
            path = folder / f"{self.digest}{Path(self.name).suffix.lower()}"
            path.write_bytes(self.data)
            yield str(path)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def save_upload(layer: str, name: str, data: bytes) -> Upload:
    """Return the :class:`Upload` of uploaded bytes (kept in memory, keyed by digest)."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Upload(layer, name, "", digest, data)


def _upload_dir() -> Path:
    """:data:`UPLOAD_DIR`, created, without folders a stopped server left behind."""
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_AFTER_S
    for old in UPLOAD_DIR.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        except OSError:  # removed meanwhile by another session, or not ours to remove
            continue
    return UPLOAD_DIR


@dataclass(frozen=True)
class ColumnCheck:
    """Headers of a file and the required columns nobody recognised.

    Parameters
    ----------
    headers
        Headers found in the file.
    suggested
        geodata's suggestion ``{raw header: canonical}``.
    missing
        Required canonical columns without a header.
    problems
        Problems met while reading the headers.
    """

    headers: list[str]
    suggested: dict[str, str]
    missing: list[str]
    problems: tuple[Problem, ...] = ()


def check_columns(upload: Upload, *, population_table: bool) -> ColumnCheck:
    """Return which required columns of ``upload`` were not recognised."""
    try:
        headers = services.upload_headers(upload, upload.digest, upload.name)
    except GeodataError as exc:
        return ColumnCheck([], {}, [], tuple(_user_names(exc.problems, {"": upload})))
    suggested = services.suggest_column_map(headers, upload.layer)
    required = services.required_columns(
        upload.layer, table=upload.is_table, population_table=population_table
    )
    missing = [c for c in required if c not in suggested.values()]
    if upload.layer == "villages" and "code" in suggested.values():
        # Derived from the 12-digit 统计用区划代码 when absent (geodata.admin.codes).
        missing = [c for c in missing if c != "township_code"]
    return ColumnCheck(headers, suggested, missing)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of checking the uploads.

    Parameters
    ----------
    problems
        Every error and warning of every file and of the cross-layer checks.
    city
        The assembled :class:`geodata.city.CityData`, or ``None`` when any error was found.
    dataset_id
        Cache key of this combination of files and settings.
    counts
        Rows read per layer.
    matches
        ``layer -> PointMatches`` of the sheets placed by name or address.
    """

    problems: tuple[Problem, ...]
    city: Any | None
    dataset_id: str
    counts: dict[str, int] = field(default_factory=dict)
    matches: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the data can be used."""
        return self.city is not None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity error."""
        return tuple(p for p in self.problems if p.severity == "error")


def dataset_id(
    uploads: dict[str, Upload],
    column_maps: dict[str, dict[str, str]],
    coord_system: str,
    name: str,
    outside_china: bool = False,
    extra: dict[str, Any] | None = None,
) -> str:
    """Return a stable id for a set of uploads and settings (``extra``: further settings)."""
    key = json.dumps(
        {
            "files": {k: u.digest for k, u in sorted(uploads.items())},
            "maps": {k: sorted(v.items()) for k, v in sorted(column_maps.items())},
            "crs": coord_system,
            "name": name,
            # Only when set: the ids of datasets saved before the setting existed stay valid.
            **({"outside_china": True} if outside_china else {}),
            **(extra or {}),
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return "u-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def check(
    uploads: dict[str, Upload],
    column_maps: dict[str, dict[str, str]],
    coord_system: str,
    name: str,
    outside_china: bool = False,
    *,
    choices: dict[str, dict[int, str]] | None = None,
    clean_boundaries: bool = False,
    raster_demand: bool = False,
) -> CheckResult:
    """Read every uploaded layer, join the population table and assemble the city.

    Parameters
    ----------
    uploads
        ``layer -> Upload`` (``"townships"`` required; ``"population"`` and ``"roads"``
        optional: road lines, read by ``read_layer(path, "roads")``).
    column_maps
        ``layer -> {raw header: canonical}`` chosen by the user.
    coord_system
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for every point layer.
    name
        Display name of the area.
    outside_china
        The user said the data lies outside China: the China-only checks step aside.
    choices
        ``layer -> {row: code}``: the candidates chosen for ambiguous rows of sheets placed
        by name or address.
    clean_boundaries
        Snap and clean the township boundaries before use (overlaps and gaps).
    raster_demand
        The population raster's cells are the demand of the townships without villages
        (``CityData.demand_cells``), not only their totals.
    """
    extra = {
        **({"choices": {k: sorted(v.items()) for k, v in choices.items()}} if choices else {}),
        **({"clean_boundaries": True} if clean_boundaries else {}),
        **({"raster_demand": True} if raster_demand else {}),
    }
    ds_id = dataset_id(uploads, column_maps, coord_system, name, outside_china, extra)
    matches: dict[str, Any] = {}
    problems: list[Problem] = []
    layers: dict[str, Any] = {}
    counts: dict[str, int] = {}
    pop = uploads.get("population")
    for layer in ("townships", *POINT_LAYERS, "roads"):
        up = uploads.get(layer)
        if up is None:
            continue
        later = pop is not None or realdata.RASTER_LAYER in uploads
        optional = ("population",) if layer == "townships" and later else ()
        try:
            loaded = services.read_layer_cached(
                up,
                up.digest,
                layer,
                coord_system,
                tuple(sorted(column_maps.get(layer, {}).items())),
                up.name,
                optional,
                outside_china,
            )
        except GeodataError as exc:
            try:
                placed = realdata.place_if_unplaced(
                    exc, up, layer, layers, (choices or {}).get(layer)
                )
            except GeodataError as again:
                placed, exc = None, again
            if placed is None:
                problems.extend(exc.problems)
                continue
            loaded, matches[layer] = placed.loaded, placed.matches
        problems.extend(loaded.warnings)
        layers[layer] = loaded.gdf
        counts[layer] = len(loaded.gdf)
    if pop is not None and "townships" in layers:
        try:
            with pop.on_disk() as path:
                layers["townships"] = services.join_population(layers["townships"], path, pop.name)
            counts["population"] = len(layers["townships"])
        except GeodataError as exc:
            problems.extend(exc.problems)
    raster = uploads.get(realdata.RASTER_LAYER)
    cells = None
    if raster is not None and "townships" in layers:
        try:
            found, cells = realdata.apply_raster(raster, layers, cells=raster_demand)
            problems.extend(found)
        except GeodataError as exc:
            problems.extend(exc.problems)
    if clean_boundaries and "townships" in layers:
        layers["townships"] = realdata.cleaned_townships(layers["townships"], "townships")
    problems = _user_names(problems, uploads)
    if any(p.severity == "error" for p in problems) or "townships" not in layers:
        return CheckResult(tuple(problems), None, ds_id, counts, matches)
    try:
        city = services.assemble_city(layers, name=name, outside_china=outside_china)
        city = replace(city, demand_cells=cells) if cells is not None else city
    except GeodataError as exc:
        found = _user_names(list(exc.problems), uploads)
        return CheckResult(tuple(problems + found), None, ds_id, counts, matches)
    return CheckResult(
        _unique([*problems, *_user_names(list(city.warnings), uploads)]),
        city,
        ds_id,
        counts,
        matches,
    )


def _user_names(
    problems: list[Problem] | tuple[Problem, ...], uploads: dict[str, Upload]
) -> list[Problem]:
    """Problems that name the user's files: a cross-layer check names a layer (it knows no
    file), and a library may quote the server's copy of a file (``<dir>/<digest>.<ext>``)."""
    by_layer = {layer: up.name for layer, up in uploads.items()}
    out = [replace(p, source=by_layer[p.source]) if p.source in by_layer else p for p in problems]
    for up in uploads.values():
        copy = re.compile(r"[^\s'\"(),;]*" + re.escape(up.digest) + r"[.\w]*")
        out = [_renamed(p, copy, up.name) for p in out]
    return out


def _renamed(problem: Problem, copy: re.Pattern[str], name: str) -> Problem:
    message = copy.sub(name, problem.message)
    value = None if problem.value is None else copy.sub(name, problem.value)
    if message == problem.message and value == problem.value:
        return problem
    return replace(problem, message=message, value=value)


def _unique(problems: list[Problem]) -> tuple[Problem, ...]:
    """Drop repeats of the same finding (a layer is validated on reading and assembling)."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.code, p.source, p.row, p.column, p.value)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return tuple(out)
