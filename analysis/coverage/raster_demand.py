"""Checks of the population raster's cells used as demand (``CityData.demand_cells``).

The cells come from :func:`geodata.raster.population.raster_demand_grid`; a hand-made table
(a test, another tool) is checked like a layer: columns, numbers, known townships.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.errors import AnalysisProblems

#: Columns of ``CityData.demand_cells``.
CELL_COLUMNS = ("township_code", "lon", "lat", "population")
#: The ``source`` of the problems about the cells (the data page's raster upload).
RASTER_SOURCE = "population_raster"


def check_cells(cells: pd.DataFrame, problems: AnalysisProblems) -> bool:
    """Add a problem for each missing column and for cells without valid numbers.

    Returns
    -------
    bool
        True when every column is there (the township codes can be looked up).
    """
    missing = [c for c in CELL_COLUMNS if c not in cells.columns]
    for col in missing:
        problems.add(
            "missing_column",
            f"The raster demand cells have no column {col!r}.",
            source=RASTER_SOURCE,
            column=col,
        )
    if missing:
        return False
    values = cells[["lon", "lat", "population"]].apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(values.to_numpy(float)).all(axis=1) | (values["population"] < 0).to_numpy()
    if bad.any():
        problems.add(
            "bad_population",
            f"{int(bad.sum())} raster demand cell(s) have no valid coordinates or population "
            "(numbers, with a population of 0 or more).",
            source=RASTER_SOURCE,
            params={"count": int(bad.sum())},
        )
    return True


def unknown_townships(
    rows: pd.DataFrame,
    township_index: NDArray[np.int64],
    source: str,
    what: str,
    problems: AnalysisProblems,
) -> None:
    """One ``unknown_township`` problem for the ``rows`` whose township index is -1."""
    unknown = np.flatnonzero(township_index < 0)
    if not unknown.size:
        return
    codes = rows["township_code"].astype(str).to_numpy()[unknown]
    problems.add(
        "unknown_township",
        f"{unknown.size} {what} name a township code that is not in the township layer: "
        f"{', '.join(sorted(set(codes))[:10])}.",
        source=source,
        column="township_code",
        params={"count": int(unknown.size)},
    )
