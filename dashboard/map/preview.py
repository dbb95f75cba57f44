"""The 数据 page's preview map, drawn like the 地图 page's: its data travels once, as a file.

With ``st_folium`` the preview's whole dataset (a province's townships: ~2 MB) was inside the
component's arguments, sent again whenever Streamlit's own message cache had forgotten it
(coming back to the page) and rebuilt on every rerun. Here the data is written once as a
content-hashed static file (:mod:`dashboard.map.static_data`) and the component's
arguments carry its URL and the view (:func:`dashboard.map.view.component_args`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.i18n import Lang
from dashboard.map import search_index
from dashboard.map.static_data import publish
from dashboard.map.view import CODE_JS, component_args, js_json, map_data, view_data

#: Layers the preview shows (townships are always drawn).
PREVIEW_LAYERS = frozenset({"counties", "contact_points", "collection_sites", "homes"})


@st.cache_resource(show_spinner=False, max_entries=8)
def _preview_data(
    dataset_id: str, lang: Lang, radii: tuple[tuple[str, float], ...], _city: Any
) -> tuple[str, list[list[float]]]:
    """The checked dataset's map data (population view, no coverage) as JSON, and bounds."""
    from dashboard.map.cache import map_layers
    from dashboard.map.pipeline import view_payload

    layers = map_layers(dataset_id, lang, False, _city, None, dict(radii))
    payload = view_payload(layers, "population", "")[0]
    return js_json(map_data(payload, lang)), payload.bounds


def preview_args(
    dataset_id: str, lang: Lang, radii: dict[str, float], city: Any, height: int
) -> dict[str, Any]:
    """The component's arguments of a dataset's preview (:func:`dashboard.map.view.draw`).

    Parameters
    ----------
    dataset_id
        Id of the checked dataset (its content fingerprint).
    lang
        Language of the badges and tooltips.
    radii
        Service radius per contact point type.
    city
        The checked :class:`geodata.city.CityData`.
    height
        Map height in pixels.
    """
    data_js, bounds = _preview_data(dataset_id, lang, tuple(sorted(radii.items())), city)
    # The map's tools come with its code: its search box gets the checked data's places.
    search_index.publish(dataset_id, lambda: city)
    return component_args(
        data_js,
        view_data(PREVIEW_LAYERS, bounds=bounds),
        height=height,
        data_url=publish(data_js),
        code_url=publish(CODE_JS, suffix=".js"),
        search_url=search_index.index_url(dataset_id),
    )
