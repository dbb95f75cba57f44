"""Validate and clean a road layer (lines): class, speed, one-way, level, geometry.

Called by :func:`geodata.validate.layers.validate_layer` for ``layer="roads"``. Every
problem names the file, the row, the column, the value found and the fix; the caller
raises once. See :mod:`geodata.road_schema` for the columns and the values accepted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import Problem
from geodata.io.columns import accepted_names_text, normalise_header
from geodata.road_schema import (
    MAX_ROAD_LEVEL,
    MAX_ROAD_SPEED_KMH,
    ONEWAY_LETTERS,
    ONEWAY_VALUES,
    ROAD_CLASS_ALIASES,
    ROAD_CLASS_NAMES_ZH,
    ROAD_COLUMNS,
    ROAD_SCHEMA,
    ROADS_LAYER,
    ROUTE_LETTER_CLASSES,
)
from geodata.validate.geometry import check_geometries
from geodata.validate.values import is_blank, parse_bool, parse_text, to_text

_T = TypeVar("_T")
_CLASS_LOOKUP: dict[str, str] = {
    normalise_header(name): canonical
    for canonical, names in ROAD_CLASS_ALIASES.items()
    for name in (canonical, *names)
}
# A route number: the grade letter, digits, then anything but a digit or letter
# ("G30连霍高速", "G107线", "X031 (旧)"); several numbers ("G30/G70") give the first.
_ROUTE = re.compile(r"^([gsxycz])(\d+)(?:[^\da-z].*)?$")
_SPEED = re.compile(r"^([+-]?\d+(?:\.\d+)?)(km/h|kmh|kph|公里/小时|公里每小时|千米/小时|公里)?$")
_MPH = re.compile(r"^([+-]?\d+(?:\.\d+)?)mph$")
_ACCEPTED_CLASSES = "; ".join(
    f"{code} ({ROAD_CLASS_NAMES_ZH[code]}/{'/'.join(names[1:3])})"
    for code, names in ROAD_CLASS_ALIASES.items()
)


def road_class_of(value: object) -> str | None:
    """Canonical road class of one cell (name, English word or route number), or None.

    Examples
    --------
    >>> [road_class_of(v) for v in ("国道", "G30", "G1501", "S212", "X031", "motorway", "支路")]
    ['national', 'expressway', 'expressway', 'provincial', 'county', 'expressway', 'branch']
    """
    text = normalise_header(to_text(value))
    found = _CLASS_LOOKUP.get(text)
    if found is not None or not text:
        return found
    if text in ROUTE_LETTER_CLASSES:
        # The administrative grade code alone (行政等级: G, S, X, Y, C, Z).
        return ROUTE_LETTER_CLASSES[text]
    match = _ROUTE.match(text)
    if match is None:
        return None
    letter, digits = match.group(1), len(match.group(2))
    if digits == 3:
        return ROUTE_LETTER_CLASSES[letter]
    if (letter == "g" and digits in (1, 2, 4)) or (letter == "s" and digits in (1, 2)):
        return "expressway"
    return None


def parse_road_class(
    values: Sequence[object], source: str
) -> tuple[list[str | None], list[Problem]]:
    """Road classes (``None`` where blank) and a problem per unknown value."""
    out: list[str | None] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        found = road_class_of(value)
        if found is None and not is_blank(value):
            text = to_text(value)
            problems.append(
                Problem(
                    "unknown_road_class",
                    f"road_class {text!r} is not a known road class. Accepted: "
                    f"{_ACCEPTED_CLASSES}; route numbers such as G107, S212, X031, Y005, "
                    "C001 (G30/G1501 and S15 are expressways); English names such as motorway, "
                    "trunk, primary. Correct the value, or give "
                    "the road a speed_kmh and leave the class empty.",
                    source=source,
                    row=row,
                    column="road_class",
                    value=text,
                    params={"accepted": sorted(_CLASS_LOOKUP)},
                )
            )
        out.append(found)
    return out, problems


def parse_speed(
    values: Sequence[object], has_class: Sequence[bool], source: str
) -> tuple[list[float], list[Problem]]:
    """Speeds in km/h (NaN where blank); ``60 km/h`` and ``40 mph`` are understood.

    A speed of 0 is read as "no speed" (with a warning) on a row that has a class: road
    data such as Geofabrik's writes 0 where the speed is unknown.
    """
    out: list[float] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        if is_blank(value):
            out.append(math.nan)
            continue
        text = to_text(value)
        number = _speed_number(value, text)
        where = {"source": source, "row": row, "column": "speed_kmh", "value": text}
        if number is None or math.isnan(number):
            problems.append(
                Problem(
                    "not_a_number",
                    f"speed_kmh must be a number of km/h but holds {text!r}. Type digits "
                    "only (e.g. 60), or leave the cell empty to use the class's speed.",
                    **where,  # type: ignore[arg-type]
                )
            )
            number = math.nan
        elif number == 0 and has_class[row]:
            problems.append(
                Problem(
                    "road_speed_out_of_range",
                    "speed_kmh is 0; read as no speed, the road class's default speed is used. "
                    "Enter the road's speed, or leave the cell empty.",
                    severity="warning",
                    params={"max": MAX_ROAD_SPEED_KMH},
                    **where,  # type: ignore[arg-type]
                )
            )
            number = math.nan
        elif not 0 < number <= MAX_ROAD_SPEED_KMH:
            problems.append(
                Problem(
                    "road_speed_out_of_range",
                    f"speed_kmh = {text} is not a road speed: it must be above 0 and at most "
                    f"{MAX_ROAD_SPEED_KMH:g} km/h. Correct it (km/h, not m/s or mph), or leave "
                    "the cell empty to use the class's speed.",
                    params={"max": MAX_ROAD_SPEED_KMH},
                    **where,  # type: ignore[arg-type]
                )
            )
            number = math.nan
        out.append(number)
    return out, problems


def _speed_number(value: object, text: str) -> float | None:
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value)
    compact = normalise_header(text)
    if (match := _SPEED.match(compact)) is not None:
        return float(match.group(1))
    if (match := _MPH.match(compact)) is not None:
        return float(match.group(1)) * 1.609344
    return None


def parse_oneway(values: Sequence[object], source: str) -> tuple[list[int], list[Problem]]:
    """One-way flags as 0 (both ways), 1 (digitised direction), -1 (against it)."""
    distinct = pd.unique(pd.Series(list(values), dtype=object))
    geofabrik = any(normalise_header(to_text(v)) == "b" for v in distinct)
    return _per_distinct(lambda v: _parse_oneway(v, geofabrik, source), values)


def _parse_oneway(
    values: Sequence[object], geofabrik: bool, source: str
) -> tuple[list[int], list[Problem]]:
    texts = [normalise_header(to_text(v)) for v in values]
    out: list[int] = []
    problems: list[Problem] = []
    for row, text in enumerate(texts):
        found = ONEWAY_LETTERS.get(text) if geofabrik else None
        found = found if found is not None else ONEWAY_VALUES.get(text)
        if found is None:
            problems.append(
                Problem(
                    "bad_oneway",
                    f"oneway {to_text(values[row])!r} is not a one-way value. Use 0/否/no/双向 "
                    "(both ways), 1/是/yes/FT (only in the line's drawn direction), -1/TF/反向 "
                    "(only against it); or B/F/T as in Geofabrik's road files.",
                    source=source,
                    row=row,
                    column="oneway",
                    value=to_text(values[row]),
                )
            )
            found = 0
        out.append(found)
    return out, problems


def parse_level(values: Sequence[object], source: str) -> tuple[list[int], list[Problem]]:
    """Z-levels as whole numbers (0 where blank)."""
    out: list[int] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        text = to_text(value)
        try:
            number = float(text) if text else 0.0
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number.is_integer() and abs(number) <= MAX_ROAD_LEVEL):
            problems.append(
                Problem(
                    "bad_level",
                    f"level {text!r} is not a z-level: use a whole number from "
                    f"-{MAX_ROAD_LEVEL} to {MAX_ROAD_LEVEL} (0 on the ground, 1 a bridge, -1 a "
                    "tunnel), or leave it empty.",
                    source=source,
                    row=row,
                    column="level",
                    value=text,
                )
            )
            number = 0.0
        out.append(int(number))
    return out, problems


def validate_roads(
    gdf: gpd.GeoDataFrame,
    *,
    source: str = "",
    found_headers: list[str] | None = None,
    outside_china: bool = False,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check and clean a road layer already in EPSG:4326 with canonical column names.

    Parameters
    ----------
    gdf
        Road lines; columns named as in :data:`geodata.road_schema.ROAD_SCHEMA`.
    source
        File name used in problems (defaults to ``"roads"``).
    found_headers
        Headers as found in the file, listed when neither a class nor a speed column exists.
    outside_china
        True when the user said the data lies outside China.

    Returns
    -------
    tuple
        ``(cleaned_gdf, problems)`` with the columns of
        :data:`geodata.road_schema.ROAD_COLUMNS`; the caller raises when a problem is an error.
    """
    source = source or ROADS_LAYER
    headers = (
        found_headers
        if found_headers is not None
        else [str(c) for c in gdf.columns if c != gdf.geometry.name]
    )
    n = len(gdf)
    problems: list[Problem] = []
    geoms, geom_problems = check_geometries(gdf, "line", source, outside_china=outside_china)
    problems.extend(geom_problems)
    names, _ = _per_distinct(
        lambda v: parse_text(v, ROAD_SCHEMA.column("name"), source),
        column_or_blank(gdf, "name"),
    )
    classes, found = _per_distinct(
        lambda v: parse_road_class(v, source), column_or_blank(gdf, "road_class")
    )
    problems.extend(found)
    has_class = [c is not None for c in classes]
    speeds, found = _per_distinct(
        lambda v, c: parse_speed(v, c, source), column_or_blank(gdf, "speed_kmh"), has_class
    )
    problems.extend(found)
    oneway, found = parse_oneway(column_or_blank(gdf, "oneway"), source)
    problems.extend(found)
    level, found = _per_distinct(lambda v: parse_level(v, source), column_or_blank(gdf, "level"))
    problems.extend(found)
    level_array = np.asarray(level, dtype=np.int64)
    # A bridge/tunnel flag sets the level where no z-level says otherwise.
    for flag, flag_level in (("bridge", 1), ("tunnel", -1)):
        if flag in gdf.columns:
            flags, found = _per_distinct(
                lambda v, f=flag: parse_bool(v, ROAD_SCHEMA.column(f), source),
                column_or_blank(gdf, flag),
            )
            problems.extend(found)
            flagged = (level_array == 0) & np.asarray(flags, bool)
            level_array = np.where(flagged, flag_level, level_array)
    problems.extend(_without_class_or_speed(gdf, classes, speeds, problems, headers, source))
    frame = pd.DataFrame(
        {
            "name": pd.Series(names, dtype="str"),
            "road_class": pd.Series(classes, dtype="object"),
            "speed_kmh": pd.Series(speeds, dtype="float64"),
            "oneway": pd.Series(oneway, dtype="int8"),
            "level": pd.Series(level_array, dtype="int64"),
        },
        index=range(n),
    )[list(ROAD_COLUMNS)]
    cleaned = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)
    return cleaned, problems


