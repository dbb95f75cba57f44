"""A process that saves a large scenario to a PostGIS store and can be made to stop mid-save.

Run as ``python -m tests.support.pg_saver URL NAME VERSION [PAUSE_FILE]``. With a pause
file, the save prints ``mid`` once its first layer is written (inside the open transaction)
and waits until the file exists (for ever, unless killed): the test kills it with SIGKILL at
that deterministic point. :func:`planned` gives the same version of the scenario in the test.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from analysis.plan.scenarios import Scenario, baseline_scenario
from analysis.workspace.postgis.store import PostgisStore
from tests.support.scenario_city import make_city

N_CP, N_SITES, N_HOMES = 200, 3000, 100


def planned(name: str, v: int) -> Scenario:
    """Version ``v`` of scenario ``name``: sizes and values all derived from ``v``."""
    base = baseline_scenario(make_city(N_CP, N_SITES, N_HOMES, seed=1), "t1", author="worker")
    return dataclasses.replace(
        base,
        name=name,
        description=f"v={v}",
        contact_points=base.contact_points.iloc[: N_CP - v].assign(opinions_collected=v),
        collection_sites=base.collection_sites.iloc[: N_SITES - v].assign(informants=v),
        homes=base.homes.iloc[: N_HOMES - v].assign(activities_last_year=v),
    )


def main(argv: list[str]) -> int:
    url, name, v = argv[0], argv[1], int(argv[2])
    store = PostgisStore(url)
    if len(argv) > 3:
        pause = Path(argv[3])

        def wait_mid_save() -> None:
            print("mid", flush=True)
            while not pause.exists():
                time.sleep(0.01)

        store._after_first_layer = wait_mid_save  # type: ignore[method-assign]
    store.save(planned(name, v))
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
