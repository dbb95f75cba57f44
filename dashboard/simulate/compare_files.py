"""The 方案比较 maps' base layers and points as JSON, cached for static files.

Each comparison map (:func:`dashboard.simulate.map.small_map`) fetches its base layers
(:func:`dashboard.simulate.fetched.base_data`) and its scenario's points from content-hashed
static files (:mod:`dashboard.map.static_data`): a rerun, or coming back to the page, sends
their URLs, not the geometry, and neither is rebuilt while the scenario is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.map.view import js_json
from dashboard.simulate.fetched import base_data
from dashboard.simulate.map import base_payload


@st.cache_resource(show_spinner=False, max_entries=16)
def compare_base(
    dataset_id: str,
    lang: str,
    radii: tuple[tuple[str, float], ...],
    version: str,
    mode: str,
    _dataset: Any,
    _result: Any,
) -> tuple[Any, str]:
    """A scenario's base map payload (townships coloured by its coverage) and its layers as
    JSON (:func:`dashboard.simulate.fetched.base_data`), for the 方案比较 maps: cached per
    dataset, language, radii, scenario version and reach mode (a rerun rebuilds nothing)."""
    payload = base_payload(_dataset, _result, dict(radii), lang, version)  # type: ignore[arg-type]
    return payload, js_json(base_data(payload))


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
    :func:`compare_base`."""
    return js_json(_make())
