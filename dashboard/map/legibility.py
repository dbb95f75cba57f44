"""What the map draws at which zoom, so a city and a province both read at every zoom.

The renderer (``render.js``) turns these constants into zoom levels of the loaded data when
the map starts (``window.cpZoomRules`` in the browser): a rule says how large a thing must
be on screen, in pixels, and the data says how large it is on the ground (the largest
service radius, the median township). So the thresholds follow the data's own scale: the
106-township demo city (townships ~17 km across, radii up to 10 km) shows everything at
its initial view as before, while a province fitted to the same map (each township ~17 px)
starts with grouped badges, no circles, light township outlines and no village dots, and
shows them as one zooms in. Township names have their own zoom
(:data:`dashboard.map.tools.LABEL_ZOOM`).

The rules in JavaScript (:data:`LEGIBLE_JS`, ``window.cpLegibility``: the zoom levels of the
data, hairline outlines, badges grouped into count bubbles) are one piece of code shared by
the 地图 page's renderer and the 方案模拟 / 方案比较 maps
(:mod:`dashboard.simulate.legible`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: Badges whose centres are closer than this (pixels) are drawn as one count bubble; a
#: badge is 24 px across, so two closer than ~30 px touch or hide each other (and the
#: county label between them). Bubbles split as one zooms in (the distance is in pixels).
CLUSTER_PX = 30
#: From this zoom on every badge stands alone, even two in one village (a bubble of points
#: a few hundred metres apart would hide what a planner zoomed in to click). The search
#: flies to a village at 15.
CLUSTER_MAX_ZOOM = 14
#: Service radius circles (road mode: the reached road stretches) and collection-site links
#: are drawn from the zoom at which the data's largest radius is this many pixels: smaller,
#: hundreds of dashed rings merge into one blob. The demo city at its initial view (zoom
#: 8.75-9 in the dashboard's 640 px map): 10 km is ~35-45 px, drawn; the stand-in province
#: fitted to the same map: ~10 px, drawn from ~1.3 zoom levels in.
RADII_MIN_PX = 24
#: Township outlines are drawn as hairlines below the zoom at which the median township is
#: this many pixels across: at ~25 px the 0.8 px white and 1.6 px red outlines of 1,500
#: townships cover their fill colours, the very thing the map shows (demo at its initial
#: view: ~55-65 px, unchanged).
TOWN_MIN_PX = 40
#: The village layer is drawn (on a canvas, only the villages in view) when at most this
#: many villages are in view; with more, a note says to zoom in. The demo city's 1,984
#: villages show at its full view as before; a province's 20,000 would be a carpet of dots.
VILLAGE_MAX_DOTS = 3000

#: From this many townships on, the township polygons and their blind-spot hatching are
#: drawn on one canvas instead of one SVG path each: a province's 1,500 paths (and ~600
#: hatched copies) cost more to lay out, paint and restyle than one canvas; the demo city's
#: 106 stay SVG (sharp in the exported picture, one element per township).
CANVAS_TOWNSHIPS = 400


def rules() -> dict[str, float]:
    """Return the rules as ``render.js`` takes them (``RULES``)."""
    return {
        "clusterPx": CLUSTER_PX,
        "clusterMaxZoom": CLUSTER_MAX_ZOOM,
        "radiiMinPx": RADII_MIN_PX,
        "townMinPx": TOWN_MIN_PX,
        "villageMaxDots": VILLAGE_MAX_DOTS,
        "canvasTowns": CANVAS_TOWNSHIPS,
    }


#: ``window.cpLegibility`` (``legible.js``, the rules above filled in): loaded before the
#: 地图 page's renderer and the simulation and comparison maps' scripts.
def _without_comments(js: str) -> str:
    """``js`` without its ``//`` comments (whole lines, and after two spaces at a line's end).

    The rules travel in the 方案模拟 map's script on every rerun: its comments are bytes sent
    for nothing (``legible.js`` has no ``//`` inside a string).
    """
    lines = (_TRAILING_COMMENT.sub("", line) for line in js.splitlines())
    return "\n".join(line for line in lines if line.strip() and not line.lstrip().startswith("//"))


_TRAILING_COMMENT = re.compile(r"\s{2,}// .*$")

LEGIBLE_JS = _without_comments(
    Path(__file__)
    .with_name("legible.js")
    .read_text(encoding="utf-8")
    .replace("__RULES__", json.dumps(rules()))
)
