"""The map of the dashboard: one Leaflet renderer in the browser, offline assets.

Everything the map draws is drawn by one piece of JavaScript, :data:`RENDER_JS`, from
plain data: ``cpInit(map, data)`` builds nothing but keeps the dataset's GeoJSON layers
(townships, county outlines and labels, contact points and their radii, collection sites
and links, homes, villages; every feature tagged with its county as ``k``), and
``cpView(map, view)`` draws one view of them: a county or the whole area, the visible
layers, the townships' fill colours. A new view with the same county and layers only
restyles the township polygons; otherwise the layers are rebuilt from the data already in
the browser. Every point layer is a single ``L.geoJson`` with ``pointToLayer`` (a
CircleMarker or an inline badge), never thousands of separate markers; legends are drawn
outside the map.

Two carriers:

- the 地图 page (:func:`draw`) hands the component of streamlit-folium its arguments
  directly: the base script (Leaflet map, renderer, the dataset's data) stays the same
  while the user changes measure, county or layers, so the map's iframe is never reloaded;
  each view travels as the component's ``feature_group`` script (a few kB), which the
  component evaluates in the live map. The page needs neither folium nor pandas;
- :func:`dashboard.map.folium_map.build_map` returns a :class:`folium.Map` with the same
  renderer, for ``st_folium`` elsewhere (the data page's preview) and for tests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.adapters.streamlit_internals import (
    FOLIUM_LIVE_MAP,
    FOLIUM_MAP_VAR,
    folium_component,
    folium_no_value_js,
)
from dashboard.i18n import Lang
from dashboard.map import legibility
from dashboard.map.inert import inert_json
from dashboard.map.palette import (
    BLIND_COLOR,
    LINK_COLOR,
    MAP_BACKGROUND,
    POINT_STYLE,
    ROAD_COLOR,
    SITE_COLOR,
    SITE_ORPHAN_COLOR,
    VILLAGE_COVERED,
    VILLAGE_UNCOVERED,
    badge_styles,
)
from dashboard.map.tools import TOOLS_JS, tool_texts

#: Layers the user can toggle, in drawing order, and whether each is on by default
#: (townships are always drawn).
LAYERS: dict[str, bool] = {
    "blind_spots": True,
    "counties": True,
    "roads": True,
    "radii": True,
    "site_links": True,
    "villages": False,
    "collection_sites": True,
    "contact_points": True,
    "homes": True,
}
#: Base maps that need no configuration; the 地图 page offers
#: :func:`dashboard.map.tiles.basemap_choices` (the configured ones first).
BASEMAPS: tuple[str, ...] = ("none", "reference", "osm", "tianditu")
MAP_HEIGHT = 640
#: Padding (pixels) around the area a view is fitted to.
FIT_PADDING = 12

TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

#: Vendored Leaflet, relative to the st_folium iframe (the same files as
#: :func:`dashboard.map.assets.offline_js` / :func:`dashboard.map.assets.offline_css`, which import
#: folium; a test checks that both agree).
LEAFLET_JS = "vendor/leaflet-1.9.3/leaflet.js"
LEAFLET_CSS = "vendor/leaflet-1.9.3/leaflet.css"
IFRAME_STATIC_BASE = "../../app/static"


@dataclass(frozen=True)
class MapPayload:
    """Everything the map draws, as GeoJSON dicts (picklable, cacheable).

    Parameters
    ----------
    layers
        ``name -> FeatureCollection`` for ``townships`` and the names in :data:`LAYERS`
        (plus ``county_labels``).
    bounds
        ``[[south, west], [north, east]]`` to fit the view to.
    """

    layers: dict[str, dict[str, Any]]
    bounds: list[list[float]]
    extra: dict[str, Any] = field(default_factory=dict)


#: Badges and count bubbles (:data:`dashboard.map.legibility.LEGIBLE_JS`), also on the
#: simulation and comparison maps.
BADGE_CSS = """
.cp-badge { width: 20px; height: 20px; border-radius: 50%; border: 2px solid #fff; color: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.5); font-size: 12px; font-weight: 700; line-height: 20px;
  text-align: center; }
