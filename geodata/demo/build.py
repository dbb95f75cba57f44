"""Seeded generator of the built-in fictional demo city (示例市（虚构）).

Run ``python -m geodata.demo.build [--out PATH]`` to rewrite ``geodata/demo/demo_city.gpkg``.
The app never runs this: it reads the committed file (see :mod:`geodata.demo.load`).

How the map is made: ~20,000 random points (denser in the urban core) are turned into a
Voronoi mesh in a metric CRS; every cell gets a county, then a township, from the nearest
seed after a smooth random warp of the plane, and cells are dissolved. Shared edges come
from the same mesh, so townships tile their county, and counties the city, exactly.
Villages sit on mesh generator points (strictly inside their cell, hence their township).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay

from geodata.demo.layers import COUNTIES, KM, build_people, build_points
from geodata.demo.load import DEMO_GPKG, DEMO_NAME_ZH
from geodata.demo.records import build_records
from geodata.demo.roadnet import RoadLayer, build_roads
from geodata.records.schema import RECORDS_TABLE
from geodata.schema import LAYER_NAMES, SCHEMAS

SEED = 20240611
#: Centre of the city (lon, lat) and the metric CRS the geometry is built in (UTM 48N).
CENTER = (104.6, 35.6)
WORK_CRS = "EPSG:32648"
DEFAULT_OUT = DEMO_GPKG


@dataclass(frozen=True)
class Mesh:
    """The Voronoi mesh: generator points (m), cells, neighbour graph, labels."""

    xy: np.ndarray
    cells: np.ndarray
    adjacency: csr_matrix
    county: np.ndarray  # county index per point, -1 outside the city
    township: np.ndarray  # global township index per point, -1 outside


def _warp(
    rng: np.random.Generator, xy: np.ndarray, amplitude: float, wavelength: float
) -> np.ndarray:
    """Displace points by a smooth random field (sum of plane waves) to bend boundaries."""
    out = xy.copy()
    n = 5
    for _ in range(n):
        angle = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / (wavelength * rng.uniform(0.6, 1.5))
        wave = np.array([np.cos(angle), np.sin(angle)]) * k
        phase = rng.uniform(0, 2 * np.pi)
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction)
        out += (amplitude / np.sqrt(n)) * np.sin(xy @ wave + phase)[:, None] * direction
    return out


def _adjacency(xy: np.ndarray) -> csr_matrix:
    """Neighbour graph of the Voronoi cells (the Delaunay edges)."""
    simplices = Delaunay(xy).simplices
    rows = np.concatenate([simplices[:, a] for a in (0, 1, 2, 1, 2, 0)])
    cols = np.concatenate([simplices[:, b] for b in (1, 2, 0, 0, 1, 2)])
    n = len(xy)
    return coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()


def _merge_fragments(labels: np.ndarray, adjacency: csr_matrix, group: np.ndarray) -> None:
    """Give every detached fragment of a label to its most common neighbour (same group)."""
    for _ in range(20):
        changed = False
        for lab in np.unique(labels[labels >= 0]):
            idx = np.flatnonzero(labels == lab)
            n_comp, comp = connected_components(adjacency[idx][:, idx], directed=False)
            if n_comp == 1:
                continue
            biggest = np.argmax(np.bincount(comp))
            for c in range(n_comp):
                if c == biggest:
                    continue
                part = idx[comp == c]
                nbrs = np.unique(adjacency[part].indices)
                cand = labels[nbrs]
                cand = cand[(cand >= 0) & (cand != lab) & (group[nbrs] == group[part[0]])]
                if len(cand):
                    labels[part] = np.bincount(cand).argmax()
                    changed = True
        if not changed:
            return


def _city_mask(rng: np.random.Generator, xy: np.ndarray, adjacency: csr_matrix) -> np.ndarray:
    """Irregular, hole-free, connected city outline (~16,000 km²)."""
    w = _warp(rng, xy, 9 * KM, 60 * KM)
    theta = np.arctan2(w[:, 1], w[:, 0])
    radius = np.full(len(xy), 72 * KM)
    for k in range(2, 7):
        radius *= 1 + rng.uniform(-0.06, 0.06) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    inside = np.hypot(w[:, 0] / 1.12, w[:, 1] / 0.92) < radius
    labels = np.where(inside, 1, 0)
    for value in (1, 0):  # keep the biggest piece of the city; fill holes not on the edge
        idx = np.flatnonzero(labels == value)
        nc, cc = connected_components(adjacency[idx][:, idx], directed=False)
        if nc > 1:
            keep = np.argmax(np.bincount(cc))
            labels[idx[cc != keep]] = 1 - value
    return labels == 1


def _assign_counties(rng: np.random.Generator, xy: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """County index per point: districts inside a noisy core ring, counties by warped distance."""
    seats = np.array([c.seat_km for c in COUNTIES]) * KM
    w = _warp(rng, xy, 9 * KM, 45 * KM)
    dist = np.linalg.norm(w[:, None, :] - seats[None, :, :], axis=2)
    districts = [i for i, c in enumerate(COUNTIES) if c.is_district]
    others = [i for i, c in enumerate(COUNTIES) if not c.is_district]
    core = np.hypot(*(w - np.array([1.0, 3.5]) * KM).T) < 17 * KM
    county = np.where(
        core,
        np.array(districts)[np.argmin(dist[:, districts], axis=1)],
        np.array(others)[np.argmin(dist[:, others], axis=1)],
    )
    return np.where(inside, county, -1)


def _lloyd(rng: np.random.Generator, pts: np.ndarray, k: int) -> np.ndarray:
    """k-means centres of ``pts``: equal point counts, so townships are small where dense."""
    centres = pts[rng.choice(len(pts), k, replace=False)]
    for _ in range(25):
        lab = np.argmin(np.linalg.norm(pts[:, None] - centres[None], axis=2), axis=1)
        for j in range(k):
            if np.any(lab == j):
                centres[j] = pts[lab == j].mean(axis=0)
    return centres


def _assign_townships(
    rng: np.random.Generator, xy: np.ndarray, county: np.ndarray, adjacency: csr_matrix
) -> np.ndarray:
    """Township index per point (global, numbered county by county), -1 outside."""
    township = np.full(len(xy), -1)
    offset = 0
    for ci, spec in enumerate(COUNTIES):
        idx = np.flatnonzero(county == ci)
        pts = xy[idx]
        centres = _lloyd(rng, pts, spec.townships)
        spacing = np.sqrt(len(idx) / spec.townships) * np.sqrt(
            np.ptp(pts[:, 0]) * np.ptp(pts[:, 1]) / len(idx)
        )
        w = _warp(rng, pts, 0.22 * spacing, 1.6 * spacing)
        township[idx] = offset + np.argmin(
            np.linalg.norm(w[:, None] - centres[None], axis=2), axis=1
        )
        offset += spec.townships
    _merge_fragments(township, adjacency, county)
    return township


def build_mesh(rng: np.random.Generator) -> Mesh:
    """Generate the mesh and its county/township labels."""
    uniform = rng.uniform([-95 * KM, -80 * KM], [95 * KM, 80 * KM], size=(15_000, 2))
    core = rng.normal([0.0, 2 * KM], 9 * KM, size=(4_000, 2))
    seats = [rng.normal(np.array(c.seat_km) * KM, 3.5 * KM, size=(250, 2)) for c in COUNTIES[2:]]
    xy = np.unique(np.round(np.vstack([uniform, core, *seats]), 1), axis=0)
    xy = xy[rng.permutation(len(xy))]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(xy),
            extend_to=shapely.box(-200 * KM, -200 * KM, 200 * KM, 200 * KM),
            ordered=True,
        )
    )
    adjacency = _adjacency(xy)
    inside = _city_mask(rng, xy, adjacency)
    county = _assign_counties(rng, xy, inside)
    _merge_fragments(county, adjacency, np.zeros(len(xy), dtype=int))
    township = _assign_townships(rng, xy, county, adjacency)
    counts = np.bincount(township[township >= 0], minlength=sum(c.townships for c in COUNTIES))
    if counts.min() < 40:
        raise RuntimeError(f"a township lost its cells (min {counts.min()}); change SEED")
    return Mesh(xy, cells, adjacency, county, township)


def township_polygons(mesh: Mesh) -> list[shapely.Geometry]:
    """Dissolve the cells of each township (metric CRS)."""
    n = int(mesh.township.max()) + 1
    return [shapely.coverage_union_all(mesh.cells[mesh.township == t]) for t in range(n)]


def to_wgs84(geoms: np.ndarray | list[shapely.Geometry]) -> np.ndarray:
    """Transform metric geometries (relative to the centre) to lon/lat, rounded to ~1 cm."""
    to_utm = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
    cx, cy = to_utm.transform(*CENTER)
    back = Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)

    def _fn(c: np.ndarray) -> np.ndarray:
        lon, lat = back.transform(c[:, 0] + cx, c[:, 1] + cy)
        return np.round(np.column_stack([lon, lat]), 7)

    return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), _fn))


def build_city(seed: int = SEED) -> dict[str, gpd.GeoDataFrame]:
    """Build every layer of the demo city (EPSG:4326, canonical columns, sorted by id).

    The five layers of :data:`geodata.schema.LAYER_NAMES`, then ``roads`` (name, road_class,
    speed_kmh, oneway, level; see :mod:`geodata.demo.roadnet`).
    """
    return build_city_with_terrain(seed)[0]


def build_city_with_terrain(seed: int = SEED) -> tuple[dict[str, gpd.GeoDataFrame], RoadLayer]:
    """:func:`build_city`, and the metric roads and terrain they were made with (for checks)."""
    rng = np.random.default_rng(seed)
    mesh = build_mesh(rng)
    polys = township_polygons(mesh)
    townships, villages = build_people(rng, mesh.xy, mesh.township)
    points = build_points(rng, polys, townships, villages)
    townships = townships.sort_values("code")
    geoms = {
        "townships": to_wgs84([polys[t] for t in townships["_t"]]),
        **{k: to_wgs84(shapely.points(f[["x", "y"]].to_numpy())) for k, f in points.items()},
        "villages": to_wgs84(shapely.points(villages[["x", "y"]].to_numpy())),
    }
    frames = {"townships": townships, "villages": villages, **points}
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name in LAYER_NAMES:
        frame = frames[name]
        columns = [c.name for c in SCHEMAS[name].columns if c.name in frame.columns]
        layers[name] = gpd.GeoDataFrame(
            frame[columns].reset_index(drop=True), geometry=geoms[name], crs="EPSG:4326"
        )
    # The roads come last, from a generator of their own: the layers above stay as they were.
    points_xy = np.vstack([f[["x", "y"]].to_numpy() for f in points.values()])
    road_layer = build_roads(seed, shapely.union_all(polys), townships, villages, points_xy)
    roads = road_layer.roads
    layers["roads"] = gpd.GeoDataFrame(
        roads.drop(columns="geometry"), geometry=to_wgs84(list(roads["geometry"])), crs="EPSG:4326"
    )
    return layers, road_layer


def write_city(
    layers: dict[str, gpd.GeoDataFrame], out: Path, records: pd.DataFrame | None = None
) -> None:
    """Write the layers (and the ``records`` table, when given) to a fresh GeoPackage."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, gdf in layers.items():
        gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    if records is not None:  # an attribute table (no geometry): the points' records (#17)
        pyogrio.write_dataframe(records, tmp, layer=RECORDS_TABLE, driver="GPKG")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the demo city and write it."""
    parser = argparse.ArgumentParser(
        prog="python -m geodata.demo.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    layers = build_city()
    write_city(layers, args.out, build_records(layers["contact_points"], layers["homes"]))
    t = layers["townships"]
    print(
        f"{DEMO_NAME_ZH}: {len(t)} townships, {len(layers['villages'])} villages, "
        f"population {int(t['population'].sum()):,}, {len(layers['roads'])} road lines "
        f"-> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
