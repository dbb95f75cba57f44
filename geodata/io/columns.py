"""Map the headers of a user's file to the canonical column names of a layer.

Matching is on a normalised form of the header (trimmed, lower case, full-width
brackets made ASCII, inner spaces removed), against the canonical name and its
aliases in :mod:`geodata.schema`. The UI shows :func:`suggest_column_map` to the user,
who can override it; :func:`resolve_column_map` merges both.
"""

from __future__ import annotations

import unicodedata

from geodata.errors import Problem
from geodata.road_schema import schema_for
from geodata.schema import LAT_ALIASES, LON_ALIASES, SCHEMAS, InputLayerName, LayerName

#: Canonical names of the coordinate columns of tabular point files.
LON_COLUMN = "lon"
LAT_COLUMN = "lat"


def normalise_header(header: object) -> str:
    """Return the comparable form of a header (NFKC, trimmed, lower case, no spaces)."""
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "")
    return "".join(text.split()).lower()


def canonical_targets(
    layer: InputLayerName, *, with_coordinates: bool = True
) -> dict[str, tuple[str, ...]]:
    """Canonical column name -> accepted names (itself first, then aliases), in priority order."""
    schema = schema_for(layer)
    targets = {c.name: (c.name, *c.aliases) for c in schema.columns}
    if with_coordinates and schema.geometry == "point":
        targets[LON_COLUMN] = (LON_COLUMN, *LON_ALIASES)
        targets[LAT_COLUMN] = (LAT_COLUMN, *LAT_ALIASES)
    return targets


def suggest_column_map(headers: list[str], layer: InputLayerName) -> dict[str, str]:
    """Suggest which raw header holds which canonical column.

    Parameters
    ----------
    headers
        Headers as found in the file (e.g. from :func:`geodata.io.readers.read_table_headers`).
    layer
        Layer the file is meant to be.

    Returns
    -------
    dict
        ``{raw_header: canonical_name}``; headers that match nothing are left out. Each
        canonical column takes at most one header, the one matching its earliest alias.
    """
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    # Exact canonical names first, so a file already in canonical form maps onto itself
    # even where one column's alias equals another's name (e.g. "type" for kind).
    targets = canonical_targets(layer)
    for canonical in targets:
        raw = by_norm.get(canonical)
        if raw is not None and raw not in used:
            mapping[raw] = canonical
            used.add(raw)
    for canonical, names in targets.items():
        if canonical in mapping.values():
            continue
        for name in names:
            raw = by_norm.get(normalise_header(name))
            if raw is not None and raw not in used:
                mapping[raw] = canonical
                used.add(raw)
                break
    return mapping


def resolve_column_map(
    headers: list[str],
    layer: InputLayerName,
    column_map: dict[str, str] | None,
    *,
    source: str = "",
) -> tuple[dict[str, str], list[Problem]]:
    """Merge the user's ``column_map`` over the suggestion; report unusable entries.

    Returns
    -------
    tuple
        ``({raw_header: canonical_name}, problems)``.
    """
    problems: list[Problem] = []
    targets = canonical_targets(layer)
    user: dict[str, str] = {}
    for raw, canonical in (column_map or {}).items():
        if raw not in headers:
            problems.append(
                Problem(
                    "column_map_unknown_header",
                    f"The column mapping names a header {raw!r} that is not in the file. "
                    f"Headers found: {', '.join(map(str, headers))}.",
                    source=source,
                    column=raw,
                    params={"found": list(map(str, headers))},
                )
            )
        elif canonical not in targets:
            problems.append(
                Problem(
                    "column_map_unknown_target",
                    f"The column mapping sends {raw!r} to {canonical!r}, which is not a column "
                    f"of {layer}. Use one of: {', '.join(targets)}.",
                    source=source,
                    column=raw,
                    value=str(canonical),
                    params={"accepted": list(targets)},
                )
            )
        else:
            user[raw] = canonical
    mapping = dict(user)
    taken = set(user.values())
    for raw, canonical in suggest_column_map(headers, layer).items():
        if raw not in mapping and canonical not in taken:
            mapping[raw] = canonical
            taken.add(canonical)
    return mapping, problems


def accepted_names_text(layer: InputLayerName, canonical: str) -> str:
    """Accepted header names of one column, for messages."""
    return ", ".join(dict.fromkeys(canonical_targets(layer)[canonical]))


#: Words in a file name that tell its layer; on a tie of position, the earlier entry wins.
_NAME_HINTS: tuple[tuple[LayerName, tuple[str, ...]], ...] = (
    ("homes", ("home", "代表之家", "代表家")),
    ("collection_sites", ("collection", "site", "采集点", "采集")),
    ("contact_points", ("contact", "联系点")),
    ("townships", ("township", "town", "乡镇", "街道", "boundary", "边界")),
    ("villages", ("village", "community", "村", "社区")),
)


#: Words in a file name that tell a road layer (they win over the words above:
#: "乡镇道路.shp" holds roads).
_ROAD_HINTS: tuple[str, ...] = ("road", "道路", "路网", "公路", "roads")


def names_roads(file_name: str) -> bool:
    """True when a file name says it holds roads (e.g. ``县乡道路.zip``, ``roads.gpkg``)."""
    lowered = file_name.lower()
    return any(word in lowered for word in _ROAD_HINTS)


def infer_layer_from_name(file_name: str) -> LayerName | None:
    """Layer suggested by words in a file name, or None."""
    lowered = file_name.lower()
    # The word that comes first wins: "villages_by_township.csv" holds villages.
    found = [
        (pos, order, layer)
        for order, (layer, words) in enumerate(_NAME_HINTS)
        for word in words
        if (pos := lowered.find(word)) >= 0
    ]
    return min(found)[2] if found else None


def infer_layer_from_headers(
    headers: list[str], *, has_polygons: bool | None = None
) -> LayerName | None:
    """Layer whose required columns the headers match best (ties: None).

    ``has_polygons`` restricts the choice to polygon (True) or point (False) layers.
    """
    scores: list[tuple[float, LayerName]] = []
    for layer, schema in SCHEMAS.items():
        if has_polygons is not None and (schema.geometry == "polygon") != has_polygons:
            continue
        mapped = set(suggest_column_map(headers, layer).values())
        required = set(schema.required)
        score = len(required & mapped) / len(required) + 0.01 * len(mapped)
        scores.append((score, layer))
    scores.sort(reverse=True)
    if not scores or scores[0][0] < 0.5:
        return None
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        return None
    return scores[0][1]
