"""The brief and the workbook name the capacities and township minimum, only when used."""

from __future__ import annotations

import pytest

from analysis.coverage.api import compute_coverage
from analysis.export.brief import build_brief
from analysis.export.layers import build_bundle
from analysis.export.office import overview_frame
from analysis.plan.scenarios import baseline_scenario
from analysis.standards.load import load_standards
from geodata.demo.load import load_demo_city
from geodata.schema import POINT_TYPES


@pytest.fixture(scope="module")
def demo() -> object:
    return load_demo_city()


def _bundle(city: object, **overrides: object) -> object:
    std = load_standards(**overrides)
    scenario = baseline_scenario(city, "demo")  # type: ignore[arg-type]
    coverage = compute_coverage(city, std)  # type: ignore[arg-type]
    points = {
        name: scenario.layer(name) for name in ("contact_points", "collection_sites", "homes")
    }
    return build_bundle(city, points, coverage, coverage, standards=std)  # type: ignore[arg-type]


def test_nothing_said_when_off(demo: object) -> None:
    bundle = _bundle(demo)
    assert bundle.constraints_note == ""  # type: ignore[attr-defined]
    assert "容量与乡镇下限" not in set(overview_frame(bundle).iloc[:, 0])  # type: ignore[arg-type]


def test_capacity_and_township_minimum_in_brief_and_workbook(demo: object) -> None:
    bundle = _bundle(
        demo, capacity_population_per_point=40_000, capacity_sites_per_point=5,
        township_min_share=0.2,
    )  # fmt: skip
    note = bundle.constraints_note  # type: ignore[attr-defined]
    assert "容量假设" in note and "40,000" in note and "5个村" in note
    assert "乡镇最低覆盖" in note and "20%" in note and "未达到的乡镇" in note
    assert note in build_brief(bundle).notes  # type: ignore[arg-type]
    frame = overview_frame(bundle)  # type: ignore[arg-type]
    assert note in set(frame.iloc[:, 1])
    for t in POINT_TYPES[:1]:
        assert t not in note  # Chinese type names, not codes
