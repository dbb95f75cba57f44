"""The simulation map's township overlay (:mod:`dashboard.simulate.overlay`).

After an edit, only the townships whose figures changed travel with the points, in the
scenario's colour class (blind spots hatched), with the scenario's tooltip figures;
nothing is sent when nothing changed. The overlay covers exactly the base map's polygon
(same display geometry) and looks like the base map for the same class.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dashboard.map.palette import color_scale
from dashboard.simulate import map as sim_map
from dashboard.simulate import overlay as sim_overlay
from dashboard.simulate.features import fit_height
from dashboard.simulate.sync import RADII_PANE, SITES_PANE, SYNC_PANES, sync_script


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    import shapely

    from analysis.coverage.api import compute_coverage
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import apply_scenario, baseline_scenario
    from dashboard.map import data as mapdata
    from geodata.demo.load import load_demo_city

    city = load_demo_city()
    base = compute_coverage(city)
    towns = base.townships
    # The most populous blind-spot township: a rural point at its representative point.
    blind = towns[towns["is_blind_spot"]].sort_values("population", ascending=False).iloc[0]
    poly = city.townships.set_index("code").loc[blind["code"], "geometry"]
    where = poly.representative_point()
    scn = add_point(
        baseline_scenario(city, "demo"),
        "contact_points",
        lon=float(where.x),
        lat=float(where.y),
        type="rural",
        name="新点<script>",
    )
    after = compute_coverage(apply_scenario(city, scn))
    shown = mapdata.display_geoms(city.townships.geometry)
    geoms = {
        str(c): shapely.geometry.mapping(g)
        for c, g in zip(city.townships["code"], shown, strict=True)
    }
    return {
        "city": city,
        "base": base,
        "after": after,
        "code": str(blind["code"]),
        "scenario": scn,
        "geoms": geoms,
    }


def test_nothing_is_sent_when_nothing_changed(demo: dict[str, Any]) -> None:
    towns = demo["base"].townships
    assert sim_overlay.changed_townships(towns, towns.copy()).empty
    overlay = sim_overlay.township_overlay(towns, towns.copy(), demo["geoms"], "zh")
    assert overlay["features"] == []
    features = sim_map.point_features(demo["scenario"], {"rural": 10000.0}, None, "zh")
    group = sim_map.scenario_group(features, "zh", overlay)
    assert "towns" not in sync_script(group).data  # no changed townships sent


def test_a_point_in_a_blind_spot_puts_that_township_in_the_overlay_with_its_new_class(
    demo: dict[str, Any],
) -> None:
    base, after, code = demo["base"].townships, demo["after"].townships, demo["code"]
    now = after.set_index("code").loc[code]
    assert not now["is_blind_spot"] and now["coverage_share"] > 0  # the point reaches people
    overlay = sim_overlay.township_overlay(base, after, demo["geoms"], "zh")
    feats = {f["properties"]["code"]: f for f in overlay["features"]}
    assert code in feats
    props = feats[code]["properties"]
    scale = color_scale("coverage_share", [])
    assert props["c"] == scale.color(float(now["coverage_share"]))  # the scenario's class
    assert props["b"] == 0  # no longer hatched as a blind spot
    assert props["style"]["fillColor"] == sim_overlay.seen_color(props["c"])
    assert props["style"]["fillOpacity"] == 1
    assert feats[code]["geometry"] == demo["geoms"][code]  # the base map's polygon exactly
    # Tooltip: the scenario's coverage and the loaded data's (0 %), escaped.
    from dashboard.i18n import fmt_share, t

    assert fmt_share(float(now["coverage_share"])) in props["tip"]
    assert t("sim_tip_base_coverage", "zh") in props["tip"]
    assert t("tip_blind", "zh") not in props["tip"]
    # Only townships whose figures changed: a handful, never the whole city.
    old = base.set_index("code").reindex(after["code"])
    changed = (
        (after["covered_population"].to_numpy() != old["covered_population"].to_numpy())
        | (after["contact_points"].to_numpy() != old["contact_points"].to_numpy())
        | (after["is_blind_spot"].to_numpy() != old["is_blind_spot"].to_numpy())
    )
    assert set(feats) == set(after["code"][changed].astype(str))
    assert 1 <= len(feats) < len(base) / 4


def test_overlay_travels_with_the_points_and_under_them(demo: dict[str, Any]) -> None:
    overlay = sim_overlay.township_overlay(
        demo["base"].townships, demo["after"].townships, demo["geoms"], "en"
    )
    features = sim_map.point_features(demo["scenario"], {"rural": 10000.0}, None, "en")
    group = sim_map.scenario_group(features, "en", overlay)
    sent = sync_script(group)
    assert next(iter(sent.data)) == "towns"  # drawn first: under the radii and the badges
    # Drawn in the base townships' pane (400); the radii and sites in panes above it
    # (and under the county outlines), so a township redrawn later never hides them.
    assert "pane" not in sent.renderers_js.split("radii:")[0]
    assert 400 < SYNC_PANES[RADII_PANE] < SYNC_PANES[SITES_PANE] < sim_map.PANES["simCounties"]
    assert f"pane: '{RADII_PANE}'" in sent.renderers_js.split("radii:")[1]
    import folium

    m = folium.Map(tiles=None)
    group.add_to(m)
    script = m.get_root().render()
    # The point's name arrives escaped (folium's JSON spells 新点 and & as \\u escapes).
    assert "lt;script" in script
    for raw in ("点<script>", "\\u70b9<script>", "\\u70b9\\u003cscript"):
        assert raw not in script
    assert "Coverage (loaded data)" in script


def test_blind_spot_that_returns_is_hatched_in_the_overlay(demo: dict[str, Any]) -> None:
    # Undo seen from the other side: from the scenario back to the loaded data.
    overlay = sim_overlay.township_overlay(
        demo["after"].townships, demo["base"].townships, demo["geoms"], "zh"
    )
    props = {f["properties"]["code"]: f["properties"] for f in overlay["features"]}
    assert props[demo["code"]]["b"] == 1
    assert props[demo["code"]]["style"]["fillColor"] == f"url(#{sim_overlay.HATCH_SEEN})"


def test_seen_colour_is_the_base_fill_over_the_background() -> None:
    assert sim_overlay.seen_color("#000000", 0.78, "#ffffff") == "#383838"
    assert sim_overlay.seen_color("#b2182b", 1.0) == "#b2182b"


def test_base_map_hatches_blind_spots_and_puts_counties_above_the_overlay(
    demo: dict[str, Any],
) -> None:
    from dashboard.map.view import MapPayload

    towns = demo["base"].townships
    feats = [
        {
            "type": "Feature",
            "geometry": demo["geoms"][str(code)],
            "properties": {"style": {"fillColor": "#b2182b"}, "b": 1},
        }
        for code in towns["code"][:3]
    ]
    payload = MapPayload(
        {
            "townships": {"type": "FeatureCollection", "features": feats},
            "counties": {"type": "FeatureCollection", "features": []},
            "county_labels": {"type": "FeatureCollection", "features": []},
        },
        [[35.0, 103.6], [36.2, 105.5]],
    )
    script = sim_map.base_map(payload, 500).get_root().render()
    assert sim_overlay.HATCH in script and sim_overlay.HATCH_SEEN in script
    for pane in sim_map.PANES:
        assert pane in script


def test_fit_height_follows_the_shape_of_the_area() -> None:
    wide = fit_height([[35.0, 100.0], [35.5, 106.0]], 700)
    tall = fit_height([[30.0, 104.0], [38.0, 105.0]], 700)
    assert wide == 420 and tall == 640  # clamped
    demo = fit_height([[35.02, 103.68], [36.2, 105.53]], 690)
    assert 480 < demo < 600
    assert np.isfinite(demo)


def test_overlay_tooltips_escape_township_and_county_names(demo: dict[str, Any]) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    base = demo["base"].townships.copy()
    after = demo["after"].townships.copy()
    for frame in (base, after):
        frame["name"] = hostile
        frame["county"] = hostile + "县"
    overlay = sim_overlay.township_overlay(base, after, demo["geoms"], "zh")
    assert overlay["features"]
    for feat in overlay["features"]:
        tip = feat["properties"]["tip"]
        assert "<img" not in tip and "&lt;img src=x onerror=alert(1)&gt;" in tip


def test_county_labels_move_off_the_badges_and_stay_in_their_county(demo: dict[str, Any]) -> None:
    import shapely

    from dashboard.map.cache import display_geometry
    from dashboard.simulate.features import LABEL_CLEAR_DEG, label_features

    city = demo["city"]
    _, counties = display_geometry("test-labels", city)
    labels = {"type": "FeatureCollection", "features": [v["label"] for v in counties.values()]}
    xy = np.concatenate(
        [np.c_[g.geometry.x, g.geometry.y] for g in (city.contact_points, city.homes)]
    )
    moved = label_features(labels, city.townships, xy)
    assert labels["features"][0] is counties[next(iter(counties))]["label"]  # input kept

    def crowded(x: float, y: float) -> bool:
        near = (np.abs(xy[:, 0] - x) < LABEL_CLEAR_DEG[0]) & (
            np.abs(xy[:, 1] - y) < LABEL_CLEAR_DEG[1]
        )
        return bool(near.any())

    before = sum(crowded(*f["geometry"]["coordinates"]) for f in labels["features"])
    after = sum(crowded(*f["geometry"]["coordinates"]) for f in moved["features"])
    assert before >= 3 and after == 0  # the demo city: 洮峪县, 崆源区 ... sat on badges
    for feat in moved["features"]:
        county = city.townships[city.townships["county"] == feat["properties"]["k"]]
        where = shapely.Point(*feat["geometry"]["coordinates"])
        # Degrees on purpose: a tolerance of ~10 m on the stored outlines.
        assert shapely.contains(shapely.buffer(county.geometry.array, 1e-4), where).any()
