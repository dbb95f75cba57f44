"""A click's shortcuts give what a full recompute gives, over a seeded sequence of edits.

Per click the 方案模拟 page now reuses what does not change between clicks: the site-rule
check's township index and village arrays (kept per layer object,
:mod:`analysis.standards.frame_memo`) and only the changed townships' colours in the
overlay (:func:`dashboard.simulate.overlay.changed_townships`). A seeded planner adds,
moves and removes points, undoes and redoes; after every step each shortcut's answer must
equal the answer computed from nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.coverage.api import compute_coverage
from analysis.plan.scenarios import apply_scenario
from analysis.standards import frame_memo
from analysis.standards.load import load_standards
from analysis.standards.site_rules import placement_warnings, site_context
from dashboard.map.palette import color_scale
from dashboard.simulate import overlay as sim_overlay
from geodata.city import CityData
from geodata.demo.load import load_demo_city
from tests.support.random_edits import random_edits


@pytest.fixture(scope="module")
def city() -> CityData:
    return load_demo_city()


def _full_changed_townships(base: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The overlay's changed townships as computed before: every township's colours."""
    cols = [c for c in sim_overlay.FIGURES if c in current.columns and c in base.columns]
    old = base.set_index(base["code"].astype(str))
    now = current.set_index(current["code"].astype(str))
    old = old.reindex(now.index)
    differs = np.zeros(len(now), dtype=bool)
    for col in cols:
        a, b = now[col].to_numpy(), old[col].to_numpy()
        differs |= ~((a == b) | (pd.isna(a) & pd.isna(b)))
    scale = color_scale(sim_overlay.MEASURE, [])

    def colour(v: Any) -> str:
        return scale.color(None if pd.isna(v) else float(v))

    new_color = [colour(v) for v in now["coverage_share"]]
    old_color = [colour(v) for v in old["coverage_share"]]
    differs |= np.array([a != b for a, b in zip(new_color, old_color, strict=True)], dtype=bool)
    out = now.assign(
        base_coverage_share=old["coverage_share"].to_numpy(),
        color=new_color,
        base_color=old_color,
    )[differs]
    return out.reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_step_equals_a_full_recompute(city: CityData, seed: int) -> None:
    std = load_standards()
    rules = std.active_site_rules
    base = compute_coverage(city, std).townships
    seen: dict[str, int] = {}
    warned = changed = 0
    for what, scn in random_edits(city, seed):
        seen[what] = seen.get(what, 0) + 1
        cp = scn.layer("contact_points")
        placed = cp[cp["status"].astype(str).isin(["proposed", "moved"])]
        kept = placement_warnings(city, rules, placed)  # the layers' index reused
        frame_memo.clear()
        fresh = placement_warnings(city, rules, placed)  # built again from the layers
        pd.testing.assert_frame_equal(kept, fresh)
        warned += len(fresh)
        current = compute_coverage(apply_scenario(city, scn), std).townships
        overlay = sim_overlay.changed_townships(base, current)
        pd.testing.assert_frame_equal(overlay, _full_changed_townships(base, current))
        changed += len(overlay)
    # The sequence went through every kind of step and the checks had something to say.
    assert set(seen) == {"add", "move", "remove", "undo", "redo"}, seen
    assert warned > 0 and changed > 0


def test_a_new_layer_object_is_never_served_another_layers_index(city: CityData) -> None:
    """The memo keys on the layer object: a changed copy of the townships gets its own."""
    villages = city.villages.to_crs(4326)
    lon, lat = villages.geometry.x.to_numpy()[:5], villages.geometry.y.to_numpy()[:5]
    first = site_context(city, lon, lat)
    assert (first["township_name"] != "").all()
    renamed = city.townships.copy()
    renamed["name"] = renamed["name"].astype(str) + "X"
    other = dataclasses.replace(city, townships=renamed)
    again = site_context(other, lon, lat)
    assert (again["township_name"] == first["township_name"] + "X").all()
    assert (site_context(city, lon, lat)["township_name"] == first["township_name"]).all()
