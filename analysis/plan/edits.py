"""Edits of a scenario (add, move, remove, restore, update a point) and an undo history.

Every edit is a pure function: it returns a new :class:`~analysis.plan.scenarios.Scenario` whose
edited layer is a new frame and whose other layers are shared with the input (so keeping
many versions in an undo history costs little). Coordinates are WGS84 longitude/latitude;
convert GCJ-02/BD-09 input with :mod:`geodata.coords` first. Invalid edits raise
:class:`~analysis.errors.AnalysisError` with a coded problem the UI can translate. An
adopted plan's solve facts note every edit (:func:`analysis.plan.solvefacts.with_edit`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from analysis.errors import AnalysisError, Problem
from analysis.plan.scenarios import POINT_LAYERS, PointLayer, Scenario, check_layer
from analysis.plan.solvefacts import with_edit
from geodata.schema import POINT_TYPE_ALIASES, POINT_TYPES, SCHEMAS

#: Prefix of the ids given to new points ("NEW-001", "NEW-002" ...).
NEW_ID_PREFIX = "NEW-"
_NEW_ID = re.compile(rf"^{re.escape(NEW_ID_PREFIX)}(\d+)$")


def _fail(code: str, message: str, **kwargs: Any) -> AnalysisError:
    return AnalysisError([Problem(code, message, **kwargs)])


def next_point_id(scenario: Scenario) -> str:
    """A fresh id ``NEW-nnn``, unused in every layer of ``scenario``."""
    used: set[str] = set()
    for layer in POINT_LAYERS:
        used.update(scenario.layer(layer)["id"].astype(str))
    numbers = [int(m.group(1)) for m in map(_NEW_ID.match, used) if m]
    n = max(numbers, default=0) + 1
    while f"{NEW_ID_PREFIX}{n:03d}" in used:
        n += 1
    return f"{NEW_ID_PREFIX}{n:03d}"


def _check_lon_lat(lon: float, lat: float) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise _fail(
            "invalid_coordinates", f"Coordinates {lon!r}, {lat!r} are not numbers."
        ) from None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise _fail(
            "invalid_coordinates",
            f"Longitude {lon!r} / latitude {lat!r} are outside -180..180 / -90..90.",
            value=f"{lon}, {lat}",
        )
    return x, y


def _canonical_type(value: Any) -> str:
    text = str(value).strip()
    if text in POINT_TYPES:
        return text
    for canonical, aliases in POINT_TYPE_ALIASES.items():
        if text.lower() in (a.lower() for a in aliases):
            return canonical
    raise _fail(
        "invalid_point_type",
        f"Unknown contact point type {text!r}; expected one of {', '.join(POINT_TYPES)}.",
        column="type",
        value=text,
    )


def _coerce(layer: PointLayer, column: str, value: Any) -> Any:
    """``value`` converted to the kind of ``column`` in ``layer``'s schema."""
    schema = SCHEMAS[layer]
    try:
        kind = schema.column(column).kind
    except KeyError:
        raise _fail(
            "unknown_column",
            f"Layer {layer} has no column {column!r}.",
            column=column,
            params={"layer": layer},
        ) from None
    if value is None:
        return {"int": 0, "float": np.nan, "bool": False}.get(kind)
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return bool(value)
    except (TypeError, ValueError):
        raise _fail(
            "invalid_value",
            f"{value!r} is not a valid {kind} for column {column!r}.",
            column=column,
        ) from None
    if kind == "point_type":
        return _canonical_type(value)
    return str(value)


def _find(frame: gpd.GeoDataFrame, layer: PointLayer, point_id: str) -> Any:
    """Index label of the row whose id is ``point_id``."""
    hits = frame.index[frame["id"].astype(str) == str(point_id)]
    if len(hits) == 0:
        raise _fail(
            "point_not_found",
            f"No point with id {point_id!r} in layer {layer}.",
            value=str(point_id),
            params={"layer": layer},
        )
    return hits[0]


