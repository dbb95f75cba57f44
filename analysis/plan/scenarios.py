"""Scenarios: a plan's point layers over one base dataset, and what they mean for the city.

A :class:`Scenario` holds the three point layers (contact points, collection sites,
representative homes) of one plan. Every point carries a ``status``:

``existing``  in the base dataset, unchanged;
``proposed``  added by the plan;
``moved``     in the base dataset, at a new place (``orig_lon``/``orig_lat`` keep the old one);
``removed``   in the base dataset, taken out by the plan (kept, flagged, so it can be restored
              and shown struck through).

Scenarios are values: edits (:mod:`analysis.plan.edits`) return new ones and never change a
scenario's frames in place, so an undo history can share unchanged layers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, Problem
from analysis.localtime import utc_now_iso
from analysis.plan.solvefacts import SolveFacts
from geodata.city import CityData
from geodata.schema import SCHEMAS

PointLayer = Literal["contact_points", "collection_sites", "homes"]
#: The point layers a scenario holds, in display order.
POINT_LAYERS: tuple[PointLayer, ...] = ("contact_points", "collection_sites", "homes")
Status = Literal["existing", "proposed", "moved", "removed"]
STATUSES: tuple[Status, ...] = ("existing", "proposed", "moved", "removed")
#: Columns a scenario adds to every point layer (after the canonical ones).
STATUS_COLUMNS: tuple[str, ...] = ("status", "orig_lon", "orig_lat")
#: Dataset id of the built-in demo city (never copied into the workspace).
DEMO_DATASET_ID = "demo"
#: Default name of the baseline scenario (the UI may show a translation).
BASELINE_NAME = "基线方案"
#: Longest scenario name accepted (it is shown in tables and file names).
MAX_NAME_LENGTH = 120


@dataclass(frozen=True, eq=False)
class Scenario:
    """One plan: the point layers over a base dataset, with authorship and times.

    ``eq=False``: frames do not compare with ``==``; compare the layers explicitly.

    Parameters
    ----------
    name
        User-given name (any text, unique in a workspace).
    author
        Name the user gave as author.
    created_at, updated_at
        ISO 8601 UTC timestamps (:func:`utc_now_iso`); the store sets ``updated_at`` on save.
    dataset_id
        Base dataset (``"demo"`` for the built-in demo city).
    contact_points, collection_sites, homes
        Point layers in EPSG:4326: canonical columns, extra columns of the source,
        then ``status``, ``orig_lon``, ``orig_lat``.
    description
        Free text.
    owner
        Username of the account that owns it (``""`` in the single-user mode); ``author``
        stays the name shown.
    published
        True: visible to 查看 (viewer) accounts.
    version
        The stored version this value was loaded or saved as (0: never saved); the store
        adds 1 on every save and refuses a save that expects another version.
    updated_by
        Username of whoever saved it last (set by the store).
    solve_facts
        The optimiser's solve behind an adopted plan (:mod:`analysis.plan.solvefacts`),
        with the hand edits since; ``None`` for a plan not adopted from the optimiser.
    """

    name: str
    author: str
    created_at: str
    updated_at: str
    dataset_id: str
    contact_points: gpd.GeoDataFrame
    collection_sites: gpd.GeoDataFrame
    homes: gpd.GeoDataFrame
    description: str = ""
    owner: str = ""
    published: bool = False
    version: int = 0
    updated_by: str = ""
    solve_facts: SolveFacts | None = None

    def layer(self, layer: PointLayer) -> gpd.GeoDataFrame:
        """The frame of ``layer`` (do not modify it in place)."""
        check_layer(layer)
        frame: gpd.GeoDataFrame = getattr(self, layer)
        return frame

    def with_layer(self, layer: PointLayer, frame: gpd.GeoDataFrame) -> Scenario:
        """A copy of this scenario whose ``layer`` is ``frame``."""
        check_layer(layer)
        return dataclasses.replace(self, **{layer: frame})

    def status_counts(self) -> dict[str, int]:
        """Number of points of each status over all layers (every status present)."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for layer in POINT_LAYERS:
            for status, n in self.layer(layer)["status"].value_counts().items():
                counts[str(status)] = counts.get(str(status), 0) + int(n)
        return counts


def check_layer(layer: str) -> None:
    """Raise :class:`AnalysisError` unless ``layer`` is a point layer name."""
    if layer not in POINT_LAYERS:
        expected = ", ".join(POINT_LAYERS)
        message = f"Unknown point layer {layer!r}; expected one of {expected}."
        raise AnalysisError([Problem("unknown_layer", message, value=str(layer))])


