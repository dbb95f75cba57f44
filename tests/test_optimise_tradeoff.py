"""Trade-off between total and rural coverage: optimal plans per weighting, none dominated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.optimise import tradeoff as tradeoff_module
from analysis.optimise.exact.milp import solve_milp
from analysis.optimise.model.objective import mix_weights
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.tradeoff import (
    TRADEOFF_COLUMNS,
    Tradeoff,
    propose_tradeoff,
    tradeoff_proposal,
)
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city
from tests.support.optimise_city import small_city

STD = load_standards(radius_by_type_m={"rural": 4000, "enterprise": 2500, "association": 2500})
DEMO_REQUEST = ProposalRequest(counts={"rural": 12, "enterprise": 7, "association": 3})


def _dominated(frame: pd.DataFrame) -> list[int]:
    pop = frame["covered_population"].to_numpy()
    rural = frame["rural_population_covered"].to_numpy()
    out = []
    for i in range(len(frame)):
        better = (pop >= pop[i]) & (rural >= rural[i]) & ((pop > pop[i]) | (rural > rural[i]))
        if better.any():
            out.append(i)
    return out


@pytest.fixture(scope="module")
def demo_tradeoff() -> Tradeoff:
    return propose_tradeoff(load_demo_city(), load_standards(), DEMO_REQUEST)


def test_demo_tradeoff_has_five_plans_none_dominated(demo_tradeoff: Tradeoff) -> None:
    result = demo_tradeoff
    frame = result.to_frame()
    assert tuple(frame.columns) == TRADEOFF_COLUMNS
    assert len(frame) >= 5 and 5 <= result.solves <= 10
    assert _dominated(frame) == []
    assert frame["rural_population_covered"].is_monotonic_increasing
    assert frame["covered_population"].is_monotonic_decreasing
    assert (frame["status"] == "optimal").all() and frame["compliant"].all()
    assert frame["points"].str.count("；").eq(21).all()  # 22 points each
    # the ends: the most people, and the most rural people (the rural objective's 52.9%)
    assert frame["rural_coverage_share"].iloc[-1] >= 0.529
    assert frame["coverage_share"].iloc[0] >= 0.728


def test_plan_figures_are_the_kpis_of_its_proposal(demo_tradeoff: Tradeoff) -> None:
    demo, std = load_demo_city(), load_standards()
    for i in (0, len(demo_tradeoff.plans) - 1):
        plan = demo_tradeoff.plans[i]
        proposal = tradeoff_proposal(demo, std, demo_tradeoff, i)
        k = proposal.kpis_after
        assert k.population_covered == plan.covered_population
        assert k.rural_population_covered == plan.rural_population_covered
        assert k.townships_uncovered == plan.townships_uncovered
        assert len(proposal.proposed) == 22 and proposal.compliant


def test_each_plan_is_optimal_for_its_weighting() -> None:
    city = small_city()
    req = ProposalRequest(counts={"rural": 6, "enterprise": 3, "association": 2})
    result = propose_tradeoff(city, STD, req)
    assert len(result.plans) >= 2
    problem, bases = result.model.problem, result.model.bases
    for plan in result.plans:
        weighted = replace(problem, weights=mix_weights(bases, plan.rural_share_weight))
        plain = solve_milp(weighted, reduce_columns=False, time_limit_s=60)
        assert weighted.objective(plan.columns) == pytest.approx(plain.objective, rel=1e-6)
    assert _dominated(result.to_frame()) == []


def test_intermediate_weightings_fill_the_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    """From the two ends only, the search between neighbouring plans finds the others."""
    monkeypatch.setattr(tradeoff_module, "START_WEIGHTS", (0.0, 1.0))
    result = propose_tradeoff(load_demo_city(), load_standards(), DEMO_REQUEST, max_solves=8)
    weights = [p.rural_share_weight for p in result.plans]
    assert len(result.plans) >= 5 and result.solves > 2
    assert any(0.0 < w < 1.0 for w in weights)
    assert _dominated(result.to_frame()) == []


def test_cli_writes_tradeoff_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["propose", "--demo", "--relaxed", "--tradeoff", "--out", str(out)]
    assert main(args) == 0
    raw = (out / "tradeoff.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, like the other CSVs
    frame = pd.read_csv(out / "tradeoff.csv", encoding="utf-8-sig")
    for col in ("covered_population", "rural_population_covered", "townships_uncovered"):
        assert col in frame.columns
    assert len(frame) >= 5
    assert _dominated(frame) == []
    assert np.all(np.diff(frame["rural_share_weight"]) > 0)
    assert "权衡曲线" in capsys.readouterr().err
