"""Table specs and the conversion of layer frames to and from column values, for every store.

The GeoPackage store (:mod:`analysis.workspace.gpkg`) and the PostGIS store
(:mod:`analysis.workspace.postgis`) keep the same tables with the same columns: canonical
columns typed by :data:`Kind`, the geometry, the key column (``scenario``/``dataset_id``) and
``extra_json`` holding, as JSON, the columns of a row that are not canonical (nothing the
user had is lost). Only the geometry encoding and the SQL differ.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

Kind = Literal["str", "int", "float", "bool"]
#: Column holding, as JSON, the non-canonical columns of a row.
EXTRA_COLUMN = "extra_json"
#: CRS of every stored geometry.
SRS_ID = 4326


@dataclass(frozen=True)
class TableSpec:
    """One table of a store.

    Parameters
    ----------
    table
        SQL table name (a constant of ours, never user text).
    key
        Column grouping the rows of one scenario/dataset (``scenario`` or ``dataset_id``);
        empty for the metadata tables.
    geometry_type
        ``"POINT"``/``"MULTIPOLYGON"``/``"MULTILINESTRING"`` for feature tables, ``None`` for
        attribute tables.
    columns
        ``(name, kind)`` of the data columns (without ``fid``, ``geom``, key and extras).
    description
        Shown by GIS software (``gpkg_contents.description``).
    unique
        Column with a UNIQUE constraint (metadata tables).
    defaults
        ``column -> SQL literal`` (portable: numbers, ``''``, ``TRUE``/``FALSE``): the value
        rows written before the column existed get when it is added (a migration).
    """

    table: str
    key: str
    geometry_type: str | None
    columns: tuple[tuple[str, Kind], ...]
    description: str = ""
    unique: str = ""
    defaults: dict[str, str] = field(default_factory=dict)

    def column_sql(self, name: str, sql_type: str) -> str:
        """``"name" TYPE [UNIQUE] [NOT NULL DEFAULT x]`` for a CREATE or an ADD COLUMN."""
        unique = " UNIQUE" if name == self.unique else ""
        default = self.defaults.get(name)
        tail = f" NOT NULL DEFAULT {default}" if default is not None else ""
        return f'"{name}" {sql_type}{unique}{tail}'


def py_value(value: Any) -> Any:
    """A JSON/SQL-friendly Python value (numpy scalars unwrapped, NaN -> None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


#: (column kind, numpy dtype kind) pairs converted as whole arrays by :func:`column_values`.
_NUMERIC_FAST = {("float", "f"), ("float", "i"), ("float", "u"), ("int", "i")}


def column_values(series: pd.Series, kind: Kind) -> list[Any]:
    """The values of ``series`` as plain Python values of ``kind`` (``None`` for missing)."""
    # numpy dtypes only: pandas' nullable ones (Int64 ...) hold pd.NA, taken one by one below
    dtype_kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "O"
    if (kind, dtype_kind) in _NUMERIC_FAST:  # a raster's million cells: no per-value calls
        array = series.to_numpy()
        fast: list[Any] = array.astype("float64" if kind == "float" else "int64").tolist()
        if dtype_kind == "f":
            for i in np.flatnonzero(np.isnan(array)):
                fast[i] = None
        return fast
    raw = series.astype(object).tolist()
    if kind == "str":  # text as it is; anything else through py_value
        return [v if type(v) is str else _text(py_value(v)) for v in raw]
    values = [py_value(v) for v in raw]
    if kind == "int":
        return [None if v is None else int(v) for v in values]
    if kind == "float":
        return [None if v is None else float(v) for v in values]
    return [None if v is None else bool(v) for v in values]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def frame_columns(spec: TableSpec, gdf: pd.DataFrame) -> tuple[list[list[Any]], list[str | None]]:
    """The canonical columns of ``gdf`` (in ``spec`` order) and the ``extra_json`` of each row."""
    n = len(gdf)
    names = [c for c, _ in spec.columns]
    columns = [
        column_values(gdf[c], kind) if c in gdf.columns else [None] * n for c, kind in spec.columns
    ]
    geometry = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else "geometry"
    extras = [c for c in gdf.columns if c not in names and c != geometry]
    if not extras:
        return columns, [None] * n
    records = gdf[extras].astype(object).to_dict("records")
    extra_json: list[str | None] = [
        json.dumps({k: py_value(v) for k, v in r.items()}, ensure_ascii=False, default=str)
        for r in records
    ]
    return columns, extra_json


def frame_from_columns(
    spec: TableSpec, geoms: np.ndarray, columns: Sequence[Sequence[Any]], extras: Sequence[Any]
) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) from stored column values, extras and decoded geometries."""
    data: dict[str, Any] = {}
    for (name, kind), values in zip(spec.columns, columns, strict=True):
        data[name] = typed(list(values), kind)
    records = [json.loads(v) if v else {} for v in extras]
    extra_names: dict[str, None] = {}
    for record in records:
        extra_names.update(dict.fromkeys(record))
    for name in extra_names:
        data[name] = [record.get(name) for record in records]
    return gpd.GeoDataFrame(
        data, geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{SRS_ID}"), crs=f"EPSG:{SRS_ID}"
    )


def typed(values: list[Any], kind: Kind) -> pd.Series:
    """A column of ``kind`` from stored values (missing: 0, NaN, False or missing text)."""
    if kind == "int":
        return pd.Series([0 if v is None else int(v) for v in values], dtype="int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype="bool")
    return pd.Series(values, dtype="str") if values else pd.Series([], dtype="str")


class LayerIO(Protocol):
    """What differs between the stores' SQL: placeholders, layer rows, change stamps."""

    def q(self, sql: str) -> str:
        """``sql`` written with ``?`` placeholders, in this database's placeholder style."""
        ...

    def write_rows(self, conn: Any, spec: TableSpec, key_value: str, gdf: pd.DataFrame) -> None:
        """Replace the rows of ``key_value`` in ``spec.table`` (caller's transaction)."""
        ...

    def read_rows(self, conn: Any, spec: TableSpec, key_value: str) -> gpd.GeoDataFrame:
        """The rows of ``key_value`` in ``spec.table``, in the order written."""
        ...

    def touch(self, conn: Any, tables: Iterable[str]) -> None:
        """Record a change of ``tables`` (GeoPackage ``last_change``; nothing elsewhere)."""
        ...
