"""The 运行评估 page's door to geodata.records and analysis.review, with caching.

Records come from the session (a sheet uploaded on the page, for the dataset it was checked
against) or, for the demo city, from its committed two-year record. Reviews are cached by
dataset id and the records' digest; the relocation proposal is computed on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.services import data as services
from dashboard.services.importer import save_upload

if TYPE_CHECKING:
    from analysis.review.api import ReviewResult
    from analysis.review.relocate import RelocationProposal


@dataclass(frozen=True)
class Records:
    """Records in use: the frame, where they came from and a digest (the cache key)."""

    frame: pd.DataFrame
    source: str  # "demo" or the uploaded file's name
    digest: str
    dataset_id: str


@st.cache_resource(show_spinner=False)
def _demo_records() -> pd.DataFrame:
    from geodata.demo.load import load_demo_records

    return load_demo_records()


def records(dataset: services.Dataset) -> Records | None:
    """The records of ``dataset``: uploaded ones, else the demo's (demo city), else None."""
    held = st.session_state.get(state.REVIEW_RECORDS)
    if isinstance(held, Records) and held.dataset_id == dataset.id:
        return held
    # The demo city's records name its points; the fictional province has none.
    if dataset.is_demo and services.demo_choice() == "city":
        frame = _demo_records()
        return Records(frame, "demo", "demo", dataset.id)
    return None


def read_upload(dataset: services.Dataset, name: str, data: bytes) -> Records:
    """Read and validate an uploaded records sheet against ``dataset``'s points.

    Raises
    ------
    geodata.errors.GeodataError
        Every problem of the sheet.
    """
    from analysis.review.tables import point_layers
    from geodata.records.read import read_records

    upload = save_upload("records", name, data)
    ids = point_layers(dataset.city.contact_points, dataset.city.homes)
    with upload.on_disk() as path:
        frame = read_records(path, ids, source_name=name)
    return Records(frame, name, upload.digest, dataset.id)


@st.cache_resource(show_spinner=False, max_entries=16)
def _review(dataset_id: str, digest: str, _city: Any, _records: pd.DataFrame) -> ReviewResult:
    from analysis.review.api import review_points

    return review_points(_city, _records, services.standards())


def review(dataset: services.Dataset, recs: Records) -> ReviewResult:
    """The review of ``dataset`` on ``recs`` (cached by dataset id and records digest)."""
    return _review(dataset.id, recs.digest, dataset.city, recs.frame)


@st.cache_resource(show_spinner=False, max_entries=8)
def _relocation(
    dataset_id: str, digest: str, _city: Any, _result: ReviewResult
) -> RelocationProposal:
    from analysis.review.relocate import propose_relocation

    return propose_relocation(_city, _result, services.standards())


def relocation(dataset: services.Dataset, recs: Records, result: ReviewResult) -> Any:
    """The relocation proposal of the flagged contact points (cached).

    Raises
    ------
    analysis.errors.AnalysisError
        No villages to draw candidate sites from.
    """
    return _relocation(dataset.id, recs.digest, dataset.city, result)


def template(dataset: services.Dataset, recs: Records | None) -> bytes:
    """The records template (.xlsx): the records in use, or one row per point."""
    from analysis.review.tables import review_points_frame
    from geodata.records.template import template_xlsx

    points = review_points_frame(dataset.city)
    names = dict(zip(points["point_id"], points["name"], strict=True))
    return template_xlsx(
        recs.frame if recs is not None else None, names, tuple(points["point_id"].astype(str))
    )


@st.cache_data(show_spinner=False, max_entries=8)
def county_outlines(dataset_id: str, _city: Any) -> dict[str, Any]:
    """GeoJSON of the counties (simplified) for the page's small map."""
    towns = _city.townships
    if "county" not in towns.columns or towns.empty:
        return {"type": "FeatureCollection", "features": []}
    shapes = towns[["county", "geometry"]].dissolve(by="county").reset_index()
    shapes["geometry"] = shapes.geometry.simplify(0.003)
    return dict(shapes.to_crs(4326).__geo_interface__)


def review_for_brief(dataset: services.Dataset) -> ReviewResult | None:
    """The review the brief's section 七、运行评估 shows: None when there are no records."""
    recs = records(dataset)
    if recs is None:
        return None
    result = review(dataset, recs)
    return result if result.has_records else None
