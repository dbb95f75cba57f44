"""Content of the fictional demo city: counties, names, populations and today's points.

Used by :mod:`geodata.demo.build` (which makes the geometry). The numbers reproduce the
speech (see docs/data-formats.md, the demo city): 8 counties/districts, ~2.5 million people,
12 contact points (6 urban community, 4 rural, 1 enterprise, 1 association) with 326
opinions collected and 89 adopted, an agricultural county 75% rural with one rural point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

KM = 1000.0


@dataclass(frozen=True)
class CountySpec:
    """One county/district of the demo city (offsets of its seat from the centre, in km)."""

    code: str
    name: str
    is_district: bool
    townships: int
    streets: int
    population: int
    rural_share: float
    seat_km: tuple[float, float]


#: 2 districts + 6 counties; 丰塬县 is the speech's agricultural county (75% rural).
COUNTIES: tuple[CountySpec, ...] = (
    CountySpec("990102", "崆源区", True, 11, 9, 580_000, 0.05, (-4.0, -1.0)),
    CountySpec("990103", "北塬区", True, 9, 6, 350_000, 0.16, (6.0, 8.0)),
    CountySpec("990121", "丰塬县", False, 17, 2, 330_000, 0.75, (-48.0, -22.0)),
    CountySpec("990122", "渭宁县", False, 15, 2, 300_000, 0.60, (44.0, -28.0)),
    CountySpec("990123", "洮峪县", False, 13, 1, 220_000, 0.70, (-46.0, 28.0)),
    CountySpec("990124", "石岭县", False, 15, 2, 280_000, 0.62, (-2.0, -52.0)),
    CountySpec("990125", "云峰县", False, 12, 1, 200_000, 0.68, (48.0, 30.0)),
    CountySpec("990126", "黄川县", False, 14, 1, 240_000, 0.66, (4.0, 50.0)),
)


# Characters of invented place names (two of them + 村/社区/镇/乡).
_SYLLABLES = (
    "安宝北碑柏陈川崇大道东峰丰福付高古关官河红后花槐黄吉家尖金井旧康口兰李莲良林柳龙芦马"
    "庙南磨牛坪蒲齐前秦青泉三桑山上沙石寺松孙台滩桃天田王湾魏渭文西峡下杏新徐杨窑阳尧义"
    "营永榆园原岳云寨张赵庄子"
)
# Common names of urban sub-districts (街道); districts start at 东关, counties at 城关.
_STREETS = ("东关", "西关", "南关", "北关", "城关", "新华", "人民", "建设", "和平", "文化")


def _name(rng: np.random.Generator, used: set[str], suffix: str) -> str:
    """A two-character place name + suffix, not yet in ``used``."""
    while True:
        name = "".join(rng.choice(list(_SYLLABLES), 2)) + suffix
        if name[0] != name[1] and name not in used:
            used.add(name)
            return name


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Scale ``values`` to integers summing exactly to ``total`` (largest remainder)."""
    scaled = values / values.sum() * total
    out = np.floor(scaled).astype(np.int64)
    out[np.argsort(out - scaled)[: total - out.sum()]] += 1
    return out


def _township_name(
    rng: np.random.Generator, spec: CountySpec, rank: int, counters: dict[str, int], used: set[str]
) -> tuple[str, str]:
    """Name and 3-digit code of the township ranked ``rank`` by distance to the county seat.

    Codes follow the 统计用区划代码 habit: 街道 0xx, 镇 1xx, 乡 2xx.
    """
    if rank < spec.streets:
        return _STREETS[rank if spec.is_district else rank + 4] + "街道", f"{rank + 1:03d}"
    suffix = "镇" if spec.is_district or rng.random() < 0.7 else "乡"
    counters[suffix] += 1
    base = 100 if suffix == "镇" else 200
    return _name(rng, used, suffix), f"{base + counters[suffix]:03d}"


