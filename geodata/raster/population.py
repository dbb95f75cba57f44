"""Township and village populations from a population raster (people per cell).

``raster_population`` sums the raster over the townships (:mod:`geodata.raster.zonal`) and
reports a raster whose total over the townships differs from the township table by more
than :data:`geodata.io.limits.RASTER_MISMATCH_SHARE`, and townships the raster only partly
covers. ``apply_raster_population`` sets the townships' population from it (the rural
population keeps its share, or follows the kind); ``allocate_to_villages`` gives each
village its share of its township's new total: in proportion to the village populations
of the file, or evenly where a township's villages have none. ``raster_demand_grid`` gives
the cells themselves as demand points (``CityData.demand_cells``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import Problem
from geodata.io.limits import RASTER_MISMATCH_SHARE
from geodata.raster.zonal import cell_pieces, zonal_sums

#: Townships covered by the raster for less than this share of their area are listed.
_PARTIAL = 0.99
_LIST_MAX = 50


@dataclass(frozen=True)
class RasterPopulation:
    """People per township from a raster, with what was found doubtful.

    Parameters
    ----------
    township_population
        People per township (float, area-weighted), in the townships' order.
    raster_total
        People in the whole raster (its extent may reach beyond the townships).
    table_total
        The townships' population before (0 when the table had none).
    warnings
        ``raster_total_mismatch``, ``raster_partial_overlap``.
    """

    township_population: np.ndarray
    raster_total: float
    table_total: int
    warnings: tuple[Problem, ...]

    @property
    def total(self) -> float:
        """People of the raster inside the townships."""
        return float(self.township_population.sum())


def raster_population(
    path: str | Path,
    townships: gpd.GeoDataFrame,
    *,
    source_name: str | None = None,
    mismatch_share: float = RASTER_MISMATCH_SHARE,
) -> RasterPopulation:
    """Sum a people-per-cell GeoTIFF over the townships and check it against their table.

    Raises
    ------
    GeodataError
        When the raster cannot be read, has no CRS, or does not overlap the townships.
    """
    path = Path(path)
    source = source_name or path.name
    zonal = zonal_sums(path, townships, source)
    warnings: list[Problem] = []
    table_total = int(townships["population"].sum()) if "population" in townships else 0
    total = float(zonal.sums.sum())
    if table_total > 0 and abs(total - table_total) / table_total > mismatch_share:
        warnings.append(
            Problem(
                "raster_total_mismatch",
                f"The raster counts {total:,.0f} people in the townships, the township table "
                f"{table_total:,} ({abs(total - table_total) / table_total:.0%} apart, more "
                f"than {mismatch_share:.0%}). The raster's figures are used; check that both "
                "are of the same year and population definition.",
                source=source,
                severity="warning",
                params={"raster": round(total), "table": table_total, "share": mismatch_share},
            )
        )
    partial = np.flatnonzero(zonal.covered_share < _PARTIAL)
    if partial.size:
        names = [str(townships["name"].iloc[i]) for i in partial]
        warnings.append(
            Problem(
                "raster_partial_overlap",
                f"{len(names)} townships lie partly or wholly outside the raster and are "
                f"undercounted: {', '.join(names[:_LIST_MAX])}. Use a raster covering the "
                "whole study area.",
                source=source,
                severity="warning",
                value=", ".join(names[:_LIST_MAX]),
                params={"townships": names, "count": len(names)},
            )
        )
    return RasterPopulation(zonal.sums, zonal.raster_total, table_total, tuple(warnings))


def raster_demand_grid(
    path: str | Path, townships: gpd.GeoDataFrame, *, source_name: str | None = None
) -> pd.DataFrame:
    """The raster's cells as demand points: one row per (township, cell) piece with people.

    Columns ``township_code``, ``lon``, ``lat`` (the cell centre, WGS84) and ``population``
    (people of the cell inside the township, fractions kept). The rows of a township sum to
    its :func:`raster_population` total. Set as ``CityData.demand_cells`` they are the
    coverage demand of the townships without villages, in place of a uniform grid.
    """
    path = Path(path)
    pieces = cell_pieces(path, townships, source_name or path.name)
    codes = townships["code"].astype(str).to_numpy()
    return pd.DataFrame(
        {
            "township_code": codes[pieces["polygon"].to_numpy()],
            "lon": pieces["lon"],
            "lat": pieces["lat"],
            "population": pieces["population"],
        }
    )


def whole_people(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Round to whole people keeping each group's rounded total (largest remainders)."""
    values = np.asarray(values, dtype="float64")
    groups = np.zeros(len(values), dtype=np.int64) if groups is None else np.asarray(groups)
    out = np.floor(values).astype("int64")
    remainder = values - out
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        missing = int(np.round(values[idx].sum())) - int(out[idx].sum())
        if missing > 0:
            top = idx[np.argsort(-remainder[idx], kind="stable")[:missing]]
            out[top] += 1
    return out


def apply_raster_population(
    townships: gpd.GeoDataFrame, result: RasterPopulation
) -> gpd.GeoDataFrame:
    """A copy of the townships with ``population`` from the raster (whole people).

    ``rural_population`` keeps each township's former rural share; where the township had
    no population before, it follows the kind (rural: all, urban: none).
    """
    towns = townships.copy()
    new = whole_people(result.township_population)
    old = towns["population"].to_numpy(dtype="float64") if "population" in towns else None
    rural_old = (
        towns["rural_population"].to_numpy(dtype="float64") if "rural_population" in towns else None
    )
    kind_rural = (
        (towns["kind"] == "rural").to_numpy() if "kind" in towns else np.zeros(len(towns), bool)
    )
    share = kind_rural.astype("float64")
    if old is not None and rural_old is not None:
        known = old > 0
        share = np.where(known, rural_old / np.where(known, old, 1.0), share)
    towns["population"] = new
    if rural_old is not None or "kind" in towns:
        towns["rural_population"] = np.minimum(np.round(new * share).astype("int64"), new)
    return towns


def allocate_to_villages(
    village_townships: np.ndarray,
    village_population: np.ndarray,
    township_codes: np.ndarray,
    township_population: np.ndarray,
) -> np.ndarray:
    """Each village's share of its township's population (whole people).

    In proportion to ``village_population`` within a township; evenly among its villages
    where they sum to 0. Villages of a township not in ``township_codes`` keep their value.
    """
    village_townships = np.asarray(village_townships).astype(str)
    weights = np.asarray(village_population, dtype="float64")
    totals = dict(
        zip(
            np.asarray(township_codes).astype(str),
            np.asarray(township_population, dtype="float64"),
            strict=True,
        )
    )
    out = weights.copy()
    groups = np.full(len(weights), -1, dtype=np.int64)
    for g, code in enumerate(np.unique(village_townships)):
        idx = np.flatnonzero(village_townships == code)
        if code not in totals:
            continue
        groups[idx] = g
        w = weights[idx]
        share = w / w.sum() if w.sum() > 0 else np.full(len(idx), 1.0 / len(idx))
        out[idx] = totals[code] * share
    placed = groups >= 0
    result = np.round(weights).astype("int64")
    result[placed] = whole_people(out[placed], groups[placed])
    return result
