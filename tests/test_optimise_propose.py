"""The GeoDataFrame adapter ``propose`` and the ``python -m analysis propose`` command."""

from __future__ import annotations

import json
import threading
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.coverage.kpis import KPIs
from analysis.optimise.model.request import ProposalRequest
from analysis.optimise.progress import SolveCancelled
from analysis.optimise.propose import propose
from analysis.standards.load import load_standards
from tests.support.optimise_city import small_city
from tests.support.solver_hold import WAIT_S, SolveHold

STD = load_standards(radius_by_type_m={"rural": 4000, "enterprise": 2500, "association": 2500})
OK_COUNTS = {"rural": 6, "enterprise": 3, "association": 1}
MIN = {"rural": 2, "enterprise": 1}


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return small_city()


@pytest.fixture(scope="module")
def plan(city):  # type: ignore[no-untyped-def]
    # "population": the figures below compare the objective with people covered
    req = ProposalRequest(counts=OK_COUNTS, objective="population", time_limit_s=20)
    return propose(city, STD, req)


def test_plan_is_optimal_compliant_and_complete(city, plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.status == "optimal" and plan.compliant and plan.unmet == ()
    assert plan.gap < 1e-5
    pts = plan.points
    assert pts.crs.to_epsg() == 4326
    assert pts["type"].value_counts().to_dict() == OK_COUNTS
    assert pts["site_id"].is_unique
    assert list(pts["order"]) == list(range(1, 11))
    assert set(pts["status"]) == {"proposed"}
    allp = plan.city_after.contact_points
    for county in ("甲区", "乙县", "丙县", "丁县"):
        for t, n in MIN.items():
            assert ((allp["county"] == county) & (allp["type"] == t)).sum() >= n


def test_existing_points_stay_and_kpis_add_up(city, plan) -> None:  # type: ignore[no-untyped-def]
    before = city.contact_points.set_index("id")
    after = plan.city_after.contact_points.set_index("id")
    assert after.loc[before.index, "type"].equals(before["type"])
    assert after.loc[before.index].geometry.geom_equals(before.geometry).all()
    assert len(after) == len(before) + 10
    gained = plan.points["newly_covered_population"].sum()
    assert plan.kpis_after.population_covered == plan.kpis_before.population_covered + gained
    assert plan.objective == pytest.approx(gained)  # rural weight 1: objective = people
    assert plan.kpis_after.contact_points_total == 14


def test_curve_and_reasons(plan) -> None:  # type: ignore[no-untyped-def]
    curve = plan.curve
    assert [c.k for c in curve] == list(range(11))
    covered = [c.covered_population for c in curve]
    assert covered[0] == plan.kpis_before.population_covered
    assert covered[-1] == plan.kpis_after.population_covered
    assert np.all(np.diff(covered) >= 0)
    marginal = [c.marginal_population for c in curve[1:]]
    assert marginal == list(plan.points["newly_covered_population"])
    # county-minimum reasons: exactly the shortfalls (rural 2+1+1+2, enterprise 1+1+1)
    rules = plan.points.loc[plan.points["rule"] == "county_minimum", "type"].value_counts()
    assert rules.to_dict() == {"rural": 6, "enterprise": 3}
    assert plan.points["reason_zh"].str.contains("新覆盖").all()


def test_preview_keeps_rules_and_is_not_better_than_optimum(city, plan) -> None:  # type: ignore[no-untyped-def]
    req = ProposalRequest(counts=OK_COUNTS, objective="population", method="preview")
    quick = propose(city, STD, req)
    assert quick.compliant and quick.status == "heuristic"
    assert quick.objective <= plan.objective + 1e-6
    assert quick.objective >= 0.9 * plan.objective


def test_relaxed_plan_is_flagged_non_compliant(city) -> None:  # type: ignore[no-untyped-def]
    req = ProposalRequest(counts={"rural": 3, "enterprise": 2, "association": 1}, relaxed=True)
    plan = propose(city, STD, req)
    assert not plan.compliant
    assert plan.points["type"].value_counts().to_dict() == req.counts
    # 6 rural and 3 enterprise needed, 3 and 2 placed where needed: 3 + 1 short
    assert sum(u.shortfall for u in plan.unmet if u.point_type == "rural") == 3
    assert sum(u.shortfall for u in plan.unmet if u.point_type == "enterprise") == 1
    assert (plan.points["rule"] == "county_minimum").sum() == 5
    assert not plan.conflicts.feasible


def test_exemption_makes_request_compliant(city) -> None:  # type: ignore[no-untyped-def]
    req = ProposalRequest(
        counts={"rural": 4, "enterprise": 3, "association": 0}, exempt_urban_districts=True
    )
    plan = propose(city, STD, req)
    assert plan.compliant and plan.conflicts.exemption_applied


def test_must_cover_township_is_covered(city) -> None:  # type: ignore[no-untyped-def]
    from analysis.coverage.api import compute_coverage

    towns = compute_coverage(city, STD).townships
    blind = towns.loc[towns["covered_population"] == 0, "code"].tolist()
    assert blind, "the fixture should have a township without coverage"
    req = ProposalRequest(counts={"rural": 6, "enterprise": 3}, must_cover_townships=(blind[-1],))
    plan = propose(city, STD, req)
    after = compute_coverage(plan.city_after, STD).townships.set_index("code")
    assert after.loc[blind[-1], "covered_population"] > 0


def test_cancel_and_progress(city) -> None:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    stop.set()
    with pytest.raises(SolveCancelled):
        propose(city, STD, ProposalRequest(counts=OK_COUNTS), cancel=stop)
    seen: list[float] = []
    propose(city, STD, ProposalRequest(counts=OK_COUNTS), progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0 <= f <= 1 for f in seen) and seen == sorted(seen)


def test_cancel_during_the_exact_solve_keeps_the_best_plan_so_far(city) -> None:  # type: ignore[no-untyped-def]
    """A cancel that reaches a running exact solve returns the preview's plan, "cancelled".

    The solver's thread is held at its first exact-solve progress report until the cancel
    is set (``tests/support/solver_hold.py``): the same point every run, no clock.
    """
    hold = SolveHold(at="HiGHS")
    stop = threading.Event()
    found: dict[str, object] = {}

    def solve() -> None:
        request = ProposalRequest(counts=OK_COUNTS, time_limit_s=120)
        found["plan"] = propose(city, STD, request, progress=hold.wrap(), cancel=stop)

    worker = threading.Thread(target=solve, daemon=True)
    worker.start()
    try:
        hold.wait_reached()
        stop.set()
    finally:
        hold.release()
    worker.join(WAIT_S)
    plan = found["plan"]
    assert plan.status == "cancelled"  # type: ignore[attr-defined]
    assert plan.compliant and len(plan.proposed) == sum(OK_COUNTS.values())  # type: ignore[attr-defined]
    assert hold.messages[-1] == "done"


def _files(city, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    names = {"townships": city.townships, "villages": city.villages, "points": city.contact_points}
    args = []
    for flag, gdf in names.items():
        path = tmp_path / f"{flag}.geojson"
        gdf.to_file(path, driver="GeoJSON")
        args += [f"--{flag}", str(path)]
    return args


def test_cli_writes_every_file(city, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    args = ["propose", *_files(city, tmp_path), "--rural", "6", "--enterprise", "3"]
    args += ["--association", "1", "--out", str(out)]
    assert main(args) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {"proposed_points.csv", "proposed_points.geojson", "kpis.json",
                     "kpis_before.json", "conflicts.json", "curve.csv"}  # fmt: skip
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert set(kpis) == {f.name for f in fields(KPIs)}
    assert kpis["contact_points_total"] == 14
    pts = pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig", dtype={"site_id": str})
    assert len(pts) == 10 and pts["compliant"].all()
    conflicts = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    assert conflicts["feasible"] and conflicts["plan"]["compliant"]
    curve = pd.read_csv(out / "curve.csv", encoding="utf-8-sig")
    assert list(curve["k"]) == list(range(11))


def test_cli_conflict_exits_2_with_flags_and_flagged_plan(city, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert main(["propose", *_files(city, tmp_path), "--rural", "3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--exempt-urban-districts --rural 4" in err and "--rural 6" in err
    assert "Traceback" not in err
    conflicts = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    assert not conflicts["feasible"] and not conflicts["plan"]["compliant"]
    relaxed = ["propose", *_files(city, tmp_path), "--rural", "3", "--relaxed", "--out", str(out)]
    assert main(relaxed) == 0


def test_cli_bad_input_exits_2_without_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(["propose", "--townships", str(tmp_path / "x.geojson"), "--out", str(tmp_path)]) == 2
    )
    err = capsys.readouterr().err
    assert "--villages" in err and "Traceback" not in err
    assert main(["propose", "--demo", "--rural", "-1", "--out", str(tmp_path)]) == 2


def test_cli_demo_default_reports_speech_conflicts(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("geodata.demo.load", reason="demo city module not installed")
    out = tmp_path / "demo"
    assert main(["propose", "--demo", "--preview", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--rural 12 --enterprise 7" in err
    conflicts = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    assert {c["point_type"]: c["shortfall"] for c in conflicts["conflicts"]} == {
        "rural": 4, "enterprise": 2,
    }  # fmt: skip
    pts = pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig")
    assert len(pts) == 16 and not pts["compliant"].any()
    assert np.isin(pts["type"], ["rural", "enterprise", "association"]).all()


def test_user_candidate_list_is_the_only_place_used(city) -> None:  # type: ignore[no-untyped-def]
    cands = city.villages.iloc[::3][["code", "name", "geometry"]].rename(columns={"code": "id"})
    req = ProposalRequest(counts={"rural": 6, "enterprise": 3}, candidates=cands)
    plan = propose(city, STD, req)
    assert plan.compliant
    assert plan.points["site_id"].isin(cands["id"]).all()
    towns = dict(zip(city.villages["code"], city.villages["township_code"], strict=True))
    assert (plan.points["township_code"] == plan.points["site_id"].map(towns)).all()


def test_the_order_of_the_requested_types_changes_nothing() -> None:
    """The dashboard hands the counts sorted by name; the plan must not depend on it."""
    from geodata.demo.load import load_demo_city

    demo = load_demo_city()
    speech = {"rural": 12, "enterprise": 7, "association": 3}
    by_name = dict(sorted(speech.items()))
    a = propose(demo, request=ProposalRequest(counts=speech))
    b = propose(demo, request=ProposalRequest(counts=by_name))
    assert a.status == b.status == "optimal"
    assert a.objective == b.objective
    assert sorted(a.points["type"]) == sorted(b.points["type"])
