"""Scenario services of the 方案模拟 / 方案比较 / 导出 pages (the door to analysis for them).

Like :mod:`dashboard.services.data`, these functions only call public functions of
``analysis/`` and ``geodata/`` and cache where input/output meets computation: the
workspace store per file path, the coverage of a scenario per (dataset id, content
fingerprint), the rule check per (fingerprint, request). Everything heavy is computed
by the analysis layer; this module only wires it to Streamlit.
"""

from __future__ import annotations

import hashlib
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import streamlit as st

from dashboard.services import access, ownership
from dashboard.services import data as services

if TYPE_CHECKING:
    from analysis.optimise.rules.conflicts import ConflictReport
    from analysis.plan.scenarios import Scenario
    from analysis.workspace.api import Store
    from geodata.coords import CoordSystem
    from geodata.schema import LayerName

#: Layers a scenario holds (mirrors ``analysis.plan.scenarios.POINT_LAYERS``).
POINT_LAYERS: tuple[str, ...] = ("contact_points", "collection_sites", "homes")


def workspace_path() -> str:
    """Return the store in use: ``$COVERAGE_PLANNER_STORE`` (a file or a ``postgresql://``
    URL), else ``$COVERAGE_PLANNER_WORKSPACE``, else the default workspace file."""
    return access.store_setting()


def store() -> Store:
    """Return the shared store of the setting (the one the accounts use too)."""
    return access.store()


#: Fingerprints of the scenario objects seen (scenarios are immutable values).
_FINGERPRINTS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def fingerprint(scenario: Scenario) -> str:
    """Return a short content hash of a scenario's points (ids, types, status, coordinates).

    Two scenarios with the same points share cached coverage results, whatever their names.
    Memoised per scenario object (scenarios are never changed in place).
    """
    known = _FINGERPRINTS.get(scenario)
    if known is not None:
        return known
    value = _fingerprint(scenario)
    _FINGERPRINTS[scenario] = value
    return value


def _fingerprint(scenario: Scenario) -> str:
    digest = hashlib.sha1(scenario.dataset_id.encode("utf-8"))
    for layer in POINT_LAYERS:
        frame = scenario.layer(layer)  # type: ignore[arg-type]
        cols = [c for c in ("id", "type", "status", "county") if c in frame.columns]
        table = frame[cols].astype(str).copy()
        table["x"] = frame.geometry.x.round(7).to_numpy()
        table["y"] = frame.geometry.y.round(7).to_numpy()
        digest.update(layer.encode("utf-8"))
        digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def scenario_dataset_id(dataset: services.Dataset) -> str:
    """Return the id scenarios of ``dataset`` are saved under (``"demo"`` for the demo city).

    The dashboard keys its caches on a versioned id (``demo@<hash>``); scenarios use the
    analysis layer's id, so those made with ``python -m analysis`` show up here too.
    """
    from analysis.plan.scenarios import DEMO_DATASET_ID

    return DEMO_DATASET_ID if dataset.is_demo else dataset.id


def baseline(dataset: services.Dataset, author: str = "") -> Scenario:
    """Return the baseline scenario of ``dataset`` (every point ``existing``)."""
    from analysis.plan.scenarios import baseline_scenario

    return baseline_scenario(dataset.city, scenario_dataset_id(dataset), author)


@st.cache_resource(show_spinner=False, max_entries=8)
def _applied(dataset_id: str, key: str, _city: Any, _scenario: Scenario) -> Any:
    from analysis.plan.scenarios import apply_scenario

    return apply_scenario(_city, _scenario)


@st.cache_resource(show_spinner=False, max_entries=48)
def _coverage(dataset_id: str, key: str, _city: Any, _scenario: Scenario) -> Any:
    from analysis.coverage.api import compute_coverage

    std = services.standards_for(dataset_id)  # dataset_id: coverage_key
    return compute_coverage(_applied(dataset_id, key, _city, _scenario), std)


#: Statuses of the points a planner placed (by hand or by adopting a proposal).
PLACED: tuple[str, ...] = ("proposed", "moved")


@st.cache_resource(show_spinner=False, max_entries=48)
def _site_warnings(dataset_id: str, key: str, _city: Any, _scenario: Scenario) -> pd.DataFrame:
    from analysis.standards.site_rules import placement_warnings

    cp = _scenario.layer("contact_points")
    cp = cp[cp["status"].astype(str).isin(PLACED)]
    return placement_warnings(_city, services.standards().active_site_rules, cp)


def site_warnings(dataset: services.Dataset, scenario: Scenario) -> pd.DataFrame:
    """New and moved contact points that stand where their type should not (cached).

    One row per point (:func:`analysis.standards.site_rules.placement_warnings`: ``id``, ``name``,
    ``type``, ``township_name``, ``village_name``, ``code``, ``message_zh``, ``message``);
    empty when every placed point keeps its type's site rule, or the rules are off.
    """
    return _site_warnings(dataset.id, fingerprint(scenario), dataset.city, scenario)


