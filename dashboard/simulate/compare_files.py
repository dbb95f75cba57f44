"""The simulation and 方案比较 maps' base layers and points as JSON, cached for static files.

The 方案模拟 map and each comparison map (:func:`dashboard.simulate.map.small_map`) fetch
their base layers (:func:`dashboard.simulate.fetched.base_data`) and the comparison maps their
scenario's points from content-hashed
static files (:mod:`dashboard.map.static_data`): a rerun, or coming back to the page, sends
their URLs, not the geometry, and neither is rebuilt while the scenario is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.map.view import js_json
from dashboard.services import labels as label_services
from dashboard.simulate.fetched import base_data
from dashboard.simulate.map import base_payload


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_base(
    dataset_id: str,
    lang: str,
    radii: tuple[tuple[str, float], ...],
    version: str,
    mode: str,
    _dataset: Any,
    _result: Any,
    labelled: bool = False,
) -> tuple[Any, str]:
    """A base map payload (townships coloured by ``_result``'s coverage) and its layers as
    JSON (:func:`dashboard.simulate.fetched.base_data`): cached per dataset, language, radii,
    scenario version (``""``: the loaded data), reach mode and ``labelled`` (county labels
    placed, as on the 方案模拟 map), so a rerun or a click rebuilds nothing."""
    payload = base_payload(_dataset, _result, dict(radii), lang, version)  # type: ignore[arg-type]
    labels = (
        label_services.county_labels(_dataset, payload.layers.get("county_labels", {}))
        if labelled
        else None
    )
    return payload, js_json(base_data(payload, labels))


@st.cache_resource(show_spinner=False, max_entries=16)
def compare_points(
    dataset_id: str,
    lang: str,
    radii: tuple[tuple[str, float], ...],
    version: str,
    mode: str,
    _make: Callable[[], dict[str, Any]],
) -> str:
    """A scenario's points (``_make()``: :func:`dashboard.simulate.features.point_features`)
    as JSON for :func:`dashboard.simulate.fetched.fetched_points_js`, cached like
    :func:`scenario_base`."""
    return js_json(_make())
