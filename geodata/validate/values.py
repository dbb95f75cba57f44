"""Parse and check the cell values of one canonical column (used by :mod:`geodata.validate.layers`).

Cells arrive as whatever the reader produced (text from CSV, numbers from XLSX/GDAL,
``None``/NaN for blanks). Each parser returns clean values plus problems that name the
row, the column, the value found and the fix.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geodata.errors import Problem
from geodata.io.columns import normalise_header
from geodata.io.limits import MAX_AREA_M2, MAX_COUNT, MAX_UNIT_POPULATION
from geodata.schema import KIND_ALIASES, POINT_TYPE_ALIASES, Column

#: Columns holding codes/ids: read as text, leading zeros kept.
CODE_COLUMNS = frozenset({"code", "township_code", "county_code", "id", "contact_point_id"})
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "对", "√", "✓"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "不是", "×", ""})


def is_blank(value: object) -> bool:
    """True for None, NaN and empty/whitespace text."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def to_text(value: object) -> str:
    """Cell as trimmed text; integral floats lose their ``.0`` (Excel numbers)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, np.floating) and float(value).is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_text(
    values: Sequence[object], col: Column, source: str
) -> tuple[list[str], list[Problem]]:
    """Text column; codes keep leading zeros and refuse Excel's scientific notation."""
    out: list[str] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        text = to_text(value)
        if col.name in CODE_COLUMNS and text:
            if _SCIENTIFIC.match(text):
                problems.append(
                    Problem(
                        "code_scientific_notation",
                        f"The code {text!r} is in scientific notation: Excel shortened it and its "
                        "last digits are lost. Format the column as Text in Excel, type the codes "
                        "again (or copy them from the source), and save.",
                        source=source,
                        row=row,
                        column=col.name,
                        value=text,
                    )
                )
            elif text.endswith(".0") and text[:-2].isdigit():
                text = text[:-2]
        if col.required and not text:
            problems.append(_missing(row, col, source))
        out.append(text)
    return out, problems


def _missing(row: int, col: Column, source: str) -> Problem:
    return Problem(
        "missing_value",
        f"The required {col.name} ({col.description}) is empty. Fill it in.",
        source=source,
        row=row,
        column=col.name,
    )


def _limit(col: Column) -> float:
    if col.name in ("population", "rural_population"):
        return float(MAX_UNIT_POPULATION)
    return MAX_AREA_M2 if col.kind == "float" else float(MAX_COUNT)


def parse_number(
    values: Sequence[object], col: Column, source: str
) -> tuple[list[float], list[Problem]]:
    """Numeric column: NaN where missing; refuses text, NaN, inf, negative and huge values.

    Integer columns are rounded (with a warning) when a value has a fraction.
    """
    out: list[float] = []
    problems: list[Problem] = []
    limit = _limit(col)
    for row, value in enumerate(values):
        if is_blank(value):
            if col.required:
                problems.append(_missing(row, col, source))
            out.append(math.nan)
            continue
        number, text = _to_float(value)
        where = {"source": source, "row": row, "column": col.name, "value": text}
        if number is None:
            problems.append(
                Problem(
                    "not_a_number",
                    f"{col.name} must be a number but holds {text!r}. Type digits only "
                    "(no units or words).",
                    **where,  # type: ignore[arg-type]
                )
            )
            number = math.nan
        elif math.isnan(number):
            problems.append(
                Problem(
                    "nan_value",
                    f"{col.name} holds NaN (not a number). Enter the real value"
                    + (" or leave the cell empty." if not col.required else "."),
                    **where,  # type: ignore[arg-type]
                )
            )
        elif math.isinf(number):
            problems.append(
                Problem(
                    "infinite_value",
                    f"{col.name} holds an infinite value ({text}). Enter the real value.",
                    **where,  # type: ignore[arg-type]
                )
            )
            number = math.nan
        elif number < 0:
            problems.append(
                Problem(
                    "negative_value",
                    f"{col.name} is negative ({text}); it must be 0 or more.",
                    **where,  # type: ignore[arg-type]
                )
            )
        elif number > limit:
            problems.append(
                Problem(
                    "implausible_value",
                    f"{col.name} = {text} is implausibly large (limit {limit:,.0f}). "
                    "Check for a typing error or a total row.",
                    params={"limit": limit},
                    **where,  # type: ignore[arg-type]
                )
            )
        elif col.kind == "int" and not float(number).is_integer():
            problems.append(
                Problem(
                    "rounded_value",
                    f"{col.name} = {text} is not a whole number; it was rounded to "
                    f"{round(number)}.",
                    severity="warning",
                    **where,  # type: ignore[arg-type]
                )
            )
            number = float(round(number))
        out.append(number)
    return out, problems


def _to_float(value: object) -> tuple[float | None, str]:
    if isinstance(value, bool):
        return float(value), str(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number, str(int(number)) if number.is_integer() else str(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        return float(cleaned), text
    except ValueError:
        return None, text


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            table.setdefault(normalise_header(name), canonical)
    return table


_KIND_LOOKUP = _lookup(KIND_ALIASES)
_TYPE_LOOKUP = _lookup(POINT_TYPE_ALIASES)


def parse_choice(
    values: Sequence[object], col: Column, source: str
) -> tuple[list[str], list[Problem]]:
    """``kind`` (urban/rural) or ``point_type`` column: aliases mapped to canonical values."""
    lookup = _KIND_LOOKUP if col.kind == "kind" else _TYPE_LOOKUP
    code = "unknown_kind" if col.kind == "kind" else "unknown_type"
    accepted = ", ".join(
        f"{k} ({'/'.join(v[:3])})"
        for k, v in (KIND_ALIASES if col.kind == "kind" else POINT_TYPE_ALIASES).items()
    )
    out: list[str] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        text = to_text(value)
        if not text:
            if col.required:
                problems.append(_missing(row, col, source))
            out.append("")
            continue
        canonical = lookup.get(normalise_header(text))
        if canonical is None:
            problems.append(
                Problem(
                    code,
                    f"{col.name} {text!r} is not a known value. Accepted: {accepted}.",
                    source=source,
                    row=row,
                    column=col.name,
                    value=text,
                    params={"accepted": sorted(lookup)},
                )
            )
            out.append("")
        else:
            out.append(canonical)
    return out, problems


def parse_bool(
    values: Sequence[object], col: Column, source: str
) -> tuple[list[bool], list[Problem]]:
    """Yes/no column (是/否, true/false, 1/0); blank is False."""
    out: list[bool] = []
    problems: list[Problem] = []
    for row, value in enumerate(values):
        text = normalise_header(to_text(value))
        if text in _TRUE:
            out.append(True)
        elif text in _FALSE:
            out.append(False)
        else:
            problems.append(
                Problem(
                    "bad_boolean",
                    f"{col.name} must be yes or no (是/否, 1/0) but holds {to_text(value)!r}.",
                    source=source,
                    row=row,
                    column=col.name,
                    value=to_text(value),
                )
            )
            out.append(False)
    return out, problems
