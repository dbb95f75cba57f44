"""Shared pytest fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from analysis.workspace.api import Store
from tests.support.postgres import Cluster, PostgresUnavailableError, start_cluster, stop_cluster

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = REPO / "artifacts"

# Tests never reach the internet; make accidental use of proxies fail fast.
os.environ.setdefault("NO_PROXY", "*")

# Property tests draw the same examples on every run (a CI failure is never luck), keep no
# example database (a stale one in the working copy would replay old examples) and have no
# deadline (the CI machine is shared: a slow example is no failure). ``--hypothesis-profile
# deep`` explores instead: random examples, many more where a test does not fix their number
# (see docs/testing.md); add ``--hypothesis-seed N`` to replay one exploration.
_PROPERTY_DEFAULTS = {
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
settings.register_profile("ci", derandomize=True, **_PROPERTY_DEFAULTS)
settings.register_profile("deep", derandomize=False, max_examples=2000, **_PROPERTY_DEFAULTS)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Folder for screenshots and other test artifacts (kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throw-away PostgreSQL + PostGIS cluster for the session (tests/support/postgres.py).

    Started on first use, stopped at the end of the session. If it cannot start, the tests
    using it fail with the reason (CI must prove the PostGIS store, never skip it).
    """
    try:
        cluster = start_cluster()
    except PostgresUnavailableError as exc:
        pytest.fail(f"PostgreSQL/PostGIS for the tests could not be started: {exc}", pytrace=False)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


#: The stores every store test runs against.
STORE_KINDS = ("gpkg", "postgis")


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind: a GeoPackage in ``tmp_path``, a fresh PostGIS schema."""
    from analysis.workspace.postgis.store import PostgisStore
    from analysis.workspace.store import WorkspaceStore

    if request.param == "gpkg":
        yield WorkspaceStore(tmp_path / "sub" / "ws.gpkg", timeout_s=5)
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    store = PostgisStore(cluster.new_store_url(), timeout_s=5)
    try:
        yield store
    finally:
        store.close()
