"""Faults of the PostGIS store: a server killed (kill -9) mid-save, the database stopped.

The saver is a real process (``tests/support/pg_saver.py``) paused at a deterministic point,
inside its save transaction after the first layer, then killed with SIGKILL like a crashed
app server. PostgreSQL rolls its transaction back and frees the write lock: the scenario
stays the old version and every other connection carries on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.plan.scenarios import baseline_scenario
from analysis.workspace.postgis.store import PostgisStore
from tests.support.pg_saver import N_CP, N_HOMES, N_SITES, planned
from tests.support.postgres import Cluster, wait_until_accepting
from tests.support.scenario_city import make_city

REPO = Path(__file__).resolve().parent.parent


def stored_version(store: PostgisStore, name: str) -> int:
    """The planned version ``v`` the stored scenario is, checked to be exactly that one."""
    s = store.load(name)
    v = int(s.description.removeprefix("v="))
    assert (len(s.contact_points), len(s.collection_sites), len(s.homes)) == (
        N_CP - v,
        N_SITES - v,
        N_HOMES - v,
    )
    assert set(s.contact_points["opinions_collected"]) == {v}
    assert set(s.collection_sites["informants"]) == {v}
    assert set(s.homes["activities_last_year"]) == {v}
    return v


def start_saver(url: str, name: str, v: int, pause: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "tests.support.pg_saver", url, name, str(v), str(pause)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_kill_9_mid_save_leaves_the_old_version_and_others_work(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_store_url("kill")
    store = PostgisStore(url, timeout_s=30)
    store.save(planned("方案A", 1))
    saver = start_saver(url, "方案A", 2, tmp_path / "never")
    try:
        assert saver.stdout is not None
        line = saver.stdout.readline().strip()  # blocks until the saver is mid-save
        assert line == "mid", (line, saver.stderr.read() if saver.stderr else "")
        # mid-save: others read the old version; a save waiting longer than its timeout
        # for the hung one is told the store is busy
        assert stored_version(store, "方案A") == 1
        assert len(store.list_scenarios()) == 1
        with pytest.raises(AnalysisError) as err:
            PostgisStore(url, timeout_s=0.5).save(planned("方案B", 3))
        assert err.value.problems[0].code == "workspace_busy"
    finally:
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait(timeout=60)
    assert saver.returncode == -signal.SIGKILL
    assert stored_version(store, "方案A") == 1  # the half-written version 2 is gone
    assert store.load("方案A").version == 1
    # the lock died with the connection: other connections save at once
    saved = PostgisStore(url, timeout_s=10).save(planned("方案A", 3), expected_version=1)
    assert saved.version == 2 and stored_version(store, "方案A") == 3
    store.save(planned("方案B", 4))
    assert sorted(store.list_scenarios()["name"]) == ["方案A", "方案B"]


def test_a_saver_that_finishes_commits_the_new_version(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    """The control case of the test above: the same saver, let go, commits version 2."""
    url = postgres_cluster.new_store_url("kill")
    store = PostgisStore(url)
    store.save(planned("方案A", 1))
    go = tmp_path / "go"
    saver = start_saver(url, "方案A", 2, go)
    assert saver.stdout is not None and saver.stdout.readline().strip() == "mid"
    go.touch()
    out, err = saver.communicate(timeout=120)
    assert saver.returncode == 0 and out.strip() == "done", err
    assert stored_version(store, "方案A") == 2 and store.load("方案A").version == 2


def test_database_stopped_for_a_moment_then_back(postgres_cluster: Cluster) -> None:
    url = postgres_cluster.new_store_url("outage")
    store = PostgisStore(url, connect_timeout_s=2)
    plan = store.save(baseline_scenario(make_city(), "t1", name="方案A"))
    store.list_scenarios()  # connections now wait in the pool
    postgres_cluster.stop("fast")
    try:
        for attempt in (store.list_scenarios, lambda: store.load("方案A"),
                        lambda: store.save(plan, expected_version=1)):  # fmt: skip
            with pytest.raises(AnalysisError) as err:
                attempt()
            problem = err.value.problems[0]
            assert problem.code == "store_unavailable", problem
            assert "cannot be reached" in problem.message
            assert isinstance(err.value.__cause__, Exception)  # the driver's error, chained
    finally:
        postgres_cluster.start()
        wait_until_accepting(postgres_cluster)
    # the same store object works again: new connections replace the dead ones
    assert list(store.list_scenarios()["name"]) == ["方案A"]
    assert store.save(plan, expected_version=1).version == 2
