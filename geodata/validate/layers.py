"""Validate and clean layers, and assemble a :class:`~geodata.city.CityData`.

``validate_layer`` checks one layer already in EPSG:4326 with canonical column names
(what :func:`geodata.io.readers.read_layer` and the demo builder produce) and returns it
cleaned: canonical columns only, typed, derived columns filled (see ARCHITECTURE.md).
``assemble_city`` validates every layer and adds the cross-layer checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.admin.codes import apply_admin_codes, class_code_kinds, map_class_codes
from geodata.city import CityData
from geodata.errors import GeodataError, Problem, ProblemCollector
from geodata.io.columns import accepted_names_text
from geodata.road_schema import ROADS_LAYER
from geodata.schema import SCHEMAS, Column, InputLayerName, LayerName
from geodata.validate.city import cross_layer_checks, fill_county_from_townships
from geodata.validate.geometry import check_geometries
from geodata.validate.roads import validate_roads
from geodata.validate.values import parse_bool, parse_choice, parse_number, parse_text

_Parser = Callable[[Sequence[object], Column, str], tuple[Sequence[object], list[Problem]]]
_PARSERS: dict[str, _Parser] = {
    "str": parse_text,
    "int": parse_number,
    "float": parse_number,
    "bool": parse_bool,
    "kind": parse_choice,
    "point_type": parse_choice,
}


def validate_layer(
    gdf: gpd.GeoDataFrame,
    layer: InputLayerName,
    *,
    source: str = "",
    found_headers: list[str] | None = None,
    optional_columns: tuple[str, ...] = (),
    outside_china: bool = False,
    kind_codes: Mapping[str, str] | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check and clean one layer.

    Parameters
    ----------
    gdf
        Features in EPSG:4326 whose columns already carry canonical names.
    layer
        Layer name; ``"roads"`` is checked by :func:`geodata.validate.roads.validate_roads`.
    source
        File or layer name used in problems (defaults to ``layer``).
    found_headers
        Headers as found in the file, listed when a required column is missing.
    optional_columns
        Required columns that may be absent this time (filled with defaults), e.g.
        ``("population",)`` for boundaries whose population comes from a table later
        (:func:`geodata.io.population.join_population`).
    outside_china
        True when the user said the data lies outside China: the China-only checks step
        aside (coordinates must still be longitude/latitude degrees).
    kind_codes
        Overrides of the 城乡分类代码 → urban/rural mapping
        (:func:`geodata.admin.codes.class_code_kinds`), e.g. ``{"122": "rural"}``.

    Returns
    -------
    tuple
        ``(cleaned_gdf, problems)``; the caller raises when a problem is an error.
    """
    source = source or layer
    if layer == ROADS_LAYER:
        return validate_roads(
            gdf, source=source, found_headers=found_headers, outside_china=outside_china
        )
    schema = SCHEMAS[layer]
    problems: list[Problem] = []
    headers = (
        found_headers
        if found_headers is not None
        else [str(c) for c in gdf.columns if c != gdf.geometry.name]
    )
    present = set(gdf.columns)
    if layer == "villages" and "code" in present:
        # The township part of a 12-digit 统计用区划代码 (apply_admin_codes).
        optional_columns = (*optional_columns, "township_code")
    for name in schema.required:
        if name not in present and name not in optional_columns:
            problems.append(
                Problem(
                    "missing_column",
                    f"Required column {name!r} was not found. Headers found: "
                    f"{', '.join(headers) or '(none)'}. Accepted headers for it: "
                    f"{accepted_names_text(layer, name)}. Rename the column or map it.",
                    source=source,
                    column=name,
                    params={"found": headers, "accepted": accepted_names_text(layer, name)},
                )
            )
    population_later = "population" in optional_columns and "population" not in present
    if layer == "townships" and not {"kind", "rural_population"} & present and not population_later:
        problems.append(
            Problem(
                "missing_kind_or_rural_population",
                "Townships need either a rural_population column or an urban/rural kind column "
                f"(accepted headers: {accepted_names_text(layer, 'rural_population')}; "
                f"{accepted_names_text(layer, 'kind')}). Headers found: {', '.join(headers)}.",
                source=source,
                params={"found": headers},
            )
        )
    geoms, geom_problems = check_geometries(
        gdf, schema.geometry, source, outside_china=outside_china
    )
    problems.extend(geom_problems)
    data: dict[str, object] = {}
    for col in schema.columns:
        if col.name not in present:
            data[col.name] = _default(col, len(gdf))
            continue
        cells = list(gdf[col.name])
        if col.kind == "kind":
            cells = map_class_codes(cells, class_code_kinds(kind_codes))
        values, col_problems = _PARSERS[col.kind](cells, col, source)
        problems.extend(col_problems)
        data[col.name] = values
    frame = pd.DataFrame(data, index=range(len(gdf)))
    frame = _typed(frame, layer)
    frame, code_problems = apply_admin_codes(frame, layer, present, source)
    problems.extend(code_problems)
    problems.extend(_check_ids(frame, schema.id_column, source))
    frame, derived = _derive(frame, layer, present if not population_later else set(), source)
    problems.extend(derived)
    cleaned = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)
    return cleaned, problems


