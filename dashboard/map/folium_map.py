"""The folium version of the map, for the data page's preview and for tests.

The same renderer as :mod:`dashboard.map.view` (``RENDER_JS``, offline assets, no
attribution); the 地图 page itself does not use folium. folium is imported when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dashboard.adapters.streamlit_internals import folium_no_value_js
from dashboard.i18n import Lang
from dashboard.map.view import (
    CSS,
    FIT_PADDING,
    IFRAME_STATIC_BASE,
    MAP_HEIGHT,
    OSM_URL,
    RENDER_JS,
    TIANDITU_URL,
    MapPayload,
    js_json,
    map_data,
    view_data,
)

if TYPE_CHECKING:
    import folium


def build_map(
    payload: MapPayload,
    layers: set[str] | frozenset[str],
    basemap: str = "none",
    tianditu_key: str = "",
    height: int = MAP_HEIGHT,
    static_base: str = IFRAME_STATIC_BASE,
    lang: Lang = "zh",
) -> folium.Map:
    """Assemble a folium map of one payload (offline assets, no attribution, one renderer).

    Parameters
    ----------
    payload
        A view of the layers (:func:`dashboard.map.pipeline.view_payload`).
    layers
        Names from :data:`LAYERS` to draw (townships are always drawn).
    basemap
        ``"none"`` (default, works offline), ``"osm"`` or ``"tianditu"``.
    tianditu_key
        Tianditu key; ignored unless ``basemap == "tianditu"``.
    height
        Map height in pixels.
    static_base
        URL prefix of the vendored assets (iframe-relative by default).
    lang
        Language of the point badges (Chinese characters or English letters).
    """
    import folium

    from dashboard.map.assets import add_css, use_offline_assets

    m = folium.Map(
        location=None,
        tiles=None,
        attribution_control=False,
        control_scale=False,
        zoom_snap=0.25,
        min_zoom=4,
        max_zoom=17,
        height=height,
        prefer_canvas=False,
    )
    use_offline_assets(m, static_base)
    add_css(m, CSS, "cp_css")
    if basemap == "osm":
        folium.TileLayer(OSM_URL, attr="OpenStreetMap", name="osm", control=False).add_to(m)
    elif basemap == "tianditu" and tianditu_key:
        for layer in ("vec", "cva"):
            folium.TileLayer(
                TIANDITU_URL.format(layer=layer, key=tianditu_key, s="{s}"),
                attr="Tianditu",
                name=f"tianditu_{layer}",
                subdomains="01234567",
                control=False,
                max_zoom=17,
            ).add_to(m)
    script = _script_element()
    # returned_objects is empty: without this each new iframe sends ``{}`` once, a rerun.
    script(folium_no_value_js()).add_to(m)
    script("L.control.scale({imperial: false}).addTo(__MAP__);").add_to(m)
    script(RENDER_JS).add_to(m)
    view = view_data(layers, bounds=payload.bounds)
    script(
        f"window.cpInit(__MAP__, {js_json(map_data(payload, lang))});\n"
        f"window.cpView(__MAP__, {js_json(view)});"
    ).add_to(m)
    m.fit_bounds(payload.bounds, padding=(FIT_PADDING, FIT_PADDING))
    return m


_SCRIPT_CLASS: Any = None


def _script_element() -> Any:
    """Return a folium element class whose script runs with the map's own script."""
    global _SCRIPT_CLASS
    if _SCRIPT_CLASS is None:
        from branca.element import MacroElement
        from jinja2 import Template

        class _Script(MacroElement):
            """A piece of JavaScript run with the map's script (st_folium keeps it)."""

            _template = Template(
                "{% macro script(this, kwargs) %}"
                "{{ this.code.replace('__MAP__', this._parent.get_name()) }}"
                "{% endmacro %}"
            )

            def __init__(self, code: str) -> None:
                super().__init__()
                self._name = "Script"
                self.code = code

        _SCRIPT_CLASS = _Script
    return _SCRIPT_CLASS