def validate_scenario_name(name: str) -> str:
    """Return ``name`` stripped; raise :class:`AnalysisError` if empty, too long or has controls.

    Any other text (HTML, quotes, SQL) is a valid name: it is stored through SQL parameters
    and must be escaped wherever it is displayed.
    """
    cleaned = str(name).strip()
    problems = []
    if not cleaned:
        problems.append(
            Problem("empty_scenario_name", "The scenario name is empty.", value=str(name))
        )
    elif len(cleaned) > MAX_NAME_LENGTH:
        problems.append(
            Problem(
                "scenario_name_too_long",
                f"The scenario name has {len(cleaned)} characters; "
                f"at most {MAX_NAME_LENGTH} are allowed.",
                value=cleaned[:40],
                params={"length": len(cleaned), "max": MAX_NAME_LENGTH},
            )
        )
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        problems.append(
            Problem(
                "scenario_name_control_chars",
                "The scenario name contains control characters (line breaks, tabs ...).",
                value=repr(cleaned[:40]),
            )
        )
    if problems:
        raise AnalysisError(problems)
    return cleaned


def normalise_layer(
    frame: gpd.GeoDataFrame, layer: PointLayer, status: Status = "existing"
) -> gpd.GeoDataFrame:
    """A copy of ``frame`` shaped as a scenario layer.

    EPSG:4326, fresh index, canonical columns first (missing optional ones filled: 0 for
    integers, NaN for floats, empty for text), extra columns kept, then ``status``
    (``status`` where absent), ``orig_lon``, ``orig_lat`` (NaN where absent).
    """
    check_layer(layer)
    schema = SCHEMAS[layer]
    gdf = frame.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    gdf = gdf.reset_index(drop=True)
    geom_name = gdf.geometry.name
    if geom_name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    for col in schema.columns:
        if col.name not in gdf.columns:
            default: Any = {"int": 0, "float": np.nan, "bool": False}.get(col.kind)
            gdf[col.name] = default
    if "status" not in gdf.columns:
        gdf["status"] = status
    gdf["status"] = gdf["status"].astype("str")
    for col_name in ("orig_lon", "orig_lat"):
        if col_name not in gdf.columns:
            gdf[col_name] = np.nan
        gdf[col_name] = gdf[col_name].astype("float64")
    for col in schema.columns:
        if col.kind not in ("int", "float", "bool"):
            # One text dtype for every text column, however the frame was built (None -> NaN).
            gdf[col.name] = gdf[col.name].astype("str")
    canonical = [c.name for c in schema.columns]
    extras = [
        c for c in gdf.columns if c not in canonical and c not in STATUS_COLUMNS and c != "geometry"
    ]
    return gdf[[*canonical, *extras, *STATUS_COLUMNS, "geometry"]]


def baseline_scenario(
    city: CityData,
    dataset_id: str,
    author: str = "",
    *,
    name: str = BASELINE_NAME,
    description: str = "",
) -> Scenario:
    """The scenario of ``city`` as it is: every point ``existing``.

    Parameters
    ----------
    city
        Base dataset.
    dataset_id
        Id under which the base dataset is known (``"demo"`` for the demo city).
    author
        Author name given by the user.
    name
        Scenario name (default :data:`BASELINE_NAME`).
    description
        Free text.
    """
    now = utc_now_iso()
    layers = {layer: normalise_layer(getattr(city, layer), layer) for layer in POINT_LAYERS}
    layers = {k: v.assign(status="existing") for k, v in layers.items()}
    return Scenario(
        name=validate_scenario_name(name),
        author=author,
        created_at=now,
        updated_at=now,
        dataset_id=dataset_id,
        description=description,
        **layers,
    )


def copy_scenario(scenario: Scenario, name: str, author: str | None = None) -> Scenario:
    """A new scenario with ``scenario``'s points ("save as"), fresh times, the given name."""
    now = utc_now_iso()
    return dataclasses.replace(
        scenario,
        name=validate_scenario_name(name),
        author=scenario.author if author is None else author,
        created_at=now,
        updated_at=now,
    )


