"""``propose --objective / --no-site-rules / --save-as``: a plan saved from the command line
is exported by ``python -m analysis export --scenario NAME`` (real workspace file)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.workspace.store import WorkspaceStore
from tests.support.optimise_city import small_city


def _files(tmp_path: Path) -> list[str]:
    city = small_city()
    names = {"townships": city.townships, "villages": city.villages, "points": city.contact_points}
    args = []
    for flag, gdf in names.items():
        path = tmp_path / f"{flag}.geojson"
        gdf.to_file(path, driver="GeoJSON")
        args += [f"--{flag}", str(path)]
    return args


COUNTS = ["--rural", "6", "--enterprise", "3", "--association", "1"]


def test_save_as_then_export_through_a_real_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws" / "workspace.gpkg"
    files = _files(tmp_path)
    out = tmp_path / "out"
    args = ["propose", *files, *COUNTS, "--objective", "rural", "--out", str(out)]
    save = ["--save-as", "农村优先方案", "--workspace", str(ws), "--author", "张三"]
    assert main([*args, *save]) == 0
    assert "农村优先方案" in capsys.readouterr().err
    store = WorkspaceStore(ws)
    scn = store.load("农村优先方案")
    assert scn.author == "张三" and scn.dataset_id.startswith("cli-")
    assert store.has_dataset(scn.dataset_id)  # the input files live in the workspace now
    cp = scn.layer("contact_points")
    new = cp[cp["status"] == "proposed"]
    pts = pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig")
    assert sorted(new["id"]) == sorted(pts["id"])
    assert new["reason"].str.contains("新覆盖").all()
    assert "农村覆盖人口最多" in scn.description
    facts = scn.solve_facts  # the solve, as fields (not a sentence of the description)
    assert facts is not None and facts.objective_kind == "rural" and not facts.edited
    assert facts.counts == {"rural": 6, "enterprise": 3, "association": 1}
    assert facts.time_limit_s == 30.0 and facts.proposed_ids == tuple(sorted(new["id"]))
    assert "求解状态" not in scn.description
    # the export runs in another "session": only the workspace file connects the two
    exported = tmp_path / "exp"
    code = main(
        [
            "export", "--scenario", "农村优先方案", "--workspace", str(ws),
            "--format", "csv", "--out", str(exported),
        ]
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(exported / "农村优先方案_contact_points.csv", encoding="utf-8-sig")
    assert len(table) == 4 + 10
    overview = pd.read_csv(exported / "农村优先方案_overview.csv", encoding="utf-8-sig")
    assert "求解说明：求解状态（采纳时）" in set(overview.iloc[:, 0])
    # the same name again: refused, nothing overwritten
    assert main([*args, *save]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "Traceback" not in err
    assert store.load("农村优先方案").updated_at == scn.updated_at


def test_demo_save_as_uses_the_demo_dataset(tmp_path: Path) -> None:
    ws = tmp_path / "ws.gpkg"
    args = ["propose", "--demo", "--preview", "--relaxed", "--out", str(tmp_path / "o")]
    assert main([*args, "--save-as", "演示方案", "--workspace", str(ws)]) == 0
    scn = WorkspaceStore(ws).load("演示方案")
    assert scn.dataset_id == "demo"
    assert WorkspaceStore(ws).list_datasets().empty  # the demo city is never copied


def test_objective_and_site_rules_options(tmp_path: Path) -> None:
    files = _files(tmp_path)
    for extra, kind, rules in (
        ([], "balanced", True),
        (["--objective", "townships"], "townships", True),
        (["--objective", "population", "--no-site-rules"], "population", False),
    ):
        out = tmp_path / kind
        assert main(["propose", *files, *COUNTS, *extra, "--out", str(out)]) == 0
        plan = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))["plan"]
        assert (plan["objective_kind"], plan["site_rules"]) == (kind, rules)
        pts = pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig")
        for col in ("township_name", "lon", "lat", "newly_covered_alone"):
            assert pts[col].notna().all()


def test_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "o")
    assert main(["propose", "--demo", "--workspace", str(tmp_path / "w.gpkg"), "--out", out]) == 2
    assert "--workspace needs --save-as" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["propose", "--demo", "--objective", "votes", "--out", out])


def test_hostile_site_names_stay_text_in_the_csv_files(tmp_path: Path) -> None:
    city = small_city()
    villages = city.villages.copy()
    villages["name"] = '=HYPERLINK("http://example.invalid")' + villages["name"]
    args = []
    for flag, gdf in {
        "townships": city.townships,
        "villages": villages,
        "points": city.contact_points,
    }.items():
        path = tmp_path / f"{flag}.geojson"
        gdf.to_file(path, driver="GeoJSON")
        args += [f"--{flag}", str(path)]
    out = tmp_path / "out"
    assert main(["propose", *args, *COUNTS, "--tradeoff", "--out", str(out)]) == 0
    for name in ("proposed_points.csv", "curve.csv", "tradeoff.csv"):
        frame = pd.read_csv(out / name, encoding="utf-8-sig", dtype=str).fillna("")
        cells = frame.to_numpy().ravel().tolist()
        assert not any(c.lstrip().startswith(("=", "@")) for c in cells), name
    pts = pd.read_csv(out / "proposed_points.csv", encoding="utf-8-sig")
    assert pts["site_name"].str.startswith("'=HYPERLINK").all()


def test_the_dataset_id_counts_the_road_file(tmp_path: Path) -> None:
    """The same files with and without ``--roads`` are two datasets (a road-reach plan must
    not reopen on a dataset saved without its roads), as with ``--raster-demand``."""
    import argparse

    from analysis.cli.save import dataset_id_of_args

    good = Path(__file__).resolve().parent / "data" / "good"
    roads = tmp_path / "roads.geojson"
    roads.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    files = {"townships": good / "townships.geojson", "points": good / "contact_points.csv"}
    plain = dataset_id_of_args(argparse.Namespace(**files))
    with_roads = dataset_id_of_args(argparse.Namespace(**files, roads=roads))
    assert plain.startswith("cli-") and with_roads != plain
    assert dataset_id_of_args(argparse.Namespace(**files, roads=None)) == plain
    with_cells = dataset_id_of_args(argparse.Namespace(**files, raster_demand=True))
    assert with_cells not in (plain, with_roads)
