"""The places the map's search box finds and labels: townships, villages and counties.

Built once per dataset, with the pinyin of every name (full and initials: ``majiazhuang``
and ``mjz`` find 马家庄), and published as a file the browser fetches when the search box
or the township labels first need it (:mod:`dashboard.map.search_index`): the list never
travels with the map's script. The browser searches it (:mod:`dashboard.map.tools`), so a
search costs the server nothing.

Pinyin: pypinyin's dictionary (offline). A character with one reading is looked up alone
(cached, fast); a name holding a character with several readings (长, 堡, 厦 ...) is read as
a whole, so pypinyin's phrase dictionary picks the reading (重庆 chongqing). A reading the
dictionaries do not know (a local name's own reading) is not found by pinyin, only by
its characters.
"""

from __future__ import annotations

import functools
import html
from typing import Any

import numpy as np
import shapely

#: Decimals of a place's position (4 = ~10 m); villages 3 (~100 m: enough to fly to one,
#: and thousands of them travel with every map).
DECIMALS = 4
VILLAGE_DECIMALS = 3

#: ``[name, kind, lat, lon, where]``; kind 0 a township (where: its county), 1 a village
#: (where: the index of its township's entry), 2 a county. Names arrive HTML-escaped,
#: like every user text of the map's data. :func:`search_index` appends the name's full
#: pinyin and its initials (lower-case letters and digits only).
Place = list[Any]


@functools.lru_cache(maxsize=8192)
def _char_reading(ch: str) -> str | None:
    """Return the toneless reading of one character, None when it has several."""
    from pypinyin import Style, pinyin

    readings = {r.lower() for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]}
    return readings.pop() if len(readings) == 1 else None


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return ``(full pinyin, initials)`` of a place name, lower-case, letters and digits.

    Examples
    --------
    >>> pinyin_keys("马家庄")
    ('majiazhuang', 'mjz')
    """
    syllables: list[str] | None = [r for ch in name if (r := _char_reading(ch)) is not None]
    if len(syllables or []) != len(name):
        from pypinyin import lazy_pinyin

        # A character with several readings: read the whole name (phrase dictionary).
        syllables = lazy_pinyin(name)
    parts = ["".join(c for c in s.lower() if c.isascii() and c.isalnum()) for s in syllables or []]
    parts = [p for p in parts if p]
    return "".join(parts), "".join(p[0] for p in parts)


def search_index(townships: Any, villages: Any | None) -> list[Place]:
    """Return :func:`places` with each name's pinyin keys appended (what the browser fetches).

    Parameters
    ----------
    townships, villages
        As :func:`places`.
    """
    out = places(townships, villages)
    for place in out:
        place.extend(pinyin_keys(html.unescape(place[0])))
    return out


def places(townships: Any, villages: Any | None) -> list[Place]:
    """Return the townships (at a point inside each) and villages, in data order.

    Parameters
    ----------
    townships
        The city's township layer (EPSG:4326; ``name``, ``county``, ``code``).
    villages
        Its village layer (points; ``name``, ``township_code``), or None.
    """
    reps = townships.geometry.representative_point()
    out: list[Place] = [
        [
            html.escape(str(name)),
            0,
            round(float(p.y), DECIMALS),
            round(float(p.x), DECIMALS),
            html.escape(str(county)),
        ]
        for name, county, p in zip(townships["name"], townships["county"], reps, strict=True)
    ]
    for county, group in townships.groupby(townships["county"].astype(str), sort=False):
        # A county is found at its largest township's inner point (no union: fast; the
        # area in degrees only ranks the townships of one county).
        geoms = np.asarray(group.geometry.values, dtype=object)
        p = geoms[int(shapely.area(geoms).argmax())]
        q = p.representative_point()
        out.append([html.escape(county), 2, round(q.y, DECIMALS), round(q.x, DECIMALS), ""])
    if villages is None or not len(villages):
        return out
    # Townships are the first entries, in data order: a village names its township's index.
    town_index = {code: i for i, code in enumerate(townships["code"].astype(str))}
    geoms = villages.geometry
    xy = np.c_[geoms.x.to_numpy(), geoms.y.to_numpy()] if len(geoms) else np.empty((0, 2))
    for i, (name, code) in enumerate(
        zip(villages["name"].astype(str), villages["township_code"].astype(str), strict=True)
    ):
        if np.isfinite(xy[i]).all():
            lat = round(float(xy[i, 1]), VILLAGE_DECIMALS)
            lon = round(float(xy[i, 0]), VILLAGE_DECIMALS)
            out.append([html.escape(name), 1, lat, lon, town_index.get(code, -1)])
    return out
