"""Inputs of the coverage adapter: checked layers and the demand table.

Checks (every problem collected, one :class:`~analysis.errors.AnalysisError`): required
columns, point geometries, unique township codes, known point types, villages pointing to
known townships, raster cells (``CityData.demand_cells``) in known townships. Demand =
villages, plus, for townships with population but no village (all townships when there are
no villages), the population raster's cells when the city has them, else a uniform grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely
from numpy.typing import NDArray

from analysis.coverage.crs import MetricCRS
from analysis.coverage.grid_demand import merge_cells, spread_over_cells, township_grid
from analysis.coverage.raster_demand import RASTER_SOURCE, check_cells, unknown_townships
from analysis.errors import AnalysisProblems
from analysis.standards.load import Standards
from geodata.city import CityData
from geodata.errors import Problem
from geodata.schema import POINT_TYPES

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

REQUIRED_COLUMNS = {
    "townships": ("code", "name", "county", "population"),
    "villages": ("code", "township_code", "population", "kind"),
    "contact_points": ("id", "type"),
    "collection_sites": ("id",),
    "homes": ("id",),
}
_WGS84 = pyproj.CRS.from_epsg(4326)
#: Categories of the demand table's ``source`` column (a categorical: a 600k-row string
#: column costs ~20 ms to build, the categorical ~2 ms).
SOURCES = ("village", "grid", "raster")


@dataclass(frozen=True)
class CheckedInputs:
    """Layers in EPSG:4326 (villages may be ``None``), each village's township index, and
    the longitude/latitude arrays of the point layers (read once from the geometries)."""

    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame | None
    contact_points: gpd.GeoDataFrame
    collection_sites: gpd.GeoDataFrame
    homes: gpd.GeoDataFrame
    village_township: IntArray
    village_lonlat: tuple[FloatArray, FloatArray]
    point_lonlat: tuple[FloatArray, FloatArray]
    site_lonlat: tuple[FloatArray, FloatArray]
    cells: pd.DataFrame | None = None
    cell_township: IntArray = field(default_factory=lambda: np.empty(0, np.int64))


@dataclass(frozen=True)
class Demand:
    """Demand table (``_township`` index and ``_k`` scale factor included) and its origin."""

    table: pd.DataFrame
    source: str
    cell_size_m: float | None
    warnings: tuple[Problem, ...]


def index_of(values: pd.Series, keys: pd.Series) -> IntArray:
    """Position of each value in ``keys`` (-1 when absent), via Arrow (fast on 600k strings)."""
    found = pc.index_in(pa.array(values.astype(str)), value_set=pa.array(keys.astype(str)))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)


def check_inputs(city: CityData) -> CheckedInputs:
    """Validate what the coverage needs; raise once with every problem."""
    problems = AnalysisProblems()
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    coords: dict[str, tuple[FloatArray, FloatArray]] = {}
    for name, required in REQUIRED_COLUMNS.items():
        gdf = getattr(city, name)
        if gdf is not None and gdf.crs is not None and not gdf.crs.equals(_WGS84):
            gdf = gdf.to_crs(4326)
        layers[name] = gdf
        if gdf is None:
            continue
        missing = [c for c in required if c not in gdf.columns]
        for col in missing:
            problems.add(
                "missing_column", f"Layer {name} has no column {col!r}.", source=name, column=col
            )
        if name != "townships" and len(gdf):
            geoms = np.asarray(gdf.geometry.array, dtype=object)
            coords[name] = (shapely.get_x(geoms), shapely.get_y(geoms))
            # get_x is NaN for every non-point: only those rows need their type read.
            suspect = np.flatnonzero(np.isnan(coords[name][0]))
            kinds = shapely.get_type_id(geoms[suspect])
            for row in suspect[kinds != 0][:20]:
                problems.add(
                    "not_a_point",
                    f"Feature {row + 1} of {name} is not a point.",
                    source=name,
                    row=int(row),
                )
    towns = layers["townships"]
    assert towns is not None  # CityData.townships is never None
    _check_townships(towns, problems)
    points = layers["contact_points"]
    if points is not None and "type" in points:
        bad = ~points["type"].astype(str).isin(POINT_TYPES).to_numpy()
        for row in np.flatnonzero(bad):
            value = str(points["type"].iloc[row])
            problems.add(
                "unknown_point_type",
                f"Contact point type {value!r} is not one of {', '.join(POINT_TYPES)}.",
                source="contact_points",
                row=int(row),
                column="type",
                value=value,
            )
    villages = layers["villages"]
    village_township = np.empty(0, np.int64)
    if villages is not None and "township_code" in villages and "code" in towns:
        village_township = index_of(villages["township_code"], towns["code"])
        unknown_townships(villages, village_township, "villages", "village(s)", problems)
    cells, cell_township = city.demand_cells, None
    if cells is not None and check_cells(cells, problems) and "code" in towns:
        cell_township = index_of(cells["township_code"], towns["code"])
        unknown_townships(cells, cell_township, RASTER_SOURCE, "raster cell(s)", problems)
    problems.raise_if_errors()
    points, sites = _not_none(layers["contact_points"]), _not_none(layers["collection_sites"])
    return CheckedInputs(
        townships=towns,
        villages=villages,
        contact_points=points,
        collection_sites=sites,
        homes=_not_none(layers["homes"]),
        village_township=village_township,
        village_lonlat=coords.get("villages", _no_coordinates()),
        point_lonlat=coords.get("contact_points", _no_coordinates()),
        site_lonlat=coords.get("collection_sites", _no_coordinates()),
        cells=cells,
        cell_township=cell_township if cell_township is not None else np.empty(0, np.int64),
    )


def _source_column(source: str, n: int) -> pd.Categorical[str]:
    """``n`` rows of ``source`` as a categorical of :data:`SOURCES`."""
    codes = np.full(n, SOURCES.index(source), np.int8)
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(SOURCES)))


def _no_coordinates() -> tuple[FloatArray, FloatArray]:
    return np.empty(0), np.empty(0)


def _not_none(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    return gdf if gdf is not None else gpd.GeoDataFrame(geometry=[], crs=4326)


def _check_townships(towns: gpd.GeoDataFrame, problems: AnalysisProblems) -> None:
    if len(towns) == 0:
        problems.add(
            "no_townships",
            "There are no townships: coverage needs township areas.",
            source="townships",
        )
    if "code" in towns:
        codes = towns["code"].astype(str)
        dup = sorted(set(codes[codes.duplicated()]))
        if dup:
            problems.add(
                "duplicate_township_code",
                f"Township codes appear more than once: {', '.join(dup[:10])}.",
                source="townships",
                column="code",
            )
    if "population" in towns:
        pop = pd.to_numeric(towns["population"], errors="coerce")
        for row in np.flatnonzero((pop.isna() | (pop < 0)).to_numpy())[:20]:
            problems.add(
                "bad_population",
                f"Township {row + 1} has no valid population (a whole number >= 0).",
                source="townships",
                row=int(row),
                column="population",
            )


def build_demand(inputs: CheckedInputs, metric: MetricCRS, std: Standards) -> Demand:
    """Demand rows: villages, then, for townships with people but no village, the raster's
    cells (where the township has some) or a uniform grid."""
    towns, villages = inputs.townships, inputs.villages
    parts: list[pd.DataFrame] = []
    warnings: list[Problem] = []
    has_village = np.zeros(len(towns), bool)
    t_pop = towns["population"].to_numpy(np.int64)
    if villages is not None and len(villages):
        lon, lat = inputs.village_lonlat
        x, y = metric.to_xy(lon, lat)
        town_idx = inputs.village_township
        has_village[town_idx] = True
        pop = villages["population"].to_numpy(np.int64).astype(float)
        is_rural = (villages["kind"].astype(str) == "rural").to_numpy(bool)
        parts.append(
            pd.DataFrame(
                {
                    # Series kept as they are: converting 600k Arrow strings costs ~0.2 s.
                    "code": villages["code"].reset_index(drop=True),
                    # Names for the road report (places off the network are listed by name).
                    "name": villages["name"].reset_index(drop=True),
                    "_township": town_idx,
                    "population": pop,
                    "rural_population": np.where(is_rural, pop, 0.0),
                    "kind": villages["kind"].reset_index(drop=True),
                    "x_m": x,
                    "y_m": y,
                    "_k": metric.scale_factor(lon, lat),
                    "source": _source_column("village", len(pop)),
                }
            )
        )
    need_grid = ~has_village & (t_pop > 0)
    use_cells = np.zeros(len(towns), bool)
    if inputs.cells is not None and len(inputs.cells):
        people = inputs.cells["population"].to_numpy(float)
        use_cells = need_grid & (
            np.bincount(inputs.cell_township, weights=people, minlength=len(towns)) > 0
        )
        if use_cells.any():
            parts.append(_raster_part(inputs, use_cells, metric, std))
            need_grid &= ~use_cells
            if villages is not None and len(villages):
                warnings.append(_without_villages("township_raster_cells", use_cells, None))
    cell: float | None = None
    if need_grid.any():
        grid_part, cell = _grid_part(towns, np.flatnonzero(need_grid), metric, std)
        parts.append(grid_part)
        if villages is not None and len(villages):
            warnings.append(_without_villages("township_without_villages", need_grid, cell))
    if not parts:
        parts.append(_empty_demand())
    table = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    has_villages = villages is not None and len(villages) > 0
    gridded = use_cells.any(), cell is not None
    used = (has_villages or not any(gridded), *gridded)
    names = [
        n for n, u in zip(("villages", "raster_grid", "township_grid"), used, strict=True) if u
    ]
    return Demand(table, "+".join(names), cell, tuple(warnings))


def _without_villages(code: str, towns: NDArray[np.bool_], cell: float | None) -> Problem:
    """The warning that ``towns`` have people but no village (grid or raster cells used)."""
    where = f"a {cell:.0f} m grid" if cell is not None else "the population raster's cells"
    return Problem(
        code,
        f"{int(towns.sum())} township(s) with population have no village; their population "
        f"is spread over {where}.",
        source="villages",
        severity="warning",
        params={"count": int(towns.sum()), **({"cell_size_m": cell} if cell else {})},
    )


def _raster_part(
    inputs: CheckedInputs, use: NDArray[np.bool_], metric: MetricCRS, std: Standards
) -> pd.DataFrame:
    """Demand rows of the raster cells of the townships ``use`` (population conserved).

    More cells than ``std.grid_max_cells`` are summed into blocks of the size that the
    uniform grid would grow to (:func:`merge_cells`).
    """
    assert inputs.cells is not None
    towns = inputs.townships
    keep = use[inputs.cell_township]
    cells = inputs.cells.loc[keep]
    town_idx = inputs.cell_township[keep]
    lon, lat = cells["lon"].to_numpy(float), cells["lat"].to_numpy(float)
    x, y = metric.to_xy(lon, lat)
    people = cells["population"].to_numpy(float)
    if len(cells) > std.grid_max_cells:
        area = float(towns.geometry.iloc[np.flatnonzero(use)].to_crs(metric.crs).area.sum())
        town_idx, x, y, people = merge_cells(
            town_idx, x, y, people, math.sqrt(area / std.grid_max_cells)
        )
        lon, lat = metric.to_lonlat(x, y)
    pop, rural = spread_over_cells(
        town_idx,
        people,
        towns["population"].to_numpy(np.int64),
        township_rural_population(towns),
    )
    return _cell_frame(towns, town_idx, "raster", pop, rural, x, y, metric.scale_factor(lon, lat))


def _grid_part(
    towns: gpd.GeoDataFrame, grid_towns: IntArray, metric: MetricCRS, std: Standards
) -> tuple[pd.DataFrame, float]:
    polys = towns.geometry.iloc[grid_towns].to_crs(metric.crs)
    t_pop = towns["population"].to_numpy(np.int64)
    grid = township_grid(
        np.asarray(polys.array, dtype=object),
        t_pop[grid_towns],
        township_rural_population(towns)[grid_towns],
        std.grid_cell_size_m,
        std.grid_max_cells,
    )
    glon, glat = metric.to_lonlat(grid.x_m, grid.y_m)
    town_idx = grid_towns[grid.township_index]
    k = metric.scale_factor(glon, glat)
    frame = _cell_frame(
        towns, town_idx, "grid", grid.population, grid.rural_population, grid.x_m, grid.y_m, k
    )
    return frame, grid.cell_size_m


def _cell_frame(
    towns: gpd.GeoDataFrame,
    town_idx: IntArray,
    source: str,
    pop: FloatArray,
    rural: FloatArray,
    x_m: FloatArray,
    y_m: FloatArray,
    k: FloatArray,
) -> pd.DataFrame:
    """Demand rows of grid or raster cells: code ``<township>#<source><n>``, the township's
    kind (else rural where the cell has rural people)."""
    codes = towns["code"].astype(str).to_numpy()
    if "kind" in towns:
        kind = towns["kind"].astype(str).to_numpy()[town_idx]
    else:
        kind = np.where(rural > 0, "rural", "urban")
    return pd.DataFrame(
        {
            "code": [f"{c}#{source}{i}" for i, c in enumerate(codes[town_idx])],
            "_township": town_idx,
            "population": pop,
            "rural_population": rural,
            "kind": kind,
            "x_m": x_m,
            "y_m": y_m,
            "_k": k,
            "source": _source_column(source, len(town_idx)),
        }
    )


def _empty_demand() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": pd.Series([], dtype=object),
            "_township": pd.Series([], dtype=np.int64),
            "population": pd.Series([], dtype=float),
            "rural_population": pd.Series([], dtype=float),
            "kind": pd.Series([], dtype=object),
            "x_m": pd.Series([], dtype=float),
            "y_m": pd.Series([], dtype=float),
            "_k": pd.Series([], dtype=float),
            "source": _source_column("village", 0),
        }
    )


def township_rural_population(towns: gpd.GeoDataFrame) -> IntArray:
    """Rural population per township (from ``rural_population``, else from ``kind``)."""
    if "rural_population" in towns:
        return np.asarray(towns["rural_population"].fillna(0).to_numpy(np.int64))
    if "kind" in towns:
        rural = towns["kind"].astype(str).to_numpy() == "rural"
        return np.where(rural, towns["population"].to_numpy(np.int64), 0)
    return np.zeros(len(towns), np.int64)