def apply_scenario(city: CityData, scenario: Scenario) -> CityData:
    """``city`` with the point layers of ``scenario`` (removed points dropped).

    The layers keep the ``status``/``orig_lon``/``orig_lat`` columns so maps and exports can
    tell proposed and moved points apart. Points without a county get the county of the
    township they fall in; collection sites that reported to a removed contact point get
    an empty ``contact_point_id``.
    """
    layers: dict[str, gpd.GeoDataFrame] = {}
    for layer in POINT_LAYERS:
        frame = scenario.layer(layer)
        kept = frame[frame["status"] != "removed"].reset_index(drop=True)
        if "county" in kept.columns:
            kept = _fill_county(kept, city.townships)
        layers[layer] = kept
    sites = layers["collection_sites"]
    if len(sites):
        live = set(layers["contact_points"]["id"].astype(str))
        dangling = sites["contact_point_id"].notna() & ~sites["contact_point_id"].astype(str).isin(
            live
        )
        dangling &= sites["contact_point_id"].astype(str).str.len() > 0
        if dangling.any():
            sites = sites.copy()
            sites.loc[dangling, "contact_point_id"] = None
            layers["collection_sites"] = sites
    return dataclasses.replace(city, **layers)


def _fill_county(points: gpd.GeoDataFrame, townships: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill empty ``county`` values from the township polygon each point falls in."""
    county = points["county"]
    missing = county.isna() | (county.astype(str).str.strip() == "")
    if not missing.any() or len(townships) == 0 or "county" not in townships.columns:
        return points
    joined = gpd.sjoin(
        points.loc[missing, ["geometry"]],
        townships[["county", "geometry"]].to_crs(points.crs),
        how="left",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    points = points.copy()
    found = joined["county"].dropna()
    points.loc[found.index, "county"] = found.astype(str)
    return points


def scenario_changes(scenario: Scenario) -> pd.DataFrame:
    """Every point the plan changes: one row per proposed, moved or removed point.

    Columns: ``layer``, ``id``, ``name``, ``type`` (contact points) , ``status``, ``lon``,
    ``lat``, ``orig_lon``, ``orig_lat``.
    """
    parts = []
    for layer in POINT_LAYERS:
        frame = scenario.layer(layer)
        changed = frame[frame["status"] != "existing"]
        parts.append(
            pd.DataFrame(
                {
                    "layer": layer,
                    "id": changed["id"].astype(str).to_numpy(),
                    "name": changed["name"].to_numpy(),
                    "type": changed["type"].to_numpy()
                    if "type" in changed
                    else [None] * len(changed),
                    "status": changed["status"].to_numpy(),
                    "lon": changed.geometry.x.to_numpy(),
                    "lat": changed.geometry.y.to_numpy(),
                    "orig_lon": changed["orig_lon"].to_numpy(),
                    "orig_lat": changed["orig_lat"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


class _HasToDict(Protocol):
    def to_dict(self) -> Mapping[str, Any]: ...


def compare_scenarios(kpis: Mapping[str, _HasToDict | Mapping[str, Any]]) -> pd.DataFrame:
    """Side-by-side KPI table: a column per scenario, then ``Δ <name>`` against the first.

    Parameters
    ----------
    kpis
        Scenario name -> KPIs (an object with ``to_dict()``, e.g. ``CoverageResult.kpis``,
        or a plain dict). The first entry is the reference (the baseline). Nested dicts are
        flattened with dotted keys (``"points_by_type.rural"``).

    Returns
    -------
    pandas.DataFrame
        Index ``kpi`` (union of keys, first-seen order). Deltas are NaN where either value is
        missing or not a number (booleans and text are not subtracted).
    """
    flat: dict[str, dict[str, Any]] = {}
    for name, value in kpis.items():
        mapping = value if isinstance(value, Mapping) else value.to_dict()
        flat[name] = _flatten(mapping)
    keys: dict[str, None] = {}
    for values in flat.values():
        keys.update(dict.fromkeys(values))
    table = pd.DataFrame(
        {name: [values.get(k) for k in keys] for name, values in flat.items()},
        index=pd.Index(list(keys), name="kpi"),
        dtype=object,
    )
    if not flat:
        return table
    first = next(iter(flat))
    for name in list(flat)[1:]:
        table[f"Δ {name}"] = [_delta(flat[name].get(k), flat[first].get(k)) for k in keys]
    return table


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{full}."))
        else:
            out[full] = value
    return out


def _delta(value: Any, reference: Any) -> float:
    numeric = (int, float, np.integer, np.floating)
    if isinstance(value, bool | np.bool_) or isinstance(reference, bool | np.bool_):
        return float("nan")
    if isinstance(value, numeric) and isinstance(reference, numeric):
        return float(value) - float(reference)
    return float("nan")
