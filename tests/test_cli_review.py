"""``python -m analysis review``: files written, bad records refused with exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cli.main import main
from geodata.demo.load import load_demo_city

FILES = (
    "review_ranking.csv",
    "review_commend.csv",
    "review_adjust.csv",
    "review_standards.csv",
    "review_counties.csv",
    "review_quarters.csv",
    "运行评估.xlsx",
)


def test_demo_writes_csv_with_bom_and_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--demo", "--out", str(tmp_path)]) == 0
    assert "表彰" in capsys.readouterr().out
    for name in FILES:
        assert (tmp_path / name).is_file(), name
    raw = (tmp_path / "review_adjust.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    adjust = pd.read_csv(tmp_path / "review_adjust.csv", encoding="utf-8-sig")
    row = adjust.set_index("编号").loc["DBZJ01"]
    assert "学习类8次" in row["理由"] and "基层治理" in row["理由"]
    book = load_workbook(tmp_path / "运行评估.xlsx", read_only=True)
    assert book.sheetnames == ["排名", "表彰名单", "调整名单", "标准检查", "县区汇总", "季度趋势"]
    ranking = pd.read_csv(tmp_path / "review_ranking.csv", encoding="utf-8-sig")
    assert ranking["收集意见"].sum() == 326 and ranking["采纳意见"].sum() == 89


def test_points_and_records_files_with_relocation_needs_the_city(tmp_path: Path) -> None:
    city = load_demo_city()
    points = tmp_path / "联系点.geojson"
    city.contact_points.to_file(points, driver="GeoJSON")
    records = tmp_path / "记录.csv"
    pd.DataFrame(
        {"编号": ["LXD01", "LXD02"], "季度": ["2025-Q4", "2025-Q4"], "收集意见数": [3, 0]}
    ).to_csv(records, index=False, encoding="gbk")
    out = tmp_path / "out"
    args = ["review", "--points", str(points), "--records", str(records), "--out", str(out)]
    assert main(args) == 0
    ranking = pd.read_csv(out / "review_ranking.csv", encoding="utf-8-sig")
    assert set(ranking["编号"]) == set(city.contact_points["id"])
    assert main([*args, "--relocate"]) == 2  # relocation needs townships and villages


def test_bad_records_exit_2_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "记录.xlsx"
    pd.DataFrame(
        {"编号": ["LXD01", "XX9"], "期间": ["2025-Q1", "later"], "收集意见数": [-1, 2]}
    ).to_excel(bad, index=False)
    assert main(["review", "--demo", "--records", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "XX9" in err and "later" in err and "negative" in err
    assert not (tmp_path / "o").exists()


def test_relocation_file_and_the_module_entry_point(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "review",
            "--demo",
            "--relocate",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    moves = pd.read_csv(tmp_path / "review_relocation.csv", encoding="utf-8-sig")
    assert {"point_id", "action", "population_lost", "population_gained", "net"} <= set(moves)
    assert (moves["action"] == "move").any()
    assert moves["explanation_zh"].str.contains("净增").any()
