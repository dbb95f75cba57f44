"""Where a contact point of each type may stand (选址规则, site eligibility).

The speech's complaint is "重城区、轻农村": a "rural" point placed in a city street covers
many urban people and deepens the imbalance it was meant to fix. The rules, per point type,
live in ``standards.toml`` (``[site_rules.<type>]``, see :class:`SiteRule`):

- a rural point stands at a rural village (村) of a 镇/乡 (a township seat is allowed);
- an urban community point at a community (社区) of a 街道 or of an urban township;
- enterprise and association points where the candidate data says so (its ``site_type``),
  anywhere when the candidates carry no site type.

The array core (:func:`site_problem_codes`, :func:`eligible_matrix`) works on plain arrays
of township level, township kind, site kind and seat flags; :func:`site_context` finds those
for arbitrary points of a city and :func:`placement_warnings` checks a layer of contact
points (hand-placed ones included) and says, in words, which stand where they should not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis.standards.frame_memo import per_layer
from geodata.city import CityData

#: Township levels: a 街道 (urban sub-district) or a 镇/乡 (town or rural township).
STREET = "street"
TOWN = "town"
TOWNSHIP_LEVELS: tuple[str, ...] = (STREET, TOWN)
#: Name endings that decide a township's level; other names fall back on its kind.
_STREET_SUFFIXES: tuple[str, ...] = ("街道", "街道办事处", "办事处", "街办")
_TOWN_SUFFIXES: tuple[str, ...] = ("镇", "乡", "苏木", "民族乡", "镇人民政府", "乡人民政府")
#: A point stands "at" the nearest village of its township within this distance (ground
#: metres, ASSUMPTION); farther away the site kind is unknown and only the township counts.
SITE_SNAP_M = 3000.0

#: Problem codes of a point standing where its type should not.
RURAL_IN_STREET = "rural_point_in_street"
RURAL_AT_COMMUNITY = "rural_point_at_community"
URBAN_IN_TOWN = "urban_point_in_rural_township"
URBAN_AT_VILLAGE = "urban_point_at_village"
SITE_TYPE_MISMATCH = "point_site_type_mismatch"

_MESSAGES: dict[str, tuple[str, str]] = {
    RURAL_IN_STREET: (
        "农村联系点位于街道社区",
        "rural contact point in an urban sub-district (街道)",
    ),
    RURAL_AT_COMMUNITY: (
        "农村联系点位于乡镇的社区（非村、非乡镇驻地）",
        "rural contact point at a community of a town, not at a village or the town seat",
    ),
    URBAN_IN_TOWN: (
        "城市社区联系点位于农村乡镇",
        "urban community contact point in a rural township",
    ),
    URBAN_AT_VILLAGE: ("城市社区联系点位于村", "urban community contact point at a rural village"),
    SITE_TYPE_MISMATCH: (
        "联系点类型与候选点类型不符",
        "the candidate site's type does not accept this contact point type",
    ),
}


@dataclass(frozen=True)
class SiteRule:
    """Where points of one type may stand; an empty tuple means "any".

    Parameters
    ----------
    township_levels
        Accepted township levels (:data:`STREET`, :data:`TOWN`).
    urban_townships
        Also accept a 镇/乡 whose kind is ``urban`` (an urban township).
    village_kinds
        Accepted kinds of the village or community the point stands at (``rural`` = 村,
        ``urban`` = 社区). A point with no village near it passes this test.
    township_seats
        A township seat passes the village-kind test whatever its kind.
    site_types
        Accepted ``site_type`` values of a candidate list (only when the list has them).
    """

    township_levels: tuple[str, ...] = ()
    urban_townships: bool = False
    village_kinds: tuple[str, ...] = ()
    township_seats: bool = False
    site_types: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Plain copy (TOML/JSON layout)."""
        return {
            "township_levels": list(self.township_levels),
            "urban_townships": self.urban_townships,
            "village_kinds": list(self.village_kinds),
            "township_seats": self.township_seats,
            "site_types": list(self.site_types),
        }


def township_levels(names: Iterable[object], kinds: Iterable[object]) -> NDArray[np.str_]:
    """Level of each township: from its name's ending, else from its kind.

    ``…街道`` is a street, ``…镇``/``…乡``/``…苏木`` a town; a name with neither is a street
    when its kind is ``urban`` and a town otherwise.
    """
    out = []
    for name, kind in zip(names, kinds, strict=True):
        text = str(name).strip()
        if text.endswith(_STREET_SUFFIXES):
            out.append(STREET)
        elif text.endswith(_TOWN_SUFFIXES):
            out.append(TOWN)
        else:
            out.append(STREET if str(kind) == "urban" else TOWN)
    return np.asarray(out, dtype=str) if out else np.empty(0, dtype=str)