def _default(col: Column, n: int) -> list[object]:
    if col.kind == "int":
        return [0.0] * n
    if col.kind == "float":
        return [np.nan] * n
    if col.kind == "bool":
        return [False] * n
    return [""] * n


def _typed(frame: pd.DataFrame, layer: LayerName) -> pd.DataFrame:
    for col in SCHEMAS[layer].columns:
        if col.kind == "int":
            # NaN only remains where an error was reported; 0 keeps the dtype integral.
            frame[col.name] = frame[col.name].astype("float64").fillna(0).round().astype("int64")
        elif col.kind == "float":
            frame[col.name] = frame[col.name].astype("float64")
        elif col.kind == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        else:
            frame[col.name] = frame[col.name].astype("str")
    return frame


def _check_ids(frame: pd.DataFrame, id_column: str, source: str) -> list[Problem]:
    ids = frame[id_column]
    dup = ids[(ids != "") & ids.duplicated(keep=False)]
    if dup.empty:
        return []
    listed = sorted(set(dup))
    rows = [int(r) for r in dup.index]
    return [
        Problem(
            "duplicate_id",
            f"{id_column} must be unique, but these values appear more than once: "
            f"{', '.join(listed[:50])}{' ...' if len(listed) > 50 else ''} (rows "
            f"{', '.join(str(r + 1) for r in rows[:50])}). Give each feature its own {id_column}.",
            source=source,
            column=id_column,
            value=", ".join(listed[:50]),
            params={"ids": listed, "rows": rows},
        )
    ]


