"""Statistics-bureau codes (统计用区划代码) and urban-rural class codes (城乡分类代码).

A village/community code has 12 digits: county = first 6, township = first 9. The bureau
writes township codes with 12 digits too (ending ``000``); they are read as their 9-digit
form. When a village file has no township column, or a township file no county code, they
are derived from the code.

ASSUMPTION (documented in docs/data-formats.md): the bureau's 城乡分类代码 are read as
111 主城区, 112 城乡结合区, 121 镇中心区, 122 镇乡结合区, 123 特殊区域 → ``urban``;
210 乡中心区, 220 村庄 → ``rural``. Planners who count 镇中心区 as rural override it with the
environment variable :data:`KIND_CODES_ENV` (e.g. ``121=rural,122=rural``) or the
``kind_codes`` argument of :func:`geodata.read_layer`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from geodata.errors import GeodataError, Problem

#: Default urban/rural kind of each 城乡分类代码.
CLASS_CODE_KINDS: dict[str, str] = {
    "111": "urban",
    "112": "urban",
    "121": "urban",
    "122": "urban",
    "123": "urban",
    "210": "rural",
    "220": "rural",
}
#: Environment variable overriding entries of :data:`CLASS_CODE_KINDS`: ``code=kind`` pairs
#: separated by commas, e.g. ``121=rural,122=rural``.
KIND_CODES_ENV = "COVERAGE_PLANNER_KIND_CODES"
#: Digits of a village code, a township code and a county code.
VILLAGE_DIGITS, TOWNSHIP_DIGITS, COUNTY_DIGITS = 12, 9, 6
_DIGITS = re.compile(r"^\d+$")
_LIST_MAX = 20


def class_code_kinds(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """城乡分类代码 → kind: the defaults, then the environment, then ``overrides``.

    Raises
    ------
    GeodataError
        ``bad_kind_codes_setting`` when an entry is not ``3 digits = urban|rural``.
    """
    pairs: list[tuple[str, str]] = []
    env = os.environ.get(KIND_CODES_ENV, "").strip()
    for item in filter(None, (p.strip() for p in env.replace(";", ",").split(","))):
        code, _, kind = item.partition("=")
        pairs.append((code.strip(), kind.strip()))
    pairs.extend((str(k).strip(), str(v).strip()) for k, v in (overrides or {}).items())
    bad = [
        f"{c}={k}" for c, k in pairs if not re.match(r"^\d{3}$", c) or k not in ("urban", "rural")
    ]
    if bad:
        raise GeodataError(
            [
                Problem(
                    "bad_kind_codes_setting",
                    f"The urban-rural code setting ({KIND_CODES_ENV} or kind_codes) holds "
                    f"entries that are not '3 digits=urban|rural': {', '.join(bad)}.",
                    source=KIND_CODES_ENV,
                    value=", ".join(bad),
                    params={"entries": bad},
                )
            ]
        )
    return {**CLASS_CODE_KINDS, **dict(pairs)}


def map_class_codes(values: list[object], kinds: Mapping[str, str]) -> list[object]:
    """Replace 城乡分类代码 cells (``220``, ``220.0``) by their kind; other cells unchanged."""
    out: list[object] = []
    for value in values:
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        out.append(kinds.get(text, value))
    return out


def _is_stats_code(codes: np.ndarray, digits: int) -> np.ndarray:
    return np.array([len(c) == digits and bool(_DIGITS.match(c)) for c in codes], dtype=bool)


def apply_admin_codes(
    frame: pd.DataFrame, layer: str, present: set[str], source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Normalise and derive the codes of a township or village frame; check them.

    Townships: a 12-digit code ending in ``000`` becomes its 9 digits; a missing
    ``county_code`` is the first 6 digits. Villages: a missing ``township_code`` is the first
    9 digits of the 12-digit code. A layer using statistics codes (any 12-digit village code,
    or a derived column) must use them on every row (``bad_admin_code``). A township_code
    column, when given, is used as it is (test files and older exports number villages
    freely).
    """
    problems: list[Problem] = []
    if layer == "townships":
        codes = np.array([str(c) for c in frame["code"]], dtype=object)
        long = _is_stats_code(codes, VILLAGE_DIGITS) & np.array(
            [c.endswith("000") for c in codes], dtype=bool
        )
        codes = np.array(
            [c[:TOWNSHIP_DIGITS] if lg else c for c, lg in zip(codes, long, strict=True)],
            dtype=object,
        )
        frame["code"] = [str(c) for c in codes]
        stats = _is_stats_code(codes, TOWNSHIP_DIGITS)
        if "county_code" not in present and stats.any():
            problems.extend(_bad_rows(codes, stats, TOWNSHIP_DIGITS, source, "code"))
            frame["county_code"] = [
                c[:COUNTY_DIGITS] if ok else "" for c, ok in zip(codes, stats, strict=True)
            ]
    elif layer == "villages":
        codes = np.array([str(c) for c in frame["code"]], dtype=object)
        stats = _is_stats_code(codes, VILLAGE_DIGITS)
        derive = "township_code" not in present
        if derive or stats.any():
            problems.extend(_bad_rows(codes, stats, VILLAGE_DIGITS, source, "code"))
        if derive:
            frame["township_code"] = [
                c[:TOWNSHIP_DIGITS] if ok else "" for c, ok in zip(codes, stats, strict=True)
            ]
    return frame, problems


