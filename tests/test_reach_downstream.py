"""Road reach downstream of the coverage: optimiser, impact, second tier, CLI and exports.

The demo city with its roads (``--demo --reach road``): every consumer must use the same
travel-time test as the KPIs, so a plan's predicted figures equal the coverage recomputed
on the plan, and the files say which reach was used.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from analysis.__main__ import main
from analysis.coverage.api import CoverageResult, compute_coverage
from analysis.coverage.engine.types import PlaceArrays
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.propose import Proposal, propose
from analysis.optimise.sites.collection_sites import propose_collection_sites
from analysis.standards.load import Standards, load_standards
from geodata.city import CityData
from geodata.demo.load import load_demo_city


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    import os

    os.environ["COVERAGE_PLANNER_CACHE_DIR"] = str(tmp_path_factory.mktemp("reach-cache"))


@pytest.fixture(scope="module")
def road() -> Standards:
    return load_standards(reach_mode="road")


@pytest.fixture(scope="module")
def city() -> CityData:
    return load_demo_city()


@pytest.fixture(scope="module")
def before(city: CityData, road: Standards) -> CoverageResult:
    return compute_coverage(city, road)


@pytest.fixture(scope="module")
def plan(city: CityData, road: Standards) -> Proposal:
    request = ProposalRequest(counts={"rural": 6, "enterprise": 2}, relaxed=True)
    return propose(city, road, request)


def test_the_demo_has_roads_and_the_reach_differs_from_the_circle(
    city: CityData, before: CoverageResult
) -> None:
    assert city.roads is not None and len(city.roads) > 1000
    radius = compute_coverage(city)
    assert before.reach_mode == "road" and radius.reach_mode == "radius"
    road_flags = before.demand["covered_by_point"].to_numpy(bool)
    circle_flags = radius.demand["covered_by_point"].to_numpy(bool)
    # loess hills: villages inside a circle but beyond the road time, and no fewer of them
    assert (circle_flags & ~road_flags).sum() > 0
    assert np.isfinite(before.demand["nearest_point_minutes"]).mean() > 0.95


def test_plan_figures_equal_the_recomputed_coverage(plan: Proposal, before: CoverageResult) -> None:
    gained = sum(p.newly_covered_population for p in plan.proposed)
    assert plan.kpis_before.population_covered == before.kpis.population_covered
    assert plan.kpis_after.population_covered == before.kpis.population_covered + gained
    assert plan.kpis_after.reach_mode == "road"


def test_each_new_point_reaches_its_newly_covered_villages_by_road(
    plan: Proposal, road: Standards
) -> None:
    after = compute_coverage(plan.city_after, road)
    assert after.kpis.population_covered == plan.kpis_after.population_covered
    reach = after.reach
    assert reach is not None and after.metric is not None
    demand = after.demand
    places = PlaceArrays(
        demand["x_m"].to_numpy(float),
        demand["y_m"].to_numpy(float),
        demand["scale_k"].to_numpy(float),
    )
    new = [p for p in plan.proposed]
    x, y = after.metric.to_xy(np.array([p.lon for p in new]), np.array([p.lat for p in new]))
    points = PlaceArrays(
        x, y, after.metric.scale_factor([p.lon for p in new], [p.lat for p in new])
    )
    rows, cols = reach.point_pairs(places, points, np.array([p.type for p in new], dtype=object))
    alone = np.bincount(
        cols, weights=demand["population"].to_numpy(float)[rows], minlength=len(new)
    )
    # "alone" counts people not covered before; it can only be less than all people in reach
    for p, total in zip(new, alone, strict=True):
        assert p.newly_covered_alone <= round(total)


def test_second_tier_plans_on_road_reach(plan: Proposal, road: Standards) -> None:
    sites = propose_collection_sites(plan.city_after, road, time_limit_s=20)
    assert sites.status in {"optimal", "time_limit", "heuristic"}
    assert (sites.points.columns.size > 0) and len(sites.sites) > 0


def test_cli_report_and_propose_on_road_reach(tmp_path: Path) -> None:
    assert main(["report", "--demo", "--reach", "road", "--out", str(tmp_path / "r")]) == 0
    kpis = json.loads((tmp_path / "r" / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["reach_mode"] == "road"
    assert main(["report", "--demo", "--reach", "road", "--reach-minutes", "60",
                 "--out", str(tmp_path / "r60")]) == 0  # fmt: skip
    wider = json.loads((tmp_path / "r60" / "kpis.json").read_text(encoding="utf-8"))
    assert wider["population_covered"] > kpis["population_covered"]
    argv = ["propose", "--demo", "--reach", "road", "--rural", "3", "--enterprise", "0",
            "--association", "0", "--relaxed", "--out", str(tmp_path / "p")]  # fmt: skip
    assert main(argv) == 0
    after = json.loads((tmp_path / "p" / "kpis.json").read_text(encoding="utf-8"))
    assert after["reach_mode"] == "road"


def test_cli_road_reach_needs_roads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--townships", "t.gpkg", "--points", "p.gpkg", "--reach", "road",
            "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 2
    assert "--roads" in capsys.readouterr().err
    assert main(["report", "--demo", "--reach-minutes", "-3", "--out", str(tmp_path)]) == 2


def test_export_says_which_reach(tmp_path: Path) -> None:
    argv = ["export", "--demo", "--reach", "road", "--format", "xlsx", "--out", str(tmp_path)]
    assert main(argv) == 0
    (path,) = tmp_path.glob("*.xlsx")
    meta = {r[0]: r[1] for r in load_workbook(path)["方案概况"].iter_rows(values_only=True)}
    assert "覆盖范围按道路通行时间" in meta["覆盖口径"]
    assert "农村联系点驾车20分钟" in meta["覆盖口径"]
