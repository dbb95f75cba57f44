"""GeoDataFrame adapter of the matcher: a gazetteer from the loaded layers, a table of matches.

The villages (``社区`` names or urban kind: communities) and the townships of a city become a
:class:`~geodata.match.matcher.Gazetteer`; a matched village places the point on the
village, a matched township on its seat village (or a point inside its polygon).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.match.matcher import Gazetteer, match_all
from geodata.match.names import Level, normalise

#: Columns of :attr:`PointMatches.table`.
MATCH_COLUMNS: tuple[str, ...] = (
    "row",
    "name",
    "address",
    "status",
    "code",
    "place",
    "township",
    "county",
    "lon",
    "lat",
    "candidates",
)


@dataclass(frozen=True)
class Candidate:
    """A place an ambiguous point may mean."""

    code: str
    name: str
    township: str
    county: str
    lon: float
    lat: float

    @property
    def label(self) -> str:
        """``名称 (乡镇, 县区) code`` for lists and select boxes."""
        where = ", ".join(p for p in (self.township, self.county) if p)
        return f"{self.name} ({where}) {self.code}" if where else f"{self.name} {self.code}"


@dataclass(frozen=True)
class PointMatches:
    """Every point's match: ``table`` (one row per input row) and the candidates by row."""

    table: pd.DataFrame
    candidates: dict[int, tuple[Candidate, ...]] = field(default_factory=dict)

    def rows(self, status: str) -> list[int]:
        """Input rows (0-based) of one status."""
        return [int(r) for r in self.table.loc[self.table["status"] == status, "row"]]


@dataclass(frozen=True)
class _Places:
    gazetteer: Gazetteer
    lon: np.ndarray
    lat: np.ndarray
    township_names: tuple[str, ...]


def _village_level(name: str, kind: str) -> Level:
    text = normalise(name)
    if text.endswith(("社区", "居委会")):
        return "community"
    if text.endswith(("村", "嘎查")):
        return "village"
    return "community" if kind == "urban" else "village"


def _places(townships: gpd.GeoDataFrame, villages: gpd.GeoDataFrame | None) -> _Places:
    town_name = dict(zip(townships["code"], townships["name"], strict=True))
    town_county = dict(zip(townships["code"], townships["county"], strict=True))
    v = villages if villages is not None else townships.iloc[0:0].assign(township_code="")
    seat: dict[str, int] = {}
    if villages is not None and "is_township_seat" in villages:
        for i, (code, is_seat) in enumerate(
            zip(villages["township_code"], villages["is_township_seat"], strict=True)
        ):
            if is_seat:
                seat.setdefault(code, i)
    v_lon = v.geometry.x.to_numpy() if len(v) else np.zeros(0)
    v_lat = v.geometry.y.to_numpy() if len(v) else np.zeros(0)
    inside = townships.geometry.representative_point()
    t_lon = np.array(
        [
            v_lon[seat[c]] if c in seat else p.x
            for c, p in zip(townships["code"], inside, strict=True)
        ]
    )
    t_lat = np.array(
        [
            v_lat[seat[c]] if c in seat else p.y
            for c, p in zip(townships["code"], inside, strict=True)
        ]
    )
    kinds = v["kind"] if "kind" in v else pd.Series([""] * len(v))
    levels: list[Level] = [_village_level(n, k) for n, k in zip(v["name"], kinds, strict=True)]
    town_codes = [str(c) for c in v["township_code"]]
    town_levels: list[Level] = ["township"] * len(townships)
    gaz = Gazetteer.build(
        codes=[*map(str, v["code"]), *map(str, townships["code"])],
        names=[*map(str, v["name"]), *map(str, townships["name"])],
        levels=[*levels, *town_levels],
        township_codes=[*town_codes, *map(str, townships["code"])],
        counties=[
            *(str(town_county.get(c, "")) for c in town_codes),
            *map(str, townships["county"]),
        ],
    )
    names = (*(str(town_name.get(c, "")) for c in town_codes), *map(str, townships["name"]))
    return _Places(gaz, np.concatenate([v_lon, t_lon]), np.concatenate([v_lat, t_lat]), names)


def _cell(value: object) -> str:
    """A cell as the user wrote it (blank for None/NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def match_points(
    names: Sequence[object],
    addresses: Sequence[object],
    townships: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame | None,
    *,
    choices: Mapping[int, str] | None = None,
) -> PointMatches:
    """Match points by name/address against a city's villages and townships.

    Parameters
    ----------
    names, addresses
        One entry per point (blank allowed).
    townships, villages
        Validated layers (canonical columns, EPSG:4326).
    choices
        ``{row: code}`` the planner chose for ambiguous rows; such a row becomes matched.
    """
    places = _places(townships, villages)
    gaz = places.gazetteer
    found = match_all([normalise(n) for n in names], [normalise(a) for a in addresses], gaz)
    chosen = dict(choices or {})
    records: list[dict[str, object]] = []
    candidates: dict[int, tuple[Candidate, ...]] = {}
    for row, (name, address, m) in enumerate(zip(names, addresses, found, strict=True)):
        cands = tuple(
            Candidate(
                gaz.codes[c],
                gaz.names[c],
                places.township_names[c] if gaz.levels[c] != "township" else "",
                gaz.counties[c],
                float(places.lon[c]),
                float(places.lat[c]),
            )
            for c in m.candidates
        )
        status = m.status
        pick = [c for c in cands if c.code == chosen.get(row)]
        if status == "ambiguous" and pick:
            status, cands = "matched", (pick[0],)
        if status == "ambiguous":
            candidates[row] = cands
        hit = cands[0] if status == "matched" else None
        records.append(
            {
                "row": row,
                "name": _cell(name),
                "address": _cell(address),
                "status": status,
                "code": hit.code if hit else "",
                "place": hit.name if hit else "",
                "township": hit.township if hit else "",
                "county": hit.county if hit else m.county,
                "lon": hit.lon if hit else np.nan,
                "lat": hit.lat if hit else np.nan,
                "candidates": "；".join(c.label for c in cands) if status == "ambiguous" else "",
            }
        )
    return PointMatches(pd.DataFrame(records, columns=list(MATCH_COLUMNS)), candidates)
