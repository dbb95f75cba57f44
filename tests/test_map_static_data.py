"""The map's data and code as content-hashed static files (dashboard.map.static_data).

The component's arguments carry only URLs and the view (:func:`dashboard.map.view.
component_args`); the browser side (served, fetched, drawn with outside requests blocked)
is in tests/test_e2e_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.i18n import t
from dashboard.map import static_data
from dashboard.map.view import CODE_JS, component_args, view_data


def test_publish_names_the_file_by_its_content(tmp_path: Path) -> None:
    url = static_data.publish('{"a":1}', folder=tmp_path, base="../../app/static/mapdata")
    name = url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}\.json", name)
    assert url == f"../../app/static/mapdata/{name}"
    assert (tmp_path / name).read_text(encoding="utf-8") == '{"a":1}'
    assert static_data.publish('{"a":1}', folder=tmp_path).endswith(name)  # same content
    other = static_data.publish('{"a":2}', folder=tmp_path)
    assert other.rsplit("/", 1)[1] != name
    code = static_data.publish("var x;", folder=tmp_path, suffix=".js")
    assert code.endswith(".js")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".js", ".json", ".json"]


def test_a_removed_file_is_written_again(tmp_path: Path) -> None:
    url = static_data.publish('{"b":1}', folder=tmp_path)
    path = tmp_path / url.rsplit("/", 1)[1]
    path.unlink()
    assert static_data.publish('{"b":1}', folder=tmp_path) == url
    assert path.exists()


def test_old_files_are_pruned(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(static_data, "MAX_FILES", 3)
    for i in range(5):
        static_data.publish(f'{{"n":{i}}}', folder=tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 3


def test_arguments_carry_urls_and_the_view_not_the_data() -> None:
    data_js = (
        '{"layers":{"townships":{"type":"FeatureCollection","features":[]}},"big":"'
        + ("x" * 200_000)
        + '"}'
    )
    view = view_data({"contact_points"}, county="甲县")
    args = component_args(data_js, view, data_url="../d.json", code_url="../c.js")
    assert "x" * 100 not in args["script"] and "cpInit" in args["script"]
    assert '"../d.json"' in args["script"] and "window.cpLoad(" in args["script"]
    assert args["js_links"][-1] == "../c.js"
    assert CODE_JS not in args["script"]
    assert len(args["script"]) + len(args["feature_group"]) < 3000
    # Without URLs (the folium preview, tests) the data and code stay inside the script.
    inline = component_args(data_js, view)
    assert "x" * 100 in inline["script"] and "window.cpView = function" in inline["script"]


def test_all_area_names_in_both_languages() -> None:
    for level, zh, en in (
        ("province", "全省", "Whole province"),
        ("city", "全市", "Whole city"),
        ("county", "全县", "Whole county"),
    ):
        assert t(f"all_area_{level}", "zh") == zh
        assert t(f"all_area_{level}", "en") == en


def test_code_bundle_starts_the_data_fetch_before_leaflet_and_the_code() -> None:
    bundle = static_data.code_bundle("../../app/static/mapdata/d.json")
    fetch_at = bundle.index("fetch(u, {credentials: 'same-origin'})")
    assert '("../../app/static/mapdata/d.json")' in bundle.split("\n", 2)[1]
    assert fetch_at < bundle.index("Leaflet 1.9.3") < bundle.index(CODE_JS)
    assert bundle.endswith(CODE_JS) and "sourceMappingURL" not in bundle
    # The map loads the one file: Leaflet is in it.
    view = view_data({"contact_points"})
    args = component_args(
        "{}", view, data_url="../d.json", code_url="../b.js", leaflet_in_code=True
    )
    assert list(args["js_links"]) == ["../b.js"]
    assert "window.cpLoad(" in args["script"]
