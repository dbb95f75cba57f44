"""Base maps of an office without internet: a configured tile URL, a local MBTiles file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dashboard.map import tiles
from dashboard.map.search import places
from dashboard.map.tools import tool_texts
from dashboard.map.view import component_args, view_data
from tests.support.e2e import synthetic_city
from tests.support.mbtiles import make_mbtiles, tile_xy

BOUNDS = (117.0, 36.0, 117.6, 36.4)


def test_tile_url_xyz_and_wmts_templates() -> None:
    assert tiles.configured_url({}) is None
    xyz = tiles.configured_url(
        {tiles.ENV_URL: "http://gis.local/{z}/{x}/{y}.png", tiles.ENV_ATTRIBUTION: "内网"}
    )
    assert xyz is not None and xyz.url.endswith("/{z}/{x}/{y}.png")
    assert xyz.attribution == "内网"
    wmts = tiles.configured_url(
        {
            tiles.ENV_URL: "http://t{s}.tianditu.local/vec_w/wmts?LAYER=vec&TILEMATRIX={TileMatrix}"
            "&TILEROW={TileRow}&TILECOL={TileCol}",
            tiles.ENV_MAX_ZOOM: "16",
        }
    )
    assert wmts is not None
    assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in wmts.url
    assert wmts.max_zoom == 16 and wmts.subdomains == "01234567"


def test_configured_base_maps_come_first() -> None:
    assert tiles.basemap_choices({}) == ("none", "reference", "osm", "tianditu")
    env = {tiles.ENV_FILE: "/x/a.mbtiles", tiles.ENV_URL: "http://gis.local/{z}/{x}/{y}.png"}
    assert tiles.basemap_choices(env) == (
        "local",
        "custom",
        "none",
        "reference",
        "osm",
        "tianditu",
    )


def test_mbtiles_are_extracted_as_xyz_once(tmp_path: Path) -> None:
    src = tmp_path / "county.mbtiles"
    n = make_mbtiles(src, BOUNDS, range(8, 11))
    out = tmp_path / "served"
    spec = tiles.local_tiles(src, {}, out)
    assert isinstance(spec, tiles.TileSpec)
    assert (spec.min_zoom, spec.max_zoom) == (8, 10)
    assert spec.bounds == [[36.0, 117.0], [36.4, 117.6]]
    assert spec.url.startswith(tiles.IFRAME_TILES_BASE + "/county-")
    assert spec.url.endswith("/{z}/{x}/{y}.png")
    (folder,) = out.iterdir()
    assert len(list(folder.rglob("*.png"))) == n
    # The MBTiles row is TMS; the served path is XYZ (y from the north).
    x, y = tile_xy(117.3, 36.2, 10)
    with sqlite3.connect(src) as db:
        (blob,) = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=10 AND tile_column=? AND tile_row=?",
            (x, (1 << 10) - 1 - y),
        ).fetchone()
    assert (folder / "10" / str(x) / f"{y}.png").read_bytes() == blob
    stamp = (folder / "10").stat().st_mtime_ns
    assert tiles.local_tiles(src, {}, out) == spec  # a second call reuses the pyramid
    assert (folder / "10").stat().st_mtime_ns == stamp


def test_unusable_tile_files_say_why(tmp_path: Path) -> None:
    src = tmp_path / "big.mbtiles"
    make_mbtiles(src, BOUNDS, range(8, 10))
    too_big = tiles.local_tiles(src, {tiles.ENV_MAX_MB: "0.001"}, tmp_path / "o")
    assert isinstance(too_big, tiles.TileProblem) and too_big.key == "tiles_file_too_big"
    assert not (tmp_path / "o").exists()
    missing = tiles.local_tiles(tmp_path / "none.mbtiles", {}, tmp_path / "o")
    assert isinstance(missing, tiles.TileProblem) and missing.key == "tiles_file_missing"
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all" * 100)
    bad = tiles.local_tiles(junk, {}, tmp_path / "o")
    assert isinstance(bad, tiles.TileProblem) and bad.key == "tiles_file_unreadable"
    vector = tmp_path / "vector.mbtiles"
    make_mbtiles(vector, BOUNDS, range(8, 9))
    with sqlite3.connect(vector) as db:
        db.execute("UPDATE metadata SET value='pbf' WHERE name='format'")
    fmt = tiles.local_tiles(vector, {}, tmp_path / "o")
    assert isinstance(fmt, tiles.TileProblem) and fmt.key == "tiles_file_format"


def test_tile_script_keeps_the_attribution_as_text() -> None:
    spec = tiles.TileSpec("http://gis.local/{z}/{x}/{y}.png?a=1&b=2", "<img src=x>&局")
    js = tiles.tile_js(spec)
    assert "<" not in js and ">" not in js and "&" not in js
    assert "textContent" in js and "L.tileLayer(" in js


def test_map_page_script_has_the_tile_layer(monkeypatch: object, tmp_path: Path) -> None:
    url = "http://gis.local/{z}/{x}/{y}.png"
    monkeypatch.setenv(tiles.ENV_URL, url)  # type: ignore[attr-defined]
    args = component_args("{}", view_data(set()), basemap="custom")
    assert url in args["script"] and "window.cpTools(" in args["script"]
    assert "L.tileLayer" not in component_args("{}", view_data(set()))["script"]


def test_search_places_are_escaped_and_include_counties() -> None:
    city = synthetic_city()
    found = places(city.townships, city.villages)  # type: ignore[attr-defined]
    kinds = [p[1] for p in found]
    assert kinds.count(0) == len(city.townships)  # type: ignore[attr-defined]
    assert kinds.count(1) == len(city.villages)  # type: ignore[attr-defined]
    assert kinds.count(2) == city.townships["county"].nunique()  # type: ignore[attr-defined]
    assert found[0][0] == "&lt;b&gt;第0镇&amp;"
    town = city.townships.iloc[3]  # type: ignore[attr-defined]
    assert town.geometry.contains(__import__("shapely").Point(found[3][3], found[3][2]))


def test_tool_texts_in_both_languages() -> None:
    zh, en = tool_texts("zh"), tool_texts("en")
    assert set(zh) == set(en) and "{n}" in zh["tiles_failed"] and "{km}" in en["total"]


def test_reference_layer_from_the_data() -> None:
    from dashboard.map.reference import MAJOR, reference_features, reference_script
    from geodata.demo.load import load_demo_city

    city = synthetic_city()
    no_roads = reference_features(None, city.townships)  # type: ignore[attr-defined]
    assert no_roads["roads"] == []
    assert len(no_roads["seats"]) == city.townships["county"].nunique()  # type: ignore[attr-defined]
    demo = load_demo_city()
    data = reference_features(demo.roads, demo.townships)
    assert len(data["roads"]) >= len(demo.roads)
    majors = {r[0] for r in data["roads"] if r[1]}
    assert majors and majors <= set(MAJOR)
    lat, lon = data["roads"][0][2][0]
    assert 35 < lat < 37 and 103 < lon < 106  # [lat, lon] as Leaflet takes them
    script = reference_script({"roads": [], "seats": [["<b>镇", 36.0, 117.0]]})
    assert "<b>" not in script and "\\u0026lt;b\\u0026gt;" in script  # the name is text


def test_villages_name_their_township_by_index() -> None:
    city = synthetic_city()
    found = places(city.townships, city.villages)  # type: ignore[attr-defined]
    village = next(p for p in found if p[1] == 1)
    code = str(city.villages["township_code"].iloc[0])  # type: ignore[attr-defined]
    towns = city.townships["code"].astype(str).tolist()  # type: ignore[attr-defined]
    assert village[4] == towns.index(code) and found[village[4]][1] == 0