def site_problem_codes(
    point_type: str,
    rule: SiteRule | None,
    *,
    level: NDArray[np.str_],
    town_kind: NDArray[np.str_],
    site_kind: NDArray[np.str_],
    is_seat: NDArray[np.bool_],
    site_type: NDArray[np.str_] | None = None,
) -> NDArray[np.str_]:
    """Per site, the first rule a point of ``point_type`` would break there ("" = none).

    Parameters
    ----------
    point_type
        The contact point type.
    rule
        Its rule; ``None`` accepts every site.
    level, town_kind
        Level (:data:`STREET`/:data:`TOWN`) and kind (``urban``/``rural``) of the township.
    site_kind
        Kind of the village or community at the site; ``""`` when unknown.
    is_seat
        The site is its township's seat.
    site_type
        Candidate ``site_type`` values (``""`` unknown); ``None`` when the data has none.
    """
    n = level.shape[0]
    codes = np.full(n, "", dtype=object)
    if rule is None:
        return codes.astype(str)
    if rule.site_types and site_type is not None:
        known = site_type != ""
        bad = known & ~np.isin(site_type, list(rule.site_types))
        codes[bad] = SITE_TYPE_MISMATCH
    if rule.township_levels:
        ok = np.isin(level, list(rule.township_levels))
        if rule.urban_townships:
            ok |= town_kind == "urban"
        wrong = ~ok & (codes == "")
        codes[wrong] = RURAL_IN_STREET if point_type == "rural" else URBAN_IN_TOWN
    if rule.village_kinds:
        known = site_kind != ""
        ok = ~known | np.isin(site_kind, list(rule.village_kinds))
        if rule.township_seats:
            ok |= is_seat
        wrong = ~ok & (codes == "")
        codes[wrong] = RURAL_AT_COMMUNITY if point_type == "rural" else URBAN_AT_VILLAGE
    return codes.astype(str)


def eligible_matrix(
    types: Sequence[str],
    rules: dict[str, SiteRule],
    *,
    level: NDArray[np.str_],
    town_kind: NDArray[np.str_],
    site_kind: NDArray[np.str_],
    is_seat: NDArray[np.bool_],
    site_type: NDArray[np.str_] | None = None,
) -> NDArray[np.bool_]:
    """``(n_sites, len(types))``: may a point of each type stand at each site."""
    cols = [
        site_problem_codes(
            t,
            rules.get(t),
            level=level,
            town_kind=town_kind,
            site_kind=site_kind,
            is_seat=is_seat,
            site_type=site_type,
        )
        == ""
        for t in types
    ]
    return np.column_stack(cols) if cols else np.ones((level.shape[0], 0), dtype=bool)


def message_for(code: str, lang: str = "zh") -> str:
    """The sentence of a site-rule problem code, in Chinese (default) or English."""
    zh, en = _MESSAGES.get(code, (code, code))
    return zh if lang == "zh" else en


#: Columns of :func:`site_context`.
CONTEXT_COLUMNS: tuple[str, ...] = (
    "township_code", "township_name", "township_level", "township_kind",
    "village_code", "village_name", "site_kind", "is_seat",
)  # fmt: skip


