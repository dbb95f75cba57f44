"""Plain inputs of the export writers: the layers, the KPIs and the coordinate system.

The writers never see a ``Scenario``: they take an :class:`ExportBundle` (named layers as
GeoDataFrames plus KPI dictionaries), so the dashboard and tests can build one from
anything. :func:`analysis.export.layers.build_bundle` makes one from a city, its scenario
point layers and the coverage before/after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import geopandas as gpd
import pandas as pd

CoordSystem = Literal["wgs84", "gcj02"]
COORD_SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02")

#: Point layers of a scenario, in export order.
POINT_LAYERS: tuple[str, ...] = ("contact_points", "collection_sites", "homes")
#: Every exported layer, in export order.
EXPORT_LAYERS: tuple[str, ...] = ("townships", "villages", *POINT_LAYERS)
#: Keys of ``ExportBundle.meta`` that the writers read by name (times already local text).
#: The area's name ("地区": a city, a province or a county, as the data page calls it).
META_CITY = "地区"
META_AUTHOR = "编制人"
META_CREATED = "创建时间"
META_UPDATED = "更新时间"
META_EXPORTED = "导出时间"
#: The scenario's description (an optimiser's plan: objective, solve status, proven gap).
META_DESCRIPTION = "方案说明"


@dataclass(frozen=True)
class SolveNote:
    """What the exports print of an adopted plan's solve (:mod:`analysis.export.solve_note`).

    Parameters
    ----------
    lines
        The brief's sentences (origin, status, assumptions, edits since adoption).
    point_lines
        One line per proposed point still in the plan: its id, name and reason.
    rows
        ``(label, value)`` rows of the CSV/XLSX overview, one fact each.
    """

    lines: tuple[str, ...] = ()
    point_lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()


class KPIsLike(Protocol):
    """Anything with ``to_dict()`` (``analysis.coverage.kpis.KPIs``)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the KPIs as a JSON-serialisable dict."""
        ...


class CoverageLike(Protocol):
    """The parts of ``analysis.coverage.api.CoverageResult`` the exports read."""

    @property
    def demand(self) -> pd.DataFrame:
        """One row per demand unit."""
        ...

    @property
    def townships(self) -> pd.DataFrame:
        """Per-township coverage figures."""
        ...

    @property
    def counties(self) -> pd.DataFrame:
        """Per-county figures and compliance."""
        ...

    @property
    def contact_points(self) -> pd.DataFrame:
        """Per-contact-point figures."""
        ...

    @property
    def kpis(self) -> KPIsLike:
        """Headline KPIs."""
        ...


@dataclass(frozen=True)
class ExportBundle:
    """Everything a format writer needs.

    Parameters
    ----------
    layers
        ``{"townships": ..., "villages": ..., "contact_points": ..., "collection_sites": ...,
        "homes": ...}`` (``villages`` only when the city has them);
        GeoDataFrames in EPSG:4326 axis order (lon, lat) whose coordinates are already in
        ``coords``. Point layers carry ``status``, ``township_code``, ``township``, ``lon``
        and ``lat`` columns.
    kpis_after
        Headline KPIs of the scenario (``KPIs.to_dict()``).
    kpis_before
        KPIs of the baseline, or an empty dict when there is no comparison.
    coords
        ``"wgs84"`` or ``"gcj02"``: the coordinate system of every geometry and lon/lat.
    title
        Name of the scenario (used in file names, sheet titles and KML document names).
    counties
        Per-county table after the scenario (``CoverageResult.counties``), may be empty.
    counties_before
        Per-county table of the baseline, may be empty.
    meta
        Free key/value information (city name, author, dates ...) written to the workbook's
        overview and the brief's header; keys :data:`META_CITY`, :data:`META_AUTHOR`,
        :data:`META_CREATED`, :data:`META_UPDATED`, :data:`META_EXPORTED`,
        :data:`META_DESCRIPTION` are read by name.
    county_minimums
        The county rule, ``{"rural": 2, "enterprise": 1}`` (for the compliance wording).
    reach_m
        Service radius in metres of each contact point type of the plan (the reach the
        coverage used), in type order.
    site_radius_m
        Service radius of a collection site (network coverage), or ``None``.
    reach
        How "within reach" was measured (:meth:`analysis.reach.api.Reach.describe`):
        ``reach_mode`` ``"radius"`` or ``"road"`` with the minutes and travel modes.
    placement
        Contact points standing where their type should not
        (:func:`analysis.standards.site_rules.placement_warnings`), possibly empty.
    constraints_note
        Capacities and township minimum of the standards with their assumption and the
        plan's figures under them (:mod:`analysis.export.constraints_note`); "" when off.
    solve
        The solve behind an adopted optimiser plan, in words (empty for other plans).
    """

    layers: dict[str, gpd.GeoDataFrame]
    kpis_after: dict[str, Any]
    kpis_before: dict[str, Any] = field(default_factory=dict)
    coords: CoordSystem = "wgs84"
    title: str = ""
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)
    counties_before: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, str] = field(default_factory=dict)
    county_minimums: dict[str, int] = field(default_factory=dict)
    reach_m: dict[str, float] = field(default_factory=dict)
    site_radius_m: float | None = None
    reach: dict[str, Any] = field(default_factory=dict)
    placement: pd.DataFrame = field(default_factory=pd.DataFrame)
    constraints_note: str = ""
    solve: SolveNote = field(default_factory=SolveNote)


def flat_kpis(kpis: dict[str, Any]) -> dict[str, Any]:
    """Flatten nested KPI dicts into ``parent.child`` keys, keeping scalar values.

    Lists and other non-scalar values are written as their ``str``.
    """
    out: dict[str, Any] = {}
    for key, value in kpis.items():
        if isinstance(value, dict):
            for sub_key, sub_value in flat_kpis(value).items():
                out[f"{key}.{sub_key}"] = sub_value
        elif value is None or isinstance(value, bool | int | float | str):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def kpi_table(bundle: ExportBundle) -> pd.DataFrame:
    """KPI rows ``key, before, after, delta`` (delta only for numbers)."""
    after = flat_kpis(bundle.kpis_after)
    before = flat_kpis(bundle.kpis_before)
    rows = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = after.get(key), before.get(key)
        delta = None
        if _is_number(a) and _is_number(b):
            delta = a - b  # type: ignore[operator]
        rows.append({"key": key, "before": b, "after": a, "delta": delta})
    return pd.DataFrame(rows, columns=["key", "before", "after", "delta"])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
