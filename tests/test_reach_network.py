"""The road graph (issue #13, deliverable 2): junction rules, snapping, pieces, attaching places."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components
from shapely.geometry import LineString, MultiLineString

from analysis.errors import AnalysisError
from analysis.reach.network.attach import attach
from analysis.reach.network.build import NetworkBuild, build_network
from analysis.reach.network.pieces import pieces, small_pieces
from analysis.reach.network.report import network_report
from analysis.reach.network.types import RoadNetwork
from geodata.schema import ROAD_CLASSES

Road = tuple[object, str]  # geometry, class; options as keywords of _build


def _build(
    roads: list[object],
    classes: list[str] | None = None,
    *,
    kmh: list[float] | None = None,
    oneway: list[int] | None = None,
    level: list[int] | None = None,
    tol: float = 2.0,
) -> NetworkBuild:
    n = len(roads)
    lines = np.array(
        [LineString(r) if isinstance(r, list) else r for r in roads] + [None], dtype=object
    )[:n]
    classes = classes or ["county"] * n
    return build_network(
        lines,
        np.array([ROAD_CLASSES.index(c) for c in classes]),
        np.array(kmh or [40.0] * n),
        np.array(oneway or [0] * n, dtype=np.int8),
        np.array(level or [0] * n),
        snap_tolerance_m=tol,
    )


def _edges(net: RoadNetwork) -> set[tuple[tuple[float, float], tuple[float, float], float]]:
    """Each edge as (from xy, to xy, length), rounded to the centimetre."""

    def xy(i: int) -> tuple[float, float]:
        return (round(float(net.node_x_m[i]), 2), round(float(net.node_y_m[i]), 2))

    return {
        (xy(a), xy(b), round(float(length), 2))
        for a, b, length in zip(net.edge_from, net.edge_to, net.edge_length_m, strict=True)
    }


def _undirected(net: RoadNetwork) -> set[frozenset[tuple[float, float]]]:
    return {frozenset((a, b)) for a, b, _ in _edges(net)}


def _n_pieces(net: RoadNetwork) -> int:
    return int(net.node_component.max()) + 1


# --- junction rules -----------------------------------------------------------------------


def test_expressway_crossing_a_county_road_is_no_junction() -> None:
    built = _build([[(0, 0), (200, 0)], [(100, -100), (100, 100)]], ["expressway", "county"])
    net = built.network
    assert _edges(net) == {
        ((0, 0), (200, 0), 200.0),
        ((100, -100), (100, 100), 200.0),
    }
    assert _n_pieces(net) == 2
    assert built.crossings == 0


def test_expressway_sharing_an_inner_vertex_with_a_road_is_still_no_junction() -> None:
    net = _build(
        [[(0, 0), (100, 0), (200, 0)], [(100, -100), (100, 0), (100, 100)]],
        ["expressway", "national"],
    ).network
    assert net.n_nodes == 6 and net.n_edges == 4
    assert _n_pieces(net) == 2


def test_interchange_ramp_ending_on_the_expressway_joins_it() -> None:
    # The ramp ends on the expressway between its vertices: a T junction cuts the expressway.
    # The county road crossing at x = 50 still passes under without a junction.
    built = _build(
        [[(0, 0), (200, 0)], [(120, -100), (120, 0)], [(50, -100), (50, 100)]],
        ["expressway", "county", "county"],
    )
    net = built.network
    assert _edges(net) == {
        ((0, 0), (120, 0), 120.0),
        ((120, 0), (200, 0), 80.0),
        ((120, -100), (120, 0), 100.0),
        ((50, -100), (50, 100), 200.0),
    }
    assert built.t_junctions == 1
    assert _n_pieces(net) == 2
    # Beside the expressway (1 m) is not on it; near a vertex of it (1 m) is a ramp's end.
    beside = _build(
        [[(0, 0), (200, 0)], [(120, -100), (120, -1)]], ["expressway", "county"]
    ).network
    assert _n_pieces(beside) == 2
    near_vertex = _build(
        [[(0, 0), (120, 0), (200, 0)], [(121, -100), (121, -1)]], ["expressway", "county"]
    ).network
    assert near_vertex.n_nodes == 4 and _n_pieces(near_vertex) == 1
    # A ramp ending on an inner vertex of the expressway joins it there too.
    at_vertex = _build(
        [[(0, 0), (120, 0), (200, 0)], [(120, -100), (120, 0)]], ["expressway", "county"]
    ).network
    assert at_vertex.n_nodes == 4 and _n_pieces(at_vertex) == 1
    assert not net.edge_walkable[net.edge_class == ROAD_CLASSES.index("expressway")].any()


def test_two_county_roads_crossing_are_joined() -> None:
    built = _build([[(0, 0), (200, 0)], [(100, -100), (100, 100)]])
    assert _edges(built.network) == {
        ((0, 0), (100, 0), 100.0),
        ((100, 0), (200, 0), 100.0),
        ((100, -100), (100, 0), 100.0),
        ((100, 0), (100, 100), 100.0),
    }
    assert built.crossings == 1
    assert _n_pieces(built.network) == 1


def test_two_roads_sharing_an_inner_vertex_are_joined() -> None:
    net = _build([[(0, 0), (100, 0), (200, 0)], [(100, -100), (100, 0), (100, 100)]]).network
    assert net.n_nodes == 5 and net.n_edges == 4 and _n_pieces(net) == 1


def test_bridge_over_a_road_is_no_junction_but_meets_its_approach() -> None:
    net = _build(
        [[(-100, 0), (0, 0)], [(0, 0), (200, 0)], [(100, -100), (100, 100)]],
        level=[0, 1, 0],
    ).network
    assert _edges(net) == {
        ((-100, 0), (0, 0), 100.0),
        ((0, 0), (200, 0), 200.0),
        ((100, -100), (100, 100), 200.0),
    }
    assert _n_pieces(net) == 2


def test_a_line_end_joins_an_inner_point_only_at_its_own_level() -> None:
    # A bridge ending above the middle of a ground road does not join it; a ground road
    # ending there does (a T junction).
    above = _build([[(0, 0), (100, 0)], [(50, 0), (50, 100)]], level=[0, 1]).network
    assert above.n_edges == 2 and _n_pieces(above) == 2
    ground = _build([[(0, 0), (100, 0)], [(50, 0), (50, 100)]], level=[0, 0]).network
    assert ground.n_edges == 3 and _n_pieces(ground) == 1


def test_expressways_join_at_their_ends_not_where_they_cross() -> None:
    net = _build(
        [[(0, 0), (100, 0)], [(100, 0), (200, 0)], [(150, -50), (150, 50)]],
        ["expressway", "expressway", "urban_expressway"],
    ).network
    assert net.n_nodes == 5 and net.n_edges == 3
    assert _n_pieces(net) == 2


def test_an_end_near_a_junction_snaps_to_the_junction_not_beside_it() -> None:
    # The end (101, 1.2) is nearer the vertical road (1 m) than the junction (1.56 m): it
    # joins the junction rather than cutting a 1.2 m stub off the vertical road.
    net = _build(
        [[(0, 0), (200, 0)], [(100, -100), (100, 100)], [(101, 1.2), (160, 100)]], tol=2.0
    ).network
    assert net.n_nodes == 6 and net.n_edges == 5
    junction = np.flatnonzero((net.node_x_m == 100) & (net.node_y_m == 0))
    assert junction.size == 1
    assert np.count_nonzero((net.edge_from == junction[0]) | (net.edge_to == junction[0])) == 5


def test_end_within_the_tolerance_is_snapped_beyond_it_not() -> None:
    near = _build([[(0, 0), (100, 0)], [(101.5, 0), (200, 0)]], tol=2.0).network
    assert near.n_nodes == 3 and _n_pieces(near) == 1
    # Two line ends meet half-way; the lengths stay those of the lines as drawn.
    assert sorted(near.edge_length_m.tolist()) == [98.5, 100.0]
    far = _build([[(0, 0), (100, 0)], [(103, 0), (200, 0)]], tol=2.0).network
    assert far.n_nodes == 4 and _n_pieces(far) == 2


def test_end_near_a_segment_makes_a_t_junction_there() -> None:
    built = _build([[(0, 0), (100, 0)], [(50, 1.5), (50, 100)]], tol=2.0)
    assert _edges(built.network) == {
        ((0, 0), (50, 0), 50.0),
        ((50, 0), (100, 0), 50.0),
        ((50, 0), (50, 100), 98.5),
    }
    assert built.t_junctions == 1
    beyond = _build([[(0, 0), (100, 0)], [(50, 2.5), (50, 100)]], tol=2.0).network
    assert beyond.n_edges == 2 and _n_pieces(beyond) == 2


def test_exact_t_junction() -> None:
    net = _build([[(0, 0), (100, 0)], [(30, 0), (30, 80)]], tol=0.0).network
    assert _undirected(net) == {
        frozenset({(0, 0), (30, 0)}),
        frozenset({(30, 0), (100, 0)}),
        frozenset({(30, 0), (30, 80)}),
    }


def test_one_way_lines_and_reversed_ones() -> None:
    net = _build(
        [[(0, 0), (100, 0)], [(100, 0), (200, 0)], [(200, 0), (300, 0)]], oneway=[1, -1, 0]
    ).network
    assert _edges(net) == {
        ((0, 0), (100, 0), 100.0),
        ((200, 0), (100, 0), 100.0),  # digitised 100 -> 200, one-way against it: reversed
        ((200, 0), (300, 0), 100.0),
    }
    x = net.node_x_m
    node = {float(v): i for i, v in enumerate(x)}
    drive = net.graph("drive").toarray() > 0
    assert drive[node[0], node[100]] and not drive[node[100], node[0]]
    assert drive[node[200], node[100]] and not drive[node[100], node[200]]
    assert drive[node[200], node[300]] and drive[node[300], node[200]]
    walk = net.graph("walk").toarray() > 0
    assert walk[node[100], node[0]] and walk[node[100], node[200]]
    assert net.edge_oneway.tolist() == [True, True, False]


def test_multilinestring_parts() -> None:
    crossing = MultiLineString([[(0, 0), (100, 0)], [(50, -50), (50, 50)]])
    apart = MultiLineString([[(0, 0), (100, 0)], [(0, 500), (100, 500)]])
    joined = _build([crossing]).network
    assert joined.n_edges == 4 and _n_pieces(joined) == 1
    assert set(joined.edge_line.tolist()) == {0}
    two = _build([apart]).network
    assert two.n_edges == 2 and _n_pieces(two) == 2


def test_duplicates_kept_once_fastest_and_zero_length_dropped() -> None:
    built = _build(
        [[(0, 0), (100, 0)], [(100, 0), (0, 0)], [(100, 0), (100, 0), (200, 0)], [(5, 5), (5, 5)]],
        kmh=[30.0, 60.0, 40.0, 40.0],
    )
    net = built.network
    assert _edges(net) == {((100, 0), (0, 0), 100.0), ((100, 0), (200, 0), 100.0)}
    assert net.edge_drive_kmh.tolist() == [60.0, 40.0]
    assert built.duplicates_dropped == 1 and built.duplicates_dropped_m == 100.0
    assert built.zero_length_dropped == 2 and built.zero_length_dropped_m == 0.0


def test_bad_input_is_reported_all_at_once() -> None:
    lines = np.array([shapely.Point(0, 0), LineString([(0, 0), (1, 0)])], dtype=object)
    with pytest.raises(AnalysisError) as info:
        build_network(
            lines, np.array([0, 99]), np.array([0.0, 10.0]), np.array([0, 2]), np.zeros(2)
        )
    codes = {p.code for p in info.value.problems}
    assert codes == {"road_not_line", "road_class_range", "road_speed", "road_oneway"}


# --- attaching places ---------------------------------------------------------------------


def test_attach_foot_inside_a_segment_exact() -> None:
    net = _build([[(0, 0), (1000, 0)], [(0, 300), (0, 0)]]).network
    joined = attach(net, [300.0, -40.0], [40.0, 120.0], max_offroad_m=500, offroad_kmh=3.0)
    e = joined.edge
    assert net.node_x_m[net.edge_from[e[0]]] == 0 and net.node_x_m[net.edge_to[e[0]]] == 1000
    assert joined.offroad_m[0] == pytest.approx(40.0)
    assert joined.along_m[0] == pytest.approx(300.0)
    assert joined.offroad_m[1] == pytest.approx(40.0)
    assert joined.along_m[1] == pytest.approx(180.0)  # from (0, 300) down to (0, 120)
    assert joined.offroad_minutes[0] == pytest.approx(40.0 / 50.0)


def test_attach_prefers_the_nearest_edge_over_the_nearest_node() -> None:
    # The place is 100 m from the middle of a 1 km edge, 141 m from the nearest node.
    net = _build([[(0, 0), (1000, 0)], [(600, 200), (900, 500)]]).network
    joined = attach(net, [500.0], [100.0], max_offroad_m=1000, offroad_kmh=3.0)
    nodes = np.hypot(net.node_x_m - 500, net.node_y_m - 100).min()
    assert nodes == pytest.approx(np.hypot(100, 100))
    assert joined.offroad_m[0] == pytest.approx(100.0)
    assert net.edge_length_m[joined.edge[0]] == 1000


def test_attach_beyond_the_maximum_is_off_the_network_never_dropped() -> None:
    net = _build([[(0, 0), (1000, 0)]]).network
    joined = attach(
        net, [10.0, 10.0, np.nan], [300.0, 3000.0, 0.0], max_offroad_m=500, offroad_kmh=3.0
    )
    assert joined.size == 3
    assert joined.edge.tolist() == [0, -1, -1]
    assert np.isnan(joined.offroad_m[1]) and np.isnan(joined.along_m[1])


def test_attach_never_to_an_expressway() -> None:
    net = _build(
        [[(0, 10), (1000, 10)], [(0, 200), (1000, 200)]], ["expressway", "village"]
    ).network
    near = attach(net, [500.0], [0.0], max_offroad_m=500, offroad_kmh=3.0)
    assert net.edge_class[near.edge[0]] == ROAD_CLASSES.index("village")
    assert near.offroad_m[0] == pytest.approx(200.0)
    assert attach(net, [500.0], [0.0], max_offroad_m=100, offroad_kmh=3.0).edge[0] == -1


def test_attach_matches_brute_force_on_random_networks() -> None:
    rng = np.random.default_rng(7)
    roads = [list(map(tuple, rng.uniform(0, 5000, (rng.integers(2, 6), 2)))) for _ in range(60)]
    net = _build(roads).network
    x, y = rng.uniform(-500, 5500, 3000), rng.uniform(-500, 5500, 3000)
    joined = attach(net, x, y, max_offroad_m=400, offroad_kmh=4.0)
    segs = shapely.linestrings(
        np.stack(
            [net.node_x_m[net.edge_from], net.node_y_m[net.edge_from],
             net.node_x_m[net.edge_to], net.node_y_m[net.edge_to]], axis=1
        ).reshape(-1, 2),
        indices=np.repeat(np.arange(net.n_edges), 2),
    )  # fmt: skip
    brute = shapely.distance(shapely.points(x, y)[:, None], segs[None, :]).min(axis=1)
    on = brute <= 400
    assert np.array_equal(joined.on_network, on)
    np.testing.assert_allclose(joined.offroad_m[on], brute[on], atol=1e-6)


# --- pieces and the report ----------------------------------------------------------------


def _islands() -> RoadNetwork:
    return _build(
        [[(0, 0), (10_000, 0)], [(5000, 0), (5000, 5000)], [(20_000, 0), (20_100, 0)]],
    ).network


def test_pieces_numbered_by_length_and_small_ones_listed() -> None:
    net = _islands()
    table = pieces(net)
    assert table["length_m"].tolist() == [15_000.0, 100.0]
    assert table["is_main"].tolist() == [True, False]
    small = small_pieces(net)
    assert small["piece"].tolist() == [1]
    assert small["share"].iloc[0] == pytest.approx(100 / 15_100)
    assert small_pieces(net, max_share=0.001).empty


def test_report_lists_places_off_the_network_and_on_small_pieces() -> None:
    net = _islands()
    x = np.array([2000.0, 20_050.0, 20_000.0, 8000.0])
    y = np.array([30.0, 20.0, -5.0, 3000.0])
    joined = attach(net, x, y, max_offroad_m=500, offroad_kmh=3.0)
    report = network_report(
        net,
        joined,
        ids=["v1", "v2", "p1", "v3"],
        names=["甲村", "乙村", "点一", "丙村"],
        kinds=["village", "village", "point", "village"],
        x_m=x,
        y_m=y,
    )
    off = report.off_network
    assert off["id"].tolist() == ["v3"]
    assert off["nearest_road_m"].iloc[0] == pytest.approx(3000.0)
    assert report.small_pieces[["piece", "n_places"]].values.tolist() == [[1, 2]]
    on = report.on_small_pieces
    assert on["id"].tolist() == ["v2", "p1"]
    assert on["kind"].tolist() == ["village", "point"]
    assert on["piece_length_m"].tolist() == [100.0, 100.0]
    assert on["offroad_m"].tolist() == pytest.approx([20.0, 5.0])


# --- properties on random line sets -------------------------------------------------------

# On a 10 cm grid: points closer than the 1 cm quantisation are one point by design.
coord = st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 1))
line_st = st.lists(st.tuples(coord, coord), min_size=2, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_st, min_size=1, max_size=12), st.sampled_from([0.0, 0.5, 5.0]))
def test_lengths_add_up_and_no_dead_end_has_a_near_twin(
    raw: list[list[tuple[float, float]]], tol: float
) -> None:
    _check_lengths_and_dead_ends(raw, tol)


def _check_lengths_and_dead_ends(raw: list[list[tuple[float, float]]], tol: float) -> None:
    built = _build(raw, tol=tol)
    net = built.network
    total = sum(LineString(r).length for r in raw)
    kept = float(net.edge_length_m.sum())
    assert kept + built.zero_length_dropped_m + built.duplicates_dropped_m == pytest.approx(
        total, rel=1e-9, abs=1e-6
    )
    # No two nodes at one place; no dead end within the tolerance of a node of other lines.
    xy = np.round(np.column_stack([net.node_x_m, net.node_y_m]), 6)
    assert np.unique(xy, axis=0).shape[0] == net.n_nodes
    ends = np.concatenate([net.edge_from, net.edge_to])
    degree = np.bincount(ends, minlength=net.n_nodes)
    lines_of = [set() for _ in range(net.n_nodes)]  # type: list[set[int]]
    for a, b, line in zip(net.edge_from, net.edge_to, net.edge_line, strict=True):
        lines_of[a].add(int(line))
        lines_of[b].add(int(line))
    # A line passing through a node is on it too, also when its edges there were dropped as
    # twins of another line's (edge_line names the kept twin only).
    geoms = np.array([LineString(r) for r in raw], dtype=object)
    for n in np.flatnonzero(degree == 1):
        d = np.hypot(net.node_x_m - net.node_x_m[n], net.node_y_m - net.node_y_m[n])
        near = np.flatnonzero((d < tol * 0.999) & (np.arange(net.n_nodes) != n))
        at = shapely.points(net.node_x_m[n], net.node_y_m[n])
        on_n = lines_of[n] | set(np.flatnonzero(shapely.distance(geoms, at) <= 1e-6).tolist())
        # A near node is allowed only on a line the dead end is on (its own line's nodes).
        assert all(lines_of[m] & on_n for m in near), (n, near)


@settings(max_examples=40, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=12))
def test_without_snapping_pieces_are_the_lines_that_touch(
    raw: list[list[tuple[float, float]]],
) -> None:
    lines = np.array([LineString(r) for r in raw], dtype=object)
    net = _build(raw, tol=0.0).network
    piece_of_line = np.full(len(raw), -1)
    piece_of_line[net.edge_line] = net.node_component[net.edge_from]
    # A line kept only as another's duplicate has no edge of its own.
    real = np.flatnonzero((shapely.length(lines) > 0) & (piece_of_line >= 0))
    # Lines that touch or cross (ordinary roads, one level) are in one piece.
    i, j = shapely.STRtree(lines[real]).query(lines[real], predicate="intersects")
    graph = sp.coo_matrix((np.ones(i.size), (i, j)), shape=(real.size, real.size))
    _, touching = connected_components(graph, directed=False)
    ours = piece_of_line[real]
    same_touching = touching[:, None] == touching[None, :]
    same_ours = ours[:, None] == ours[None, :]
    assert np.array_equal(same_touching, same_ours)


# Found by the property test above (2026-12-07): lines shorter than the tolerance whose ends
# met a duplicate or a zero-length line there (a snap at distance 0 that adds no road), and
# the tips of lines turning back on themselves, stayed dead ends beside other lines' nodes.
SHORT_LINES = [
    [
        [(0.0, 0.0), (0.0, 1.0)],
        [(0.0, 1.0), (1.0, 0.0)],
        [(0.0, 1.0), (1.0, 0.0)],
        [(0, 0), (0, 0)],
    ],
    [[(0, 0), (0, 1)], [(0, 0), (0, 2), (0, 0)]],
    [[(0, 0), (0, 0)], [(0, 0), (3, 1)], [(0, 4), (0, 1), (0, 6)]],
    [
        [(1.0, 108.6), (631.8, 131.2), (748.9, 104.9), (814.5, 378.0)],
        [(1.0, 108.6), (631.8, 131.2), (1.0, 104.9), (814.5, 378.0)],
    ],
    [
        [(2.0, 994.6), (769.0, 307.9), (994.6, 354.3), (769.0, 307.9), (53.0, 638.1)],
        [(2.0, 994.6), (769.0, 307.9), (990.1, 354.3), (769.0, 307.9), (53.0, 638.1)],
    ],
    [
        [(455.8, 0.0), (0.0, 0.5)],
        [(495.2, 1.0), (1.0, 0.0)],
        [(136.7, 737.2), (0, 4.5), (0, 318.6)],
    ],
]


@pytest.mark.parametrize("raw", SHORT_LINES)
def test_short_lines_duplicates_and_turning_lines_leave_no_dead_end_beside_others(
    raw: list[list[tuple[float, float]]],
) -> None:
    _check_lengths_and_dead_ends(raw, 5.0)


def test_short_lines_within_the_tolerance_are_merged() -> None:
    raw = [
        [(0.0, 0.0), (0.0, 1.0)],
        [(0.0, 1.0), (1.0, 0.0)],
        [(0.0, 1.0), (1.0, 0.0)],
        [(0.0, 0.0), (0.0, 0.0)],
    ]
    net = _build(raw, tol=5.0).network
    ends = np.concatenate([net.edge_from, net.edge_to])
    degree = np.bincount(ends, minlength=net.n_nodes)
    for n in np.flatnonzero(degree == 1):
        d = np.hypot(net.node_x_m - net.node_x_m[n], net.node_y_m - net.node_y_m[n])
        assert not ((d < 5.0 * 0.999) & (np.arange(net.n_nodes) != n)).any()
    # The duplicate and the zero-length line change nothing: as without them.
    alone = _build(raw[:2], tol=5.0).network
    assert (net.n_nodes, net.n_edges) == (alone.n_nodes, alone.n_edges)


def test_an_end_met_by_a_duplicate_or_a_point_line_still_snaps() -> None:
    # The end (101.5, 0) meets a duplicate of its line, or a zero-length line: both add no
    # road there, so it still snaps to the other road's end 1.5 m away.
    roads = [[(0, 0), (100, 0)], [(101.5, 0), (200, 0)]]
    for extra in ([(101.5, 0), (200, 0)], [(101.5, 0), (101.5, 0)]):
        built = _build([*roads, extra], tol=2.0)
        net = built.network
        assert net.n_edges == 2 and _n_pieces(net) == 1
        assert sorted(net.edge_length_m.tolist()) == [98.5, 100.0]
        assert built.duplicates_dropped + built.zero_length_dropped == 1
    # A duplicate line's own vertices are no other road: its short first segment stays.
    short_first = [[(0, 0), (1, 0), (100, 0)]]
    assert _edges(_build(short_first * 2).network) == _edges(_build(short_first).network)
    assert _build(short_first * 2).network.n_edges == 2


def test_a_line_turning_back_snaps_at_its_tip() -> None:
    # A spur drawn out and back along itself ends 1.5 m short of a road: its tip is a dead
    # end like a line end and joins the road (a T junction); 2.5 m short it does not.
    road = [(-50, 51.5), (50, 51.5)]
    built = _build([road, [(0, 0), (0, 50), (0, 0)]], tol=2.0)
    net = built.network
    assert built.t_junctions == 1 and _n_pieces(net) == 1
    assert net.n_edges == 3 and built.duplicates_dropped == 1
    apart = _build([road, [(0, 0), (0, 49), (0, 0)]], tol=2.0).network
    assert _n_pieces(apart) == 2


def test_two_ends_snapped_together_snap_on_while_still_a_dead_end() -> None:
    # Two lines cross at a small angle and end 1.4 m apart: their ends snap to each other,
    # which leaves a dead end (both come from the crossing); it snaps again, to the road
    # whose vertex is 3.5-4.6 m away (tolerance 5 m).
    road = [(-60, 4.5), (0, 4.5), (-30, 60)]
    built = _build([[(200, 0), (0, 1)], [(200, 1), (1, 0)], road], tol=5.0)
    net = built.network
    assert _n_pieces(net) == 1
    assert frozenset({(0.0, 4.5), (100.25, 0.5)}) in _undirected(net)
