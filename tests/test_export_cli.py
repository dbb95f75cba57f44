"""``python -m analysis export``: saved scenarios and the demo city to every format."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest
from openpyxl import load_workbook

from analysis.__main__ import main
from analysis.workspace.store import WorkspaceStore
from tests.support.export_fixtures import make_city, make_scenario


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ws") / "workspace.gpkg"
    store = WorkspaceStore(path)
    city = make_city()
    store.save_dataset("fixture", city)
    store.save(make_scenario(city))
    return path


def test_cli_exports_a_saved_scenario_in_every_format(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--scenario",
            "测试方案",
            "--workspace",
            str(workspace),
            "--format",
            "all",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out.split()
    names = {Path(p).name for p in printed}
    for expected in (
        "测试方案.gpkg",
        "测试方案_shp.zip",
        "测试方案.kml",
        "测试方案.kmz",
        "测试方案.xlsx",
        "测试方案_简报.docx",
        "测试方案_简报.pdf",
        "测试方案_地图.png",
        "测试方案_contact_points.csv",
        "测试方案_contact_points.geojson",
    ):
        assert expected in names
        assert (tmp_path / expected).stat().st_size > 0
    cps = pyogrio.read_dataframe(tmp_path / "测试方案.gpkg", layer="contact_points")
    assert sorted(cps["status"]) == [
        "existing",
        "existing",
        "moved",
        "proposed",
        "proposed",
        "removed",
    ]


def test_cli_gcj02(workspace: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "export",
                "--scenario",
                "测试方案",
                "--workspace",
                str(workspace),
                "--format",
                "xlsx",
                "--coords",
                "gcj02",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    # The file name says GCJ-02 too (issue #16): the coordinates are not WGS84.
    wb = load_workbook(tmp_path / "测试方案_GCJ02.xlsx")
    meta = {r[0]: r[1] for r in wb["方案概况"].iter_rows(values_only=True) if r[0]}
    assert meta["坐标系"].startswith("GCJ-02")


def test_cli_unknown_scenario_is_a_clean_error(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--scenario",
            "没有这个方案",
            "--workspace",
            str(workspace),
            "--format",
            "gpkg",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "ERROR" in capsys.readouterr().err


def test_cli_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--demo", "--format", "dwg", "--out", str(tmp_path)])
    assert exc.value.code == 2


def test_cli_demo_baseline(tmp_path: Path) -> None:
    pytest.importorskip("geodata.demo.load")
    assert main(["export", "--demo", "--format", "gpkg", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.gpkg")
    cps = pyogrio.read_dataframe(path, layer="contact_points")
    assert set(cps["status"]) == {"existing"}
    from analysis.coverage.api import compute_coverage
    from analysis.export.reimport import city_from_gpkg
    from geodata.demo.load import load_demo_city

    again = compute_coverage(city_from_gpkg(path)).kpis.to_dict()
    assert again == compute_coverage(load_demo_city()).kpis.to_dict()
