"""Records turned into what the review reads: the points, their quarters, their totals.

Months count in their quarter; a quarter (or month) without a row counts as nothing held
(ASSUMPTION, docs/method.md). All functions are pure and return new frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.city import CityData
from geodata.records.periods import is_month, quarter_index, quarter_label, quarter_of
from geodata.records.schema import ACTIVITY_KINDS, COUNT_COLUMNS

#: Columns of :func:`review_points_frame`.
POINT_COLUMNS = (
    "point_id",
    "point_layer",
    "name",
    "county",
    "type",
    "area_m2",
    "staff",
    "volunteers",
)
ACTIVITY_COLUMNS = tuple(f"activities_{k}" for k in ACTIVITY_KINDS)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str)


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def review_points_frame(city: CityData) -> pd.DataFrame:
    """Every contact point and home with what the standards look at (layer values).

    ``staff`` is a contact point's full-time liaisons or a home's administrators.
    """
    return points_frame(city.contact_points, city.homes)


def points_frame(cps: pd.DataFrame, homes: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`review_points_frame` of a contact point layer and a home layer (or None)."""
    homes = homes if homes is not None else pd.DataFrame({"id": []})
    parts = [
        pd.DataFrame(
            {
                "point_id": _text(cps, "id"),
                "point_layer": "contact_points",
                "name": _text(cps, "name"),
                "county": _text(cps, "county"),
                "type": _text(cps, "type"),
                "area_m2": _number(cps, "area_m2"),
                "staff": _number(cps, "staff"),
                "volunteers": np.nan,
            }
        ),
        pd.DataFrame(
            {
                "point_id": _text(homes, "id"),
                "point_layer": "homes",
                "name": _text(homes, "name"),
                "county": _text(homes, "county"),
                "type": "home",
                "area_m2": _number(homes, "area_m2"),
                "staff": _number(homes, "administrators"),
                "volunteers": _number(homes, "volunteers"),
            }
        ),
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    if frame.empty:
        return pd.DataFrame({c: [] for c in POINT_COLUMNS})
    return frame[list(POINT_COLUMNS)]


def point_layers(cps: pd.DataFrame, homes: pd.DataFrame | None = None) -> dict[str, str]:
    """Id -> layer of every contact point and home (what a records sheet may name)."""
    frame = points_frame(cps, homes)
    return dict(zip(frame["point_id"], frame["point_layer"], strict=True))


def latest_quarter(records: pd.DataFrame) -> int | None:
    """Running index of the latest quarter with a record (None without records)."""
    if records.empty:
        return None
    return max(quarter_index(quarter_of(str(p))) for p in records["period"].unique())


def earliest_quarter(records: pd.DataFrame) -> int | None:
    """Running index of the earliest quarter with a record (None without records)."""
    if records.empty:
        return None
    return min(quarter_index(quarter_of(str(p))) for p in records["period"].unique())


def window_quarters(latest: int, n: int, earliest: int | None = None) -> tuple[str, ...]:
    """Labels of the ``n`` quarters ending with ``latest`` (none before ``earliest``)."""
    start = latest - n + 1 if earliest is None else max(earliest, latest - n + 1)
    return tuple(quarter_label(i) for i in range(start, latest + 1))


def quarterly(records: pd.DataFrame, study_per_month: int) -> pd.DataFrame:
    """One row per point and quarter with the quarter's sums.

    ``study_months`` counts the months that held at least ``study_per_month`` study
    sessions; a quarter given as one row counts ``study // study_per_month`` months (at
    most 3).
    """
    if records.empty:
        cols = ["point_id", "point_layer", "quarter", *COUNT_COLUMNS, "study_months"]
        return pd.DataFrame({c: [] for c in cols})
    frame = records.assign(quarter=[quarter_of(str(p)) for p in records["period"]])
    month_rows = np.array([is_month(str(p)) for p in frame["period"]])
    study = frame["activities_study"].to_numpy()
    per = max(1, study_per_month)
    frame["study_months"] = np.where(month_rows, study >= per, np.minimum(3, study // per))
    sums = frame.groupby(["point_id", "point_layer", "quarter"], as_index=False)[
        [*COUNT_COLUMNS, "study_months"]
    ].sum()
    return sums.sort_values(["point_layer", "point_id", "quarter"]).reset_index(drop=True)


def full_quarters(
    quarters: pd.DataFrame, points: pd.DataFrame, labels: tuple[str, ...]
) -> pd.DataFrame:
    """``quarters`` for every point and every label, zeros where nothing was recorded."""
    grid = pd.MultiIndex.from_product(
        [points["point_id"].astype(str).tolist(), list(labels)], names=["point_id", "quarter"]
    )
    values = [*COUNT_COLUMNS, "study_months"]
    indexed = quarters.set_index(["point_id", "quarter"])[values] if len(quarters) else None
    out = (
        indexed.reindex(grid).fillna(0).astype(np.int64)
        if indexed is not None
        else pd.DataFrame(0, index=grid, columns=values, dtype=np.int64)
    ).reset_index()
    layer = dict(zip(points["point_id"], points["point_layer"], strict=True))
    out.insert(1, "point_layer", out["point_id"].map(layer))
    out["activities_total"] = out[list(ACTIVITY_COLUMNS)].sum(axis=1)
    return out


def latest_resources(records: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Room area, staff and volunteers: the latest record's value, else the layer's."""
    out = points.set_index("point_id")[["area_m2", "staff", "volunteers"]].copy()
    if records.empty:
        return out
    ordered = records.assign(_q=[quarter_index(quarter_of(str(p))) for p in records["period"]])
    ordered = ordered.sort_values(["_q", "period"], kind="stable")
    for col in ("area_m2", "staff", "volunteers"):
        last = ordered.dropna(subset=[col]).groupby("point_id")[col].last()
        last = last[last.index.isin(out.index)]
        out.loc[last.index, col] = last.to_numpy()
    return out
