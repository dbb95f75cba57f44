"""One kind of the simulation map's layers drawn from outside the map (the optimiser panel):
``dashboard.simulate.sync.kind_script`` and ``SYNC_JS``'s ``simSyncKind``."""

from __future__ import annotations

from dashboard.simulate import map as sim_map
from dashboard.simulate import sync, views


def _script(name: str) -> str:
    points = [{"id": "NEW-01", "name": name, "type": "rural", "lon": 113.1, "lat": 28.2}]
    features = sim_map.pending_features(points, "zh")["features"]
    return sync.kind_script(
        "pending",
        features,
        sim_map.pending_options("zh"),
        "iframe[title='streamlit_folium.st_folium']",
        f".{views.LEGEND_ITEMS}",
        views.pending_legend_item("zh"),
    )


def test_the_script_carries_the_points_and_no_name_can_close_it() -> None:
    script = _script("</script><img src=x onerror=alert(1)>")
    assert script.startswith("<script>") and script.endswith("</script>")
    body = script[len("<script>") : -len("</script>")]
    assert "</" not in body and "<img" not in body  # user text as \\u003c escapes
    assert "simSyncKind" in body and "NEW-01" in body and '"pending"' in body


def test_the_map_draws_one_kind_with_the_same_keeping_as_a_whole_sync() -> None:
    # simSync and simSyncKind share simSyncOne: a feature drawn before is kept, by its text.
    assert "window.simSyncKind = function(kind, list, options)" in sync.SYNC_JS
    assert sync.SYNC_JS.count("L.geoJson(") == 1
    assert "window.simSyncMap = m" in sync.SYNC_JS


def test_the_legend_entry_is_the_one_the_editor_draws() -> None:
    entry = views.pending_legend_item("zh")
    assert "sim-lg-pending" in entry
    assert entry in views.map_legend("zh", pending=True)
    assert f"class='{views.LEGEND_ITEMS}'" in views.map_legend("zh")
