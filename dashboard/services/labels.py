"""County labels of the simulation map, placed clear of the dataset's point badges."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.services import data as services


@st.cache_resource(show_spinner=False, max_entries=8)
def _county_labels(dataset_id: str, _labels: dict[str, Any], _city: Any) -> dict[str, Any]:
    import numpy as np

    from dashboard.simulate.features import label_features

    layers = [g for g in (_city.contact_points, _city.homes) if g is not None and len(g)]
    xy = (
        np.concatenate([np.c_[g.geometry.x.to_numpy(), g.geometry.y.to_numpy()] for g in layers])
        if layers
        else np.empty((0, 2))
    )
    return label_features(_labels, _city.townships, xy)


def county_labels(dataset: services.Dataset, labels: dict[str, Any]) -> dict[str, Any]:
    """Return the simulation map's county labels, moved off the dataset's point badges.

    Cached per dataset (the base map must stay the same while the planner edits, so only
    the loaded data's points count).
    """
    return _county_labels(dataset.id, labels, dataset.city)
