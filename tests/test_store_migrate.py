"""``python -m analysis workspace migrate``: GeoPackage -> PostGIS -> GeoPackage, all equal
(datasets, scenarios with owners and versions, accounts, audit log, logged-in sessions)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.accounts.sessions import SessionManager
from analysis.cli.main import main
from analysis.errors import AnalysisError
from analysis.plan.edits import add_point
from analysis.plan.scenarios import POINT_LAYERS, baseline_scenario
from analysis.workspace.api import Store, open_store
from analysis.workspace.migrate import migrate
from analysis.workspace.records import AuditEvent, SessionRecord, UserRecord
from analysis.workspace.store import WorkspaceStore
from tests.support.postgres import Cluster
from tests.support.scenario_city import HOSTILE, make_city

REPO = Path(__file__).resolve().parent.parent


#: Seconds since the epoch of the sessions started in :func:`fill`.
NOW = 1_800_000_000.0
#: Population raster cells used as demand, kept with dataset up-1 (fractions of people).
CELLS = pd.DataFrame(
    {
        "township_code": ["110101001", "110101001", "110102001"],
        "lon": [116.1 + 1e-13, 116.2, 116.7],
        "lat": [39.1, 39.2 + 1e-13, 39.3],
        "population": [1234.5, 0.25, 2e4 / 3],
    }
)


def fill(store: Store) -> str:
    """Datasets, scenarios of several versions/owners/publication, accounts, an audit log,
    two sessions; return the token of zhang's session."""
    city = make_city(n_cp=6, n_sites=20, n_homes=3, seed=4)
    store.save_dataset("up-1", dataclasses.replace(city, demand_cells=CELLS))
    store.save_dataset("up-2", dataclasses.replace(city, name=HOSTILE))
    base = store.save(dataclasses.replace(baseline_scenario(city, "up-1", "张三"), owner="zhang"))
    store.save(add_point(base, "homes", lon=116.3, lat=39.3), saved_by="li")
    store.set_published(base.name, True, saved_by="zhang")
    plan = baseline_scenario(city, "demo", author=HOSTILE, name=HOSTILE)
    store.save(dataclasses.replace(plan, description="<b>说明</b>"))
    store.save_user(UserRecord("zhang", "张三", "planner", "$argon2id$x", ("东城区",)))
    admin = store.save_user(UserRecord("admin", "管理员", "admin", "$argon2id$y"))
    store.save_user(dataclasses.replace(admin, active=False))
    for i in range(3):
        store.append_audit(
            AuditEvent(f"2026-12-0{i + 1}T00:00:00.000000Z", "zhang", "change", "scenario",
                       base.name, f"v{i}", {"k": HOSTILE} if i == 1 else {})
        )  # fmt: skip
    store.save_session(SessionRecord("b" * 64, "admin", NOW - 50.0, NOW - 49.5))
    return SessionManager(store, lambda: NOW).start("zhang")


def assert_same(a: Store, b: Store) -> None:
    pd.testing.assert_frame_equal(a.list_scenarios(), b.list_scenarios())
    pd.testing.assert_frame_equal(a.list_datasets(), b.list_datasets())
    assert a.list_users() == b.list_users()
    assert a.list_sessions() == b.list_sessions() and len(a.list_sessions()) == 2
    pd.testing.assert_frame_equal(a.list_audit(), b.list_audit())
    for name in a.list_scenarios()["name"]:
        x, y = a.load(name), b.load(name)
        for field in ("author", "owner", "published", "version", "updated_by", "created_at",
                      "updated_at", "dataset_id", "description"):  # fmt: skip
            assert getattr(x, field) == getattr(y, field), (name, field)
        for layer in POINT_LAYERS:
            pd.testing.assert_frame_equal(
                pd.DataFrame(x.layer(layer).drop(columns="geometry")),
                pd.DataFrame(y.layer(layer).drop(columns="geometry")),
            )
            assert x.layer(layer).geometry.geom_equals_exact(y.layer(layer).geometry, 0).all()
    for dataset_id in a.list_datasets()["dataset_id"]:
        x, y = a.load_dataset(dataset_id), b.load_dataset(dataset_id)
        assert (x.name, x.villages is None) == (y.name, y.villages is None)
        if x.demand_cells is None or y.demand_cells is None:
            assert x.demand_cells is y.demand_cells is None, dataset_id
        else:
            pd.testing.assert_frame_equal(x.demand_cells, y.demand_cells, check_exact=True)
        for layer in ("townships", "contact_points", "collection_sites", "homes"):
            pd.testing.assert_frame_equal(
                pd.DataFrame(getattr(x, layer).drop(columns="geometry")),
                pd.DataFrame(getattr(y, layer).drop(columns="geometry")),
            )
            assert getattr(x, layer).geometry.geom_equals(getattr(y, layer).geometry).all()


def test_round_trip_through_postgis_keeps_everything(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    src = WorkspaceStore(tmp_path / "src.gpkg")
    token = fill(src)
    url = postgres_cluster.new_store_url("migrate")
    back = tmp_path / "back.gpkg"
    # there: the command in its own process, as an administrator would run it
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "workspace", "migrate", "--from", str(src.path),
         "--to", url],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 datasets, 2 scenarios, 2 accounts, 3 audit events, 2 sessions" in done.stderr
    assert_same(src, open_store(url))
    cells = open_store(url).load_dataset("up-1").demand_cells
    assert cells is not None
    pd.testing.assert_frame_equal(cells, CELLS, check_exact=True, check_dtype=False)
    # and back, in this process
    assert main(["workspace", "migrate", "--from", url, "--to", str(back)]) == 0
    assert_same(src, WorkspaceStore(back))
    # the versions go on from where they were
    moved = WorkspaceStore(back).load(src.list_scenarios()["name"][0])
    assert moved.version == 3
    assert WorkspaceStore(back).save(moved, expected_version=3).version == 4
    # a session started before the move is still valid after it, on either side
    for store in (open_store(url), WorkspaceStore(back)):
        assert SessionManager(store, lambda: NOW + 60).check(token) == "zhang"
        assert SessionManager(store, lambda: NOW + 60).check(token[:-1]) is None


def test_a_target_that_holds_anything_is_refused(
    tmp_path: Path, postgres_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    src = WorkspaceStore(tmp_path / "src.gpkg")
    fill(src)
    url = postgres_cluster.new_store_url("migrate")
    target = open_store(url)
    target.append_audit(AuditEvent("", "admin", "login", "session", ""))
    with pytest.raises(AnalysisError) as err:
        migrate(src, target)
    assert err.value.problems[0].code == "migrate_target_not_empty"
    assert "1 audit events" in err.value.problems[0].message
    assert target.list_scenarios().empty  # nothing written
    assert main(["workspace", "migrate", "--from", str(src.path), "--to", url]) == 2
    assert "migrate_target_not_empty" in capsys.readouterr().err
    with pytest.raises(AnalysisError) as err:
        migrate(src, WorkspaceStore(src.path))
    assert err.value.problems[0].code == "migrate_same_store"