def scenario_city(dataset: services.Dataset, scenario: Scenario) -> Any:
    """Return ``dataset``'s city with the scenario's points (removed points dropped).

    Cached per scenario content, as its coverage: a click's coverage and the optimiser
    tab's rule check use one applied city (placing new points in their county is a
    spatial join).
    """
    return _applied(services.coverage_key(dataset), fingerprint(scenario), dataset.city, scenario)


def scenario_coverage(dataset: services.Dataset, scenario: Scenario) -> Any:
    """Return the :class:`~analysis.coverage.api.CoverageResult` of a scenario (cached).

    Raises
    ------
    analysis.errors.AnalysisError
        When the analysis cannot run on these layers.
    """
    return _coverage(services.coverage_key(dataset), fingerprint(scenario), dataset.city, scenario)


def list_scenarios(dataset: services.Dataset) -> pd.DataFrame:
    """The saved scenarios of one dataset the user may read, most recently updated first."""
    table = ownership.visible(store().list_scenarios())
    table = table[table["dataset_id"].astype(str) == scenario_dataset_id(dataset)]
    return table.sort_values("updated_at", ascending=False).reset_index(drop=True)


def load(name: str) -> Scenario:
    """Load a saved scenario (``not_allowed`` unless the user may read it)."""
    return ownership.load(store(), name)


def save(
    scenario: Scenario,
    expected_updated_at: str | None = None,
    dataset: services.Dataset | None = None,
) -> Scenario:
    """Save a scenario and return it with its new ``updated_at``.

    A scenario on uploaded data is useless without that data after a server restart, so
    the dataset's base layers are stored in the workspace first (once, :func:`keep_dataset`).

    Parameters
    ----------
    scenario
        The scenario to store under its name.
    expected_updated_at
        The stored version this session last read or wrote (``""``: the name must be
        free); the save fails with ``scenario_changed_elsewhere`` otherwise. ``None``:
        last save wins.
    dataset
        The data the scenario is built on; default the session's
        (:func:`dashboard.services.data.current_dataset`).
    """
    dataset = dataset if dataset is not None else services.current_dataset()
    if scenario_dataset_id(dataset) == scenario.dataset_id:
        keep_dataset(dataset)
    return ownership.save(store(), scenario, expected_updated_at)


#: (store setting, dataset id) pairs known to be stored: one look-up per process.
_KEPT: set[tuple[str, str]] = set()


def keep_dataset(dataset: services.Dataset) -> None:
    """Store an uploaded dataset's base layers in the workspace unless they are there.

    The demo city ships with the program and is never copied.
    """
    if dataset.is_demo:
        return
    key = (workspace_path(), dataset.id)
    if key in _KEPT:
        return
    if not store().has_dataset(dataset.id):
        store().save_dataset(dataset.id, dataset.city)
    _KEPT.add(key)


@st.cache_resource(show_spinner=False, max_entries=4)
def _stored_city(path: str, dataset_id: str) -> Any:
    return access.store_for(path).load_dataset(dataset_id)


def dataset_of(dataset_id: str) -> services.Dataset | None:
    """Return the data a saved scenario is built on (``None`` when it is not available).

    ``"demo"``: the demo city; the session's uploaded data when its id matches; else the
    base layers stored in the workspace (kept there when the scenario was first saved).

    Raises
    ------
    analysis.errors.AnalysisError
        When the workspace cannot be read.
    """
    from analysis.plan.scenarios import DEMO_DATASET_ID

    if dataset_id == DEMO_DATASET_ID:
        return services.demo_dataset()
    mine = services.current_dataset()
    if mine.id == dataset_id:
        return mine
    if not store().has_dataset(dataset_id):
        return None
    return services.Dataset(dataset_id, _stored_city(workspace_path(), dataset_id))


def openable_scenarios(dataset: services.Dataset) -> pd.DataFrame:
    """Saved scenarios that can be opened, those of ``dataset`` first, most recent first.

    Those of ``dataset``, of the demo city and of uploaded data stored in the workspace
    (column ``dataset_name``: ``""`` for ``dataset``'s own, else the other data's name).
    Scenarios whose data is gone (saved before uploads were kept) are left out.
    """
    from analysis.plan.scenarios import DEMO_DATASET_ID

    table = ownership.visible(store().list_scenarios())
    own = scenario_dataset_id(dataset)
    stored = store().list_datasets()
    names = dict(zip(stored["dataset_id"].astype(str), stored["name"].astype(str), strict=True))
    ids = table["dataset_id"].astype(str)
    ok = (ids == own) | (ids == DEMO_DATASET_ID) | ids.isin(list(names))
    table = table[ok].copy()
    table["dataset_name"] = [
        "" if d == own else (DEMO_DATASET_ID if d == DEMO_DATASET_ID else names.get(d, d))
        for d in table["dataset_id"].astype(str)
    ]
    table["_other"] = table["dataset_name"] != ""
    table = table.sort_values(["_other", "updated_at"], ascending=[True, False])
    return table.drop(columns="_other").reset_index(drop=True)


