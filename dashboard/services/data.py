"""The dashboard's only door to geodata/ and analysis/, with Streamlit caching.

Pages call these functions and nothing else from the data and analysis layers. Results
are cached where input/output meets computation: the demo city (file read) once per
process; coverage results per dataset id (a short string), so reruns are instant.

A :class:`Dataset` is what the pages show: the demo city or the user's accepted upload.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from dashboard import state

if TYPE_CHECKING:
    from analysis.standards.load import Standards
    from geodata.city import CityData
    from geodata.coords import CoordSystem
    from geodata.schema import LayerName

DEMO_ID = "demo"
#: ``COVERAGE_PLANNER_DEMO=province`` puts the fictional province (示例省（虚构）,
#: :mod:`geodata.synthetic.province`, ~1,500 townships) in the demo city's place: for trying
#: and measuring the dashboard at a province's scale (``bench/ui.py --province``).
DEMO_ENV = "COVERAGE_PLANNER_DEMO"
_ROOT = Path(__file__).resolve().parents[2]
#: Files whose change changes what the demo city's pages show (data, analysis, display).
_DEMO_INPUTS = (
    "geodata/demo/demo_city.gpkg",
    "geodata/demo/load.py",
    "analysis/**/*.py",
    "analysis/standards/standards.toml",
    "dashboard/map/cache.py",
    "dashboard/map/pipeline.py",
    "dashboard/map/data.py",
    "dashboard/map/points.py",
    "dashboard/map/view.py",
    "dashboard/map/search.py",
    "dashboard/map/tools.py",
    "dashboard/i18n/text_map.py",
    "dashboard/map/palette.py",
    "dashboard/i18n/__init__.py",
    "dashboard/i18n/text.py",
)


def demo_choice() -> str:
    """Return ``"province"`` when :data:`DEMO_ENV` asks for the province, else ``"city"``."""
    return "province" if os.environ.get(DEMO_ENV, "").strip().lower() == "province" else "city"


def demo_name_key() -> str:
    """Return the i18n key of the demo dataset's name (示例市（虚构） or 示例省（虚构）)."""
    return "demo_province_name" if demo_choice() == "province" else "demo_city_name"


#: How long (s) :func:`demo_version` keeps its answer.
VERSION_TTL_S = 2.0
_VERSION: list[tuple[str, Path, float, str]] = []


def demo_version() -> str:
    """Return a short fingerprint of the demo city and the code that turns it into a map.

    Made from file sizes and modification times only (no imports, microseconds), it keys
    the demo city's persisted map cache: any change to the data, the analysis or the display
    code gives a new id and a fresh computation.
    """
    choice, now = demo_choice(), time.monotonic()
    # Globbing the analysis's ~300 files takes ~0.1 s under load and a page asks several
    # times per run (a click on the simulation map): the answer is kept for a moment.
    if _VERSION and _VERSION[0][:2] == (choice, _ROOT) and now - _VERSION[0][2] < VERSION_TTL_S:
        return _VERSION[0][3]
    h = hashlib.sha256(choice.encode())
    inputs = _DEMO_INPUTS + (("geodata/synthetic/province.py",) if choice == "province" else ())
    for pattern in inputs:
        for path in sorted(_ROOT.glob(pattern)):
            st_ = path.stat()
            h.update(f"{path.name}:{st_.st_size}:{st_.st_mtime_ns};".encode())
    value = h.hexdigest()[:12]
    _VERSION[:] = [(choice, _ROOT, now, value)]
    return value


def demo_id() -> str:
    """Return the demo city's dataset id (``demo@<fingerprint>``)."""
    return f"{DEMO_ID}@{demo_version()}"


@dataclass(frozen=True)
class Dataset:
    """The data the pages work on.

    Parameters
    ----------
    id
        Cache key: ``"demo"`` or a content hash of the user's files and settings.
    city
        The validated layers.
    """

    id: str
    city: CityData

    @property
    def is_demo(self) -> bool:
        """True for the built-in fictional demo city."""
        return is_demo_id(self.id)


