"""``python -m analysis report``: the four files, exact KPI keys, exit 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.coverage.kpis import KPIs
from tests.support.coverage_fixtures import tiny_city

REPO = Path(__file__).resolve().parent.parent
REQUIRED_KPI_KEYS = {
    "population_total", "population_covered", "coverage_share", "rural_population_total",
    "rural_population_covered", "rural_coverage_share", "urban_coverage_share",
    "townships_total", "townships_uncovered", "contact_points_total", "contact_points_by_type",
    "rural_point_share", "rural_population_share", "collection_sites_total",
    "points_with_3_to_5_sites", "points_below_3_sites", "points_above_5_sites",
    "counties_total", "counties_compliant", "opinions_collected", "opinions_adopted",
    "adoption_rate", "network_population_covered", "network_coverage_share", "equity_index",
    "equity_flagged", "points_below_room_standard", "homes_total",
}  # fmt: skip
FILES = ("kpis.json", "townships.csv", "counties.csv", "contact_points.csv")


@pytest.fixture(scope="module")
def city_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    city = tiny_city()
    layers = {
        "townships": city.townships,
        "villages": city.villages,
        "points": city.contact_points,
        "sites": city.collection_sites,
        "homes": city.homes,
    }
    paths = {}
    for name, gdf in layers.items():
        paths[name] = folder / f"{name}.geojson"
        gdf.to_file(paths[name], driver="GeoJSON")
    return paths


def _args(files: dict[str, Path], out: Path, *extra: str) -> list[str]:
    argv = ["report"]
    for name, path in files.items():
        argv += [f"--{name}", str(path)]
    return [*argv, *extra, "--out", str(out)]


def test_user_files_give_four_files_with_hand_worked_numbers(
    city_files: dict[str, Path], tmp_path: Path
) -> None:
    assert main(_args(city_files, tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    kpis = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))
    assert set(kpis) == {f.name for f in fields(KPIs)}
    assert set(kpis) >= REQUIRED_KPI_KEYS
    assert (kpis["population_total"], kpis["population_covered"]) == (2500, 2000)
    assert kpis["townships_uncovered"] == 1 and kpis["network_population_covered"] == 2400
    for name in FILES[1:]:
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no UTF-8 BOM"
    towns = pd.read_csv(tmp_path / "townships.csv", encoding="utf-8-sig", dtype={"code": str})
    assert towns["name"].tolist() == ["一街道", "二镇", "三乡"]
    assert towns["covered_population"].tolist() == [1500, 500, 0]
    points = pd.read_csv(tmp_path / "contact_points.csv", encoding="utf-8-sig")
    assert points["site_rule"].tolist() == ["below", "ok"]
    counties = pd.read_csv(tmp_path / "counties.csv", encoding="utf-8-sig")
    assert counties["county"].tolist() == ["甲区", "乙县"]


def test_radius_option_and_township_grid(city_files: dict[str, Path], tmp_path: Path) -> None:
    files = {k: v for k, v in city_files.items() if k != "villages"}
    assert main(_args(files, tmp_path, "--radius-m", "40000")) == 0
    kpis = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["demand_source"] == "township_grid"
    assert kpis["population_total"] == 2500 and kpis["population_covered"] == 2500


def test_standards_file_option(city_files: dict[str, Path], tmp_path: Path) -> None:
    std = tmp_path / "std.toml"
    std.write_text("[radius_m]\nurban_community = 12000\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(_args(city_files, out, "--standards", str(std))) == 0
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["population_covered"] == 2000 + 0  # P1 at 12 km adds v2/v3, already covered


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--townships", "missing.geojson", "--points", "missing2.csv"],
            ["missing.geojson", "missing2.csv"],
        ),
        (["--points", "p.csv"], ["--townships"]),
        (["--demo", "--points", "p.csv"], ["--demo"]),
        (["--demo", "--radius-m", "-3"], ["--radius-m"]),
    ],
)
def test_bad_input_exits_2_with_every_problem(
    argv: list[str], expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", *argv, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    for text in expected:
        assert text in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "towns.csv"
    bad.write_text("名称,人口\n一镇,100\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--townships", str(bad), "--points",
         str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "towns.csv" in proc.stderr and "nope.csv" in proc.stderr


def test_demo_report(tmp_path: Path) -> None:
    pytest.importorskip("geodata.demo.load")
    assert main(["report", "--demo", "--out", str(tmp_path)]) == 0
    kpis = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))
    assert set(kpis) == {f.name for f in fields(KPIs)}
    assert kpis["contact_points_total"] == 12
    assert (kpis["opinions_collected"], kpis["opinions_adopted"]) == (326, 89)
    counties = pd.read_csv(tmp_path / "counties.csv", encoding="utf-8-sig")
    assert len(counties) == 8
    points = pd.read_csv(tmp_path / "contact_points.csv", encoding="utf-8-sig")
    assert len(points) == 12


def test_population_table_is_joined(city_files: dict[str, Path], tmp_path: Path) -> None:
    import geopandas as gpd

    towns = gpd.read_file(city_files["townships"]).drop(columns=["population", "rural_population"])
    towns_path = tmp_path / "boundaries.geojson"
    towns.to_file(towns_path, driver="GeoJSON")
    table = tmp_path / "人口.csv"
    table.write_text("乡镇名称,人口\n一街道,3000\n二镇,1000\n三乡,1000\n", encoding="gbk")
    files = {"townships": towns_path, "points": city_files["points"], "population": table}
    out = tmp_path / "out"
    assert main(_args(files, out)) == 0
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["demand_source"] == "township_grid"
    assert kpis["population_total"] == 5000
    assert kpis["rural_population_total"] == 2000  # rural townships, from kind


def test_unmatched_population_table_exits_2(
    city_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "pop.csv"
    table.write_text("乡镇名称,人口\n一街道,3000\n不存在镇,1000\n", encoding="utf-8")
    files = {"townships": city_files["townships"], "points": city_files["points"],
             "population": table}  # fmt: skip
    assert main(_args(files, tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert "不存在镇" in err and "Traceback" not in err


# --- data outside China, bad data said once ------------------------------------------------


@pytest.fixture(scope="module")
def kenya_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.support.outside_china import write_city_files

    return write_city_files(tmp_path_factory.mktemp("kenya"), "kenya")


def test_outside_china_refused_naming_the_flag_then_accepted(
    kenya_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(kenya_files, tmp_path / "refused")) == 2
    err = capsys.readouterr().err
    assert "--outside-china" in err and "[outside_china]" in err
    assert len(err.splitlines()) <= 4  # one line per file, one hint; not one per feature
    out = tmp_path / "accepted"
    assert main(_args(kenya_files, out, "--outside-china")) == 0
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert (kpis["population_total"], kpis["population_covered"]) == (2500, 2000)


def test_propose_and_export_take_the_flag(
    kenya_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["propose", "--townships", str(kenya_files["townships"]), "--villages",
            str(kenya_files["villages"]), "--points", str(kenya_files["points"]),
            "--rural", "1", "--enterprise", "0", "--association", "0", "--preview",
            "--relaxed", "--out", str(tmp_path / "p")]  # fmt: skip
    assert main(argv) == 2
    assert "--outside-china" in capsys.readouterr().err
    assert main([*argv, "--outside-china"]) == 0
    assert (tmp_path / "p" / "proposed_points.csv").is_file()
    export = ["export", "--scenario", "nope", "--workspace", str(tmp_path / "ws.gpkg"),
              "--format", "csv", "--out", str(tmp_path / "e"), "--outside-china",
              "--problems-file", str(tmp_path / "e.csv")]  # fmt: skip
    assert main(export) == 2
    assert pd.read_csv(tmp_path / "e.csv", encoding="utf-8-sig")["code"].tolist() == [
        "scenario_not_found"
    ]


def test_identical_problems_once_every_one_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.bad_villages import BAD_ROWS, write_many_bad_villages

    good = REPO / "tests" / "data" / "good"
    files = {"townships": good / "townships.geojson", "points": good / "contact_points.csv",
             "villages": write_many_bad_villages(tmp_path / "村庄.csv")}  # fmt: skip
    assert main(_args(files, tmp_path / "o")) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err  # the summary line and how to see every problem
    assert "村庄.csv" in err[0] and f"{BAD_ROWS:,} rows" in err[0] and "--all-problems" in err[1]
    assert main(_args(files, tmp_path / "o", "--all-problems")) == 2
    assert len(capsys.readouterr().err.splitlines()) == BAD_ROWS
    table = tmp_path / "problems.csv"
    assert main(_args(files, tmp_path / "o", "--problems-file", str(table))) == 2
    written = pd.read_csv(table, encoding="utf-8-sig", dtype=str)
    assert len(written) == BAD_ROWS and set(written["file"]) == {"村庄.csv"}
