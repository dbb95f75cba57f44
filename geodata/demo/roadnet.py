"""The demo city's ``roads`` layer, made with its terrain (called by :mod:`geodata.demo.build`).

Its randomness comes from a generator of its own (:data:`ROAD_SEED_KEY`), started after every
other layer is made, so the other layers are exactly what they were before the city had roads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geodata.demo.layers import COUNTIES, KM
from geodata.demo.roadgraph import Town, build_ground
from geodata.demo.roadlines import (
    EXPRESSWAY_NAME,
    chain_lines,
    expressway_line,
    expressway_pieces,
    oneway_choices,
    remote_from_roads,
)
from geodata.demo.roads import (
    RoadPlan,
    edge_lookup,
    lay_county_roads,
    lay_streets,
    lay_township_roads,
    lay_trunk,
    lay_village_roads,
    pick_remote,
)
from geodata.demo.terrain import Terrain, build_terrain

#: Second word of the roads' seed: ``default_rng([SEED, ROAD_SEED_KEY])``.
ROAD_SEED_KEY = 13
#: The urban core's street grid: centre (m), radius (m).
CORE_CENTRE = (2_500.0, 3_000.0)
CORE_RADIUS_M = 7_000.0
#: Expressway waypoints (km from the centre), west to north-east, past the county towns.
_EXPRESSWAY_KM = (
    (-47.5, -28.5), (-24.0, -16.0), (-3.0, -10.0), (16.0, -2.0), (33.0, 19.0), (42.5, 33.0)
)  # fmt: skip
#: Where the interchanges are sought (km): near 丰塬县, 崆源区, 北塬区 and 云峰县.
_INTERCHANGES_KM = ((-48.0, -25.0), (-3.0, -7.0), (13.0, 0.0), (45.0, 31.5))
_REMOTE_VILLAGES = 6
_ONEWAY_STREETS = 5


@dataclass(frozen=True)
class RoadLayer:
    """The roads (metric coordinates) and the terrain they were made with."""

    roads: pd.DataFrame  # name, road_class, speed_kmh, oneway, level, geometry
    terrain: Terrain
    roadless_villages: np.ndarray  # positions in the villages frame


def _seats(towns: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """Seat village of every township, with the township's county and rank."""
    seats = villages[villages["is_township_seat"]].merge(
        towns[["_t", "_rank"]], on="_t", how="left"
    )
    return seats.sort_values("_t").reset_index(drop=True)


def _boundary_end(city: shapely.Geometry, xy: np.ndarray, direction: np.ndarray) -> np.ndarray:
    ring = shapely.get_exterior_ring(city)
    far = shapely.Point(*(xy + 200 * KM * direction))
    return np.array(
        shapely.get_coordinates(shapely.line_interpolate_point(ring, ring.project(far)))[0]
    )