def is_demo_id(dataset_id: str) -> bool:
    """Return True when ``dataset_id`` names the built-in demo city."""
    return dataset_id == DEMO_ID or dataset_id.startswith(DEMO_ID + "@")


@st.cache_resource(show_spinner=False)
def _demo_city(choice: str = "city") -> CityData:
    # cache_resource: CityData is frozen and never mutated; copying it on every rerun
    # (cache_data pickles) would cost more than the file read it saves.
    if choice == "province":  # keyed by the choice: never the other one from the cache
        from geodata.synthetic.province import load_province

        return load_province()
    from geodata.demo.load import load_demo_city

    return load_demo_city()


@st.cache_resource(show_spinner=False)
def _standards(mode: str = "radius") -> Standards:
    from analysis.standards.load import load_standards

    return load_standards(reach_mode=mode)


def has_roads(dataset: Dataset) -> bool:
    """True when ``dataset`` has a road layer with lines (road reach is possible)."""
    roads = dataset.city.roads
    return roads is not None and not roads.empty


def reach_mode(dataset: Dataset | None = None) -> str:
    """Return the reach mode in use: the session's choice when the data allows it.

    ``"road"`` only when the user chose it (the sidebar's 覆盖口径, :data:`state.REACH_MODE`)
    and the dataset has roads; else ``"radius"`` (the default, the demo's today).
    """
    chosen = st.session_state.get(state.REACH_MODE, "radius")
    if chosen != "road":
        return "radius"
    return "road" if current_has_roads(dataset) else "radius"


def current_has_roads(dataset: Dataset | None = None) -> bool:
    """True when ``dataset`` (default: the session's) has roads; cheap for the demo city.

    The demo city always has its roads: it is not loaded to find out (the map page's first
    run reads its map from the disk cache without geopandas).
    """
    if dataset is None:
        user = st.session_state.get(state.USER_DATASET)
        if not isinstance(user, Dataset):
            return demo_choice() == "city"  # the province has no roads
        dataset = user
    return (dataset.is_demo and demo_choice() == "city") or has_roads(dataset)


def standards(mode: str | None = None) -> Standards:
    """Return the planning standards (``analysis/standards/standards.toml``) with the reach
    mode of the session (:func:`reach_mode`) or ``mode``."""
    return _standards(mode or reach_mode())


def coverage_key(dataset: Dataset, mode: str | None = None) -> str:
    """Return the cache key of ``dataset``'s coverage results: its id and the reach mode."""
    return f"{dataset.id}#{mode or reach_mode(dataset)}"


def key_mode(key: str) -> str:
    """Return the reach mode of a :func:`coverage_key`."""
    return "road" if key.endswith("#road") else "radius"


def standards_for(key: str) -> Standards:
    """Return the standards of a :func:`coverage_key`'s reach mode (for cached computations
    keyed by it: their standards follow the key, not the session)."""
    return _standards(key_mode(key))


def demo_dataset() -> Dataset:
    """Return the built-in demo city (fictional, labelled 示例市（虚构）)."""
    return Dataset(demo_id(), _demo_city(demo_choice()))


def current_dataset_id() -> str:
    """Return the id of the dataset in use without loading it (cheap)."""
    user = st.session_state.get(state.USER_DATASET)
    return user.id if isinstance(user, Dataset) else demo_id()


def current_dataset() -> Dataset:
    """Return the user's accepted dataset, or the demo city when there is none."""
    user = st.session_state.get(state.USER_DATASET)
    if isinstance(user, Dataset):
        return user
    return demo_dataset()


def dataset_by_id(dataset_id: str) -> Dataset:
    """Return the demo city or the session's user dataset for ``dataset_id``."""
    if is_demo_id(dataset_id):
        return demo_dataset()
    user = st.session_state.get(state.USER_DATASET)
    if isinstance(user, Dataset) and user.id == dataset_id:
        return user
    return demo_dataset()


def radius_by_type(point_types: list[str]) -> dict[str, float]:
    """Return the service radius in metres of each point type (default standards)."""
    std = _standards()
    return {p: float(std.radius_m_for(p)) for p in point_types}


