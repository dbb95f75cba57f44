"""Seeded generator of a fictional province (示例省（虚构）): a dataset of a province's size.

About 1,500 townships in 13 counties of 4 prefecture-level cities, 20,000 villages and
communities with population and kind, 300 contact points of the four types with their
collection sites, and representative homes; no roads. Made for trying the dashboard and
measuring it at a province's scale (``COVERAGE_PLANNER_DEMO=province``, ``bench/ui.py
--province``), never shipped as data.

How it is made (in a metric CRS, UTM 49N, around 112°E 30°N, then lon/lat): ~26,000 random
points, denser around the county seats, are turned into a Voronoi mesh; an irregular outline
keeps ~20,000 of them (the villages: each sits on its own cell, hence strictly inside its
township); every cell gets a county from the nearest seat after a smooth warp of the plane,
then a township from k-means centres of its county; fragments are merged (the demo city's
steps, :mod:`geodata.demo.build`). Codes follow the 统计用区划代码 habit: county 6 digits,
township 9, village 12; townships near a county seat are urban 街道 with 社区, the others
rural 镇/乡 with 村.

Generation takes a few seconds; :func:`load_province` keeps the result in a GeoPackage
under the user's cache folder, keyed by the seed and this file's content.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from geodata.city import CityData
from geodata.demo.build import _adjacency, _merge_fragments, _warp
from geodata.schema import LAYER_NAMES, SCHEMAS

SEED = 20261207
#: Display names; the UI must show that the province is fictional.
PROVINCE_NAME_ZH = "示例省（虚构）"
PROVINCE_NAME_EN = "Demo Province (fictional)"
#: Centre (lon, lat) and the metric CRS the geometry is built in.
CENTER = (112.0, 30.0)
WORK_CRS = "EPSG:32649"
KM = 1000.0
#: Prefecture-level cities: (code, name, counties). 13 counties in all.
PREFECTURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("9801", "江陵市", ("荆城区", "沙湖区", "松滋县", "公安县")),
    ("9802", "汉阳市", ("汉川区", "云梦县", "应城县")),
    ("9803", "襄北市", ("樊城区", "宜城县", "南漳县")),
    ("9804", "恩施市", ("施南区", "建始县", "巴东县")),
)
N_COUNTIES = sum(len(p[2]) for p in PREFECTURES)
N_TOWNSHIPS = 1_500
N_CONTACT_POINTS = 300
_SYLLABLES = (
    "安宝北碑柏陈川崇大道东峰丰福付高古关官河红后花槐黄吉家尖金井旧康口兰李莲良林柳龙芦马"
    "庙南磨牛坪蒲齐前秦青泉三桑山上沙石寺松孙台滩桃天田王湾魏渭文西峡下杏新徐杨窑阳尧义"
    "营永榆园原岳云寨张赵庄子"
)
_TYPES = ("urban_community", "rural", "enterprise", "association")
_TYPE_SHARE = (0.35, 0.45, 0.1, 0.1)


def _names(rng: np.random.Generator, n: int, suffix: str) -> list[str]:
    """``n`` distinct two-character names + ``suffix`` (numbered when they run out)."""
    chars = np.array(list(_SYLLABLES))
    pairs = rng.permutation(
        [a + b for i, a in enumerate(chars) for j, b in enumerate(chars) if i != j]
    )
    return [f"{pairs[k % len(pairs)]}{'' if k < len(pairs) else k // len(pairs)}{suffix}"
            for k in range(n)]  # fmt: skip


def _mesh(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, csr_matrix]:
    """Mesh points inside the province (m), their cells, the county seats (m), and which
    cells touch."""
    seats = np.empty((0, 2))
    while len(seats) < N_COUNTIES:  # seats at least 60 km apart, inside the outline
        cand = rng.uniform([-180 * KM, -140 * KM], [180 * KM, 140 * KM])
        if np.hypot(cand[0] / 200, cand[1] / 160) < 0.8 * KM and (
            len(seats) == 0 or np.min(np.linalg.norm(seats - cand, axis=1)) > 60 * KM
        ):
            seats = np.vstack([seats, cand])
    uniform = rng.uniform([-230 * KM, -190 * KM], [230 * KM, 190 * KM], size=(32_500, 2))
    near = np.vstack([rng.normal(s, 7 * KM, size=(220, 2)) for s in seats])
    xy = np.unique(np.round(np.vstack([uniform, near]), 1), axis=0)
    xy = xy[rng.permutation(len(xy))]
    w = _warp(rng, xy, 14 * KM, 110 * KM)
    theta = np.arctan2(w[:, 1], w[:, 0])
    radius = np.full(len(xy), 1.0)
    for k in range(2, 7):
        radius *= 1 + rng.uniform(-0.07, 0.07) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    inside = np.hypot(w[:, 0] / 190, w[:, 1] / 155) < radius * KM
    # The cells of every point: the outer points' cells bound the province's own, so its
    # outline follows the warped ellipse (cells of edge points would reach far out alone).
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(xy),
            extend_to=shapely.box(-300 * KM, -300 * KM, 300 * KM, 300 * KM),
            ordered=True,
        )
    )
    adjacency = _adjacency(xy)  # of every cell: inside cells touch only if these do
    edge = (np.abs(xy[:, 0]) > 225 * KM) | (np.abs(xy[:, 1]) > 185 * KM)
    for value in (True, False):  # one piece, no holes (the demo city's rule)
        idx = np.flatnonzero(inside == value)
        n_comp, comp = connected_components(adjacency[idx][:, idx], directed=False)
        for c in range(n_comp):
            part = idx[comp == c]
            biggest = c == np.argmax(np.bincount(comp))
            if not biggest and not (not value and edge[part].any()):  # not the open outside
                inside[part] = not value
    keep = np.flatnonzero(inside)
    return xy[keep], cells[keep], seats, adjacency[keep][:, keep]


def _labels(
    rng: np.random.Generator, xy: np.ndarray, seats: np.ndarray, adjacency: csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """County index and township index (numbered county by county) per mesh point."""
    w = _warp(rng, xy, 12 * KM, 70 * KM)
    county = np.argmin(np.linalg.norm(w[:, None] - seats[None], axis=2), axis=1)
    _merge_fragments(county, adjacency, np.zeros(len(xy), dtype=int))
    counts = np.bincount(county, minlength=N_COUNTIES)
    shares = _round_total(counts.astype(float), N_TOWNSHIPS)
    township = np.empty(len(xy), dtype=int)
    offset = 0
    for ci in range(N_COUNTIES):
        idx = np.flatnonzero(county == ci)
        k = int(shares[ci])
        centres = xy[idx][rng.choice(len(idx), k, replace=False)]
        for _ in range(8):  # k-means: equal village counts, small townships where dense
            lab = _nearest(xy[idx], centres)
            sums = np.zeros((k, 2))
            np.add.at(sums, lab, xy[idx])
            n = np.bincount(lab, minlength=k)
            centres = np.where(n[:, None] > 0, sums / np.maximum(n, 1)[:, None], centres)
        township[idx] = offset + _nearest(_warp(rng, xy[idx], 1.5 * KM, 12 * KM), centres)
        offset += k
    _merge_fragments(township, adjacency, county)
    _, township = np.unique(township, return_inverse=True)  # drop townships merged away
    return county, township


def _nearest(pts: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point."""
    from scipy.spatial import cKDTree

    return np.asarray(cKDTree(centres).query(pts)[1], dtype=int)


