"""Benchmark: a dataset's population raster cells (``CityData.demand_cells``) in the workspace.

Saves a small city with N seeded cells (township code, lon, lat, fractional people) into a
fresh store, then reads it back through a new store object (what a restarted server does),
and prints wall and CPU time of each, the GeoPackage file's size and the peak memory of the
process. ``--postgres`` starts a throw-away PostgreSQL + PostGIS cluster
(tests/support/postgres.py) and measures that store instead; its CPU figures are the
client's only (the database server works in its own processes).

Run: ``python -m bench.workspace_cells [--cells N ...] [--postgres]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.workspace.api import Store
from analysis.workspace.store import WorkspaceStore
from tests.support.scenario_city import make_city


def cells(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` cells over the two townships of :func:`make_city`."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "township_code": np.where(rng.random(n) < 0.5, "110101001", "110102001"),
            "lon": rng.uniform(116.0, 117.0, n),
            "lat": rng.uniform(39.0, 39.5, n),
            "population": rng.random(n) * 50,
        }
    )


def timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """``step()``, its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = step()
    return out, time.perf_counter() - wall, time.process_time() - cpu


@contextmanager
def stores(postgres: bool) -> Iterator[Callable[[], Store]]:
    """A factory of store objects on one fresh file or database."""
    with tempfile.TemporaryDirectory() as tmp:
        if not postgres:
            path = Path(tmp) / "ws.gpkg"
            yield lambda: WorkspaceStore(path)
            return
        from analysis.workspace.postgis.store import PostgisStore
        from tests.support.postgres import start_cluster, stop_cluster

        cluster = start_cluster()
        try:
            url = cluster.new_store_url("bench")
            yield lambda: PostgisStore(url)
        finally:
            stop_cluster(cluster)


def run(n: int, postgres: bool) -> None:
    """Save and read back ``n`` cells; print the figures."""
    city = dataclasses.replace(make_city(), demand_cells=cells(n))
    with stores(postgres) as new_store:
        store = new_store()
        store.save_dataset("warm-up", make_city())  # schema created before the timing
        load0 = os.getloadavg()[0]
        _, save_wall, save_cpu = timed(lambda: store.save_dataset("cells", city))
        again = new_store()
        again.list_datasets()
        back, read_wall, read_cpu = timed(lambda: again.load_dataset("cells"))
        assert back.demand_cells is not None and len(back.demand_cells) == n
        size = ""
        if isinstance(store, WorkspaceStore):
            size = f", file {store.path.stat().st_size / 1e6:.1f} MB"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(
            f"{'postgis' if postgres else 'gpkg'} {n:,} cells: save {save_wall:.2f} s wall / "
            f"{save_cpu:.2f} s CPU, read {read_wall:.2f} s / {read_cpu:.2f} s{size}, "
            f"peak {peak:.2f} GB (load {load0:.1f} -> {os.getloadavg()[0]:.1f})"
        )


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", action="store_true", help="measure the PostGIS store")
    args = parser.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    for n in args.cells:
        run(n, args.postgres)


if __name__ == "__main__":
    main()
