"""The data page's logic: keep uploads, find unrecognised columns, check and assemble a city.

Every problem of every file is collected (one file's errors do not hide another's), so the
user sees at once exactly why their data cannot be used yet.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard import services
from geodata.errors import GeodataError, Problem

#: File types offered per upload field.
VECTOR_TYPES = ["gpkg", "geojson", "json", "zip", "kml", "kmz", "csv", "xlsx"]
TABLE_TYPES = ["csv", "xlsx"]
POINT_LAYERS = ("villages", "contact_points", "collection_sites", "homes")
UPLOAD_DIR = Path(tempfile.gettempdir()) / "coverage-planner-uploads"


def accepted_types(layer: str) -> list[str]:
    """Return the file extensions accepted for ``layer``."""
    if layer == "population":
        return TABLE_TYPES
    if layer == "townships":
        return [t for t in VECTOR_TYPES if t not in TABLE_TYPES]
    return VECTOR_TYPES


@dataclass(frozen=True)
class Upload:
    """One uploaded file, saved under its content digest.

    Parameters
    ----------
    layer
        Layer it holds (or ``"population"``).
    name
        The user's file name (shown in problems).
    path
        Saved copy (same extension).
    digest
        SHA-256 of the content (first 16 hex digits).
    """

    layer: str
    name: str
    path: str
    digest: str

    @property
    def is_table(self) -> bool:
        """True for CSV/XLSX files."""
        return Path(self.name).suffix.lower().lstrip(".") in TABLE_TYPES


def save_upload(layer: str, name: str, data: bytes) -> Upload:
    """Save uploaded bytes under their digest (idempotent) and return the :class:`Upload`."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{digest}{Path(name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(data)
    return Upload(layer, name, str(path), digest)


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
        headers = services.read_table_headers(upload.path)
    except GeodataError as exc:
        return ColumnCheck([], {}, [], exc.problems)
    suggested = services.suggest_column_map(headers, upload.layer)
    required = services.required_columns(
        upload.layer, table=upload.is_table, population_table=population_table
    )
    missing = [c for c in required if c not in suggested.values()]
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
    """

    problems: tuple[Problem, ...]
    city: Any | None
    dataset_id: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the data can be used."""
        return self.city is not None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity error."""
        return tuple(p for p in self.problems if p.severity == "error")


def dataset_id(
    uploads: dict[str, Upload], column_maps: dict[str, dict[str, str]], coord_system: str, name: str
) -> str:
    """Return a stable id for a set of uploads and settings."""
    key = json.dumps(
        {
            "files": {k: u.digest for k, u in sorted(uploads.items())},
            "maps": {k: sorted(v.items()) for k, v in sorted(column_maps.items())},
            "crs": coord_system,
            "name": name,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return "u-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def check(
    uploads: dict[str, Upload], column_maps: dict[str, dict[str, str]], coord_system: str, name: str
) -> CheckResult:
    """Read every uploaded layer, join the population table and assemble the city.

    Parameters
    ----------
    uploads
        ``layer -> Upload`` (``"townships"`` required; ``"population"`` optional).
    column_maps
        ``layer -> {raw header: canonical}`` chosen by the user.
    coord_system
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for every point layer.
    name
        Display name of the area.
    """
    ds_id = dataset_id(uploads, column_maps, coord_system, name)
    problems: list[Problem] = []
    layers: dict[str, Any] = {}
    counts: dict[str, int] = {}
    pop = uploads.get("population")
    for layer in ("townships", *POINT_LAYERS):
        up = uploads.get(layer)
        if up is None:
            continue
        optional = ("population",) if layer == "townships" and pop is not None else ()
        try:
            loaded = services.read_layer_cached(
                up.path,
                up.digest,
                layer,
                coord_system,
                tuple(sorted(column_maps.get(layer, {}).items())),
                up.name,
                optional,
            )
        except GeodataError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(loaded.warnings)
        layers[layer] = loaded.gdf
        counts[layer] = len(loaded.gdf)
    if pop is not None and "townships" in layers:
        try:
            layers["townships"] = services.join_population(layers["townships"], pop.path, pop.name)
            counts["population"] = len(layers["townships"])
        except GeodataError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or "townships" not in layers:
        return CheckResult(tuple(problems), None, ds_id, counts)
    try:
        city = services.assemble_city(layers, name=name)
    except GeodataError as exc:
        return CheckResult(tuple(problems) + exc.problems, None, ds_id, counts)
    return CheckResult(_unique([*problems, *city.warnings]), city, ds_id, counts)


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
