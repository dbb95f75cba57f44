"""Road network of the demo city: which ground-graph edges become which named road.

Roads are laid grade by grade as least-cost paths in the ground graph
(:mod:`geodata.demo.roadgraph`): national and provincial roads between county seats, county
roads (县道) from each county seat to its township seats, township roads (乡道) between
neighbouring township seats, then a village road (村道) from every village to the nearest road.
Each grade reuses the roads already laid (they are cheaper to follow), so the network grows
like a real one: trunk roads first, spurs last. A few remote villages, far from every trunk
road, get none at all. The street grids of the towns are laid first and never renamed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import Delaunay, cKDTree

from geodata.demo.roadgraph import STREET_BLOCKS, GroundGraph
from geodata.schema import ROAD_CLASSES

#: National roads: (name, county indices the road links in order); county 0/1 are districts.
NATIONAL = (("G309国道", (2, 0, 6)), ("G312国道", (4, 0, 3)), ("G212国道", (7, 1, 5)))
#: Provincial roads around the ring of county seats.
PROVINCIAL = (
    ("S207省道", (4, 7)),
    ("S305省道", (7, 6)),
    ("S218省道", (6, 3)),
    ("S311省道", (3, 5)),
    ("S209省道", (5, 2)),
    ("S216省道", (2, 4)),
)
_ALL_STREETS = (
    "人民路解放路建设路和平路新华路中山路文化路胜利路友谊路长安路民主路团结路"
    "滨河路迎宾路兴华路振兴路朝阳路育才路南关街北关街东大街西大街鼓楼街安定路"
    "崆峒路塬上路秦州路陇西路金城路永昌路河州路凉州路平凉路天水路兰州路临洮路"
    "陇海路宝塔路延安路东岳路柳湖路广场路园林路工农路商贸路纺织路电力路水泥路"
    "石化路铁路巷粮站巷邮电巷医院巷学院巷书院巷骡马巷盐店巷仓门巷油坊巷米市巷"
)
#: Street names, three characters each (every town names its own streets from them).
_STREET_NAMES = tuple(_ALL_STREETS[i : i + 3] for i in range(0, len(_ALL_STREETS), 3))


@dataclass
class RoadPlan:
    """The roads laid so far: one entry per named road, and the road of every edge."""

    graph: GroundGraph
    classes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    edge_road: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.edge_road = np.full(len(self.graph.a), -1, dtype=np.int64)

    def new_road(self, road_class: str, name: str) -> int:
        """Register a road; return its id."""
        self.classes.append(road_class)
        self.names.append(name)
        return len(self.names) - 1

    def lay(self, edges: np.ndarray, road: int) -> None:
        """Give ``edges`` to ``road`` where they carry no road or a lower-grade one."""
        grade = ROAD_CLASSES.index(self.classes[road])
        current = [
            ROAD_CLASSES.index(self.classes[r]) if r >= 0 else len(ROAD_CLASSES)
            for r in self.edge_road[edges]
        ]
        own = (np.array(current, dtype=np.int64) > grade) & (self.graph.street[edges] == "")
        self.edge_road[edges[own]] = road

    def weights(self, reuse: float) -> np.ndarray:
        """Edge costs with roads already laid made cheaper by ``reuse``."""
        on = self.edge_road >= 0
        return np.where(on, self.graph.cost * reuse, self.graph.cost)

    def on_network(self) -> np.ndarray:
        """Nodes touched by a laid road."""
        used = self.edge_road >= 0
        out = np.zeros(len(self.graph.xy), bool)
        out[self.graph.a[used]] = out[self.graph.b[used]] = True
        return out


def edge_lookup(g: GroundGraph) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): k for k, (a, b) in enumerate(zip(g.a, g.b, strict=True))}


def _path_edges(
    pred: np.ndarray, target: int, lookup: dict[tuple[int, int], int], stop: np.ndarray | None
) -> np.ndarray:
    """Edges of the predecessor-tree path ending at ``target`` (up to a ``stop`` node)."""
    out: list[int] = []
    node = target
    while pred[node] >= 0 and (stop is None or not stop[node]):
        prev = int(pred[node])
        out.append(lookup[(min(prev, node), max(prev, node))])
        node = prev
    return np.array(out[::-1], dtype=np.int64)


def _route(plan: RoadPlan, src: int, dst: int, reuse: float, lookup: dict) -> np.ndarray:
    w = plan.graph.matrix(plan.weights(reuse))
    _, pred = dijkstra(w, indices=src, return_predecessors=True)
    return _path_edges(pred, dst, lookup, None)


def lay_streets(plan: RoadPlan, rng: np.random.Generator, centres: np.ndarray) -> list[int]:
    """One road per grid line (block) of every town; returns the core's one-way candidates.

    Every town names its own streets (each has its 人民路); ``centres`` are the towns' centres,
    the urban core first.
    """
    g = plan.graph
    pools = [list(rng.permutation(_STREET_NAMES)) for _ in centres]
    candidates: list[int] = []
    named: dict[int, str] = {}
    for line in np.unique(g.street_line[g.street_line >= 0]):
        edges = np.flatnonzero(g.street_line == line)
        cls = str(g.street[edges[0]])
        whole = int(line) // STREET_BLOCKS
        town = int(np.argmin(np.hypot(*(centres - g.xy[g.a[edges[0]]]).T)))
        if whole not in named:
            names = pools[town]
            name = names.pop() if names else f"{len(named) + 1}号路"
            if cls == "arterial" and rng.random() < 0.3:
                name = name.replace("路", "大道")
            named[whole] = name
        road = plan.new_road(cls, named[whole])
        plan.edge_road[edges] = road
        if cls in ("secondary", "branch") and town == 0:
            candidates.append(road)
    return candidates


def lay_trunk(plan: RoadPlan, seats: np.ndarray, lookup: dict) -> None:
    """National roads through their county seats, then the provincial ring."""
    for table, cls, reuse in ((NATIONAL, "national", 1.0), (PROVINCIAL, "provincial", 1.0)):
        for name, chain in table:
            road = plan.new_road(cls, name)
            for u, v in itertools.pairwise(chain):
                plan.lay(_route(plan, int(seats[u]), int(seats[v]), reuse, lookup), road)


def lay_county_roads(
    plan: RoadPlan, towns: pd.DataFrame, seat_node: pd.Series, lookup: dict
) -> None:
    """县道 X0xx: from each county seat to its township seats (a shortest-path tree)."""
    w = plan.graph.matrix(plan.weights(0.35))
    number = 0
    for _, grp in towns.sort_values(["_c", "_rank"]).groupby("_c", sort=True):
        hub = int(seat_node[grp["_t"].iloc[0]])
        dist, pred = dijkstra(w, indices=hub, return_predecessors=True)
        targets = [int(seat_node[t]) for t in grp["_t"].iloc[1:]]
        for node in sorted(targets, key=lambda n: dist[n]):
            edges = _path_edges(pred, node, lookup, None)
            if len(edges) and (plan.edge_road[edges] < 0).any():
                number += 1
                plan.lay(edges, plan.new_road("county", f"县道X{number:03d}"))


def lay_township_roads(
    plan: RoadPlan, seats_xy: np.ndarray, seat_nodes: np.ndarray, lookup: dict
) -> None:
    """乡道 Y0xx between neighbouring township seats (Delaunay neighbours within 16 km)."""
    tri = Delaunay(seats_xy).simplices
    pairs = np.unique(np.sort(np.vstack([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [0, 2]]])), axis=0)
    pairs = pairs[np.hypot(*(seats_xy[pairs[:, 0]] - seats_xy[pairs[:, 1]]).T) < 16_000]
    w = plan.graph.matrix(plan.weights(0.35))
    number = 0
    for i in np.unique(pairs[:, 0]):
        _, pred = dijkstra(w, indices=int(seat_nodes[i]), return_predecessors=True, limit=60_000)
        for j in pairs[pairs[:, 0] == i, 1]:
            edges = _path_edges(pred, int(seat_nodes[j]), lookup, None)
            fresh = plan.edge_road[edges] < 0 if len(edges) else np.zeros(0, bool)
            if plan.graph.length_m[edges[fresh]].sum() > 1_500:
                number += 1
                plan.lay(edges, plan.new_road("township", f"乡道Y{number:03d}"))


def pick_remote(
    rng: np.random.Generator, plan: RoadPlan, villages: pd.DataFrame, avoid_xy: np.ndarray, n: int
) -> np.ndarray:
    """Villages left without a road: rural, not seats, far from every road laid so far."""
    g = plan.graph
    nodes = g.village_node
    on = plan.on_network()
    far = cKDTree(g.xy[on]).query(villages[["x", "y"]].to_numpy())[0]
    clear = cKDTree(avoid_xy).query(villages[["x", "y"]].to_numpy())[0]
    ok = (
        (villages["kind"] == "rural").to_numpy()
        & ~villages["is_township_seat"].to_numpy()
        & (nodes >= 0)
        & (far > 4_500)
        & (clear > 3_000)
    )
    chosen: list[int] = []
    for v in rng.permutation(np.flatnonzero(ok)):
        xy = villages[["x", "y"]].to_numpy()
        if all(np.hypot(*(xy[v] - xy[c])) > 8_000 for c in chosen):
            chosen.append(int(v))
        if len(chosen) == n:
            break
    return np.array(sorted(chosen), dtype=np.int64)


def lay_village_roads(
    plan: RoadPlan, villages: pd.DataFrame, remote: np.ndarray, lookup: dict
) -> np.ndarray:
    """村道 from every other village to the nearest road; returns every village left without.

    Nodes within 2.3 km of a remote village are closed to village roads, so it stays more
    than 2 km from any road; a village inside such a zone is left without a road too.
    """
    g = plan.graph
    xy = villages[["x", "y"]].to_numpy()
    closed = np.zeros(len(g.xy), bool)
    if len(remote):
        closed = cKDTree(xy[remote]).query(g.xy)[0] < 2_300
    w = plan.weights(1.0)
    w = np.where(closed[g.a] | closed[g.b], np.inf, w)
    keep = np.isfinite(w)
    sub = GroundGraph(
        g.xy, g.a[keep], g.b[keep], g.length_m[keep], w[keep], g.bridge[keep], g.street[keep],
        g.street_line[keep], g.village_node,
    )  # fmt: skip
    on = plan.on_network()
    dist, pred, _ = dijkstra(
        sub.matrix(sub.cost), indices=np.flatnonzero(on), min_only=True, return_predecessors=True
    )
    left = []
    order = np.argsort(np.where(g.village_node >= 0, dist[np.maximum(g.village_node, 0)], 0))
    for v in order:
        node = int(g.village_node[v])
        if node < 0 or on[node]:
            continue
        if not np.isfinite(dist[node]):
            left.append(int(v))
            continue
        edges = _path_edges(pred, node, lookup, None)
        name = str(villages["name"].iloc[v])
        urban = villages["kind"].iloc[v] == "urban"
        road = plan.new_road("village", name + "道路" if urban else name[:-1] + "村道")
        plan.lay(edges, road)
    return np.array(sorted(set(left) | set(remote.tolist())), dtype=np.int64)
