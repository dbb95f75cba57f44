"""Capacities and township minimums through ``propose``, the CLI and the settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.cli.main import main
from analysis.coverage.api import compute_coverage
from analysis.errors import AnalysisError
from analysis.optimise import ProposalRequest, RuleConflictError, propose
from analysis.optimise.constrained.existing import existing_load
from analysis.optimise.constrained.settings import Constraints, constraints_of
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city
from geodata.schema import POINT_TYPES
from tests.support.e2e import synthetic_city

COMPLIANT = {"rural": 12, "enterprise": 7, "association": 3}
OFF = {
    "capacity_population": dict.fromkeys(POINT_TYPES, 0.0),
    "capacity_sites": 0,
    "township_min_share": 0.0,
}


@pytest.fixture(scope="module")
def demo() -> object:
    return load_demo_city()


def test_off_by_default() -> None:
    assert not constraints_of(load_standards(), ProposalRequest()).active


@pytest.mark.parametrize("method", ["preview", "milp"])
def test_capacity_off_gives_todays_answer(method: str) -> None:
    city = synthetic_city()
    base = ProposalRequest(counts={"rural": 3, "enterprise": 2}, relaxed=True, method=method)
    today = propose(city, None, base)
    off = propose(city, None, ProposalRequest(**{**base.__dict__, **OFF}))
    assert off.constrained is None and today.constrained is None
    assert list(off.points["site_id"]) == list(today.points["site_id"])
    assert off.objective == today.objective
    assert off.status == today.status
    assert "served_population" not in off.points


def test_demo_with_a_capacity_never_serves_beyond_it(demo: object) -> None:
    cap = 40_000.0
    request = ProposalRequest(
        counts=COMPLIANT, capacity_population=dict.fromkeys(POINT_TYPES, cap), time_limit_s=20
    )
    proposal = propose(demo, None, request)  # type: ignore[arg-type]
    figures = proposal.constrained
    assert figures is not None and figures.constraints.capacitated
    served = proposal.points["served_population"].to_numpy(float)
    assert np.all(served <= cap + 1)
    assert served.sum() > 0
    # served never exceeds covered, and the network serves more than before
    assert figures.served_after <= proposal.kpis_after.population_covered + 1
    assert figures.served_before < figures.served_after
    assert proposal.gap < 1 and np.isfinite(proposal.bound)
    load = existing_load(compute_coverage(demo), figures.constraints)  # type: ignore[arg-type]
    assert np.all(load.by_point <= cap + 1e-6)
    assert load.served.sum() == pytest.approx(figures.served_before, abs=1)


def test_collection_site_capacity_on_the_demo_preview(demo: object) -> None:
    request = ProposalRequest(counts=COMPLIANT, capacity_sites=5, method="preview")
    proposal = propose(demo, None, request)  # type: ignore[arg-type]
    assert proposal.constrained is not None
    assert proposal.constrained.constraints.sites_per_point == 5
    assert proposal.constrained.served_after <= proposal.kpis_after.population_covered + 1


def test_infeasible_township_minimum_is_a_conflict_report(demo: object) -> None:
    """HiGHS proves it (the preview only reports the townships its plan leaves short)."""
    request = ProposalRequest(counts=COMPLIANT, township_min_share=0.3, time_limit_s=60)
    with pytest.raises(RuleConflictError) as info:
        propose(demo, None, request)  # type: ignore[arg-type]
    towns = [c for c in info.value.report.conflicts if c.code == "township_minimum"]
    assert towns and all(c.shortfall > 0 for c in towns)
    assert all("30%" in c.message_zh and c.county in c.message_zh for c in towns)
    codes = {p.code for p in info.value.problems}
    assert "rule_township_minimum" in codes


def test_township_minimum_met_when_feasible() -> None:
    city = synthetic_city()
    request = ProposalRequest(
        counts={"rural": 4, "enterprise": 2}, relaxed=True, township_min_share=0.05
    )
    proposal = propose(city, None, request)
    figures = proposal.constrained
    assert figures is not None and figures.townships
    assert not figures.townships_unmet
    assert all(t.after >= t.required for t in figures.townships)


def test_relaxed_township_minimum_reports_the_shortfall(demo: object) -> None:
    request = ProposalRequest(
        counts=COMPLIANT, township_min_share=0.3, relaxed=True, method="preview"
    )
    proposal = propose(demo, None, request)  # type: ignore[arg-type]
    assert proposal.constrained is not None and proposal.constrained.townships_unmet
    assert not proposal.compliant
    assert any(u.code == "township_minimum" for u in proposal.unmet)


@pytest.mark.parametrize(
    "fields",
    [
        {"capacity_population": {"rural": -1}},
        {"capacity_population": {"spaceship": 10}},
        {"capacity_sites": -2},
        {"township_min_share": 1.5},
    ],
)
def test_bad_settings_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(AnalysisError) as info:
        constraints_of(load_standards(), ProposalRequest(**fields))  # type: ignore[arg-type]
    assert info.value.problems[0].code == "bad_request"


def test_standards_file_switches_them_on(tmp_path: Path) -> None:
    path = tmp_path / "std.toml"
    path.write_text(
        "[capacity]\npopulation_per_point = 30000\nsites_per_point = 5\n"
        "[township_minimum]\nshare = 0.2\n",
        encoding="utf-8",
    )
    c = constraints_of(load_standards(path), ProposalRequest())
    assert c == Constraints(dict.fromkeys(POINT_TYPES, 30000.0), 5, 0.2)
    # a request field overrides the file: 0 switches a type's capacity off
    req = ProposalRequest(capacity_population={"rural": 0}, township_min_share=0.0)
    c = constraints_of(load_standards(path), req)
    assert "rural" not in c.population_by_type and c.township_min_share == 0.0


def test_cli_writes_the_constrained_figures(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(
        ["propose", "--demo", "--rural", "12", "--enterprise", "7", "--preview",
         "--capacity-population", "40000", "--capacity", "rural=30000", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    plan = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))["plan"]
    assert plan["constrained"]["population_by_type"]["rural"] == 30000
    assert plan["constrained"]["population_by_type"]["enterprise"] == 40000
    head = (out / "proposed_points.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "served_population" in head


def test_cli_township_minimum_conflict_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["propose", "--demo", "--rural", "12", "--enterprise", "7", "--time-limit", "60",
         "--township-min-share", "0.3", "--out", str(tmp_path / "o")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and "30%" in err
