"""Join a township population table (CSV/XLSX) to township boundaries, by code or by name.

Boundaries often come without population, and the statistics bureau's table names
townships in its own way. The join uses codes when both sides have matching codes,
otherwise names (compared after Unicode normalisation and removal of spaces), and
reports every name or code that found no partner, on both sides, at once.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.errors import GeodataError, Problem, ProblemCollector
from geodata.io.columns import normalise_header
from geodata.io.formats import detect_format, problem, read_table
from geodata.io.readers import check_input_file
from geodata.schema import SCHEMAS
from geodata.validate.values import parse_number, to_text

_TOWN = SCHEMAS["townships"]
#: Columns of a population table and the headers accepted for them.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": _TOWN.column("code").aliases,
    "name": (
        *_TOWN.column("name").aliases,
        "乡镇名称",
        "乡镇(街道)",
        "乡镇街道",
        "乡镇",
        "街道",
        "township",
    ),
    "population": _TOWN.column("population").aliases,
    "rural_population": _TOWN.column("rural_population").aliases,
}
_LIST_MAX = 50


def name_key(name: object) -> str:
    """Comparable form of a place name (NFKC, no spaces)."""
    return "".join(unicodedata.normalize("NFKC", to_text(name)).split())


def _map_table(headers: list[str]) -> dict[str, str]:
    by_norm = {normalise_header(h): h for h in reversed(headers)}
    mapping: dict[str, str] = {}
    for canonical, aliases in TABLE_COLUMNS.items():
        for alias in (canonical, *aliases):
            raw = by_norm.get(normalise_header(alias))
            if raw is not None and raw not in mapping:
                mapping[raw] = canonical
                break
    return mapping


def read_population_table(path: str | Path, *, source_name: str | None = None) -> pd.DataFrame:
    """Read a population table into columns ``code``/``name`` (at least one), ``population``
    and optionally ``rural_population`` (int64).

    Raises
    ------
    GeodataError
        When the file cannot be read or a value is not a valid population.
    """
    path = Path(path)
    source = source_name or path.name
    fmt = detect_format(path, check_input_file(path, source), source=source)
    if fmt not in ("csv", "xlsx"):
        raise problem(
            "population_table_format",
            "The population table must be a .csv or .xlsx file.",
            source,
            value=fmt,
        )
    raw = read_table(path, fmt, source=source)
    headers = [str(c) for c in raw.columns]
    table = raw.rename(columns=_map_table(headers))
    collector = ProblemCollector()
    if "population" not in table.columns or not {"code", "name"} & set(table.columns):
        collector.add(
            "missing_column",
            "The population table needs a population column and a code or name column. "
            f"Headers found: {', '.join(headers)}. Accepted: "
            + "; ".join(f"{k}: {', '.join(v[:6])}" for k, v in TABLE_COLUMNS.items()),
            source=source,
            params={"found": headers},
        )
        collector.raise_if_errors()
    out = pd.DataFrame(index=range(len(table)))
    for key in ("code", "name"):
        if key in table.columns:
            out[key] = [to_text(v) for v in table[key]]
    for key in ("population", "rural_population"):
        if key in table.columns:
            values, problems = parse_number(list(table[key]), _TOWN.column(key), source)
            collector.extend(problems)
            out[key] = pd.Series(values).fillna(0).round().astype("int64")
    if len(out) == 0:
        collector.add("no_features", "The population table has no rows.", source=source)
    collector.raise_if_errors()
    return out


def join_population(
    townships_gdf: gpd.GeoDataFrame, table_path: str | Path, *, source_name: str | None = None
) -> gpd.GeoDataFrame:
    """Set the townships' population (and rural population) from a table.

    Parameters
    ----------
    townships_gdf
        Township boundaries with a code and/or name column (canonical or raw headers).
    table_path
        CSV/XLSX with a code or name column and a population column.
    source_name
        Name of the table shown in problems.

    Returns
    -------
    GeoDataFrame
        A copy with canonical ``code``/``name`` and ``population`` (and ``rural_population``
        when the table has it) set; pass it to :func:`geodata.validate.layers.validate_layer`.

    Raises
    ------
    GeodataError
        ``population_unmatched`` listing every boundary without a table row and every table
        row without a boundary; ``population_duplicate_key`` for repeated codes/names.
    """
    source = source_name or Path(table_path).name
    table = read_population_table(table_path, source_name=source)
    headers = [str(c) for c in townships_gdf.columns if c != townships_gdf.geometry.name]
    mapping = {
        raw: canonical
        for raw, canonical in _map_table(headers).items()
        if canonical in ("code", "name")
    }
    towns = townships_gdf.rename(columns=mapping).copy()
    key, town_keys, table_keys = _choose_key(towns, table, source)
    collector = ProblemCollector()
    dup = sorted(set(table_keys[table_keys.duplicated()]))
    if dup:
        collector.add(
            "population_duplicate_key",
            f"The population table lists these {key}s more than once: "
            f"{', '.join(dup[:_LIST_MAX])}. Keep one row per township.",
            source=source,
            column=key,
            value=", ".join(dup[:_LIST_MAX]),
            params={"keys": dup},
        )
    missing_in_table = [str(v) for v in towns.loc[~town_keys.isin(set(table_keys)), key]]
    missing_in_map = [str(v) for v in table.loc[~table_keys.isin(set(town_keys)), key]]
    if missing_in_table or missing_in_map:
        collector.add(
            "population_unmatched",
            f"Joining by {key}: {len(missing_in_table)} township(s) of the boundaries have no row "
            f"in the table ({', '.join(missing_in_table[:_LIST_MAX]) or 'none'}); "
            f"{len(missing_in_map)} row(s) of the table match no boundary "
            f"({', '.join(missing_in_map[:_LIST_MAX]) or 'none'}). Make the {key}s identical "
            "on both sides (e.g. full official names, 9-digit codes).",
            source=source,
            column=key,
            params={"boundaries_unmatched": missing_in_table, "table_unmatched": missing_in_map},
        )
    collector.raise_if_errors()
    lookup = table.assign(_key=table_keys).set_index("_key")
    for column in ("population", "rural_population"):
        if column in lookup.columns:
            towns[column] = town_keys.map(lookup[column]).astype("int64").to_numpy()
    if "rural_population" not in lookup.columns and "kind" in towns.columns:
        # The old rural population belonged to the old totals: derive it again from kind.
        towns = towns.drop(columns=["rural_population"], errors="ignore")
    return towns


def _choose_key(
    towns: gpd.GeoDataFrame, table: pd.DataFrame, source: str
) -> tuple[str, pd.Series, pd.Series]:
    """Join key: code when both sides have codes that match, else name."""
    if "code" in towns.columns and "code" in table.columns:
        town_codes = pd.Series([to_text(v) for v in towns["code"]], index=towns.index)
        table_codes = pd.Series([to_text(v) for v in table["code"]], index=table.index)
        if set(town_codes) & set(table_codes) or "name" not in table.columns:
            return "code", town_codes, table_codes
    if "name" in towns.columns and "name" in table.columns:
        return (
            "name",
            pd.Series([name_key(v) for v in towns["name"]], index=towns.index),
            pd.Series([name_key(v) for v in table["name"]], index=table.index),
        )
    raise GeodataError(
        [
            Problem(
                "population_no_join_key",
                "The boundaries and the population table share neither a code column nor a "
                "name column, so they cannot be joined. Add township codes or names to both.",
                source=source,
            )
        ]
    )
