"""A seeded planner editing a scenario: adds, moves, removes, undoes and redoes.

For the tests that compare a click's incremental work with a full recompute.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from analysis.plan.edits import EditHistory, add_point, move_point, remove_point
from analysis.plan.scenarios import Scenario, baseline_scenario
from geodata.city import CityData

TYPES = ("rural", "enterprise", "association", "urban_community")
STEPS = 40


def random_edits(city: CityData, seed: int, steps: int = STEPS) -> Iterator[tuple[str, Scenario]]:
    """Yield ``(what, scenario)`` after each of :data:`STEPS` random edits, undos, redos."""
    rng = random.Random(seed)
    west, south, east, north = city.townships.to_crs(4326).total_bounds
    # Village positions: points that stand at villages and communities (the rules' cases).
    villages = city.villages.to_crs(4326)
    spots = list(zip(villages.geometry.x, villages.geometry.y, strict=True))
    hist = EditHistory.start(baseline_scenario(city, "demo"))

    def place() -> tuple[float, float]:
        if rng.random() < 0.6:
            x, y = rng.choice(spots)
            return x + rng.uniform(-0.002, 0.002), y + rng.uniform(-0.002, 0.002)
        # Anywhere in the bounding box, so some fall outside every township.
        return rng.uniform(west - 0.05, east + 0.05), rng.uniform(south - 0.05, north + 0.05)

    for _ in range(steps):
        scn = hist.current
        cp = scn.layer("contact_points")
        live = cp[cp["status"] != "removed"]
        roll = rng.random()
        if roll < 0.35 or live.empty:
            lon, lat = place()
            new = add_point(scn, "contact_points", lon=lon, lat=lat, type=rng.choice(TYPES))
            hist, what = hist.push(new, "add"), "add"
        elif roll < 0.55:
            lon, lat = place()
            pid = str(rng.choice(list(live["id"])))
            hist, what = hist.push(move_point(scn, "contact_points", pid, lon, lat), "move"), "move"
        elif roll < 0.7:
            pid = str(rng.choice(list(live["id"])))
            hist, what = hist.push(remove_point(scn, "contact_points", pid), "remove"), "remove"
        elif roll < 0.85 and hist.can_undo:
            hist, what = hist.undo(), "undo"
        elif hist.can_redo:
            hist, what = hist.redo(), "redo"
        else:
            continue
        yield what, hist.current
