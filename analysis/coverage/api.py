"""Coverage of a city's population by its contact points: the GeoDataFrame adapter.

:func:`compute_coverage` takes a validated :class:`geodata.city.CityData` (EPSG:4326,
canonical columns), projects it to a metric CRS chosen for its area (:mod:`analysis.coverage.crs`),
runs the array engine (:mod:`analysis.coverage.engine.small`), aggregates to townships and
counties (:mod:`analysis.coverage.aggregate`) and computes the KPIs (:mod:`analysis.coverage.kpis`).

Demand is the villages; townships with population but no village (or every township when
there are no villages) are represented by the population raster's cells when the city has
them (``CityData.demand_cells``), else by a uniform grid (:mod:`analysis.coverage.grid_demand`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray

from analysis.coverage.aggregate import county_table, site_rule, township_table
from analysis.coverage.crs import MetricCRS, choose_metric_crs
from analysis.coverage.engine.api import run_engine
from analysis.coverage.engine.reach import apply_reach
from analysis.coverage.engine.types import EngineResult, PlaceArrays
from analysis.coverage.inputs import REQUIRED_COLUMNS, build_demand, check_inputs
from analysis.coverage.kpis import KPIs, compute_kpis, contact_point_room
from analysis.coverage.road_figures import road_report_of, township_minutes
from analysis.reach.api import Reach, reach_for, road_warnings
from analysis.reach.network.report import NetworkReport
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData
from geodata.errors import Problem
from geodata.schema import POINT_TYPES

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class CoverageResult:
    """Everything the coverage analysis found (see ``docs/ARCHITECTURE.md``).

    Parameters
    ----------
    crs
        Metric CRS used for distances.
    demand
        One row per village, raster cell or township grid cell (``source``).
    townships, counties, contact_points
        Per-area and per-point tables.
    kpis
        Headline figures.
    demand_source
        ``"villages"``, ``"township_grid"``, ``"raster_grid"`` (the population raster's
        cells) or their combinations joined by ``+`` (e.g. ``"villages+raster_grid"``).
    grid_cell_size_m
        Grid spacing used for grid demand (``None`` without grid).
    warnings
        Non-fatal problems (e.g. townships represented by the grid).
    metric
        The metric CRS with its local scale correction (``None`` only for results built
        by hand); ``demand["scale_k"]`` holds the scale factor at each demand row.
    reach
        The reach test used (radius or road travel time; ``None`` only for results built
        by hand): the optimiser and the impact of new points reuse it.
    road_report
        Under road reach: villages and points off the road network, and small road pieces
        with the places on them.
    """

    crs: pyproj.CRS
    demand: pd.DataFrame
    townships: pd.DataFrame
    counties: pd.DataFrame
    contact_points: pd.DataFrame
    kpis: KPIs
    demand_source: str = "villages"
    grid_cell_size_m: float | None = None
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    metric: MetricCRS | None = None
    reach: Reach | None = None
    road_report: NetworkReport | None = None

    @property
    def reach_mode(self) -> str:
        """``"radius"`` or ``"road"``: how "within reach" was measured."""
        return self.reach.mode if self.reach is not None else "radius"


def compute_coverage(city: CityData, standards: Standards | None = None) -> CoverageResult:
    """Compute coverage, per-area tables and KPIs of ``city``.

    Parameters
    ----------
    city
        Validated layers in EPSG:4326.
    standards
        Planning standards; ``None`` loads the defaults.

    Returns
    -------
    CoverageResult

    Raises
    ------
    AnalysisError
        Missing columns, unknown point types, villages in unknown townships, non-point
        geometries, invalid populations (every problem at once).
    """
    std = standards if standards is not None else load_standards()
    inputs = check_inputs(city)
    towns, points, sites = inputs.townships, inputs.contact_points, inputs.collection_sites
    p_lon, p_lat = inputs.point_lonlat
    s_lon, s_lat = inputs.site_lonlat
    # Bounds from the coordinate arrays already read (total_bounds re-reads 600k geometries).
    coords = (inputs.village_lonlat, inputs.point_lonlat, inputs.site_lonlat)
    metric = _choose_crs_from(towns.total_bounds, coords)
    demand = build_demand(inputs, metric, std)
    table = demand.table
    d_places = PlaceArrays(
        table["x_m"].to_numpy(float), table["y_m"].to_numpy(float), table["_k"].to_numpy(float)
    )
    p_types = points["type"].astype(str).to_numpy() if len(points) else np.empty(0, str)
    # One radius per type, not per point: radius_m_for is called 6 times instead of 7,500.
    radius = _radii(p_types, std)
    p_places, s_places = _places(metric, p_lon, p_lat), _places(metric, s_lon, s_lat)
    d_pop = table["population"].to_numpy(float)
    d_rural = table["rural_population"].to_numpy(float)
    engine = run_engine(
        d_places, d_pop, d_rural, p_places, radius, s_places, std.collection_site_radius_m
    )
    reach, reach_warnings = reach_for(city.roads, metric, std)
    engine, minutes = apply_reach(
        engine, reach, d_places, d_pop, d_rural, p_places, p_types, s_places
    )
    demand_town = table["_township"].to_numpy(np.int64)
    p_town = _township_of(np.asarray(towns.geometry.array, dtype=object), p_lon, p_lat)
    town_table = township_table(
        towns,
        demand_town,
        table["population"].to_numpy(float),
        table["rural_population"].to_numpy(float),
        engine.covered_by_point,
        engine.covered_by_network,
        p_town,
    )
    p_county_names = _point_counties(points, town_table, p_town)
    town_county_names = town_table["county"].astype(str).to_numpy(dtype=object)
    # A point outside every township and without a county value belongs to no county.
    named = p_county_names[p_county_names != ""]
    # One factorize gives the names in order of first appearance and each township's index.
    codes, uniques = pd.factorize(np.concatenate([town_county_names, named]))
    county_names = [str(c) for c in uniques]
    county_index = pd.Index(county_names, dtype=object)
    town_county = codes[: town_county_names.size].astype(np.int64)
    town_table["county_index"] = town_county
    demand_county = town_county[demand_town]
    counties = county_table(
        town_table,
        demand_county,
        (table["kind"].astype(str) == "rural").to_numpy(bool),  # rural villages (村委会)
        county_names,
        county_index.get_indexer(pd.Index(p_county_names, dtype=object)),
        pd.Index(POINT_TYPES).get_indexer(pd.Index(p_types, dtype=object)),
        std,
    )
    town_table = town_table.drop(columns="county_index")
    cp_table = _point_table(
        points, p_lon, p_lat, p_county_names, p_town, towns, radius, engine, std
    )
    out_demand = _demand_frame(table, engine, points, towns, county_index, demand_county)
    road_report = None
    if reach.mode == "road":
        road_report = road_report_of(reach, table, d_places, points, p_places)
        reach_warnings += road_warnings(road_report, std.max_offroad_m)
        out_demand["nearest_point_minutes"] = minutes
        where = list(cp_table.columns).index("radius_m") + 1
        cp_table.insert(where, "reach_minutes", reach.limits(p_types))
    kpis = compute_kpis(
        town_table, counties, cp_table, inputs.homes, len(sites), std, demand.source
    )
    if reach.mode == "road":
        kpis = replace(kpis, reach_mode="road")
        town_table["nearest_point_minutes"] = township_minutes(
            minutes, d_pop, demand_town, len(town_table)
        )
    return CoverageResult(
        crs=metric.crs,
        demand=out_demand,
        townships=town_table,
        counties=counties,
        contact_points=cp_table,
        kpis=kpis,
        demand_source=demand.source,
        grid_cell_size_m=demand.cell_size_m,
        warnings=demand.warnings + reach_warnings + _engine_warnings(engine),
        metric=metric,
        reach=reach,
        road_report=road_report,
    )


def _engine_warnings(engine: EngineResult) -> tuple[Problem, ...]:
    if not np.isnan(engine.point_covered_population).any():
        return ()
    return (
        Problem(
            "point_population_skipped",
            "Too many village-point pairs to list quickly: the population within each contact "
            "point's radius was not computed (coverage figures are complete).",
            source="contact_points",
            severity="warning",
        ),
    )


def metric_crs_for(city: CityData) -> MetricCRS:
    """The metric CRS :func:`compute_coverage` uses for ``city`` (from the layers' bounds)."""
    names = ("townships", "villages", "contact_points", "collection_sites")
    layers = [getattr(city, n) for n in names]
    return _choose_crs(
        [g.to_crs(4326) if g.crs is not None else g for g in layers if g is not None]
    )


def _choose_crs(layers: list[gpd.GeoDataFrame]) -> MetricCRS:
    bounds = np.array([g.total_bounds for g in layers if len(g)], float).reshape(-1, 4)
    return choose_metric_crs(bounds[:, [0, 2]], bounds[:, [1, 3]])


def _choose_crs_from(
    town_bounds: FloatArray, coords: tuple[tuple[FloatArray, FloatArray], ...]
) -> MetricCRS:
    """:func:`_choose_crs` from the townships' bounds and the point layers' coordinates."""
    lon, lat = [town_bounds[[0, 2]]], [town_bounds[[1, 3]]]
    for x, y in coords:
        ok = np.isfinite(x) & np.isfinite(y)  # empty points: NaN, ignored like total_bounds
        if ok.any():
            lon.append(np.array([x[ok].min(), x[ok].max()]))
            lat.append(np.array([y[ok].min(), y[ok].max()]))
    return choose_metric_crs(np.concatenate(lon), np.concatenate(lat))


def _radii(types: NDArray[np.str_], std: Standards) -> FloatArray:
    """Service radius of each point from its type."""
    unique, inverse = np.unique(types, return_inverse=True)
    per_type = np.array([std.radius_m_for(str(t)) for t in unique], float)
    return per_type[inverse.reshape(-1)] if types.size else np.empty(0)


def _places(metric: MetricCRS, lon: FloatArray, lat: FloatArray) -> PlaceArrays:
    x, y = metric.to_xy(lon, lat) if lon.size else (np.empty(0), np.empty(0))
    return PlaceArrays(x, y, metric.scale_factor(lon, lat))


def _demand_frame(
    table: pd.DataFrame,
    engine: EngineResult,
    points: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    county_index: pd.Index,
    demand_county: IntArray,
) -> pd.DataFrame:
    """The public demand table: inputs plus per-demand coverage (categoricals for codes)."""
    out = table.drop(columns=["_township"]).rename(columns={"_k": "scale_k"})
    # Categoricals: 600k codes cost no more than their integer indices.
    town_codes = pd.Index(towns["code"].astype(str))
    town_cat = pd.Categorical.from_codes(table["_township"].to_numpy(), town_codes)
    out.insert(1, "township_code", pd.Series(town_cat, index=out.index))
    county_cat = pd.Categorical.from_codes(demand_county, county_index)
    out.insert(2, "county", pd.Series(county_cat, index=out.index))
    out["covered_by_point"] = engine.covered_by_point
    out["covered_by_site"] = engine.covered_by_site
    out["covered_by_network"] = engine.covered_by_network
    out["nearest_point_m"] = engine.nearest_point_m
    out["nearest_site_m"] = engine.nearest_site_m
    out["nearest_network_m"] = engine.nearest_network_m
    ids = pd.Index(points["id"].astype(str)) if len(points) else pd.Index([], dtype=object)
    if ids.is_unique:
        out["nearest_point_id"] = pd.Categorical.from_codes(engine.nearest_point_index, ids)
    else:
        id_values = ids.to_numpy(dtype=object)
        out["nearest_point_id"] = [
            id_values[i] if i >= 0 else None for i in engine.nearest_point_index
        ]
    return out


def _township_of(t_geoms: NDArray[np.object_], lon: FloatArray, lat: FloatArray) -> IntArray:
    """Index of the township containing each point (-1 outside every township)."""
    out = np.full(lon.size, -1, np.int64)
    if lon.size == 0 or t_geoms.size == 0:
        return out
    tree = shapely.STRtree(t_geoms)
    pt_idx, town_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
    # A point on a shared border touches two townships: keep the first.
    first = np.unique(pt_idx, return_index=True)[1]
    out[pt_idx[first]] = town_idx[first]
    return out


def _point_counties(
    points: gpd.GeoDataFrame, towns: pd.DataFrame, p_town: IntArray
) -> NDArray[np.object_]:
    """County of each point: its own ``county`` value, else the township's it stands in."""
    if "county" in points:
        own = points["county"].fillna("").astype(str).to_numpy(dtype=object)
    else:
        own = np.full(len(points), "", dtype=object)
    # "" appended as township -1: a point outside every township without its own county.
    town_county = np.append(towns["county"].astype(str).to_numpy(dtype=object), "")
    return np.where(own != "", own, town_county[p_town])


def _point_table(
    points: gpd.GeoDataFrame,
    lon: FloatArray,
    lat: FloatArray,
    counties: NDArray[np.object_],
    p_town: IntArray,
    towns: gpd.GeoDataFrame,
    radius: FloatArray,
    engine: EngineResult,
    std: Standards,
) -> pd.DataFrame:
    """One row per contact point: radius, sites within, 3-5 rule, coverage, opinions, room."""
    n = len(points)

    def column(name: str, default: float) -> FloatArray:
        if name not in points:
            return np.full(n, default)
        return pd.to_numeric(points[name], errors="coerce").to_numpy(float)

    def text(name: str) -> NDArray[np.object_]:
        if name not in points:
            return np.full(n, "", dtype=object)
        return points[name].fillna("").astype(str).to_numpy(dtype=object)

    collected = np.nan_to_num(column("opinions_collected", 0)).astype(np.int64)
    adopted = np.nan_to_num(column("opinions_adopted", 0)).astype(np.int64)
    area, staff = column("area_m2", np.nan), column("staff", np.nan)
    # Unknown area or staff (and a planned point's 0: "待建") is not counted as failing.
    room = contact_point_room(points, std)
    t_codes = towns["code"].astype(str).to_numpy(dtype=object)
    town_code = np.full(n, "", dtype=object)
    inside = p_town >= 0
    town_code[inside] = t_codes[p_town[inside]]
    return pd.DataFrame(
        {
            "id": text("id"),
            "name": text("name"),
            "type": text("type"),
            "county": np.asarray(counties, dtype=object),
            "township_code": town_code,
            "lon": lon,
            "lat": lat,
            "radius_m": radius,
            "sites_within": engine.point_sites_within,
            "site_rule": site_rule(engine.point_sites_within, std),
            "covered_population": _whole(engine.point_covered_population),
            "rural_covered_population": _whole(engine.point_rural_covered_population),
            "opinions_collected": collected,
            "opinions_adopted": adopted,
            "adoption_rate": np.divide(adopted, collected, out=np.zeros(n), where=collected > 0),
            "area_m2": area,
            "staff": staff,
            "meets_room_standard": room.meets,
            "room_pending": room.pending,
        }
    )


def _whole(values: FloatArray) -> pd.arrays.IntegerArray:
    """Round to whole people; NaN (not computed) becomes <NA> (an empty CSV cell)."""
    return pd.array(np.rint(values), dtype="Int64")


__all__ = ["REQUIRED_COLUMNS", "CoverageResult", "compute_coverage", "metric_crs_for"]
