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
from analysis.workspace.frames import Kind, TableSpec
from geodata.schema import LAYER_NAMES, SCHEMAS, LayerName


def _layer_columns(layer: LayerName) -> tuple[tuple[str, Kind], ...]:
    kinds: dict[str, Kind] = {"int": "int", "float": "float", "bool": "bool"}
    return tuple((c.name, kinds.get(c.kind, "str")) for c in SCHEMAS[layer].columns)


_STATUS_COLS: tuple[tuple[str, Kind], ...] = (
    ("status", "str"),
    ("orig_lon", "float"),
    ("orig_lat", "float"),
)
#: Scenario columns besides the layers; ``owner``, ``published``, ``version`` and
#: ``updated_by`` came with accounts (#15): a workspace written before gets them on open,
#: its scenarios with version 1, no owner ("" = single-user mode), not published.
#: ``solve_facts`` (JSON of :class:`analysis.plan.solvefacts.SolveFacts`, "" = none) came
#: with #14: older scenarios get "" and keep their description text as it was.
SCENARIO_META = TableSpec(
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
        ("owner", "str"),
        ("published", "bool"),
        ("version", "int"),
        ("updated_by", "str"),
        ("solve_facts", "str"),
    ),
    "覆盖规划方案 / planning scenarios",
    unique="name",
    defaults={
        "owner": "''",
        "published": "FALSE",
        "version": "1",
        "updated_by": "''",
        "solve_facts": "''",
    },
)
DATASET_META = TableSpec(
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
        ("has_roads", "bool"),
        ("has_demand_cells", "bool"),
    ),
    "上传的基础数据 / uploaded base datasets",
    unique="dataset_id",
    defaults={"has_roads": "FALSE", "has_demand_cells": "FALSE"},
)
SCENARIO_TABLES = {
    layer: TableSpec(
        f"scenario_{layer}",
        "scenario",
        "POINT",
        _layer_columns(layer) + _STATUS_COLS,
        f"方案:{SCHEMAS[layer].title_zh} / scenario {SCHEMAS[layer].title_en.lower()}",
    )
    for layer in POINT_LAYERS
}
DATASET_TABLES = {
    layer: TableSpec(
        f"dataset_{layer}",
        "dataset_id",
        "MULTIPOLYGON" if layer == "townships" else "POINT",
        _layer_columns(layer),
        f"基础数据:{SCHEMAS[layer].title_zh} / dataset {SCHEMAS[layer].title_en.lower()}",
    )
    for layer in LAYER_NAMES
}
#: A dataset's road lines (``CityData.roads``, #13), when it has them. The columns of
#: ``geodata.road_schema.ROAD_SCHEMA``: name, class, speed, one-way (-1/0/1), level.
ROAD_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("name", "str"),
    ("road_class", "str"),
    ("speed_kmh", "float"),
    ("oneway", "int"),
    ("level", "int"),
)
ROADS_TABLE = TableSpec(
    "dataset_roads",
    "dataset_id",
    "MULTILINESTRING",
    ROAD_COLUMNS,
    "基础数据:道路 / dataset roads",
)
#: A dataset's population raster cells used as demand (``CityData.demand_cells``), when it
#: has them: the cell centre as the point (its ``lon``/``lat``), the township code and the
#: people of the cell in that township (fractions kept).
DEMAND_CELLS_TABLE = TableSpec(
    "dataset_demand_cells",
    "dataset_id",
    "POINT",
    (("township_code", "str"), ("population", "float")),
    "基础数据:人口栅格需求格点 / dataset raster demand cells",
)
#: Accounts (:class:`analysis.workspace.records.UserRecord`; ``counties``: a JSON list).
USERS_TABLE = TableSpec(
    "users",
    "",
    None,
    (
        ("username", "str"),
        ("display_name", "str"),
        ("role", "str"),
        ("password_hash", "str"),
        ("counties", "str"),
        ("active", "bool"),
        ("version", "int"),
        ("created_at", "str"),
        ("updated_at", "str"),
    ),
    "账户 / accounts",
    unique="username",
)
#: The audit log (:class:`analysis.workspace.records.AuditEvent`; ``extra``: a JSON object).
AUDIT_TABLE = TableSpec(
    "audit_log",
    "",
    None,
    (
        ("at", "str"),
        ("username", "str"),
        ("action", "str"),
        ("object_type", "str"),
        ("object_name", "str"),
        ("detail", "str"),
        ("extra", "str"),
    ),
    "操作日志 / audit log",
)
#: Logged-in sessions (:class:`analysis.workspace.records.SessionRecord`), shared by servers.
SESSIONS_TABLE = TableSpec(
    "sessions",
    "",
    None,
    (
        ("token_hash", "str"),
        ("username", "str"),
        ("started_at", "float"),
        ("last_seen_at", "float"),
    ),
    "登录会话 / login sessions",
    unique="token_hash",
)
#: Failed logins per username/address (:class:`analysis.workspace.records.LoginFailures`).
LOGIN_FAILURES_TABLE = TableSpec(
    "login_failures",
    "",
    None,
    (
        ("login_key", "str"),
        ("failures", "int"),
        ("last_failed_at", "float"),
        ("blocked_until", "float"),
    ),
    "登录失败次数 / failed logins",
    unique="login_key",
)
#: Uploads counted against the per-user quota (:class:`analysis.workspace.records.UploadRecord`).
UPLOADS_TABLE = TableSpec(
    "uploads",
    "",
    None,
    (("username", "str"), ("digest", "str"), ("size_bytes", "int"), ("at", "float")),
    "上传配额 / upload quota",
)
ALL_TABLES = (
    SCENARIO_META,
    *SCENARIO_TABLES.values(),
    DATASET_META,
    *DATASET_TABLES.values(),
    ROADS_TABLE,
    DEMAND_CELLS_TABLE,
    USERS_TABLE,
    AUDIT_TABLE,
    SESSIONS_TABLE,
    LOGIN_FAILURES_TABLE,
    UPLOADS_TABLE,
)


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