@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage(dataset_id: str, mode: str, _city: CityData) -> Any:
    from analysis.coverage.api import compute_coverage

    return compute_coverage(_city, _standards(mode))


def coverage(dataset: Dataset, mode: str | None = None) -> Any:
    """Return the :class:`analysis.coverage.api.CoverageResult` of ``dataset`` (cached by id
    and reach mode; ``mode`` ``None`` is the session's, :func:`reach_mode`).

    Raises
    ------
    analysis.errors.AnalysisError
        When the analysis cannot run on these layers.
    """
    return _coverage(dataset.id, mode or reach_mode(dataset), dataset.city)


@st.cache_data(show_spinner=False, max_entries=64)
def upload_headers(_upload: Any, digest: str, source: str) -> list[str]:
    """Return the column headers of an uploaded table or vector file (cached by digest).

    ``_upload`` is a :class:`dashboard.services.importer.Upload` (not hashed: its digest is).

    Raises
    ------
    geodata.errors.GeodataError
        When the file cannot be read (errors are never cached).
    """
    from geodata.io.readers import read_table_headers as _headers

    with _upload.on_disk() as path:
        return list(_headers(path, source_name=source))


def suggest_column_map(headers: list[str], layer: str) -> dict[str, str]:
    """Return geodata's suggested mapping ``{raw header: canonical column}``."""
    from geodata.io.columns import suggest_column_map as _suggest

    # One of the upload form's map layers (the population table has no map layer).
    return dict(_suggest(headers, cast("LayerName", layer)))


def assemble_city(layers: dict[str, Any], *, name: str, outside_china: bool = False) -> CityData:
    """Assemble validated layers into a :class:`CityData` (cross-layer checks)."""
    from geodata.validate.layers import assemble_city as _assemble

    return _assemble(
        layers["townships"],
        layers.get("villages"),
        layers.get("contact_points"),
        layers.get("collection_sites"),
        layers.get("homes"),
        name=name,
        is_demo=False,
        outside_china=outside_china,
        roads=layers.get("roads"),
    )


def required_columns(layer: str, *, table: bool, population_table: bool = False) -> list[str]:
    """Return the canonical columns a user file of ``layer`` must provide.

    Parameters
    ----------
    layer
        Layer name.
    table
        True for CSV/XLSX point tables (longitude/latitude columns are then required too).
    population_table
        True when a township population table is uploaded (boundaries need no population).
    """
    from geodata.io.columns import LAT_COLUMN, LON_COLUMN
    from geodata.schema import SCHEMAS

    required = list(SCHEMAS[layer].required)  # type: ignore[index]
    if population_table and layer == "townships":
        required = [c for c in required if c != "population"]
    if table and SCHEMAS[layer].geometry == "point":  # type: ignore[index]
        required += [LON_COLUMN, LAT_COLUMN]
    return required


@st.cache_data(show_spinner=False, max_entries=32)
def read_layer_cached(
    _upload: Any,
    digest: str,
    layer: str,
    coord_system: str,
    column_map: tuple[tuple[str, str], ...],
    source: str,
    optional_columns: tuple[str, ...] = (),
    outside_china: bool = False,
) -> Any:
    """Read and validate one uploaded layer (cached by file digest and settings).

    ``_upload`` is a :class:`dashboard.services.importer.Upload` (not hashed: its digest is); its
    content is on disk only while it is read.

    Raises
    ------
    geodata.errors.GeodataError
        With every problem of the file (errors are never cached).
    """
    from geodata.io.readers import read_layer as _read_layer

    with _upload.on_disk() as path:
        return _read_layer(
            path,
            cast("LayerName", layer),  # the upload form's layers and systems
            coord_system=cast("CoordSystem", coord_system),
            column_map=dict(column_map) or None,
            source_name=source,
            optional_columns=optional_columns,
            outside_china=outside_china,
        )


def join_population(townships: Any, table_path: str, source: str) -> Any:
    """Set township populations from a table (``geodata.io.population.join_population``)."""
    from geodata.io.population import join_population as _join

    return _join(townships, table_path, source_name=source)
