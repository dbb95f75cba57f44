"""A point table without coordinates placed by name or address: read, match, validate.

:func:`place_point_table` reads a CSV/XLSX sheet of contact points (homes, sites) that has a
name and perhaps an address but no longitude/latitude, matches each row against the city's
villages and townships (:mod:`geodata.match.frame`) and returns the layer of the rows placed,
the match table, and one warning per ambiguous or unmatched row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np

from geodata.errors import GeodataError, Problem, ProblemCollector
from geodata.io.columns import LAT_COLUMN, LON_COLUMN, normalise_header, resolve_column_map
from geodata.io.coordinates import table_to_points
from geodata.io.formats import detect_format, problem, read_table
from geodata.io.readers import LoadedLayer, check_input_file
from geodata.match.frame import PointMatches, match_points
from geodata.problems.report import without_paths
from geodata.schema import LayerName
from geodata.validate.layers import validate_layer

#: Headers of an address column (matched like the canonical headers).
ADDRESS_HEADERS: tuple[str, ...] = (
    "地址",
    "详细地址",
    "所在地址",
    "联系地址",
    "所在地",
    "位置",
    "驻地",
    "住址",
    "address",
    "addr",
)


@dataclass(frozen=True)
class PlacedPoints:
    """The rows placed (``loaded``; unmatched and ambiguous rows left out) and every match."""

    loaded: LoadedLayer
    matches: PointMatches

    @property
    def found_any(self) -> bool:
        """True when at least one row was placed or has candidates. A sheet none of whose
        rows is found is more likely a sheet whose coordinate headers were not recognised:
        callers then report its ``missing_coordinates`` error instead."""
        return bool((self.matches.table["status"] != "unmatched").any())


def only_missing_coordinates(exc: GeodataError) -> bool:
    """True when a point table's only error is that it has no coordinate columns."""
    return [p.code for p in exc.errors] == ["missing_coordinates"]


def address_column(headers: list[str]) -> str | None:
    """The header of the address column, or None."""
    wanted = {normalise_header(h) for h in ADDRESS_HEADERS}
    return next((h for h in headers if normalise_header(h) in wanted), None)


def place_point_table(
    path: str | Path,
    layer: LayerName,
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame | None,
    *,
    source_name: str | None = None,
    choices: Mapping[int, str] | None = None,
    column_map: dict[str, str] | None = None,
) -> PlacedPoints:
    """Place the rows of a point table without coordinates by their name or address.

    Parameters
    ----------
    path
        CSV or XLSX with a name column (and optionally an address column).
    layer
        ``contact_points``, ``collection_sites`` or ``homes``.
    townships, villages
        The city's validated layers the names are matched against.
    source_name
        Name shown in problems (the upload's name).
    choices
        ``{row: code}`` chosen by the planner for ambiguous rows.
    column_map
        ``{raw_header: canonical}`` overriding the automatic header matching.

    Raises
    ------
    GeodataError
        When the file cannot be read or the rows placed are not a valid layer.
    """
    path = Path(path)
    source = source_name or path.name
    try:
        return _place(path, layer, townships, villages, source, choices, column_map)
    except GeodataError as exc:
        raise GeodataError(without_paths(exc.problems, path, source)) from None


def _place(
    path: Path,
    layer: LayerName,
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame | None,
    source: str,
    choices: Mapping[int, str] | None,
    column_map: dict[str, str] | None,
) -> PlacedPoints:
    fmt = detect_format(path, check_input_file(path, source), source=source)
    if fmt not in ("csv", "xlsx"):
        raise problem(
            "unsupported_format",
            "Points are placed by name only from a table (CSV/XLSX).",
            source,
            value=fmt,
        )
    frame = read_table(path, fmt, source=source)
    headers = [str(c) for c in frame.columns]
    collector = ProblemCollector()
    mapping, map_problems = resolve_column_map(headers, layer, column_map, source=source)
    collector.extend(map_problems)
    address = address_column(headers)
    name = next((raw for raw, canonical in mapping.items() if canonical == "name"), None)
    if name is None and address is None:
        raise problem(
            "missing_coordinates",
            "No longitude/latitude columns, and neither a name nor an address column to place "
            f"the points by. Headers found: {', '.join(headers)}.",
            source,
            params={"found": headers, "missing": [LON_COLUMN, LAT_COLUMN]},
        )
    blank = [""] * len(frame)
    matches = match_points(
        list(frame[name]) if name else blank,
        list(frame[address]) if address else blank,
        townships,
        villages,
        choices=choices,
    )
    collector.extend(_match_warnings(matches, source))
    table = matches.table
    keep = (table["status"] == "matched").to_numpy()
    renamed = frame.rename(columns=mapping).drop(columns=[LON_COLUMN, LAT_COLUMN], errors="ignore")
    renamed[LON_COLUMN] = table["lon"].to_numpy()
    renamed[LAT_COLUMN] = table["lat"].to_numpy()
    kept = renamed.loc[keep].reset_index(drop=True)
    rows = np.flatnonzero(keep)
    gdf = table_to_points(kept, layer, headers, source, collector)
    if gdf is None:
        collector.raise_if_errors()
        raise problem("unreadable_file", "No points could be placed.", source)
    cleaned, problems = validate_layer(gdf, layer, source=source, found_headers=headers)
    # Rows of the placed subset are said with their row in the user's file.
    collector.extend(
        [replace(p, row=int(rows[p.row])) if p.row is not None else p for p in problems]
    )
    collector.raise_if_errors()
    loaded = LoadedLayer(
        layer=layer,
        gdf=cleaned,
        warnings=collector.warnings,
        source=source,
        file_format=fmt,
        column_map=tuple(mapping.items()),
    )
    return PlacedPoints(loaded, matches)


def _match_warnings(matches: PointMatches, source: str) -> list[Problem]:
    out: list[Problem] = []
    for rec in matches.table.to_dict("records"):
        said = str(rec["name"] or rec["address"])
        if rec["status"] == "ambiguous":
            out.append(
                Problem(
                    "point_match_ambiguous",
                    f"{said} matches several places: {rec['candidates']}. "
                    "Choose one (or add coordinates); the row is left out until then.",
                    source=source,
                    row=int(rec["row"]),
                    value=said,
                    severity="warning",
                    params={"candidates": str(rec["candidates"])},
                )
            )
        elif rec["status"] == "unmatched":
            out.append(
                Problem(
                    "point_match_unmatched",
                    f"{said} matches no village, community or township "
                    "of the loaded data. Correct its name/address or add coordinates; the row "
                    "is left out.",
                    source=source,
                    row=int(rec["row"]),
                    value=said,
                    severity="warning",
                )
            )
    return out
