"""Offline assets: point folium at the Leaflet copy served by Streamlit itself.

folium lists CDN links (Leaflet, jQuery, Bootstrap, Font Awesome, awesome-markers) in the
class attributes ``default_js``/``default_css``; st_folium's frontend loads them one after
another and a single failure leaves the map blank. The dashboard draws everything with
plain Leaflet (GeoJSON layers, ``L.circleMarker``, ``L.divIcon`` with inline SVG), so Leaflet
is the only asset needed. It is vendored in ``dashboard/static/vendor/`` and served by
Streamlit's static file serving (``server.enableStaticServing``) at ``<base>/app/static/``.

The links are relative to the component iframe (``<base>/component/<name>/index.html``), so
``../../app/static/...`` reaches the static folder with or without ``--server.baseUrlPath``.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import folium
from branca.element import Figure

from dashboard.map.inert import make_templates_inert

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: Leaflet version that folium 0.20 lists in ``folium.Map.default_js``.
LEAFLET_VERSION = "1.9.3"
LEAFLET_DIR = f"vendor/leaflet-{LEAFLET_VERSION}"
#: Relative URL of the static folder as seen from st_folium's iframe.
IFRAME_STATIC_BASE = "../../app/static"


def static_url(relative: str, base: str = IFRAME_STATIC_BASE) -> str:
    """Return the URL of a vendored file, relative to ``base``.

    Parameters
    ----------
    relative
        Path inside ``dashboard/static``.
    base
        URL prefix of the static folder (the iframe-relative one by default).

    Returns
    -------
    str
        ``base + "/" + relative``.
    """
    return f"{base.rstrip('/')}/{relative}"


def offline_js(base: str = IFRAME_STATIC_BASE) -> list[tuple[str, str]]:
    """Return folium's ``default_js`` list pointing at the vendored files."""
    return [("leaflet", static_url(f"{LEAFLET_DIR}/leaflet.js", base))]


def offline_css(base: str = IFRAME_STATIC_BASE) -> list[tuple[str, str]]:
    """Return folium's ``default_css`` list pointing at the vendored files."""
    return [("leaflet_css", static_url(f"{LEAFLET_DIR}/leaflet.css", base))]


def use_offline_assets(m: folium.Map, base: str = IFRAME_STATIC_BASE) -> folium.Map:
    """Point one map's asset links at the vendored copies (instance attributes).

    folium and st_folium read ``default_js``/``default_css`` through the instance, so setting
    them on the map leaves folium's class attributes (and every other map) untouched. Only
    :class:`folium.Map` carries links among the elements the dashboard uses (GeoJson,
    Circle and PolyLine have none).

    Parameters
    ----------
    m
        The map to change.
    base
        URL prefix of the static folder; the default suits st_folium's iframe. Standalone
        HTML previews may pass an absolute ``http://localhost...`` base.

    Returns
    -------
    folium.Map
        ``m`` itself.
    """
    make_templates_inert()  # every folium map the dashboard builds passes here
    m.default_js = offline_js(base)
    m.default_css = offline_css(base)
    return m


def add_css(m: folium.Map, css: str, name: str) -> None:
    """Add a ``<style>`` element (``css``) to the head of the map's page, once per ``name``."""
    # A map's root is its branca Figure (typed as the Element it derives from).
    cast(Figure, m.get_root()).header.add_child(folium.Element(css), name=name)


def vendored_files() -> list[Path]:
    """Return every vendored file the offline links refer to (for tests)."""
    return [STATIC_DIR / LEAFLET_DIR / "leaflet.js", STATIC_DIR / LEAFLET_DIR / "leaflet.css"]