def add_point(
    scenario: Scenario,
    layer: PointLayer,
    *,
    lon: float,
    lat: float,
    type: str | None = None,
    name: str | None = None,
    county: str | None = None,
    **attrs: Any,
) -> Scenario:
    """Add a ``proposed`` point.

    Parameters
    ----------
    scenario
        Scenario to edit.
    layer
        ``"contact_points"``, ``"collection_sites"`` or ``"homes"``.
    lon, lat
        WGS84 coordinates.
    type
        Contact point type (required for contact points; Chinese aliases accepted). For
        collection sites it fills ``site_type``; not allowed for homes.
    name
        Display name (default: the new id).
    county
        County name; when ``None`` it is filled from the townships by
        :func:`~analysis.plan.scenarios.apply_scenario`.
    **attrs
        Other canonical columns of the layer (``id`` too, if it is unused).

    Returns
    -------
    Scenario
        New scenario; the new point is the last row of ``layer``.
    """
    check_layer(layer)
    x, y = _check_lon_lat(lon, lat)
    frame = scenario.layer(layer)
    values: dict[str, Any] = {}
    if layer == "contact_points":
        if type is None:
            raise _fail("missing_point_type", "A new contact point needs a type.", column="type")
        values["type"] = _canonical_type(type)
    elif type is not None:
        if layer == "homes":
            raise _fail("type_not_applicable", "Representative homes have no type.", column="type")
        values["site_type"] = str(type)
    if county is not None and "county" in frame.columns:
        values["county"] = str(county)
    for key, value in attrs.items():
        values[key] = _coerce(layer, key, value)
    point_id = str(values.pop("id", "") or next_point_id(scenario))
    if (frame["id"].astype(str) == point_id).any():
        raise _fail(
            "duplicate_id", f"Id {point_id!r} is already used in layer {layer}.", value=point_id
        )
    values["id"] = point_id
    values["name"] = str(name) if name else point_id
    row: dict[str, Any] = {}
    for col in frame.columns:
        if col == "geometry":
            continue
        if col in values:
            row[col] = values[col]
        elif col in ("orig_lon", "orig_lat") or pd.api.types.is_float_dtype(frame[col].dtype):
            row[col] = np.nan
        elif pd.api.types.is_bool_dtype(frame[col].dtype):
            row[col] = False
        elif pd.api.types.is_integer_dtype(frame[col].dtype):
            row[col] = 0
        else:
            row[col] = None
    row["status"] = "proposed"
    new_row = gpd.GeoDataFrame([row], geometry=[Point(x, y)], crs=frame.crs)
    new_frame = pd.concat([frame, new_row], ignore_index=True)
    new_frame = _keep_dtypes(new_frame, frame)
    new_frame = gpd.GeoDataFrame(new_frame, geometry="geometry", crs=frame.crs)
    return _edited(scenario, layer, new_frame, "add", point_id)


