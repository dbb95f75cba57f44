"""Table layout of the workspace GeoPackage, and checks/time helpers of the store.

The point/base layer tables take their columns from :data:`geodata.schema.SCHEMAS`, so a
column added there is added to an existing workspace when it is next opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import geopandas as gpd

from analysis.errors import AnalysisError, Problem
from analysis.plan.scenarios import POINT_LAYERS, STATUSES, PointLayer, utc_now_iso
from analysis.workspace import gpkg as gp
from geodata.schema import LAYER_NAMES, SCHEMAS, LayerName


def _layer_columns(layer: LayerName) -> tuple[tuple[str, gp.Kind], ...]:
    kinds: dict[str, gp.Kind] = {"int": "int", "float": "float", "bool": "bool"}
    return tuple((c.name, kinds.get(c.kind, "str")) for c in SCHEMAS[layer].columns)


_STATUS_COLS: tuple[tuple[str, gp.Kind], ...] = (
    ("status", "str"),
    ("orig_lon", "float"),
    ("orig_lat", "float"),
)
SCENARIO_META = gp.TableSpec(
    "scenarios",
    "",
    None,
    (
        ("name", "str"),
        ("author", "str"),
        ("created_at", "str"),
        ("updated_at", "str"),
        ("dataset_id", "str"),
        ("description", "str"),
    ),
    "覆盖规划方案 / planning scenarios",
    unique="name",
)
DATASET_META = gp.TableSpec(
    "datasets",
    "",
    None,
    (
        ("dataset_id", "str"),
        ("name", "str"),
        ("is_demo", "bool"),
        ("has_villages", "bool"),
        ("created_at", "str"),
        ("updated_at", "str"),
        ("warnings_json", "str"),
    ),
    "上传的基础数据 / uploaded base datasets",
    unique="dataset_id",
)
SCENARIO_TABLES = {
    layer: gp.TableSpec(
        f"scenario_{layer}",
        "scenario",
        "POINT",
        _layer_columns(layer) + _STATUS_COLS,
        f"方案:{SCHEMAS[layer].title_zh} / scenario {SCHEMAS[layer].title_en.lower()}",
    )
    for layer in POINT_LAYERS
}
DATASET_TABLES: dict[str, gp.TableSpec] = {
    layer: gp.TableSpec(
        f"dataset_{layer}",
        "dataset_id",
        "MULTIPOLYGON" if layer == "townships" else "POINT",
        _layer_columns(layer),
        f"基础数据:{SCHEMAS[layer].title_zh} / dataset {SCHEMAS[layer].title_en.lower()}",
    )
    for layer in LAYER_NAMES
}
#: A dataset's road lines (#13: road travel time survives a save and a restart); no rows
#: when the dataset has no road layer.
DATASET_TABLES["roads"] = gp.TableSpec(
    "dataset_roads",
    "dataset_id",
    "GEOMETRY",  # LineString or MultiLineString
    (
        ("name", "str"),
        ("road_class", "str"),
        ("speed_kmh", "float"),
        ("oneway", "int"),
        ("level", "int"),
    ),
    "基础数据:道路 / dataset roads",
)
ALL_TABLES = (SCENARIO_META, *SCENARIO_TABLES.values(), DATASET_META, *DATASET_TABLES.values())


def problem(code: str, message: str, **kwargs: object) -> AnalysisError:
    """An :class:`AnalysisError` carrying one problem."""
    return AnalysisError([Problem(code, message, **kwargs)])  # type: ignore[arg-type]


def later_than(stored: str | None) -> str:
    """Now, or one microsecond after ``stored`` if the clock has not moved past it."""
    now = utc_now_iso()
    if stored is None or now > stored:
        return now
    try:
        later = datetime.fromisoformat(stored) + timedelta(microseconds=1)
    except ValueError:
        return now
    return later.isoformat(timespec="microseconds").replace("+00:00", "Z")


def check_layers(layers: Mapping[PointLayer, gpd.GeoDataFrame]) -> None:
    """Raise :class:`AnalysisError` for unknown statuses, duplicate ids, non-point geometries."""
    problems: list[Problem] = []
    for layer, frame in layers.items():
        bad = sorted(set(frame["status"].astype(str)) - set(STATUSES))
        if bad:
            problems.append(
                Problem(
                    "invalid_status",
                    f"Layer {layer} has unknown status(es): {', '.join(bad)}.",
                    source=layer,
                    column="status",
                    value=bad[0],
                )
            )
        dup = frame["id"][frame["id"].duplicated()].astype(str).unique().tolist()
        if dup:
            problems.append(
                Problem(
                    "duplicate_id",
                    f"Layer {layer} has duplicate id(s): {', '.join(dup[:10])}.",
                    source=layer,
                    column="id",
                    value=dup[0],
                )
            )
        wrong = ~frame.geometry.geom_type.isin(["Point"])
        if wrong.any():
            problems.append(
                Problem(
                    "invalid_geometry",
                    f"Layer {layer} has {int(wrong.sum())} non-point geometries.",
                    source=layer,
                    column="geometry",
                )
            )
    if problems:
        raise AnalysisError(problems)
