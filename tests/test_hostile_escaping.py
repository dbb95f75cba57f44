"""Hostile names never reach a browser (or a map viewer) as markup.

Every name and free-text field of every layer, the city name, the scenario name and its
author hold ``<script>alert(1)</script>``, ``<img src=x onerror=alert(1)>`` and friends
(:data:`tests.support.hostile.HOSTILE_NAMES`). Checked here:

- the map page's and data preview's map (:mod:`dashboard.map.cache` / :mod:`dashboard.map.view`):
  every tooltip, popup and label is the dashboard's own inert markup whose *text* is the
  name, and the HTML/script st_folium sends to the browser holds no raw tag;
- the simulation and comparison maps (:mod:`dashboard.simulate.map`), the scenario's own
  points included;
- page-level HTML (``unsafe_allow_html`` markdown, ``st.html``) on the simulation,
  comparison and export pages with a saved scenario called ``<script>...`` by
  ``<img onerror>`` (AppTest); tables are ``st.dataframe`` (rendered as text by Streamlit);
- the KML export, whose ``<description>`` map viewers render as HTML.

Spreadsheet formulas in CSV/XLSX exports are neutralised and tested in
``tests/test_export_office.py`` (``test_csv_neutralises_formulas``,
``test_xlsx_sheets_values_and_safety``); the report command's CSV files in
``tests/test_hostile_cli.py``. The upload page with hostile names: ``tests/test_hostile_upload.py``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import streamlit_folium

from dashboard.map import cache as mapcache
from dashboard.map import folium_map as mapfolium
from dashboard.map import pipeline
from dashboard.map import view as mapview
from dashboard.simulate import map as sim_map
from tests.support.hostile import (
    HOSTILE_NAMES,
    IMG,
    REPO,
    SCRIPT,
    TEMPLATE,
    hostile_city,
    markup_problems,
    markup_text,
    page_html_problems,
    raw_markers,
    script_risks,
)

RADII = {"urban_community": 3000.0, "rural": 10000.0, "enterprise": 5000.0, "association": 5000.0}


@pytest.fixture(scope="module")
def city() -> Any:
    return hostile_city()


@pytest.fixture(scope="module")
def result(city: Any) -> Any:
    from analysis.coverage.api import compute_coverage

    return compute_coverage(city)


@pytest.fixture(scope="module")
def scenario(city: Any) -> Any:
    """A plan on the hostile city: hostile name, author, description and new points."""
    import dataclasses

    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario

    scn = baseline_scenario(city, "hostile", author=IMG)
    scn = dataclasses.replace(scn, name=SCRIPT, description=IMG)
    x, y = city.townships.geometry.iloc[0].representative_point().coords[0]
    scn = add_point(scn, "contact_points", lon=x, lat=y, type="rural", name=SCRIPT, county=IMG)
    scn = add_point(scn, "collection_sites", lon=x + 0.01, lat=y, name=IMG)
    return add_point(scn, "homes", lon=x, lat=y + 0.01, name=SCRIPT)


def _fragments(layers: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """``(layer, html)`` of every tooltip/popup/label of a payload's layers."""
    out = []
    for name, collection in layers.items():
        for feature in collection.get("features", []):
            props = feature.get("properties") or {}
            for key in ("tip", "label"):
                if key in props:
                    out.append((name, str(props[key])))
    return out


def _assert_safe_fragments(fragments: list[tuple[str, str]], layers: set[str]) -> None:
    seen_layers = {name for name, _ in fragments}
    assert layers <= seen_layers, f"layers without a hostile tooltip: {layers - seen_layers}"
    shown = " ".join(markup_text(html) for _, html in fragments)
    for name, html in fragments:
        assert not markup_problems(html), (name, html)
        assert not raw_markers(html), (name, html)
    # The names are shown, as text, exactly as typed.
    for hostile in HOSTILE_NAMES:
        assert hostile in shown, hostile


def _assert_sent_html_is_inert(m: Any) -> None:
    """What st_folium sends (script, header, html) and the standalone page hold no hostile
    name verbatim (folium writes the GeoJSON with ``<``, ``>``, ``&`` as ``\\u003c`` ...,
    and the names inside are already HTML-escaped: checked on the payload above)."""
    parts = {
        "script": streamlit_folium._get_map_string(m),
        "header": streamlit_folium._get_header(m),
        "html": streamlit_folium._get_html(m),
        "page": m.get_root().render(),
    }
    for part, text in parts.items():
        for hostile in HOSTILE_NAMES:
            if "<" in hostile:
                assert hostile not in text, (part, hostile)
        assert "<script>alert" not in text, part
        assert "<img src=x" not in text, part
        # branca renders folium's scripts as Jinja templates: a name must never be one
        # (written as \u007b{7*7}}...: tests/test_hostile_templates.py).
        assert "49${alert(4)}" not in text and "{{7*7}}" not in text, part
        if "${alert(4)}" in text:
            assert TEMPLATE[1:] in text, part


@pytest.mark.parametrize("county", [False, True], ids=["whole_city", "one_county"])
def test_map_page_tooltips_popups_and_labels(city: Any, result: Any, county: bool) -> None:
    chosen = str(city.townships["county"].iloc[0]) if county else ""
    whole = mapcache.map_layers("hostile", "zh", True, city, result, RADII)
    payload, _, _ = pipeline.view_payload(whole, "coverage_share", chosen)
    fragments = _fragments(payload.layers)
    expected = {
        "townships",
        "county_labels",
        "villages",
        "contact_points",
        "collection_sites",
        "homes",
    }
    if county:
        _assert_safe_fragments(fragments, expected - {"collection_sites"})
    else:
        _assert_safe_fragments(fragments, expected)
    m = mapfolium.build_map(payload, set(mapview.LAYERS))
    _assert_sent_html_is_inert(m)


