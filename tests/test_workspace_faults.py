"""Faults and concurrency of the workspace store: kill -9 while saving, parallel savers.

Savers run in forked child processes (real processes with their own SQLite connections and
locks, killed with SIGKILL like a crashed server, but without paying the interpreter start-up
again). They report ``start <name> <v>`` before and ``done <name> <v>`` after each save
through a pipe (``os.write`` returns only once the line is in the pipe, so a reported
``done`` really happened). Every version ``v`` of a scenario is fully determined by ``v``
(point counts, attribute values, coordinates, description ``v=<v>``), so after a crash the
test can tell whether what is stored is exactly one committed version, not a mix of two.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import random
import select
import signal
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from analysis.plan.scenarios import Scenario, baseline_scenario
from analysis.workspace import gpkg as workspace_gpkg
from analysis.workspace.api import Store
from analysis.workspace.store import WorkspaceStore
from tests.support.scenario_city import HOSTILE, make_city

N_CP, N_SITES, N_HOMES = 200, 2000, 100
Report = Callable[[str], None]

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")


@pytest.fixture(scope="module")
def template() -> Scenario:
    return baseline_scenario(make_city(N_CP, N_SITES, N_HOMES, seed=1), "t1", author="worker")


def version(template: Scenario, name: str, v: int) -> Scenario:
    """Version ``v`` of scenario ``name``: sizes and values all derived from ``v``."""
    cp = template.contact_points.iloc[: N_CP - v % 7].assign(opinions_collected=v)
    sites = template.collection_sites.iloc[: N_SITES - v % 11].assign(informants=v)
    homes = template.homes.iloc[: N_HOMES - v % 3].assign(activities_last_year=v)
    xy = shapely.get_coordinates(sites.geometry.to_numpy())
    sites = sites.set_geometry(gpd.points_from_xy(xy[:, 0] + (v % 13) * 1e-4, xy[:, 1], crs=4326))
    return dataclasses.replace(
        template,
        name=name,
        description=f"v={v}",
        contact_points=cp,
        collection_sites=sites,
        homes=homes,
    )


def check_is_one_version(store: WorkspaceStore, name: str, template: Scenario) -> int:
    """Assert the stored ``name`` is exactly one version; return that version."""
    stored = store.load(name)
    v = int(stored.description.removeprefix("v="))
    expected = version(template, name, v)
    assert len(stored.contact_points) == len(expected.contact_points)
    assert len(stored.collection_sites) == len(expected.collection_sites)
    assert len(stored.homes) == len(expected.homes)
    assert set(stored.contact_points["opinions_collected"]) == {v}
    assert set(stored.collection_sites["informants"]) == {v}
    assert set(stored.homes["activities_last_year"]) == {v}
    assert np.allclose(stored.collection_sites.geometry.x, expected.collection_sites.geometry.x)
    return v


def check_file(path: Path) -> None:
    """SQLite integrity is ok and GDAL reads every layer."""
    assert WorkspaceStore(path).integrity_check() == ["ok"]
    for layer, _ in pyogrio.list_layers(path):
        pyogrio.read_dataframe(path, layer=layer)


# --- child processes ----------------------------------------------------------------------


class Child:
    """A forked process running ``target(report, *args)``; its report lines are collected."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        read_fd, write_fd = os.pipe()
        # Freeze the parent's objects out of the child's garbage collector: otherwise each
        # full collection in the child walks (and copy-on-write duplicates) the whole heap.
        gc.freeze()
        pid = os.fork()
        if pid != 0:
            gc.unfreeze()
        if pid == 0:  # child: never return into pytest
            os.close(read_fd)
            code = 0
            try:
                target(lambda line: _write_line(write_fd, line), *args)
            except BaseException:  # noqa: BLE001 - reported to the parent, then exit
                _write_line(write_fd, "error " + traceback.format_exc().replace("\n", " | "))
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd
        self.lines: list[str] = []
        self.exit_code: int | None = None
        self._buffer = b""

    def _pump(self, timeout: float) -> bool:
        """Read what is available; False at end of file."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        chunk = os.read(self.fd, 65536)
        self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\n")
        self.lines.extend(line.decode() for line in complete)
        return bool(chunk)

    def wait_for(self, prefix: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(line.startswith(prefix) for line in self.lines):
                return
            if not self._pump(0.05):
                break
        raise AssertionError(f"child never reported {prefix!r}: {self.lines[-3:]}")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.join()

    def join(self, timeout: float = 120) -> int:
        end = time.monotonic() + timeout
        while self._pump(0.05) and time.monotonic() < end:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.exit_code = os.waitstatus_to_exitcode(status)
        return self.exit_code

    def versions(self, word: str) -> dict[str, int]:
        """Last version per scenario name on lines ``<word> <name> <v>``."""
        out: dict[str, int] = {}
        for line in self.lines:
            head, _, rest = line.partition(" ")
            if head == word:
                name, _, v = rest.rpartition(" ")
                out[name] = int(v)
        return out


def _write_line(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def save_loop(
    report: Report, path: Path, template: Scenario, names: list[str], first: int, count: int
) -> None:
    """Save versions ``first, first+1, ...`` of ``names`` in turn, reporting each."""
    store = WorkspaceStore(path, timeout_s=30)
    for v in range(first, first + count):
        name = names[v % len(names)]
        scenario = version(template, name, v)
        report(f"start {name} {v}")
        store.save(scenario)
        report(f"done {name} {v}")


def save_then_hang(report: Report, path: Path, template: Scenario, first: int) -> None:
    """Commit version ``first``, then hang inside the transaction of version ``first + 1``."""
    store = WorkspaceStore(path, timeout_s=30)
    store.save(version(template, "方案A", first))
    report(f"done 方案A {first}")
    real = workspace_gpkg.write_rows

    def write_then_hang(conn: Any, spec: Any, key: str, gdf: Any) -> None:
        real(conn, spec, key, gdf)  # contact points of the new version written, not committed
        report(f"mid {key} {first + 1}")
        time.sleep(120)

    workspace_gpkg.write_rows = write_then_hang  # type: ignore[assignment]  # child only
    store.save(version(template, "方案A", first + 1))


def save_and_read(
    report: Report, path: Path, template: Scenario, name: str, first: int, count: int
) -> None:
    """Wait for the go file, then save ``count`` versions of ``name``, reading after each."""
    store = WorkspaceStore(path, timeout_s=30)
    report("ready")
    go = path.with_suffix(".go")
    while not go.exists():
        time.sleep(0.002)
    for v in range(first, first + count):
        store.save(version(template, name, v))
        report(f"done {name} {v}")
        store.list_scenarios()
        store.load(name)


# --- tests --------------------------------------------------------------------------------


def test_kill_9_while_saving_keeps_last_committed_versions(
    tmp_path: Path, template: Scenario
) -> None:
    path = tmp_path / "ws.gpkg"
    names = ["方案A", "方案B", HOSTILE]
    rng = random.Random(7)
    stored: dict[str, int] = {}
    for round_no in range(6):
        child = Child(save_loop, path, template, names, round_no * 100_000, 10**6)
        child.wait_for("done")
        time.sleep(rng.uniform(0.05, 0.5))  # then kill at a random moment of the loop
        child.kill()
        done, started = child.versions("done"), child.versions("start")
        check_file(path)
        store = WorkspaceStore(path)
        for name in names:
            # at least the last version reported done (or found before), at most the last started
            low = done.get(name, stored.get(name))
            high = started.get(name, low)
            if low is None:  # its first save was cut short (or never began): absent or complete
                if not store.exists(name):
                    continue
                low = high
            v = check_is_one_version(store, name, template)
            assert low is not None and high is not None and low <= v <= high, (name, low, v, high)
            stored[name] = v
    assert set(WorkspaceStore(path).list_scenarios()["name"]) == set(names)


def test_kill_9_inside_the_save_transaction_keeps_previous_version(
    tmp_path: Path, template: Scenario
) -> None:
    path = tmp_path / "ws.gpkg"
    child = Child(save_then_hang, path, template, 10)
    child.wait_for("mid 方案A 11")  # version 10 committed; 11 half-written, transaction open
    # a reader is not blocked by the hanging writer (WAL) and sees version 10
    assert check_is_one_version(WorkspaceStore(path, timeout_s=2), "方案A", template) == 10
    child.kill()
    check_file(path)
    assert check_is_one_version(WorkspaceStore(path), "方案A", template) == 10
    # the write lock died with the process: the workspace is writable again at once
    WorkspaceStore(path, timeout_s=2).save(version(template, "方案A", 12))
    assert check_is_one_version(WorkspaceStore(path), "方案A", template) == 12


def test_processes_saving_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "new" / "ws.gpkg"  # nobody has created it yet: they race for that too
    # contention, not size, matters here: a smaller plan keeps the test quick
    template = baseline_scenario(make_city(60, 400, 20, seed=2), "t1")
    names = ["甲", "乙", HOSTILE]
    count = 8
    children = [
        Child(save_and_read, path, template, name, 1000 * (i + 1), count)
        for i, name in enumerate(names)
    ]
    for child in children:
        child.wait_for("ready")
    path.parent.mkdir()
    path.with_suffix(".go").touch()  # all start at the same moment
    for child in children:
        assert child.join() == 0, child.lines[-3:]
    check_file(path)
    store = WorkspaceStore(path)
    assert set(store.list_scenarios()["name"]) == set(names)
    for i, name in enumerate(names):
        assert check_is_one_version(store, name, template) == 1000 * (i + 1) + count - 1


def test_threads_sharing_one_store_all_succeed(any_store: Store) -> None:
    """Both stores (GeoPackage, PostGIS): one store object shared by threads."""
    store = any_store
    base = baseline_scenario(make_city(seed=3), "t1")
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            for k in range(5):
                store.save(dataclasses.replace(base, name=f"线程{i}", description=str(k)))
                store.list_scenarios()
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    table = store.list_scenarios()
    assert sorted(table["name"]) == [f"线程{i}" for i in range(4)]
    assert set(table["description"]) == {"4"}