def _without_class_or_speed(
    gdf: gpd.GeoDataFrame,
    classes: list[str | None],
    speeds: list[float],
    found: list[Problem],
    headers: list[str],
    source: str,
) -> list[Problem]:
    if not {"road_class", "speed_kmh"} & set(gdf.columns):
        return [
            Problem(
                "road_without_class_or_speed",
                "The road layer has neither a road class column nor a speed column. Headers "
                f"found: {', '.join(headers) or '(none)'}. Accepted for the class: "
                f"{accepted_names_text(ROADS_LAYER, 'road_class')}; for the speed: "
                f"{accepted_names_text(ROADS_LAYER, 'speed_kmh')}. Add one, or map a column.",
                source=source,
                params={"found": headers},
            )
        ]
    # Rows whose class or speed was given but refused are reported already.
    refused = {
        p.row for p in found if p.column in ("road_class", "speed_kmh") and p.severity == "error"
    }
    missing = np.array([c is None for c in classes], dtype=bool) & np.isnan(speeds)
    return [
        Problem(
            "road_without_class_or_speed",
            "The road has neither a road class nor a speed. Fill in one of them (e.g. 县道, "
            "or 40 km/h).",
            source=source,
            row=row,
            column="road_class",
        )
        for row in np.flatnonzero(missing).tolist()
        if row not in refused
    ]