def test_data_preview_map_without_coverage(city: Any) -> None:
    whole = mapcache.map_layers("hostile-preview", "en", False, city, None, RADII)
    payload, _, _ = pipeline.view_payload(whole, "population", "")
    _assert_safe_fragments(
        _fragments(payload.layers),
        {"townships", "county_labels", "contact_points", "collection_sites", "homes"},
    )
    m = mapfolium.build_map(payload, {"counties", "contact_points", "collection_sites", "homes"})
    _assert_sent_html_is_inert(m)


def test_simulation_and_comparison_maps(city: Any, result: Any, scenario: Any) -> None:
    payload = sim_map.base_payload(
        type("D", (), {"id": "hostile", "city": city})(), result, RADII, "zh"
    )
    features = sim_map.point_features(
        scenario, RADII, f"contact_points:{scenario.contact_points['id'].iloc[-1]}", "zh"
    )
    fragments = _fragments(features) + _fragments(payload.layers)
    _assert_safe_fragments(fragments, {"points", "sites", "homes", "townships", "county_labels"})
    base = sim_map.base_map(payload, 500)
    _assert_sent_html_is_inert(base)
    group = sim_map.scenario_group(features)
    base.add_child(group)
    _assert_sent_html_is_inert(base)
    _assert_sent_html_is_inert(sim_map.small_map(payload, features, 300))


def test_kml_descriptions_are_inert_for_map_viewers(
    city: Any, result: Any, scenario: Any, tmp_path: Path
) -> None:
    """Google Earth and Ovital render a placemark's <description> as HTML: after XML
    parsing, the text must not hold markup built from a user's name."""
    from analysis.coverage.api import compute_coverage
    from analysis.export import export_scenario
    from analysis.plan.scenarios import apply_scenario

    after = compute_coverage(apply_scenario(city, scenario))
    paths = export_scenario(city, scenario, result, after, "kml", tmp_path)
    kml = next(p for p in paths if p.suffix == ".kml")
    root = ET.parse(kml).getroot()
    descriptions = [el.text or "" for el in root.iter() if el.tag.endswith("description")]
    assert len(descriptions) > 10
    risky = [d for d in descriptions if script_risks(d)]
    assert not risky, risky[:3]


# --- page-level HTML with a hostile saved scenario (AppTest) ----------------------------


def _sim_page(name: str) -> Path | None:
    path = REPO / "dashboard" / "views" / name
    return path if path.is_file() else None


def _assert_page_html_inert(at: Any) -> None:
    for el in at.markdown:
        if el.proto.allow_html:
            assert not raw_markers(el.value), el.value
            assert not script_risks(el.value), el.value
    for el in at.get("html"):
        body = el.proto.body
        assert not page_html_problems(body, el.proto.unsafe_allow_javascript), body[:300]


@pytest.mark.parametrize("page", ["simulate.py", "compare.py", "export.py"])
def test_pages_with_a_hostile_scenario(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario
    from analysis.workspace.store import WORKSPACE_ENV_VAR, WorkspaceStore
    from geodata.demo.load import DEMO_DATASET_ID, load_demo_city

    path = _sim_page(page)
    if path is None:
        pytest.skip(f"{page} is not built yet")
    workspace = tmp_path / "workspace.gpkg"
    monkeypatch.setenv(WORKSPACE_ENV_VAR, str(workspace))
    demo = load_demo_city()
    scn = baseline_scenario(demo, DEMO_DATASET_ID, author=IMG)
    import dataclasses

    scn = dataclasses.replace(scn, name=SCRIPT, description=IMG)
    x, y = demo.townships.geometry.iloc[0].representative_point().coords[0]
    scn = add_point(scn, "contact_points", lon=x, lat=y, type="rural", name=IMG)
    WorkspaceStore(workspace).save(scn)
    at = AppTest.from_file(str(path), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    _assert_page_html_inert(at)
    # Not vacuous: the page did show the hostile scenario (as text).
    shown = [el.value for el in at.markdown] + [w.value for w in at.text_input]
    shown += [o for w in at.selectbox for o in w.options] + [
        o for w in at.multiselect for o in w.options
    ]
    assert any(SCRIPT in str(v) for v in shown), shown[:20]


def test_the_data_pages_boundary_map(city: Any) -> None:
    """The overlaps map's tooltips (folium's GeoJsonTooltip: fields go into innerHTML)."""
    import folium

    from dashboard.widgets.boundaries import boundary_map

    towns = city.townships.to_crs(3857)
    towns["geometry"] = towns.geometry.buffer(300)  # every neighbour overlaps
    m = boundary_map("hostile-boundaries", towns.to_crs(4326), "zh")
    fragments = [
        (layer.layer_name, str(feature["properties"][key]))
        for layer in m._children.values()
        if isinstance(layer, folium.GeoJson)
        for feature in layer.data["features"]
        for key in ("name", "label")
        if key in feature["properties"]
    ]
    assert {name for name, _ in fragments} == {"townships", "boundary_issues"}
    for name, html in fragments:
        assert not markup_problems(html) and not raw_markers(html), (name, html)
    shown = " ".join(markup_text(html) for _, html in fragments)
    for hostile in HOSTILE_NAMES:
        assert hostile in shown, hostile
    _assert_sent_html_is_inert(m)
