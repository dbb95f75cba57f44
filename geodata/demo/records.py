"""The demo city's two-year records (2024-2025), seeded, consistent with its point layers.

Contact points report by quarter, representative homes by month. What the speech says holds:
the contact points' opinions add up to their layer's ``opinions_collected`` and
``opinions_adopted`` (326 collected, 89 adopted); the home DBZJ01 held 12 activities last year
(2025), 8 of them study and 2 on local governance; every home's 2025 activities add up to its
``activities_last_year``; rooms, staff and volunteers repeat the layers' values. Some points
fall silent (no opinion in the last two quarters) or answer fewer opinions than they collect:
the review has something to find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.records.schema import COUNT_COLUMNS, RECORD_FRAME_COLUMNS

#: Seed of the records' own generator (the layers' generator is left untouched).
RECORDS_SEED = 2024_2025
YEARS = (2024, 2025)
QUARTERS = tuple(f"{y}-Q{q}" for y in YEARS for q in range(1, 5))
MONTHS = tuple(f"{y}-{m:02d}" for y in YEARS for m in range(1, 13))
#: Points with no opinion in the last two quarters, and points that answer few opinions.
SILENT_POINTS = ("LXD09", "LXD12")
LOW_FEEDBACK_POINTS = {"LXD08": 0.6, "LXD12": 0.4}
#: DBZJ01's 2025, month by month: the speech's 12 activities, 8 study and 2 governance.
_DBZJ01_2025 = {
    "study": (1, 2, 3, 5, 6, 8, 9, 11),
    "governance": (4, 10),
    "reception": (7,),
    "publicity": (12,),
}


def _split(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` spread over the weights' slots (whole numbers, exact sum)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(weights.size, np.int64)
    return rng.multinomial(int(total), weights / weights.sum()).astype(np.int64)


def _point_rows(rng: np.random.Generator, points: pd.DataFrame) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    n = len(QUARTERS)
    for p in points.sort_values("id").to_dict("records"):
        pid = str(p["id"])
        weights = rng.uniform(0.6, 1.4, n) * np.linspace(0.8, 1.2, n)
        if pid in SILENT_POINTS:
            weights[-2:] = 0.0
        collected = _split(rng, int(p["opinions_collected"]), weights)
        # Adopted opinions come from the quarters that collected them.
        adopted = np.zeros(n, np.int64)
        for _ in range(int(p["opinions_adopted"])):
            free = np.flatnonzero(collected > adopted)
            adopted[rng.choice(free, p=collected[free] / collected[free].sum())] += 1
        share = LOW_FEEDBACK_POINTS.get(pid, 1.0)
        answered = np.floor(collected * share).astype(np.int64)
        for q, quarter in enumerate(QUARTERS):
            rows.append(
                {
                    "point_id": pid,
                    "point_layer": "contact_points",
                    "period": quarter,
                    "opinions_collected": collected[q],
                    "opinions_adopted": adopted[q],
                    "opinions_answered": answered[q],
                    "drafts_consulted": int(rng.integers(0, 3)) if collected[q] else 0,
                    "activities_study": int(rng.integers(0, 2)),
                    "activities_publicity": int(rng.integers(0, 3)),
                    "activities_governance": 0,
                    "activities_reception": 0,
                    "activities_research": int(rng.random() < 0.3),
                    "staff": float(p["staff"]),
                    "volunteers": np.nan,
                    "area_m2": float(p["area_m2"]),
                }
            )
    return rows


def _year_plan(rng: np.random.Generator, total: int) -> dict[str, tuple[int, ...]]:
    """Months (1-12) of a home's activities in a year, by kind; ``total`` activities."""
    reception = min(4, total // 2)
    rest = total - reception
    governance = round(rest * rng.uniform(0.1, 0.5))
    publicity = int(rng.integers(0, max(1, rest - governance) // 2 + 1))
    study = rest - governance - publicity
    plan: dict[str, tuple[int, ...]] = {"reception": tuple(2 + 3 * q for q in range(reception))}
    for kind, count in (("study", study), ("governance", governance), ("publicity", publicity)):
        plan[kind] = tuple(int(m) for m in rng.choice(np.arange(1, 13), count, replace=True))
    return plan


def _home_rows(rng: np.random.Generator, homes: pd.DataFrame) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for h in homes.sort_values("id").to_dict("records"):
        hid = str(h["id"])
        last = int(h["activities_last_year"])
        plans = {
            2024: _year_plan(rng, int(rng.integers(max(0, last - 3), last + 4))),
            2025: dict(_DBZJ01_2025) if hid == "DBZJ01" else _year_plan(rng, last),
        }
        for month in MONTHS:
            year, m = int(month[:4]), int(month[5:])
            plan = plans[year]
            row: dict[str, object] = {"point_id": hid, "point_layer": "homes", "period": month}
            row.update(dict.fromkeys(COUNT_COLUMNS[:4], 0))
            for kind in ("study", "publicity", "governance", "reception", "research"):
                row[f"activities_{kind}"] = sum(1 for x in plan.get(kind, ()) if x == m)
            row.update(
                staff=float(h["administrators"]),
                volunteers=float(h["volunteers"]),
                area_m2=float(h["area_m2"]),
            )
            rows.append(row)
    return rows


def build_records(
    contact_points: pd.DataFrame, homes: pd.DataFrame, seed: int = RECORDS_SEED
) -> pd.DataFrame:
    """The demo's records frame (columns :data:`RECORD_FRAME_COLUMNS`)."""
    rng = np.random.default_rng(seed)
    rows = _point_rows(rng, contact_points) + _home_rows(rng, homes)
    frame = pd.DataFrame(rows)[list(RECORD_FRAME_COLUMNS)]
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].astype(np.int64)
    for col in ("staff", "volunteers", "area_m2"):
        frame[col] = frame[col].astype(np.float64)
    return frame.sort_values(["point_layer", "point_id", "period"]).reset_index(drop=True)
