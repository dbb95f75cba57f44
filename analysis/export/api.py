"""One call per export: a scenario (or any bundle) to files of one format, or to all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import analysis.export.gis as gis
import analysis.export.office as office
from analysis.errors import AnalysisError
from analysis.export.brief import build_brief
from analysis.export.brief_docx import render_docx
from analysis.export.brief_pdf import render_pdf
from analysis.export.layers import build_bundle
from analysis.export.model import (
    COORD_SYSTEMS,
    META_AUTHOR,
    META_CITY,
    META_CREATED,
    META_DESCRIPTION,
    META_EXPORTED,
    META_UPDATED,
    POINT_LAYERS,
    CoverageLike,
    ExportBundle,
)
from analysis.export.solve_note import solve_note
from analysis.export.staticmap import render_map
from analysis.localtime import local_now_text, local_text
from analysis.review.api import ReviewResult
from analysis.standards.load import Standards
from geodata.city import CityData
from geodata.errors import Problem

if TYPE_CHECKING:
    from analysis.plan.scenarios import Scenario

#: Every format, in the order ``all`` writes them.
FORMATS: tuple[str, ...] = (
    "gpkg",
    "shp",
    "geojson",
    "kml",
    "kmz",
    "csv",
    "xlsx",
    "docx",
    "pdf",
    "png",
)
ALL = "all"
#: Ends the file names of an export in GCJ-02 coordinates.
GCJ02_SUFFIX = "_GCJ02"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_stem(name: str, default: str = "export") -> str:
    """A file-name stem from a scenario name (Chinese kept; path characters replaced)."""
    stem = _UNSAFE.sub("_", name).strip(" ._")
    return stem[:80] or default


def export_scenario(
    city: CityData,
    scenario: Scenario,
    coverage_before: CoverageLike | None,
    coverage_after: CoverageLike,
    fmt: str,
    out_dir: Path,
    coords: str = "wgs84",
    *,
    date: dt.date | None = None,
    standards: Standards | None = None,
    review: ReviewResult | None = None,
) -> list[Path]:
    """Export a scenario's layers, KPIs, map or meeting brief.

    Parameters
    ----------
    city
        The base city of the scenario.
    scenario
        The plan (its point layers carry ``status``; removed points are exported, flagged).
    coverage_before
        Coverage of the baseline (``compute_coverage(city)``) for before/after figures, or
        ``None``.
    coverage_after
        Coverage of the plan (``compute_coverage(apply_scenario(city, scenario))``).
    fmt
        One of :data:`FORMATS` or ``"all"``.
    out_dir
        Folder to write into (created when missing).
    coords
        ``"wgs84"`` (default) or ``"gcj02"``.
    date
        Date printed on the brief (default: today in the display zone).
    standards
        The standards the coverage was computed with (default: the built-in ones); the
        exports state its county rule, radii and site rules.
    review
        The performance review of the base data (:func:`analysis.review.api.review_points`):
        with records, the brief gets its section 七、运行评估.

    Returns
    -------
    list[pathlib.Path]
        Files written.

    Raises
    ------
    AnalysisError
        Unknown format or coordinate system, missing layers, missing Chinese font.
    """
    check_format(fmt)
    meta = {
        META_CITY: city.name,
        META_AUTHOR: scenario.author,
        META_CREATED: local_text(scenario.created_at),
        META_UPDATED: local_text(scenario.updated_at),
        META_EXPORTED: local_now_text(),
        META_DESCRIPTION: scenario.description,
    }
    bundle = build_bundle(
        city,
        {name: scenario.layer(name) for name in POINT_LAYERS},  # type: ignore[arg-type]
        coverage_after,
        coverage_before,
        coords=coords,
        title=str(scenario.name),
        meta={k: v for k, v in meta.items() if v},
        standards=standards,
    )
    note = solve_note(scenario.solve_facts, scenario.layer("contact_points"))
    bundle = dataclasses.replace(bundle, solve=note)
    return export_bundle(bundle, fmt, out_dir, city_name=city.name, date=date, review=review)


def check_format(fmt: str) -> None:
    """Raise :class:`AnalysisError` (``unknown_format``) unless ``fmt`` is supported."""
    if fmt not in (*FORMATS, ALL):
        raise AnalysisError(
            [
                Problem(
                    "unknown_format",
                    f"Unknown export format {fmt!r}; use one of {', '.join((*FORMATS, ALL))}.",
                    value=str(fmt),
                    params={"allowed": [*FORMATS, ALL]},
                )
            ]
        )


def export_bundle(
    bundle: ExportBundle,
    fmt: str,
    out_dir: Path,
    *,
    stem: str | None = None,
    city_name: str = "",
    date: dt.date | None = None,
    review: ReviewResult | None = None,
) -> list[Path]:
    """Write ``bundle`` in format ``fmt`` (or every format) into ``out_dir``.

    File names: ``<stem>.gpkg``, ``<stem>_shp.zip``, ``<stem>_<layer>.geojson``,
    ``<stem>.kml``, ``<stem>.kmz``, ``<stem>_<layer>.csv`` (+ ``_kpis``, ``_counties``),
    ``<stem>.xlsx``, ``<stem>_简报.docx``, ``<stem>_简报.pdf``, ``<stem>_地图.png``; the
    stem defaults to the scenario name made safe for file names. With ``review`` (records
    exist), the brief gets its section 七、运行评估. A GCJ-02 export's stem
    ends with ``_GCJ02`` (its coordinates are not WGS84; see :mod:`analysis.export.gis`).
    """
    check_format(fmt)
    if bundle.coords not in COORD_SYSTEMS:
        raise AnalysisError([Problem("unknown_coords", f"Unknown coordinates {bundle.coords!r}.")])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = stem or safe_stem(bundle.title)
    if bundle.coords == "gcj02" and not base.endswith(GCJ02_SUFFIX):
        base += GCJ02_SUFFIX
    wanted = FORMATS if fmt == ALL else (fmt,)
    writers: dict[str, Callable[[], list[Path]]] = {
        "gpkg": lambda: gis.write_gpkg(bundle, out / f"{base}.gpkg"),
        "shp": lambda: gis.write_shapefile_zip(bundle, out / f"{base}_shp.zip"),
        "geojson": lambda: gis.write_geojson(bundle, out, base),
        "kml": lambda: gis.write_kml(bundle, out / f"{base}.kml"),
        "kmz": lambda: gis.write_kmz(bundle, out / f"{base}.kmz"),
        "csv": lambda: office.write_csv(bundle, out, base),
        "xlsx": lambda: office.write_xlsx(bundle, out / f"{base}.xlsx"),
        "png": lambda: [render_map(bundle, out / f"{base}_地图.png")],
    }
    written: list[Path] = []
    briefs = [f for f in wanted if f in ("docx", "pdf")]
    for name in wanted:
        if name in writers:
            written += writers[name]()
    if briefs:
        written += _write_briefs(bundle, briefs, out, base, city_name, date, review)
    return written


def _write_briefs(
    bundle: ExportBundle,
    formats: list[str],
    out: Path,
    base: str,
    city_name: str,
    date: dt.date | None,
    review: ReviewResult | None = None,
) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        png = render_map(bundle, Path(tmp) / "map.png", title="", size_in=(10.0, 7.0))
        content = build_brief(bundle, map_png=png, city_name=city_name, date=date, review=review)
        if "docx" in formats:
            written.append(render_docx(content, out / f"{base}_简报.docx"))
        if "pdf" in formats:
            written.append(render_pdf(content, out / f"{base}_简报.pdf"))
    return written


def files_to_bytes(paths: list[Path]) -> tuple[str, bytes]:
    """One download for a list of written files: the file itself, or a zip of several.

    Returns
    -------
    tuple[str, bytes]
        File name and content (``<first stem>.zip`` when there are several files).
    """
    if len(paths) == 1:
        return paths[0].name, paths[0].read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in paths:
            zf.write(path, arcname=path.name)
    return f"{paths[0].stem}.zip", buffer.getvalue()
