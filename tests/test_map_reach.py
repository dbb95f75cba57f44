"""The map's pieces of road reach: service areas, road lines, minutes classes and texts."""

from __future__ import annotations

import math
import tempfile

import pytest

from analysis.coverage.api import compute_coverage
from analysis.standards.load import load_standards
from dashboard.i18n import t
from dashboard.map.legend import legend_html, service_area_labels
from dashboard.map.palette import MINUTE_BREAKS, POINT_STYLE, color_scale, minutes_text
from dashboard.map.reach import reach_info, road_features, service_area_features
from geodata.demo.load import load_demo_city


@pytest.fixture(scope="module")
def demo() -> tuple[object, object, object]:
    import os

    os.environ["COVERAGE_PLANNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="map-reach-")
    city = load_demo_city()
    road = compute_coverage(city, load_standards(reach_mode="road"))
    radius = compute_coverage(city, load_standards())
    return city, road, radius


def test_minutes_classes_and_texts() -> None:
    scale = color_scale("nearest_point_minutes", [3.0, 70.0])
    assert scale.breaks == MINUTE_BREAKS
    assert scale.color(10) == scale.colors[0] and scale.color(math.inf) == scale.colors[-1]
    assert scale.legend("zh")[-1][1] == t("minutes_legend_last", "zh", m="60")
    assert minutes_text(34.6, "zh") == t("minutes_value", "zh", m="35")
    assert minutes_text(math.inf, "en") == t("minutes_unreachable", "en")
    assert minutes_text(float("nan"), "zh") == "—" and minutes_text(None, "zh") == "—"


def test_service_areas_are_road_lines_in_the_types_colour(demo: tuple) -> None:
    city, road, radius = demo
    areas = service_area_features(city.contact_points, road)
    feats = areas["features"]
    assert len(feats) >= len(city.contact_points) - 2
    assert {f["geometry"]["type"] for f in feats} <= {"LineString", "MultiLineString"}
    by_type = {f["properties"]["t"]: f["properties"]["m"] for f in feats}
    assert by_type["rural"] == 20.0 and by_type["urban_community"] == 40.0
    info = reach_info(road, ["rural", "urban_community"])
    assert info["mode"] == "road" and info["travel"] == {
        "rural": "drive",
        "urban_community": "walk",
    }
    assert reach_info(radius, ["rural"]) == {"mode": "radius"}
    lines = service_area_labels(info, ["rural", "urban_community"], "zh")
    drive = t("legend_service_area", "zh", mode=t("travel_drive", "zh"), minutes="20")
    walk = t("legend_service_area", "zh", mode=t("travel_walk", "zh"), minutes="40")
    assert lines == [
        (drive, [POINT_STYLE["rural"][0]]),
        (walk, [POINT_STYLE["urban_community"][0]]),
    ]
    html = legend_html(
        color_scale("coverage_share", []), "x", ["radii", "roads"], ["rural"], "zh", info
    )
    assert drive in html and t("legend_roads", "zh") in html
    assert t("legend_radius", "zh") not in html
    plain = legend_html(color_scale("coverage_share", []), "x", ["radii"], ["rural"], "zh")
    assert t("legend_radius", "zh") in plain


def test_road_network_one_feature_per_class_narrow_first(demo: tuple) -> None:
    city, _, _ = demo
    feats = road_features(city.roads)["features"]
    widths = [f["properties"]["w"] for f in feats]
    assert widths == sorted(widths) and len(feats) == city.roads["road_class"].nunique()
    assert road_features(None)["features"] == []