def site_context(
    city: CityData, lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> pd.DataFrame:
    """Township and village context of arbitrary points (WGS84 degrees).

    The township is the one the point lies in; the village is the nearest village of that
    township within :data:`SITE_SNAP_M` (its kind and seat flag become the site's). A point
    outside every township has empty township columns.
    """
    n = len(lon)
    tree, codes, names, kinds, levels = per_layer(
        city.townships, "site_towns", lambda: _town_index(city.townships)
    )
    pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
    p_idx, t_idx = tree.query(pts, predicate="within")
    town_of = np.full(n, -1, dtype=np.int64)
    town_of[p_idx[::-1]] = t_idx[::-1]  # the first township wins where polygons overlap
    has = town_of >= 0
    out = pd.DataFrame(
        {
            "township_code": np.where(has, codes[town_of], ""),
            "township_name": np.where(has, names[town_of], ""),
            "township_level": np.where(has, levels[town_of] if len(levels) else "", ""),
            "township_kind": np.where(has, kinds[town_of], ""),
            "village_code": "",
            "village_name": "",
            "site_kind": "",
            "is_seat": False,
        },
        index=pd.RangeIndex(n),
    )
    villages = city.villages
    if villages is None or villages.empty or n == 0:
        return out
    arrays = per_layer(villages, "site_villages", lambda: _village_arrays(villages.to_crs(4326)))
    _attach_villages(out, arrays, np.asarray(lon, float), np.asarray(lat, float))
    return out


def _town_index(townships: gpd.GeoDataFrame) -> tuple[Any, ...]:
    """Spatial index (WGS84), codes, names, kinds and levels of the townships."""
    towns = townships.to_crs(4326)
    tree = shapely.STRtree(np.asarray(towns.geometry.array, dtype=object))
    codes = towns["code"].astype(str).to_numpy()
    names = towns["name"].astype(str).to_numpy()
    kinds = towns["kind"].astype(str).to_numpy() if "kind" in towns else np.full(len(towns), "")
    return tree, codes, names, kinds, township_levels(names, kinds)


def _village_arrays(villages: gpd.GeoDataFrame) -> tuple[NDArray[Any], ...]:
    """Township code, lon, lat, code, name, kind and seat flag of the villages (WGS84)."""
    v_town = villages["township_code"].astype(str).to_numpy()
    v_lon, v_lat = villages.geometry.x.to_numpy(), villages.geometry.y.to_numpy()
    v_code = villages["code"].astype(str).to_numpy()
    v_name = villages["name"].astype(str).to_numpy() if "name" in villages else v_code
    v_kind = villages["kind"].astype(str).to_numpy()
    seat_col = villages.get("is_township_seat")
    v_seat = (
        seat_col.fillna(False).astype(bool).to_numpy()
        if seat_col is not None
        else np.zeros(len(villages), bool)
    )
    return v_town, v_lon, v_lat, v_code, v_name, v_kind, v_seat


def _attach_villages(
    out: pd.DataFrame,
    arrays: tuple[NDArray[Any], ...],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> None:
    """Nearest village of the same township within :data:`SITE_SNAP_M` (in place)."""
    v_town, v_lon, v_lat, v_code, v_name, v_kind, v_seat = arrays
    for i, town in enumerate(out["township_code"].to_numpy()):
        if not town:
            continue
        rows = np.flatnonzero(v_town == town)
        if rows.size == 0:
            continue
        d = _ground_m(lon[i], lat[i], v_lon[rows], v_lat[rows])
        j = int(np.argmin(d))
        if d[j] > SITE_SNAP_M:
            continue
        r = rows[j]
        out.loc[i, ["village_code", "village_name", "site_kind"]] = (
            v_code[r],
            v_name[r],
            v_kind[r],
        )
        out.loc[i, "is_seat"] = bool(v_seat[r])


def _ground_m(
    lon: float, lat: float, lons: NDArray[np.float64], lats: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Approximate ground distance (equirectangular; enough to pick a village within 3 km)."""
    k = np.cos(np.radians(lat))
    dx = (lons - lon) * k * 111_320.0
    dy = (lats - lat) * 110_574.0
    return np.asarray(np.hypot(dx, dy), float)


#: Columns of :func:`placement_warnings`.
WARNING_COLUMNS: tuple[str, ...] = (
    "id", "name", "type", "county", "township_code", "township_name", "village_name",
    "code", "message_zh", "message",
)  # fmt: skip


def placement_warnings(
    city: CityData,
    rules: dict[str, SiteRule],
    points: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Contact points that stand where their type should not, one row per point.

    Parameters
    ----------
    city
        The base city (townships, villages).
    rules
        Site rules by point type (``Standards.site_rules``); an empty dict checks nothing.
    points
        Contact points to check (default ``city.contact_points``); rows with
        ``status == "removed"`` are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WARNING_COLUMNS`; ``code`` is the rule broken, ``message_zh`` e.g.
        "农村联系点位于街道社区".
    """
    cp = city.contact_points if points is None else points
    empty = pd.DataFrame({c: pd.Series(dtype=str) for c in WARNING_COLUMNS})
    if cp is None or cp.empty or not rules:
        return empty
    if "status" in cp.columns:
        cp = cp[cp["status"].astype(str) != "removed"]
    cp = cp[cp["type"].astype(str).isin(list(rules))]
    if cp.empty:
        return empty
    cp = cp.to_crs(4326)
    ctx = site_context(city, cp.geometry.x.to_numpy(float), cp.geometry.y.to_numpy(float))
    types = cp["type"].astype(str).to_numpy()
    site_type = (
        cp["site_type"].fillna("").astype(str).to_numpy() if "site_type" in cp.columns else None
    )
    codes = np.full(len(cp), "", dtype=object)
    inside = ctx["township_code"].to_numpy() != ""
    for t in np.unique(types):
        sel = (types == t) & inside
        codes[sel] = site_problem_codes(
            str(t),
            rules.get(str(t)),
            level=ctx["township_level"].to_numpy(str)[sel],
            town_kind=ctx["township_kind"].to_numpy(str)[sel],
            site_kind=ctx["site_kind"].to_numpy(str)[sel],
            is_seat=ctx["is_seat"].to_numpy(bool)[sel],
            site_type=None if site_type is None else site_type[sel],
        )
    bad = codes != ""
    if not bad.any():
        return empty
    sel_cp = cp[bad]
    sel_ctx = ctx[bad]
    return pd.DataFrame(
        {
            "id": sel_cp["id"].astype(str).to_numpy(),
            "name": sel_cp["name"].astype(str).to_numpy() if "name" in sel_cp else "",
            "type": sel_cp["type"].astype(str).to_numpy(),
            "county": sel_cp["county"].astype(str).to_numpy() if "county" in sel_cp else "",
            "township_code": sel_ctx["township_code"].to_numpy(),
            "township_name": sel_ctx["township_name"].to_numpy(),
            "village_name": sel_ctx["village_name"].to_numpy(),
            "code": codes[bad].astype(str),
            "message_zh": [message_for(c, "zh") for c in codes[bad]],
            "message": [message_for(c, "en") for c in codes[bad]],
        }
    )