def _round_total(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``values`` summing exactly to ``total`` (largest remainder)."""
    scaled = values / values.sum() * total
    out = np.floor(scaled).astype(np.int64)
    out[np.argsort(out - scaled)[: total - out.sum()]] += 1
    return out


def _to_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Metric geometries (relative to the centre) to lon/lat, rounded to ~1 cm."""
    from pyproj import Transformer

    cx, cy = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True).transform(*CENTER)
    back = Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)

    def _fn(c: np.ndarray) -> np.ndarray:
        lon, lat = back.transform(c[:, 0] + cx, c[:, 1] + cy)
        return np.round(np.column_stack([lon, lat]), 7)

    return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), _fn))


def _people(
    rng: np.random.Generator, xy: np.ndarray, county: np.ndarray, township: np.ndarray,
    seats: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Township and village tables (metric ``x``, ``y``; ``_t`` township index)."""
    n_t = int(township.max()) + 1
    t_county = np.zeros(n_t, dtype=int)
    t_county[township] = county
    centre = np.zeros((n_t, 2))
    np.add.at(centre, township, xy)
    centre /= np.bincount(township, minlength=n_t)[:, None]
    d_seat = np.linalg.norm(centre - seats[t_county], axis=1)
    county_names = [c for _, _, cs in PREFECTURES for c in cs]
    county_codes = [f"{p}{j + 1:02d}" for p, _, cs in PREFECTURES for j in range(len(cs))]
    is_district = np.array([c.endswith("区") for c in county_names])
    town_names = _names(rng, n_t, "")
    rows: list[tuple[object, ...]] = []
    urban = np.zeros(n_t, dtype=bool)
    for ci in range(N_COUNTIES):
        ts = np.flatnonzero(t_county == ci)
        ts = ts[np.argsort(d_seat[ts])]
        streets = 14 if is_district[ci] else 5
        urban[ts[:streets]] = True
        for rank, t in enumerate(ts):
            # 街道 0xx, then 镇/乡 numbered 1xx on (a big county has more than 99 of them).
            if rank < streets:
                code, suffix = f"{rank + 1:03d}", "街道"
            else:
                code, suffix = f"{100 + rank - streets:03d}", "镇" if rank % 3 else "乡"
            rows.append((t, county_codes[ci] + code, town_names[t] + suffix, county_names[ci],
                         county_codes[ci], "urban" if rank < streets else "rural"))  # fmt: skip
    towns = pd.DataFrame(rows, columns=["_t", "code", "name", "county", "county_code", "kind"])
    towns = towns.sort_values("_t").reset_index(drop=True)
    # Villages: the mesh points; the most central one of each township is its seat.
    kind = np.where(urban[township], "urban", "rural")
    d_centre = np.linalg.norm(xy - centre[township], axis=1)
    order = np.lexsort((d_centre, township))
    v_rank = np.empty(len(xy), dtype=int)
    first = np.r_[0, np.flatnonzero(np.diff(township[order])) + 1]
    v_rank[order] = np.arange(len(xy)) - np.repeat(first, np.diff(np.r_[first, len(xy)]))
    size = np.where(
        kind == "urban", rng.lognormal(np.log(4500), 0.5, len(xy)),
        rng.lognormal(np.log(900), 0.6, len(xy)) * np.where(v_rank == 0, 3.0, 1.0),
    )  # fmt: skip
    t_code = towns["code"].to_numpy()[township]
    v_code = [
        f"{c}{r + 1 if k == 'urban' else 201 + r:03d}"
        for c, r, k in zip(t_code, v_rank, kind, strict=True)
    ]
    v_suffix = np.where(kind == "urban", "社区", "村")
    v_names = [f"{n}{s}" for n, s in zip(_names(rng, len(xy), ""), v_suffix, strict=True)]
    vils = pd.DataFrame(
        {"code": v_code, "name": v_names, "township_code": t_code, "kind": kind,
         "is_township_seat": v_rank == 0, "population": np.round(size).astype(np.int64),
         "x": xy[:, 0], "y": xy[:, 1], "_t": township, "_c": county}
    )  # fmt: skip
    towns["population"] = vils.groupby("_t")["population"].sum().to_numpy()
    rural = vils[vils["kind"] == "rural"].groupby("_t")["population"].sum()
    towns["rural_population"] = towns["_t"].map(rural).fillna(0).astype(np.int64)
    return towns, vils


def _points(
    rng: np.random.Generator, towns: pd.DataFrame, vils: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Contact points (at villages, moved 100-250 m), their sites, representative homes."""
    county_of = towns["county"].to_numpy()
    types = rng.choice(_TYPES, N_CONTACT_POINTS, p=_TYPE_SHARE)
    urban = np.flatnonzero(vils["kind"].to_numpy() == "urban")
    seats = np.flatnonzero(vils["is_township_seat"].to_numpy() & (vils["kind"] == "rural"))
    pool = {"urban_community": urban, "rural": seats, "enterprise": urban, "association": urban}
    used: set[int] = set()
    at = np.empty(N_CONTACT_POINTS, dtype=int)
    for i, kind in enumerate(types):
        cand = rng.permutation(pool[str(kind)])
        at[i] = next(int(v) for v in cand if int(v) not in used)
        used.add(int(at[i]))
    vxy = vils[["x", "y"]].to_numpy()
    angle = rng.uniform(0, 2 * np.pi, N_CONTACT_POINTS)
    shift = rng.uniform(100, 250, N_CONTACT_POINTS)[:, None] * np.column_stack(
        [np.cos(angle), np.sin(angle)]
    )
    cp_xy = vxy[at] + shift
    t_of = vils["_t"].to_numpy()[at]
    collected = rng.integers(0, 60, N_CONTACT_POINTS)
    cps = pd.DataFrame(
        {"id": [f"LXD{i + 1:03d}" for i in range(N_CONTACT_POINTS)],
         "name": [f"{county_of[t]}{towns['name'].iat[t]}{vils['name'].iat[v]}基层立法联系点"
                  for t, v in zip(t_of, at, strict=True)],
         "type": types.astype(str), "county": county_of[t_of],
         "opinions_collected": collected.astype(np.int64),
         "opinions_adopted": (collected * rng.uniform(0, 0.4, N_CONTACT_POINTS)).astype(np.int64),
         "area_m2": rng.choice([30.0, 45.0, 60.0, 80.0, 120.0], N_CONTACT_POINTS),
         "staff": rng.integers(0, 3, N_CONTACT_POINTS).astype(np.int64),
         "x": cp_xy[:, 0], "y": cp_xy[:, 1]}
    )  # fmt: skip
    from scipy.spatial import cKDTree

    tree = cKDTree(vxy)
    rows: list[dict[str, object]] = []
    for i in range(N_CONTACT_POINTS):  # 2-4 sites at the nearest villages not yet taken
        near = [int(v) for v in tree.query(cp_xy[i], k=12)[1] if int(v) not in used]
        for v in near[: int(rng.integers(2, 5))]:
            used.add(v)
            rows.append(
                {"id": f"CJD{len(rows) + 1:04d}", "name": f"{vils['name'].iat[v]}立法信息采集点",
                 "contact_point_id": cps["id"].iat[i],
                 "site_type": "community" if vils["kind"].iat[v] == "urban" else "village",
                 "informants": np.int64(rng.integers(1, 6)), "x": vxy[v, 0], "y": vxy[v, 1]}
            )  # fmt: skip
    home_at = rng.choice(np.flatnonzero(vils["is_township_seat"].to_numpy()), 150, replace=False)
    t_home = vils["_t"].to_numpy()[home_at]
    homes = pd.DataFrame(
        {"id": [f"DBZJ{k + 1:03d}" for k in range(len(home_at))],
         "name": [f"{county_of[t]}{towns['name'].iat[t]}人大代表之家" for t in t_home],
         "county": county_of[t_home],
         "area_m2": rng.choice([32.0, 48.0, 60.0, 80.0, 120.0], len(home_at)),
         "administrators": rng.integers(0, 3, len(home_at)).astype(np.int64),
         "volunteers": rng.integers(0, 5, len(home_at)).astype(np.int64),
         "activities_last_year": rng.integers(0, 13, len(home_at)).astype(np.int64),
         "x": vxy[home_at, 0] + 120.0, "y": vxy[home_at, 1] + 90.0}
    )  # fmt: skip
    return {"contact_points": cps, "collection_sites": pd.DataFrame(rows), "homes": homes}


def build_province(seed: int = SEED) -> dict[str, gpd.GeoDataFrame]:
    """Build the five layers of the province (EPSG:4326, canonical columns).

    Parameters
    ----------
    seed
        Random seed: the same seed gives the same layers.
    """
    rng = np.random.default_rng(seed)
    xy, cells, seats, adjacency = _mesh(rng)
    county, township = _labels(rng, xy, seats, adjacency)
    towns, vils = _people(rng, xy, county, township, seats)
    polys = [shapely.coverage_union_all(cells[township == t]) for t in range(len(towns))]
    points = _points(rng, towns, vils)
    frames = {"townships": towns, "villages": vils, **points}
    geoms = {"townships": _to_wgs84(np.asarray(polys, dtype=object))}
    for name in ("villages", *points):
        geoms[name] = _to_wgs84(shapely.points(frames[name][["x", "y"]].to_numpy()))
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name in LAYER_NAMES:
        frame = frames[name]
        columns = [c.name for c in SCHEMAS[name].columns if c.name in frame.columns]
        layers[name] = gpd.GeoDataFrame(
            frame[columns].reset_index(drop=True), geometry=geoms[name], crs="EPSG:4326"
        )
    return layers


def cache_dir() -> Path:
    """Folder of the generated GeoPackages (``~/.cache/coverage-planner/synthetic``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coverage-planner" / "synthetic"


def province_path(seed: int = SEED) -> Path:
    """Where :func:`load_province` keeps the province of ``seed`` (keyed by this code)."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
    return cache_dir() / f"province-{seed}-{code}.gpkg"


def load_province(seed: int = SEED) -> CityData:
    """Return the province of ``seed``, generated once and then read from the disk cache.

    Returns
    -------
    CityData
        Named ``"示例省（虚构）"``, ``is_demo`` True (fictional), no roads.
    """
    from geodata.demo.build import write_city
    from geodata.demo.load import load_demo_city

    path = province_path(seed)
    if not path.exists():
        # A temporary name first: two processes generating at once never read half a file.
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.gpkg")
        write_city(build_province(seed), tmp)
        tmp.replace(path)
    city = load_demo_city(path)
    return CityData(
        townships=city.townships,
        villages=city.villages,
        contact_points=city.contact_points,
        collection_sites=city.collection_sites,
        homes=city.homes,
        name=PROVINCE_NAME_ZH,
        is_demo=True,
        roads=None,
    )