def build_roads(
    seed: int,
    city: shapely.Geometry,
    towns: pd.DataFrame,
    villages: pd.DataFrame,
    points_xy: np.ndarray,
) -> RoadLayer:
    """Make the terrain and the road lines of the demo city (metric, relative to the centre).

    Parameters
    ----------
    seed
        The city's seed; the roads draw from ``default_rng([seed, ROAD_SEED_KEY])``.
    city
        The city outline.
    towns, villages
        The generator's township and village frames (with their ``_``-prefixed columns).
    points_xy
        Contact points, collection sites and homes: no ravine swallows them.
    """
    rng = np.random.default_rng([seed, ROAD_SEED_KEY])
    seats = _seats(towns, villages)
    county_seats = seats[seats["_rank"] == 0].sort_values("_c")
    cs_xy = county_seats[["x", "y"]].to_numpy()
    vxy = villages[["x", "y"]].to_numpy()
    town_grids = [Town(CORE_CENTRE, CORE_RADIUS_M, 650.0, rng.uniform(-0.25, 0.25), 3)]
    keep_out = [(np.array(CORE_CENTRE), CORE_RADIUS_M + 3 * KM)]
    for xy in cs_xy[2:]:
        town_grids.append(
            Town((float(xy[0]), float(xy[1])), 2_000.0, 500.0, rng.uniform(-0.4, 0.4), 4)
        )
        keep_out.append((xy, 5 * KM))
    terrain = build_terrain(rng, city, np.vstack([vxy, points_xy]), keep_out)
    if shapely.intersects_xy(terrain.outline, *np.vstack([vxy, points_xy]).T).any():
        raise RuntimeError("a ravine swallowed a village or point; change ROAD_SEED_KEY")
    ground = build_ground(rng, city, terrain, vxy, town_grids)
    plan = RoadPlan(ground)
    lookup = edge_lookup(ground)
    oneway_candidates = lay_streets(plan, rng, np.array([t.centre for t in town_grids]))

    def node_at(xy: np.ndarray) -> int:
        return int(np.argmin(np.hypot(*(ground.xy - xy).T)))

    seat_node = pd.Series(
        [node_at(xy) for xy in seats[["x", "y"]].to_numpy()], index=seats["_t"].to_numpy()
    )
    county_nodes = np.array([seat_node[t] for t in county_seats["_t"]])
    lay_trunk(plan, county_nodes, lookup)
    lay_county_roads(plan, towns, seat_node, lookup)
    lay_township_roads(plan, seats[["x", "y"]].to_numpy(), seat_node.to_numpy(), lookup)
    waypoints = np.array(_EXPRESSWAY_KM) * KM
    ends = [
        _boundary_end(city, waypoints[0], waypoints[0] - waypoints[1]),
        _boundary_end(city, waypoints[-1], waypoints[-1] - waypoints[-2]),
    ]
    expressway = expressway_line(rng, city, np.vstack([ends[0], waypoints, ends[1]]))
    avoid = shapely.get_coordinates(shapely.segmentize(expressway, 200.0))
    remote = pick_remote(rng, plan, villages, avoid, _REMOTE_VILLAGES)
    roadless = lay_village_roads(plan, villages, remote, lookup)

    oneway = oneway_choices(rng, oneway_candidates, _ONEWAY_STREETS)
    rows: list[dict[str, object]] = []
    for road, level, xy in chain_lines(plan):
        rows.append(
            {"name": plan.names[road], "road_class": plan.classes[road],
             "oneway": int(road in oneway), "level": level, "geometry": shapely.linestrings(xy)}
        )  # fmt: skip
    others = shapely.union_all([r["geometry"] for r in rows])
    national_roads = [r for r, c in enumerate(plan.classes) if c == "national"]
    national = np.isin(plan.edge_road, national_roads)
    nat_xy = ground.xy[np.unique(np.concatenate([ground.a[national], ground.b[national]]))]
    for kind, level, xy in expressway_pieces(
        expressway, others, nat_xy, terrain.outline, np.array(_INTERCHANGES_KM) * KM
    ):
        name = EXPRESSWAY_NAME
        if kind == "ramp":  # named after the county town it serves
            town = np.argmin(np.hypot(*(cs_xy - xy[-1]).T))
            name += COUNTIES[int(town)].name[:2] + "互通匝道"
        rows.append(
            {"name": name, "road_class": "expressway", "oneway": 0, "level": level,
             "geometry": shapely.linestrings(xy)}
        )  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.insert(2, "speed_kmh", np.nan)
    frame["oneway"] = frame["oneway"].astype(np.int64)
    frame["level"] = frame["level"].astype(np.int64)
    if len(roadless):  # only those truly more than 2 km from any road line
        roadless = roadless[remote_from_roads(list(frame["geometry"]), vxy[roadless]) > 2_000]
    return RoadLayer(frame, terrain, roadless)


__all__ = ["CORE_CENTRE", "ROAD_SEED_KEY", "RoadLayer", "build_roads"]