def _derive(
    frame: pd.DataFrame, layer: LayerName, present: set[str], source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    if layer == "townships":
        if "rural_population" not in present and "kind" in present:
            frame["rural_population"] = np.where(frame["kind"] == "rural", frame["population"], 0)
        if "rural_population" in present:
            # Row by row: a blank kind is taken from the rural share of the population.
            share = frame["rural_population"] / frame["population"].where(frame["population"] > 0)
            derived_kind = np.where(share.fillna(0) >= 0.5, "rural", "urban")
            frame["kind"] = np.where(frame["kind"] == "", derived_kind, frame["kind"])
            frame["kind"] = frame["kind"].astype("str")
        if present:
            for row in np.flatnonzero((frame["kind"] == "").to_numpy()):
                problems.append(
                    Problem(
                        "missing_value",
                        "The township's kind (urban/rural) is empty and no rural_population "
                        "is given to derive it. Fill in one of them.",
                        source=source,
                        row=int(row),
                        column="kind",
                    )
                )
        rural, total = frame["rural_population"].to_numpy(), frame["population"].to_numpy()
        for row in np.flatnonzero(rural > total):
            problems.append(
                Problem(
                    "rural_exceeds_total",
                    f"rural_population ({int(rural[row])}) is larger than population "
                    f"({int(total[row])}). Correct one of them.",
                    source=source,
                    row=int(row),
                    column="rural_population",
                    value=str(int(rural[row])),
                )
            )
    if layer == "contact_points":
        adopted = frame["opinions_adopted"].to_numpy()
        collected = frame["opinions_collected"].to_numpy()
        for row in np.flatnonzero((adopted > collected) & (collected >= 0)):
            problems.append(
                Problem(
                    "adopted_exceeds_collected",
                    f"opinions_adopted ({int(adopted[row])}) exceeds opinions_collected "
                    f"({int(collected[row])}); check the counts.",
                    source=source,
                    row=int(row),
                    column="opinions_adopted",
                    severity="warning",
                )
            )
    return frame, problems


def assemble_city(
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame | None = None,
    contact_points: gpd.GeoDataFrame | None = None,
    collection_sites: gpd.GeoDataFrame | None = None,
    homes: gpd.GeoDataFrame | None = None,
    *,
    roads: gpd.GeoDataFrame | None = None,
    name: str = "",
    is_demo: bool = False,
    outside_china: bool = False,
    sources: Mapping[str, str] | None = None,
) -> CityData:
    """Validate every layer, run the cross-layer checks and build a :class:`CityData`.

    Parameters
    ----------
    townships
        Township polygons (canonical columns, EPSG:4326), e.g. ``read_layer(...).gdf``.
    villages, contact_points, collection_sites, homes
        Point layers; ``None`` means absent (point layers become empty).
    roads
        Road lines (e.g. ``read_layer(path, "roads").gdf``), or ``None``: no road layer.
    name
        Display name of the study area.
    is_demo
        True for the built-in demo city.
    outside_china
        True when the user said the data lies outside China (see :func:`validate_layer`).
    sources
        The user's file name of each layer (``{"villages": "村.csv"}``): problems name the
        file, not the layer, also those spanning two layers.

    Returns
    -------
    CityData

    Raises
    ------
    GeodataError
        With every problem found (errors and warnings) when any is an error.
    """
    collector = ProblemCollector()
    layers: dict[LayerName, gpd.GeoDataFrame | None] = {
        "townships": townships,
        "villages": villages,
        "contact_points": contact_points,
        "collection_sites": collection_sites,
        "homes": homes,
    }
    clean: dict[LayerName, gpd.GeoDataFrame] = {}
    for layer, gdf in layers.items():
        if gdf is None:
            continue
        cleaned, problems = validate_layer(
            _in_wgs84(gdf),
            layer,
            source=(sources or {}).get(layer, layer),
            outside_china=outside_china,
        )
        collector.extend(problems)
        clean[layer] = cleaned
    clean_roads = None
    if roads is not None:
        clean_roads, problems = validate_layer(
            _in_wgs84(roads),
            ROADS_LAYER,
            source=(sources or {}).get(ROADS_LAYER, ROADS_LAYER),
            outside_china=outside_china,
        )
        collector.extend(problems)
    collector.raise_if_errors()
    town = clean["townships"]
    collector.extend(
        cross_layer_checks(clean, clean_roads, sources=sources, outside_china=outside_china)
    )
    collector.raise_if_errors()
    for layer in ("contact_points", "homes"):
        if layer in clean:
            clean[layer] = fill_county_from_townships(clean[layer], town)
    for layer in ("contact_points", "collection_sites", "homes"):
        if layer not in clean:
            clean[layer] = _empty_layer(layer)
    return CityData(
        townships=town,
        villages=clean.get("villages"),
        contact_points=clean["contact_points"],
        collection_sites=clean["collection_sites"],
        homes=clean["homes"],
        name=name,
        is_demo=is_demo,
        warnings=collector.warnings,
        roads=clean_roads,
    )


def _in_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs.to_epsg() not in (4326, 4490):
        return gdf.to_crs(4326)
    return gdf


def _empty_layer(layer: LayerName) -> gpd.GeoDataFrame:
    empty = gpd.GeoDataFrame(
        {c.name: [] for c in SCHEMAS[layer].columns},
        geometry=gpd.GeoSeries([], crs=4326),
        crs=4326,
    )
    cleaned, _ = validate_layer(empty, layer)
    return cleaned


__all__ = ["GeodataError", "assemble_city", "validate_layer"]