def _per_distinct(
    parse: Callable[..., tuple[Sequence[_T], list[Problem]]],
    values: Sequence[object],
    *extra: Sequence[object],
) -> tuple[list[_T], list[Problem]]:
    """Run a row parser once per distinct cell and spread its results over the rows.

    Road layers repeat a few values (classes, speeds, flags) over many thousand lines. The
    parser gets one row per distinct cell (with the matching ``extra`` values); its problems
    are repeated for every row holding that cell.
    """
    key = _codes(values)
    for more in extra:
        more_codes = _codes(more)
        key = key * (int(more_codes.max(initial=0)) + 1) + more_codes
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    columns = [[column[int(r)] for r in first] for column in (values, *extra)]
    out, found = parse(*columns)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(first) + 1))
    problems: list[Problem] = []
    for p in found:
        if p.row is None:
            problems.append(p)
            continue
        rows = order[starts[p.row] : starts[p.row + 1]]
        problems.extend(replace(p, row=int(row)) for row in rows)
    problems.sort(key=lambda p: -1 if p.row is None else p.row)
    spread = np.empty(len(out), dtype=object)
    spread[:] = list(out)
    return spread[codes].tolist(), problems


def _codes(values: Sequence[object]) -> np.ndarray:
    """Integer code of each cell's value, >= 0 (blanks: None and NaN share one)."""
    codes, _ = pd.factorize(pd.Series(list(values), dtype=object))
    return np.asarray(codes, dtype=np.int64) + 1


def column_or_blank(gdf: gpd.GeoDataFrame, name: str) -> list[object]:
    """Cells of ``name``, or blanks when the column is absent."""
    if name not in gdf.columns:
        return [None] * len(gdf)
    # Through numpy: iterating an Arrow-backed column cell by cell is slow.
    return list(gdf[name].to_numpy(dtype=object))