def _villages_of(
    rng: np.random.Generator, xy: np.ndarray, idx: np.ndarray, street: bool, spec: CountySpec
) -> list[tuple[int, float]]:
    """Mesh points of one township's villages (seat first) and their raw lognormal sizes."""
    if street:
        n = rng.integers(8, 13) if spec.is_district else rng.integers(6, 11)
    else:
        n = rng.integers(13, 19) if spec.is_district else rng.integers(16, 29)
    # The seat is the most central place; its size is made the largest afterwards.
    seat = idx[np.argmin(np.linalg.norm(xy[idx] - xy[idx].mean(axis=0), axis=1))]
    out: list[tuple[int, float]] = []
    for j, pi in enumerate([seat, *rng.choice(idx[idx != seat], int(n) - 1, replace=False)]):
        if street:  # communities grow towards the city centre (urban core)
            core = np.exp(-np.hypot(*xy[pi]) / (6 * KM))
            raw = rng.lognormal(np.log(6000), 0.5) * (1 + 2.5 * core)
        else:
            raw = rng.lognormal(np.log(800), 0.6) * (3.0 if j == 0 else 1.0)
        out.append((int(pi), float(raw)))
    return out


def _set_populations(vils: pd.DataFrame) -> None:
    """Scale raw sizes to each county's urban and rural totals; seats become the largest."""
    vils["population"] = np.int64(0)
    for ci, spec in enumerate(COUNTIES):
        rural_total = round(spec.population * spec.rural_share)
        for kind, total in (("rural", rural_total), ("urban", spec.population - rural_total)):
            sel = (vils["_c"] == ci) & (vils["kind"] == kind)
            vils.loc[sel, "population"] = _round_to_total(vils.loc[sel, "_raw"].to_numpy(), total)
    for _, grp in vils.groupby("_t"):
        top, seat = grp["population"].idxmax(), grp.index[grp["is_township_seat"]][0]
        vils.loc[[seat, top], "population"] = vils.loc[[top, seat], "population"].to_numpy()
    vils["population"] = vils["population"].astype(np.int64)


