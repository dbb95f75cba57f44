"""Benchmark: national-scale coverage KPIs, engine vs a geopandas buffer + sjoin reference.

Synthetic input (seeded): 620,000 villages and 41,000 townships (Voronoi cells of township
seats) in about 2,850 counties over a China-sized box (73-135°E, 18-53°N, two thirds of the
population in the east), 7,500 contact points, 22,500 collection sites, one 10 km radius.
Both methods run on the same :class:`~geodata.city.CityData` in the same metric CRS with
the same scale-factor-corrected radii and produce the same KPIs; the script prints both
times, the ratio and how far their answers differ (buffers are 64-gons, slightly inside
the true circle).

Run: ``python -m bench.coverage`` (``--small`` for a 10x smaller smoke run).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

import analysis.coverage.api as coverage_module
import analysis.coverage.engine.grid as engine_grid
import analysis.coverage.engine.large as engine_large
import analysis.coverage.engine.small as engine_module
from analysis.coverage.api import CoverageResult, compute_coverage, metric_crs_for
from analysis.coverage.crs import MetricCRS, choose_metric_crs
from analysis.standards.load import load_standards
from geodata.city import CityData
from geodata.schema import POINT_TYPES

RADIUS_M = 10_000.0


def synthetic_city(
    n_villages: int = 620_000,
    n_townships: int = 41_000,
    n_counties: int = 2_850,
    n_points: int = 7_500,
    n_sites: int = 22_500,
    seed: int = 0,
    dense: bool = False,
) -> tuple[CityData, MetricCRS]:
    """Seeded national-scale city (see the module docstring); ``dense``: one 100 km square."""
    rng = np.random.default_rng(seed)
    if dense:
        metric = choose_metric_crs([104.0, 105.1], [35.0, 35.9])
    else:
        metric = choose_metric_crs([73.0, 135.0], [18.0, 53.0])
    to_ll = pyproj.Transformer.from_crs(metric.crs, 4326, always_xy=True)
    spread_m = 2_000 if dense else 4_000

    def sample_lonlat(n: int) -> tuple[np.ndarray, np.ndarray]:
        if dense:
            return rng.uniform(104.0, 105.1, n), rng.uniform(35.0, 35.9, n)
        east = rng.random(n) < 2 / 3
        lon = np.where(east, rng.uniform(105, 122, n), rng.uniform(75, 133, n))
        lat = np.where(east, rng.uniform(22, 42, n), rng.uniform(20, 50, n))
        return lon, lat

    seat_x, seat_y = metric.to_xy(*sample_lonlat(n_townships))
    seats = np.column_stack([seat_x, seat_y])
    county_x, county_y = metric.to_xy(*sample_lonlat(n_counties))
    _, seat_county = cKDTree(np.column_stack([county_x, county_y])).query(seats)
    # Villages cluster around township seats (normal, ~4 km spread; 2 km when dense).
    owner = rng.integers(0, n_townships, n_villages)
    vx = seat_x[owner] + rng.normal(0, spread_m, n_villages)
    vy = seat_y[owner] + rng.normal(0, spread_m, n_villages)
    _, v_town = cKDTree(seats).query(np.column_stack([vx, vy]))  # Voronoi membership
    v_pop = np.maximum(rng.lognormal(7.0, 0.8, n_villages).astype(np.int64), 1)
    v_rural = rng.random(n_villages) < 0.6

    extent = shapely.box(
        seat_x.min() - 50e3, seat_y.min() - 50e3, seat_x.max() + 50e3, seat_y.max() + 50e3
    )
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seats), extend_to=extent)
    )
    cells = shapely.intersection(cells, extent)
    _, cell_owner = shapely.STRtree(cells).query(shapely.points(seats), predicate="intersects")
    order = np.empty(n_townships, np.int64)
    hits = shapely.STRtree(cells).query(shapely.points(seats), predicate="intersects")
    order[hits[0]] = hits[1]
    del cell_owner
    town_geoms = shapely.transform(
        cells[order], lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1]))
    )

    t_codes = np.array([f"{i:09d}" for i in range(n_townships)], dtype=object)
    county_names = np.array([f"县{i:04d}" for i in range(n_counties)], dtype=object)
    t_pop = np.bincount(v_town, weights=v_pop, minlength=n_townships).astype(np.int64)
    t_rural = np.bincount(v_town, weights=v_pop * v_rural, minlength=n_townships).astype(np.int64)
    townships = gpd.GeoDataFrame(
        {
            "code": t_codes,
            "name": t_codes,
            "county": county_names[seat_county],
            "population": t_pop,
            "rural_population": t_rural,
            "kind": np.where(t_rural * 2 > t_pop, "rural", "urban"),
        },
        geometry=town_geoms,
        crs=4326,
    )
    v_lon, v_lat = to_ll.transform(vx, vy)
    villages = gpd.GeoDataFrame(
        {
            "code": np.char.add(
                t_codes[v_town].astype(str),
                np.char.zfill((np.arange(n_villages) % 1000).astype(str), 3),
            ),
            "township_code": t_codes[v_town],
            "population": v_pop,
            "kind": np.where(v_rural, "rural", "urban"),
        },
        geometry=gpd.points_from_xy(v_lon, v_lat),
        crs=4326,
    )
    at = rng.integers(0, n_villages, n_points)
    px, py = vx[at] + rng.normal(0, 1_000, n_points), vy[at] + rng.normal(0, 1_000, n_points)
    p_lon, p_lat = to_ll.transform(px, py)
    points = gpd.GeoDataFrame(
        {
            "id": [f"P{i}" for i in range(n_points)],
            "name": [f"联系点{i}" for i in range(n_points)],
            "type": rng.choice(np.array(POINT_TYPES), n_points),
            "county": "",
            "opinions_collected": rng.integers(0, 100, n_points),
            "opinions_adopted": rng.integers(0, 20, n_points),
            "area_m2": rng.uniform(20, 80, n_points),
            "staff": rng.integers(0, 3, n_points),
        },
        geometry=gpd.points_from_xy(p_lon, p_lat),
        crs=4326,
    )
    parent = rng.integers(0, n_points, n_sites)
    sx, sy = px[parent] + rng.normal(0, 5_000, n_sites), py[parent] + rng.normal(0, 5_000, n_sites)
    s_lon, s_lat = to_ll.transform(sx, sy)
    sites = gpd.GeoDataFrame(
        {
            "id": [f"S{i}" for i in range(n_sites)],
            "contact_point_id": points["id"].to_numpy()[parent],
        },
        geometry=gpd.points_from_xy(s_lon, s_lat),
        crs=4326,
    )
    homes = gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326)
    city = CityData(townships, villages, points, sites, homes, name="synthetic national")
    return city, metric


def reference_kpis(city: CityData) -> dict[str, object]:
    """The same KPIs with geopandas: buffers + spatial joins + groupby (the slow, usual way)."""
    villages = city.villages
    assert villages is not None
    metric = metric_crs_for(city)
    crs = metric.crs
    v = villages.to_crs(crs)
    p = city.contact_points.to_crs(crs)
    s = city.collection_sites.to_crs(crs)
    p_k = metric.scale_factor(city.contact_points.geometry.x, city.contact_points.geometry.y)
    s_k = metric.scale_factor(city.collection_sites.geometry.x, city.collection_sites.geometry.y)
    p_buf = gpd.GeoDataFrame({"pid": np.arange(len(p))}, geometry=p.buffer(RADIUS_M * p_k), crs=crs)
    s_buf = gpd.GeoDataFrame(
        geometry=s.buffer(load_standards().collection_site_radius_m * s_k), crs=crs
    )
    pairs = gpd.sjoin(v[["population", "kind", "geometry"]], p_buf, predicate="within")
    covered = np.zeros(len(v), bool)
    covered[np.unique(pairs.index.to_numpy())] = True
    site_pairs = gpd.sjoin(v[["geometry"]], s_buf, predicate="within")
    by_site = np.zeros(len(v), bool)
    by_site[np.unique(site_pairs.index.to_numpy())] = True
    nearest = gpd.sjoin_nearest(v[["geometry"]], p[["geometry"]], distance_col="d")
    nearest = nearest[~nearest.index.duplicated()]
    sites_within = gpd.sjoin(s[["geometry"]], p_buf, predicate="within").groupby("pid").size()
    point_pop = pairs.groupby("pid")["population"].sum()
    frame = pd.DataFrame(
        {
            "township_code": v["township_code"].to_numpy(),
            "population": v["population"].to_numpy(),
            "rural": np.where(v["kind"] == "rural", v["population"], 0),
            "covered": np.where(covered, v["population"], 0),
            "network": np.where(covered | by_site, v["population"], 0),
        }
    )
    towns = frame.groupby("township_code").sum()
    town_county = city.townships.set_index("code")["county"]
    counties = towns.groupby(town_county.reindex(towns.index).to_numpy()).sum()
    in_town = gpd.sjoin(
        city.contact_points[["type", "geometry"]],
        city.townships[["code", "county", "geometry"]],
        predicate="within",
    )
    by_type = pd.crosstab(in_town["county"], in_town["type"])
    n_sites = sites_within.reindex(range(len(p)), fill_value=0).to_numpy()
    return {
        "population_covered": int(towns["covered"].sum()),
        "network_population_covered": int(towns["network"].sum()),
        "townships_uncovered": int(((towns["population"] > 0) & (towns["covered"] == 0)).sum()),
        "points_with_3_to_5_sites": int(((n_sites >= 3) & (n_sites <= 5)).sum()),
        "counties": len(counties),
        "points_by_county_type": int(by_type.to_numpy().sum()),
        "nearest_mean_m": float(nearest["d"].mean()),
        "point_pop_total": int(point_pop.sum()),
    }


#: Stages of compute_coverage: (module, function, label); engine parts are indented.
STAGES = (
    (coverage_module, "check_inputs", "check inputs, read coordinates"),
    (coverage_module, "_choose_crs_from", "choose metric CRS"),
    (coverage_module, "build_demand", "demand table (projection, scale factors)"),
    (coverage_module, "run_engine", "engine"),
    (engine_module, "_cells", "  sort villages/sites into cells"),
    (engine_module, "_pairs_within", "  pairs within radius (villages, sites)"),
    (engine_module, "_nearest", "  nearest point and nearest site"),
    (engine_grid, "within_on_grid", "  villages within reach (grid kernel)"),
    (engine_grid, "nearest_ground_m", "  nearest point and nearest site (grid kernel)"),
    (engine_large, "sites_within", "  sites within each point's reach"),
    (coverage_module, "_township_of", "township of each point (STRtree)"),
    (coverage_module, "township_table", "township table"),
    (coverage_module, "county_table", "county table"),
    (coverage_module, "_point_table", "contact point table"),
    (coverage_module, "_demand_frame", "demand frame"),
    (coverage_module, "compute_kpis", "KPIs"),
)


@contextmanager
def _timed_stages(times: dict[str, list[float]]) -> Iterator[None]:
    """Wrap each stage function so that its CPU and wall time add up in ``times``."""

    def timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            c0, t0 = time.process_time(), time.perf_counter()
            out = func(*args, **kwargs)
            acc = times.setdefault(label, [0.0, 0.0])
            acc[0], acc[1] = acc[0] + time.process_time() - c0, acc[1] + time.perf_counter() - t0
            return out

        return wrapper

    saved: list[tuple[object, str, Any]] = []
    for module, name, label in STAGES:
        if name == "_cells":  # a classmethod: patch the class attribute
            cells = engine_module._Cells
            saved.append((cells, "build", cells.__dict__["build"]))
            setattr(cells, "build", classmethod(timed(label, cells.build.__func__)))  # noqa: B010
            continue
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, timed(label, getattr(module, name)))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def stage_breakdown(city: CityData, standards: Any, repeat: int) -> None:
    """Print CPU and wall time per stage of compute_coverage (best of ``repeat`` runs)."""
    best: dict[str, list[float]] = {}
    total_cpu, total_wall = [], []
    for _ in range(repeat):
        times: dict[str, list[float]] = {}
        c0, t0 = time.process_time(), time.perf_counter()
        with _timed_stages(times):
            compute_coverage(city, standards)
        total_cpu.append(time.process_time() - c0)
        total_wall.append(time.perf_counter() - t0)
        for label, (cpu, wall) in times.items():
            old = best.setdefault(label, [cpu, wall])
            best[label] = [min(old[0], cpu), min(old[1], wall)]
    print(f"engine stages (best of {repeat}; cpu / wall seconds):")
    for _, _, label in STAGES:
        if label in best:  # the engine takes the grid kernels or the cells, not both
            print(f"  {label:48s} {best[label][0]:6.3f} / {best[label][1]:6.3f}")
    top_cpu = sum(v[0] for label, v in best.items() if not label.startswith(" "))
    print(f"  {'rest (glue, small frames)':48s} {min(total_cpu) - top_cpu:6.3f}")
    print(f"  {'total':48s} {min(total_cpu):6.3f} / {min(total_wall):6.3f}")


def grid_error() -> None:
    """Print how far township-grid demand is from village demand on the demo city."""
    from dataclasses import replace

    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    for cell in (250, 500, 1000, 2000):
        std = load_standards(grid_cell_size_m=cell)
        a = compute_coverage(city, std)
        b = compute_coverage(replace(city, villages=None), std)
        ta, tb = a.townships.set_index("code"), b.townships.set_index("code")
        diff = (tb["coverage_share"] - ta["coverage_share"]).abs() * 100
        print(
            f"cell {cell} m: {len(b.demand):,} cells; coverage {a.kpis.coverage_share:.1%} -> "
            f"{b.kpis.coverage_share:.1%}; rural {a.kpis.rural_coverage_share:.1%} -> "
            f"{b.kpis.rural_coverage_share:.1%}; blind spots {a.kpis.townships_uncovered} -> "
            f"{b.kpis.townships_uncovered}; township share abs diff mean {diff.mean():.1f} "
            f"p90 {diff.quantile(0.9):.1f} max {diff.max():.0f} points"
        )


def main() -> None:
    """Build the input, time both methods once each, print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10x smaller input (smoke run)")
    parser.add_argument(
        "--dense",
        action="store_true",
        help="the field notes' dense case: 500,000 villages and 2,000 points in 100 km x 100 km",
    )
    parser.add_argument(
        "--grid-error", action="store_true", help="township grid vs villages on the demo city"
    )
    parser.add_argument("--repeat", type=int, default=3, help="engine runs (best is reported)")
    parser.add_argument("--no-stages", action="store_true", help="no per-stage breakdown")
    parser.add_argument(
        "--no-reference", action="store_true", help="engine only (dense reference: minutes)"
    )
    args = parser.parse_args()
    if args.grid_error:
        grid_error()
        return
    scale = 10 if args.small else 1
    t0 = time.perf_counter()
    if args.dense:
        sizes = {"n_villages": 500_000, "n_townships": 400, "n_counties": 8, "n_points": 2_000,
                 "n_sites": 6_000}  # fmt: skip
    else:
        sizes = {"n_villages": 620_000, "n_townships": 41_000, "n_counties": 2_850,
                 "n_points": 7_500, "n_sites": 22_500}  # fmt: skip
    city, _ = synthetic_city(**{k: max(v // scale, 1) for k, v in sizes.items()}, dense=args.dense)
    n_villages = len(city.villages) if city.villages is not None else 0
    print(
        f"input built in {time.perf_counter() - t0:.1f} s: {n_villages} villages, "
        f"{len(city.townships)} townships, {len(city.contact_points)} points, "
        f"{len(city.collection_sites)} sites, radius {RADIUS_M:.0f} m"
    )
    standards = load_standards(radius_m=RADIUS_M)
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    t0 = time.perf_counter()
    compute_coverage(city, standards)  # warm-up: imports, pyproj database, numba kernels
    first_s = time.perf_counter() - t0
    engine_s, engine_cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result: CoverageResult = compute_coverage(city, standards)
        engine_s.append(time.perf_counter() - t0)
        engine_cpu.append(time.process_time() - c0)
    k = result.kpis
    if args.no_reference:
        print(
            f"engine: first call {first_s:.2f} s, then best of {args.repeat}: wall "
            f"{min(engine_s):.2f} s, cpu {min(engine_cpu):.2f} s; covered {k.population_covered:,}"
        )
        return
    t0, c0 = time.perf_counter(), time.process_time()
    ref = reference_kpis(city)
    reference_s, reference_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"CRS: {result.crs.name}")
    # CPU time is printed too: on a shared machine it is less disturbed than wall time.
    print(f"load average before the run: {load_before}")
    print(
        f"engine    (compute_coverage, full KPIs): wall {min(engine_s):6.2f} s  "
        f"cpu {min(engine_cpu):6.2f} s  (best of {args.repeat}; first call in the process "
        f"{first_s:.2f} s, with imports and the compiled kernels' load)"
    )
    print(
        f"reference (geopandas buffer + sjoin):    wall {reference_s:6.2f} s  "
        f"cpu {reference_cpu:6.2f} s"
    )
    print(
        f"ratio reference / engine: wall {reference_s / min(engine_s):.1f}x  "
        f"cpu {reference_cpu / min(engine_cpu):.1f}x"
    )
    print("agreement (engine vs reference):")
    print(
        f"  population_covered         {k.population_covered:>12,} vs "
        f"{ref['population_covered']:>12,}"
    )
    print(
        f"  network_population_covered {k.network_population_covered:>12,} vs "
        f"{ref['network_population_covered']:>12,}"
    )
    print(
        f"  townships_uncovered        {k.townships_uncovered:>12,} vs "
        f"{ref['townships_uncovered']:>12,}"
    )
    print(
        f"  points_with_3_to_5_sites   {k.points_with_3_to_5_sites:>12,} vs "
        f"{ref['points_with_3_to_5_sites']:>12,}"
    )
    point_pop = result.contact_points["covered_population"]
    engine_pop = (
        "not computed (too many pairs)" if point_pop.isna().any() else f"{point_pop.sum():,}"
    )
    print(f"  covered population by point (sum) {engine_pop} vs {ref['point_pop_total']:,}")
    print(
        f"  mean nearest-point distance {result.demand['nearest_point_m'].mean():,.1f} m vs "
        f"{ref['nearest_mean_m']:,.1f} m (map metres, uncorrected)"
    )
    print(f"  population_total {k.population_total:,}; coverage_share {k.coverage_share:.4f}")
    if not args.no_stages:
        stage_breakdown(city, standards, args.repeat)


if __name__ == "__main__":
    main()