def _bad_rows(
    codes: np.ndarray, ok: np.ndarray, digits: int, source: str, column: str
) -> list[Problem]:
    rows = [int(r) for r in np.flatnonzero(~ok & (codes != ""))]
    if not rows:
        return []
    shown = [f"{codes[r]} (row {r + 1})" for r in rows[:_LIST_MAX]]
    return [
        Problem(
            "bad_admin_code",
            f"{len(rows)} codes are not {digits}-digit statistics-bureau codes "
            f"(统计用区划代码), so their township/county part cannot be read: "
            f"{', '.join(shown)}{' ...' if len(rows) > _LIST_MAX else ''}. Give every row its "
            f"full {digits}-digit code (format the column as Text in Excel).",
            source=source,
            row=rows[0],
            column=column,
            value=", ".join(codes[r] for r in rows[:_LIST_MAX]),
            params={"digits": digits, "rows": rows, "count": len(rows)},
        )
    ]


#: What the whole of a dataset is: a province (several prefecture-level cities), a city,
#: or a single county.
AreaLevel = Literal["province", "city", "county"]
#: Digits of a prefecture-level city's code (the first 4 of a county code).
PREFECTURE_DIGITS = 4


def area_level(county_codes: Sequence[object], counties: Sequence[object] = ()) -> AreaLevel:
    """Return what a dataset covers, from its townships' county codes and county names.

    One county (by name, or by code when no names are given) is a ``"county"``; county codes
    of 6 digits from more than one prefecture-level city (their first 4 digits differ) make
    a ``"province"``; anything else is a ``"city"`` (the default: codes that are not the
    bureau's say nothing about prefectures).

    Parameters
    ----------
    county_codes
        County code of each township (any values; blanks ignored).
    counties
        County name of each township (optional).
    """
    names = {str(c).strip() for c in counties if str(c).strip()}
    codes = {str(c).strip() for c in county_codes if str(c).strip() and str(c) != "nan"}
    if len(names or codes) == 1:
        return "county"
    bureau = {c for c in codes if len(c) == COUNTY_DIGITS and c.isdigit()}
    all_bureau = bool(bureau) and len(bureau) == len(codes)
    if all_bureau and len({c[:PREFECTURE_DIGITS] for c in bureau}) > 1:
        return "province"
    return "city"


#: The whole area in Chinese, by :data:`AreaLevel` (全省 / 全市 / 全县): the files, the brief
#: and the command line say it this way; the dashboard has its own keys (``all_area_*``).
AREA_NAME_ZH: dict[str, str] = {"province": "全省", "city": "全市", "county": "全县"}


def frame_area_level(frame: pd.DataFrame) -> AreaLevel:
    """:func:`area_level` of a table with ``county_code`` and/or ``county`` columns.

    The townships of a city, or a point layer alone (no ``county`` column: a ``"city"``).
    """
    codes = frame["county_code"].tolist() if "county_code" in frame.columns else []
    names = frame["county"].tolist() if "county" in frame.columns else []
    if not codes and not names:
        return "city"
    return area_level(codes, names)


def area_name_zh(level: str) -> str:
    """全省, 全市 or 全县 for ``level`` (全市 for anything unknown)."""
    return AREA_NAME_ZH.get(level, AREA_NAME_ZH["city"])