def build_people(
    rng: np.random.Generator, xy: np.ndarray, township: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Township attributes and village points (with internal ``_``-prefixed helper columns).

    Parameters
    ----------
    rng
        The generator's random state.
    xy
        Mesh generator points (metric, relative to the centre).
    township
        Township index of each point (-1 outside the city), numbered county by county.
    """
    town_rows: list[dict[str, object]] = []
    vil_rows: list[dict[str, object]] = []
    used_towns: set[str] = set()
    offset = 0
    for ci, spec in enumerate(COUNTIES):
        labels = np.arange(offset, offset + spec.townships)
        offset += spec.townships
        centres = np.array([xy[township == t].mean(axis=0) for t in labels])
        order = np.argsort(np.linalg.norm(centres - np.array(spec.seat_km) * KM, axis=1))
        counters = {"镇": 0, "乡": 0}
        for rank, t in enumerate(labels[order]):
            street = rank < spec.streets
            name, code = _township_name(rng, spec, rank, counters, used_towns)
            kind = "urban" if street else "rural"
            tcode = spec.code + code
            town_rows.append(
                {"code": tcode, "name": name, "county": spec.name, "county_code": spec.code,
                 "kind": kind, "_t": t, "_c": ci, "_rank": rank}
            )  # fmt: skip
            used_vil: set[str] = set()
            places = _villages_of(rng, xy, np.flatnonzero(township == t), street, spec)
            for j, (pi, raw) in enumerate(places):
                vil_rows.append(
                    {"code": tcode + f"{j + 1 if street else 201 + j:03d}",
                     "name": _name(rng, used_vil, "社区" if street else "村"),
                     "township_code": tcode, "kind": kind, "is_township_seat": j == 0,
                     "x": float(xy[pi, 0]), "y": float(xy[pi, 1]), "_raw": raw, "_t": t, "_c": ci}
                )  # fmt: skip
    towns = pd.DataFrame(town_rows).sort_values("_t").reset_index(drop=True)
    vils = pd.DataFrame(vil_rows)
    _set_populations(vils)
    pop = vils.groupby("_t")["population"].sum()
    rural = vils[vils["kind"] == "rural"].groupby("_t")["population"].sum()
    towns["population"] = towns["_t"].map(pop).astype(np.int64)
    towns["rural_population"] = towns["_t"].map(rural).fillna(0).astype(np.int64)
    return towns, vils.sort_values("code").reset_index(drop=True)


#: Default service radii (m) of the analysis, used here only to place the sites.
RADIUS_M = {
    "urban_community": 3000.0,
    "rural": 10000.0,
    "enterprise": 5000.0,
    "association": 5000.0,
}
#: Today's 12 contact points: (type, county index, sites within radius, sites beyond it).
#: 6 urban community, 4 rural, 1 enterprise + 1 association; 重城区、轻农村.
_POINT_PLAN = (
    ("urban_community", 0, 6, 0),
    ("urban_community", 0, 4, 0),
    ("enterprise", 0, 3, 0),
    ("urban_community", 1, 2, 0),
    ("association", 1, 1, 1),
    ("rural", 2, 2, 1),
    ("urban_community", 3, 3, 0),
    ("rural", 3, 5, 0),
    ("rural", 4, 0, 2),
    ("urban_community", 5, 1, 0),
    ("rural", 6, 3, 1),
    ("urban_community", 7, 2, 1),
)
# Sum to 326 collected and 89 adopted (27.3%), as in the speech.
_COLLECTED = (58, 47, 41, 36, 30, 27, 22, 19, 16, 14, 9, 7)
_ADOPTED = (19, 14, 11, 10, 8, 7, 6, 5, 4, 3, 2, 0)
_POINT_AREA = (120.0, 85.0, 60.0, 45.0, 28.0, 36.0, 80.0, 24.0, 18.0, 40.0, 32.0, 25.0)
_POINT_STAFF = (2, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0)
_HOMES_PER_COUNTY = (4, 3, 2, 3, 2, 2, 2, 2)
_ORGS = {"enterprise": "示例市{}集团有限公司", "association": "{}区个体私营企业协会"}


def _jitter(
    rng: np.random.Generator, xy: np.ndarray, poly: shapely.Geometry
) -> tuple[float, float]:
    """Move a point 80-250 m (a building near the village centre), staying in its township."""
    for _ in range(50):
        angle, dist = rng.uniform(0, 2 * np.pi), rng.uniform(80, 250)
        cand = xy + dist * np.array([np.cos(angle), np.sin(angle)])
        if shapely.contains_xy(poly, *cand):
            return float(cand[0]), float(cand[1])
    return float(xy[0]), float(xy[1])


def _candidates(kind: str, ci: int, towns: pd.DataFrame, vils: pd.DataFrame) -> pd.DataFrame:
    """Villages where a point of ``kind`` could sit, best first."""
    in_county = vils[vils["_c"] == ci].assign(
        _rank=lambda f: f["_t"].map(towns.set_index("_t")["_rank"])
    )
    if kind == "rural":  # seats of rural townships near the county town (重城区、轻农村)
        sel = in_county[in_county["is_township_seat"] & (in_county["kind"] == "rural")]
        return sel.sort_values("_rank")
    if kind == "urban_community":
        return in_county[in_county["kind"] == "urban"].sort_values("population", ascending=False)
    return in_county.sort_values(["kind", "population"], ascending=[False, False])


def build_points(
    rng: np.random.Generator,
    polys: list[shapely.Geometry],
    towns: pd.DataFrame,
    vils: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Contact points, collection sites and representative homes (metric ``x``, ``y``)."""
    vxy = vils[["x", "y"]].to_numpy()
    names = towns.set_index("_t")["name"]
    cps: list[dict[str, object]] = []
    cp_xy: list[np.ndarray] = []
    for i, (kind, ci, _, _) in enumerate(_POINT_PLAN):
        cand = _candidates(kind, ci, towns, vils)
        radius = RADIUS_M[kind]
        best, best_slack = cand.index[0], float(-np.inf)
        for vi in cand.index:  # keep reaches apart so each site counts for one point only
            slack = float(
                min(
                    (
                        np.linalg.norm(vxy[vi] - q) - radius - RADIUS_M[str(c["type"])] - 500
                        for q, c in zip(cp_xy, cps, strict=True)
                    ),
                    default=np.inf,
                )
            )
            if slack >= 0:
                best = vi
                break
            if slack > best_slack:
                best, best_slack = vi, slack
        v = vils.loc[best]
        x, y = _jitter(rng, vxy[best], polys[int(v["_t"])])
        spec = COUNTIES[ci]
        place = f"{spec.name}{names[v['_t']]}{v['name']}"
        if kind in _ORGS:
            place = _ORGS[kind].format(
                str(v["name"])[:2] if kind == "enterprise" else spec.name[:2]
            )
            place = place.replace("区区", "区")
        cps.append(
            {
                "id": f"LXD{i + 1:02d}",
                "name": place + "基层立法联系点",
                "type": kind,
                "county": spec.name,
                "opinions_collected": np.int64(_COLLECTED[i]),
                "opinions_adopted": np.int64(_ADOPTED[i]),
                "area_m2": _POINT_AREA[i],
                "staff": np.int64(_POINT_STAFF[i]),
                "x": x,
                "y": y,
            }
        )
        cp_xy.append(np.array([x, y]))
    sites = _sites(rng, vils, cps, cp_xy)
    homes: list[dict[str, object]] = []
    seats = vils[vils["is_township_seat"]].sort_values("population", ascending=False)
    for ci, n in enumerate(_HOMES_PER_COUNTY):
        for _, v in seats[seats["_c"] == ci].head(n).iterrows():
            k = len(homes)
            x, y = _jitter(rng, np.array([v["x"], v["y"]]), polys[int(v["_t"])])
            homes.append(
                {
                    "id": f"DBZJ{k + 1:02d}",
                    "name": f"{COUNTIES[ci].name}{names[v['_t']]}人大代表之家",
                    "county": COUNTIES[ci].name,
                    "area_m2": float(rng.choice([32, 40, 45, 48, 56, 60, 72, 80, 96, 120, 150])),
                    "administrators": np.int64(rng.integers(0, 3)),
                    "volunteers": np.int64(rng.integers(0, 5)),
                    # The speech's example: 12 activities, 8 of them study sessions.
                    "activities_last_year": np.int64(12 if k == 0 else rng.integers(0, 11)),
                    "x": x,
                    "y": y,
                }
            )
    return {
        "contact_points": pd.DataFrame(cps),
        "collection_sites": sites,
        "homes": pd.DataFrame(homes),
    }


def _sites(
    rng: np.random.Generator,
    vils: pd.DataFrame,
    cps: list[dict[str, object]],
    cp_xy: list[np.ndarray],
) -> pd.DataFrame:
    """Collection sites at villages: some within their point's reach, some beyond any reach."""
    vxy = vils[["x", "y"]].to_numpy()
    radii = np.array([RADIUS_M[str(c["type"])] for c in cps])
    dist = np.linalg.norm(vxy[:, None] - np.array(cp_xy)[None], axis=2)
    used: set[int] = set()
    rows: list[dict[str, object]] = []
    county_of = {c.name: i for i, c in enumerate(COUNTIES)}
    for i, (kind, _, near, far) in enumerate(_POINT_PLAN):
        close = [int(v) for v in np.argsort(dist[:, i]) if dist[v, i] < radii[i] - 200]
        remote = np.flatnonzero(
            (vils["_c"].to_numpy() == county_of[str(cps[i]["county"])])
            & np.all(dist > radii + 3200, axis=1)
        )
        chosen = [v for v in close if v not in used][:near]
        chosen += [int(v) for v in rng.permutation(remote) if int(v) not in used][:far]
        for v in chosen:
            used.add(v)
            vil = vils.iloc[v]
            site_type = "community" if vil["kind"] == "urban" else "village"
            name = str(vil["name"])
            if kind == "enterprise":
                site_type, name = "enterprise", name[:2] + "实业有限公司"
            elif len(rows) % 7 == 3:
                site_type, name = "school", name[:2] + "中心学校"
            rows.append(
                {
                    "id": f"CJD{len(rows) + 1:03d}",
                    "name": name + "立法信息采集点",
                    "contact_point_id": cps[i]["id"],
                    "site_type": site_type,
                    "informants": np.int64(rng.integers(1, 6)),
                    "x": vxy[v, 0],
                    "y": vxy[v, 1],
                }
            )
    return pd.DataFrame(rows)
