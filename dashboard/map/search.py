"""The places the map's search box finds and labels: townships and villages by name.

Built once per dataset with its layers (:func:`dashboard.map.pipeline.build_layers`) and
sent with the map's data; the browser searches them (:mod:`dashboard.map.tools`), so a
search costs the server nothing.
"""

from __future__ import annotations

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
#: like every user text of the map's data.
Place = list[Any]


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