def _keep_dtypes(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """Cast columns back to ``old``'s dtypes where concat/assignment widened them needlessly."""
    for col in old.columns:
        if col == "geometry" or new[col].dtype == old[col].dtype:
            continue
        numeric_ok = pd.api.types.is_numeric_dtype(old[col].dtype) and not new[col].isna().any()
        if isinstance(old[col].dtype, pd.StringDtype) or numeric_ok:
            new[col] = new[col].astype(old[col].dtype)
    return new


def move_point(
    scenario: Scenario, layer: PointLayer, point_id: str, lon: float, lat: float
) -> Scenario:
    """Move a point to ``lon``/``lat`` (WGS84).

    An ``existing`` point becomes ``moved`` and remembers its original place in
    ``orig_lon``/``orig_lat``; a ``moved`` point moved back exactly there is ``existing``
    again. A ``proposed`` point just moves. A ``removed`` point cannot be moved.
    """
    check_layer(layer)
    x, y = _check_lon_lat(lon, lat)
    frame = scenario.layer(layer)
    idx = _find(frame, layer, point_id)
    status = frame.at[idx, "status"]
    if status == "removed":
        raise _fail(
            "point_removed",
            f"Point {point_id!r} is removed; restore it first.",
            value=str(point_id),
        )
    new = frame.copy()
    old = frame.geometry.loc[idx]
    if status == "existing":
        new.loc[idx, ["orig_lon", "orig_lat"]] = [old.x, old.y]
        new.loc[idx, "status"] = "moved"
    elif status == "moved" and (x, y) == (new.at[idx, "orig_lon"], new.at[idx, "orig_lat"]):
        new.loc[idx, ["orig_lon", "orig_lat"]] = [np.nan, np.nan]
        new.loc[idx, "status"] = "existing"
    new.loc[idx, "geometry"] = Point(x, y)
    return _edited(scenario, layer, new, "move", point_id)


def remove_point(scenario: Scenario, layer: PointLayer, point_id: str) -> Scenario:
    """Remove a point: ``existing``/``moved`` ones are flagged ``removed``, ``proposed`` dropped."""
    check_layer(layer)
    frame = scenario.layer(layer)
    idx = _find(frame, layer, point_id)
    status = frame.at[idx, "status"]
    if status == "removed":
        raise _fail("point_removed", f"Point {point_id!r} is already removed.", value=str(point_id))
    if status == "proposed":
        new = frame.drop(index=idx).reset_index(drop=True)
    else:
        new = frame.copy()
        new.loc[idx, "status"] = "removed"
    return _edited(scenario, layer, new, "remove", point_id)


def restore_point(scenario: Scenario, layer: PointLayer, point_id: str) -> Scenario:
    """Put a ``removed`` or ``moved`` point back as it is in the base dataset (``existing``).

    A point that was moved and then removed comes back at its original place.
    """
    check_layer(layer)
    frame = scenario.layer(layer)
    idx = _find(frame, layer, point_id)
    status = frame.at[idx, "status"]
    if status not in ("removed", "moved"):
        raise _fail(
            "nothing_to_restore",
            f"Point {point_id!r} is {status}; only removed or moved points can be restored.",
            value=str(point_id),
            params={"status": str(status)},
        )
    new = frame.copy()
    orig_x, orig_y = new.at[idx, "orig_lon"], new.at[idx, "orig_lat"]
    if not (pd.isna(orig_x) or pd.isna(orig_y)):
        new.loc[idx, "geometry"] = Point(float(orig_x), float(orig_y))
    new.loc[idx, ["orig_lon", "orig_lat"]] = [np.nan, np.nan]
    new.loc[idx, "status"] = "existing"
    return _edited(scenario, layer, new, "restore", point_id)


def update_point(scenario: Scenario, layer: PointLayer, point_id: str, **attrs: Any) -> Scenario:
    """Change attributes (name, type, counts ...) of a point; its status does not change.

    ``id``, ``status`` and the coordinates cannot be changed here (use :func:`move_point`).
    """
    check_layer(layer)
    frame = scenario.layer(layer)
    idx = _find(frame, layer, point_id)
    forbidden = {"id", "status", "orig_lon", "orig_lat", "geometry"} & set(attrs)
    if forbidden:
        raise _fail(
            "column_not_editable",
            f"Column(s) {', '.join(sorted(forbidden))} cannot be edited here.",
        )
    values = {key: _coerce(layer, key, value) for key, value in attrs.items()}
    new = frame.copy()
    for key, value in values.items():
        if pd.api.types.is_string_dtype(new[key].dtype) or new[key].dtype == object:
            new[key] = new[key].astype(object)
        new.loc[idx, key] = value
    return _edited(scenario, layer, _keep_dtypes(new, frame), "update", point_id)


def _edited(
    scenario: Scenario, layer: PointLayer, frame: gpd.GeoDataFrame, kind: str, point_id: str
) -> Scenario:
    """``scenario`` with ``layer`` = ``frame``, the edit noted in its solve facts (if any)."""
    facts = with_edit(scenario.solve_facts, kind, layer, str(point_id))
    return dataclasses.replace(scenario.with_layer(layer, frame), solve_facts=facts)


@dataclass(frozen=True, eq=False)
class EditHistory:
    """Immutable undo/redo history of a scenario; every method returns a new history.

    Keep one in the dashboard's session state; ``history.current`` is the scenario shown.

    Parameters
    ----------
    entries
        Versions, oldest first.
    labels
        Description of the edit that produced each version (``""`` for the first).
    index
        Position of the current version in ``entries``.
    limit
        Most versions kept; the oldest are dropped beyond it.
    """

    entries: tuple[Scenario, ...]
    labels: tuple[str, ...] = ("",)
    index: int = 0
    limit: int = 100

    @classmethod
    def start(cls, scenario: Scenario, limit: int = 100) -> EditHistory:
        """A history holding only ``scenario``."""
        return cls(entries=(scenario,), labels=("",), index=0, limit=max(2, limit))

    @property
    def current(self) -> Scenario:
        """The scenario at the current position."""
        return self.entries[self.index]

    @property
    def can_undo(self) -> bool:
        """True when there is an earlier version."""
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        """True when an undone version can be redone."""
        return self.index < len(self.entries) - 1

    @property
    def undo_label(self) -> str:
        """Label of the edit an undo would revert (``""`` if none)."""
        return self.labels[self.index] if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        """Label of the edit a redo would apply again (``""`` if none)."""
        return self.labels[self.index + 1] if self.can_redo else ""

    def push(self, scenario: Scenario, label: str = "") -> EditHistory:
        """Add ``scenario`` after the current version; the redo branch is discarded."""
        entries = (*self.entries[: self.index + 1], scenario)
        labels = (*self.labels[: self.index + 1], label)
        drop = max(0, len(entries) - self.limit)
        return EditHistory(entries[drop:], labels[drop:], len(entries) - 1 - drop, self.limit)

    def undo(self) -> EditHistory:
        """Step back one version (unchanged if there is none)."""
        if not self.can_undo:
            return self
        return EditHistory(self.entries, self.labels, self.index - 1, self.limit)

    def redo(self) -> EditHistory:
        """Step forward one version (unchanged if there is none)."""
        if not self.can_redo:
            return self
        return EditHistory(self.entries, self.labels, self.index + 1, self.limit)

    def replace_current(self, scenario: Scenario) -> EditHistory:
        """Same history with the current version replaced (e.g. by the copy the store saved)."""
        entries = (*self.entries[: self.index], scenario, *self.entries[self.index + 1 :])
        return EditHistory(entries, self.labels, self.index, self.limit)