def free_name(wanted: str) -> str:
    """Return ``wanted`` or ``wanted (2)`` ... so that no saved scenario has that name."""
    return store().free_name(wanted)


def rename(old: str, new: str) -> None:
    """Rename a saved scenario (``not_allowed`` unless the user may change it)."""
    ownership.rename(store(), old, new)


def delete(name: str) -> bool:
    """Delete a saved scenario (``not_allowed`` unless the user may delete it)."""
    return ownership.delete(store(), name)


def exists(name: str) -> bool:
    """True when a scenario called ``name`` is saved."""
    return store().exists(name)


def to_wgs84(lon: float, lat: float, coord_system: str) -> tuple[float, float]:
    """Convert one coordinate pair typed by the user to WGS84 (``geodata.coords``)."""
    from geodata.coords import to_wgs84 as _to_wgs84

    x, y = _to_wgs84([lon], [lat], cast("CoordSystem", coord_system))
    return float(x[0]), float(y[0])


def read_points(data: bytes, file_name: str, layer: str, coord_system: str) -> Any:
    """Read and validate uploaded points (``geodata.io.readers.read_layer``); return the layer."""
    from geodata.io.readers import read_layer

    access.charge_upload(data)  # the user's upload quota
    suffix = Path(file_name).suffix or ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        loaded = read_layer(
            path,
            cast("LayerName", layer),  # one of the upload form's point layers
            coord_system=cast("CoordSystem", coord_system),  # one of the form's systems
            source_name=file_name,
            optional_columns=("id",),
            # Points for data the user placed outside China face the same checks as it.
            outside_china=services.current_dataset().city.outside_china,
        )
    return loaded.gdf


@st.cache_resource(show_spinner=False, max_entries=32)
def _conflicts(
    dataset_id: str,
    key: str,
    counts: tuple[tuple[str, int], ...],
    exempt: bool | None,
    _dataset: services.Dataset,
    _scenario: Scenario,
) -> ConflictReport:
    from analysis.optimise.model.request import ProposalRequest
    from analysis.optimise.propose import check_conflicts

    request = ProposalRequest(counts=dict(counts), exempt_urban_districts=exempt)
    std = services.standards_for(dataset_id)
    # The scenario's coverage is cached already (the KPI cards drew it on this run).
    before = scenario_coverage(_dataset, _scenario)
    return check_conflicts(scenario_city(_dataset, _scenario), std, request, before)


def conflicts(
    dataset: services.Dataset, scenario: Scenario, counts: dict[str, int], exempt: bool | None
) -> ConflictReport:
    """Check a request of new points against the county rules, before solving (cached)."""
    return _conflicts(
        services.coverage_key(dataset),
        fingerprint(scenario),
        tuple(sorted(counts.items())),
        exempt,
        dataset,
        scenario,
    )


def collection_sites(dataset: services.Dataset, scenario: Scenario, time_limit_s: float) -> Any:
    """Propose collection sites so every contact point of the scenario has 3-5 (second tier)."""
    from analysis.optimise.sites.collection_sites import propose_collection_sites

    std = services.standards()  # the session's reach mode, like the coverage shown
    city = scenario_city(dataset, scenario)
    return propose_collection_sites(city, std, time_limit_s=time_limit_s)


def export_files(
    dataset: services.Dataset, scenario: Scenario, fmt: str, coords: str
) -> tuple[str, bytes]:
    """Export a scenario in one format; return one download (a file or a zip of several).

    The exports state the standards the coverage was computed with (radii, county rule,
    site rules): the dashboard's (:func:`dashboard.services.data.standards`).
    """
    from analysis.export import export_scenario, files_to_bytes
    from dashboard.services.review import review_for_brief

    ownership.exported(scenario.name, fmt)
    before = services.coverage(dataset)
    after = scenario_coverage(dataset, scenario)
    with tempfile.TemporaryDirectory() as tmp:
        paths = export_scenario(
            dataset.city,
            scenario,
            before,
            after,
            fmt,
            Path(tmp),
            coords=coords,
            standards=services.standards(),  # with the session's reach mode, as `before`
            review=review_for_brief(dataset),  # the brief's 运行评估 section (#17)
        )
        return files_to_bytes(paths)