.cp-badge.cp-home { width: 15px; height: 15px; border-radius: 3px; border-width: 1.5px;
  font-size: 10px; line-height: 15px; }
.cp-icon { background: none; border: none; }
.cp-badge.cp-cluster { font-size: 14px; box-shadow: 0 0 0 3px rgba(255,255,255,.55),
  0 1px 5px rgba(0,0,0,.6); cursor: zoom-in; }
.cp-cluster-row { margin-right: 6px; font-weight: 700; color: #1c2b3a; }
.cp-cluster-row i { display: inline-block; width: 16px; height: 16px; border-radius: 50%;
  color: #fff; font-style: normal; font-size: 10px; line-height: 16px; text-align: center;
  margin-right: 2px; }"""

CSS = f"""
<style>
.leaflet-container {{ background: {MAP_BACKGROUND};
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; }}
{BADGE_CSS}
.cp-zoom-hint {{ position: absolute; z-index: 1000; left: 50%; top: 10px;
  transform: translateX(-50%); background: rgba(255,255,255,.92); color: #1c2b3a;
  border: 1px solid #c5ccd6; border-radius: 4px; padding: 4px 10px; font-size: 13px;
  pointer-events: none; }}
.cp-county-label {{ background: none; border: none; color: #1c2b3a; font-size: 13px;
  font-weight: 700; white-space: nowrap; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }}
.cp-county-label span {{ display: inline-block; transform: translate(-50%, -50%); }}
.cp-tip b {{ font-size: 14px; color: #1c2b3a; }}
.cp-tip .cp-sub {{ color: {BLIND_COLOR}; font-weight: 700; margin-left: 4px; }}
.cp-tip table {{ margin-top: 4px; border-collapse: collapse; }}
.cp-tip th {{ text-align: left; font-weight: 400; color: #5f6b7a; padding: 1px 10px 1px 0; }}
.cp-tip td {{ text-align: right; font-weight: 600; color: #1c2b3a; padding: 1px 0; }}
</style>
"""

#: The renderer (see the module docstring). Tooltips are built from compact properties
#: ``{h: title, s: subtitle, r: [[label index, value], ...]}`` whose texts arrive escaped;
#: blind spots (``b: 1``) get a hatched copy (an SVG pattern, ``url(#cp-hatch)``).
RENDER_JS = legibility.LEGIBLE_JS + (
    (Path(__file__).with_name("render.js"))
    .read_text(encoding="utf-8")
    .replace("__PAD__", str(FIT_PADDING))
    .replace("__RADIUS_COLORS__", json.dumps({k: v[0] for k, v in POINT_STYLE.items()}))
    .replace("__BLIND__", BLIND_COLOR)
    .replace("__ROAD__", ROAD_COLOR)
    .replace("__LINK__", LINK_COLOR)
    .replace("__V_COVERED__", VILLAGE_COVERED)
    .replace("__V_UNCOVERED__", VILLAGE_UNCOVERED)
    .replace("__SITE__", SITE_COLOR)
    .replace("__ORPHAN__", SITE_ORPHAN_COLOR)
)


def js_json(value: Any) -> str:
    """Return ``value`` as compact JSON that is safe inside a ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators are written as ``\\uXXXX`` escapes (as
    folium does), so no user text can close the script or open a tag, and ``{{``, ``{%``,
    ``{#`` as ``\\u007b...`` (:mod:`dashboard.map.inert`: branca compiles scripts as Jinja).
    """
    text = inert_json(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def map_data(payload: MapPayload, lang: Lang) -> dict[str, Any]:
    """Return the data ``cpInit`` takes: layers, tooltip labels, badges, bounds."""
    return {
        "layers": payload.layers,
        "labels": payload.extra.get("labels", []),
        "badges": badge_styles(lang),
        "bounds": payload.bounds,
        # The tools' texts (dashboard/map/tools.py); the search box's places are fetched
        # from a file (dashboard/map/search_index.py), a list given here is used instead.
        **({"places": payload.extra["places"]} if "places" in payload.extra else {}),
        "tools": tool_texts(lang),
    }


def view_data(
    layers: set[str] | frozenset[str] | list[str],
    county: str = "",
    fills: list[str] | None = None,
    bounds: list[list[float]] | None = None,
) -> dict[str, Any]:
    """Return the data ``cpView`` takes.

    Parameters
    ----------
    layers
        Names from :data:`LAYERS` to draw (townships are always drawn).
    county
        Only the features of this county (``""``: all).
    fills
        Fill colour of every township of the dataset, in the data's order (``None``: the
        colours in the data); sent as indices into ``palette``.
    bounds
        ``[[south, west], [north, east]]`` to fit the map to when it differs from the
        last view's.
    """
    palette: list[str] = []
    index: dict[str, int] = {}
    if fills is not None:
        # The view travels on every change: each township's colour as an index into the few
        # colours of the scale (2 bytes, not 10; 1,500 townships of a province: 3 kB).
        for color in fills:
            index.setdefault(color, len(index))
        palette = list(index)
    return {
        "county": county,
        "shown": [name for name in LAYERS if name in set(layers)],
        "fills": None if fills is None else [index[c] for c in fills],
        "palette": palette,
        "bounds": bounds,
    }


def _tiles_js(basemap: str, tianditu_key: str) -> str:
    """Return the script adding the base map's tiles (nothing for ``"none"``)."""
    if basemap in ("local", "custom"):
        from dashboard.map.tiles import TileSpec, tile_js, tile_spec

        spec = tile_spec(basemap)
        return tile_js(spec) if isinstance(spec, TileSpec) else ""
    if basemap == "osm":
        return f"L.tileLayer({json.dumps(OSM_URL)}, {{maxZoom: 17}}).addTo(__MAP__);\n"
    if basemap == "tianditu" and tianditu_key:
        out = ""
        for layer in ("vec", "cva"):
            url = TIANDITU_URL.format(layer=layer, key=tianditu_key, s="{s}")
            out += (
                f"L.tileLayer({json.dumps(url)}, {{subdomains: '01234567', maxZoom: 17}})"
                ".addTo(__MAP__);\n"
            )
        return out
    return ""


#: Leaflet options of the map (folium's, without attribution).
_MAP_OPTIONS = (
    "{center: [0, 0], zoom: 1, crs: L.CRS.EPSG3857, zoomControl: true, preferCanvas: false,"
    " attributionControl: false, zoomSnap: 0.25, minZoom: 4, maxZoom: 17}"
)


#: The page around the map (what folium's header sets: no margins, the map's box).
_FRAME_CSS = """
<style>
html, body { width: 100%; height: 100%; margin: 0; padding: 0; }
#__MAP_VAR__ { position: relative; width: 100.0%; height: __HEIGHT__px; left: 0.0%; top: 0.0%; }
.leaflet-container { font-size: 1rem; }
</style>
"""


#: Fetches the dataset's data from its static file (:mod:`dashboard.map.static_data`).
LOAD_JS = Path(__file__).with_name("load.js").read_text(encoding="utf-8")


#: The map's code: renderer, tools and the data loader (a static file of its own on the
#: 地图 page, :func:`component_args`'s ``code_url``).
CODE_JS = RENDER_JS + TOOLS_JS + LOAD_JS


def base_script(
    data_js: str,
    basemap: str = "none",
    tianditu_key: str = "",
    data_url: str = "",
    with_code: bool = True,
    search_url: str = "",
) -> str:
    """Return the component's base script: the map (``map_div``), tiles, renderer and data.

    Parameters
    ----------
    data_js
        ``js_json(map_data(...))`` of the dataset, written into the script when no
        ``data_url`` is given.
    basemap, tianditu_key
        See :func:`build_map`.
    data_url
        URL of ``data_js`` as a static file (:func:`dashboard.map.static_data.publish`):
        the script fetches it (``load.js``) and carries only the URL.
    with_code
        Include :data:`CODE_JS` (False when it is loaded as a file, ``js_links``).
    search_url
        Where the map fetches the search list
        (:func:`dashboard.map.search_index.index_url`); empty: no search list.
    """
    var = FOLIUM_MAP_VAR
    start = (
        f"window.cpInit({var}, d);\nwindow.cpTools({var}, {var}._cp.d, {js_json(search_url)});\n"
    )
    if data_url:
        init = (
            f"window.cpLoad({var}, {js_json(data_url)}, function(d) {{\n{start}"
            f"window.cpFlush({var});\n}});\n"
        )
    else:
        init = f"(function(d) {{\n{start}}})({data_js});\n"
    return (
        folium_no_value_js()
        + f'var {var} = L.map("{var}", {_MAP_OPTIONS});\n'
        + _tiles_js(basemap, tianditu_key).replace("__MAP__", var)
        + f"L.control.scale({{imperial: false}}).addTo({var});\n"
        + (CODE_JS if with_code else "")
        + init
    )


def view_script(view: dict[str, Any]) -> str:
    """Return the script that draws one view in the live map (``feature_group``)."""
    return f"window.cpView({FOLIUM_LIVE_MAP}, {js_json(view)});\n"


def leaflet_links(static_base: str = IFRAME_STATIC_BASE) -> tuple[list[str], list[str]]:
    """Return the vendored Leaflet's JS and CSS URLs (relative to the iframe)."""
    base = static_base.rstrip("/")
    return [f"{base}/{LEAFLET_JS}"], [f"{base}/{LEAFLET_CSS}"]


def component_args(
    data_js: str,
    view: dict[str, Any],
    basemap: str = "none",
    tianditu_key: str = "",
    height: int = MAP_HEIGHT,
    static_base: str = IFRAME_STATIC_BASE,
    data_url: str = "",
    code_url: str = "",
    search_url: str = "",
    leaflet_in_code: bool = False,
) -> dict[str, Any]:
    """Return the arguments streamlit-folium's component takes (its ``st_folium`` call's).

    ``script`` (the base map) changes only with the dataset, the language and the base
    map; ``feature_group`` carries the view. With ``data_url`` (the dataset's static file)
    the script carries only that URL, not the data: every rerun re-sends the arguments.
    With ``code_url`` (:data:`CODE_JS` as a static file) the code is loaded after Leaflet
    instead of travelling in the script. ``search_url``: see :func:`base_script`. With
    ``leaflet_in_code`` the code file holds Leaflet too
    (:func:`dashboard.map.static_data.code_bundle`): it is the only
    script loaded.
    """
    js_links, css_links = leaflet_links(static_base)
    if code_url:
        js_links = [code_url] if leaflet_in_code else [*js_links, code_url]
    # Tuples, not lists: Streamlit checks every list or dict argument for a data frame,
    # which imports pandas (~0.6 s) on the way to the first map.
    return {
        "script": base_script(data_js, basemap, tianditu_key, data_url, not code_url, search_url),
        "header": CSS
        + _FRAME_CSS.replace("__HEIGHT__", str(height)).replace("__MAP_VAR__", FOLIUM_MAP_VAR),
        "html": "",
        "id": FOLIUM_MAP_VAR,
        "height": height,
        "width": None,
        "returned_objects": (),
        "zoom": None,
        "center": None,
        "feature_group": view_script(view),
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": tuple(css_links),
        "js_links": tuple(js_links),
        "wrap_longitude": False,
    }


def draw(key: str, args: dict[str, Any]) -> None:
    """Show the map (:func:`component_args`) in streamlit-folium's component.

    The component is keyed on its base script: the iframe stays while only the view
    changes and is rebuilt when the base map changes.
    """
    digest = hashlib.sha1(
        (args["script"] + args["header"] + str(args["height"])).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    folium_component()(key=f"{key}-{digest}", default=None, **args)
