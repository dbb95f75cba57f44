"""The simulation map: a fixed base map and the scenario's points as one feature group.

The base map (townships coloured by the loaded dataset's coverage, county outlines and
labels) does not change while the planner edits, so its script (and the st_folium iframe)
stays the same; the points of the working scenario travel as ``feature_group_to_add``,
which st_folium swaps in place. Townships carry tooltips only (no popups), so a click on
the map is a click, not a popup. Every text is escaped before it reaches HTML.
"""

from __future__ import annotations

import html
import inspect
import json
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from dashboard.assets import IFRAME_STATIC_BASE, use_offline_assets
from dashboard.i18n import Lang, point_type_label, t
from dashboard.mapview import MapPayload
from dashboard.palette import MAP_BACKGROUND, POINT_STYLE, SITE_COLOR, badge_styles

if TYPE_CHECKING:
    from analysis.scenarios import Scenario

#: Decimals of coordinates sent to the map (~1 m).
DECIMALS = 5
#: A click this close (degrees) to a point's position is a click on that point.
HIT_DEG = 2e-4

_CSS = f"""
<style>
.leaflet-container {{ background: {MAP_BACKGROUND}; cursor: crosshair;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }}
.leaflet-interactive:focus {{ outline: none; }}
.sim-icon {{ background: none; border: none; }}
.sim-badge {{ width: 20px; height: 20px; border-radius: 50%; border: 2px solid #fff; color: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.5); font-size: 12px; font-weight: 700; line-height: 20px;
  text-align: center; cursor: pointer; }}
.sim-badge.home {{ border-radius: 4px; }}
.sim-badge.st-proposed {{ border-color: #ffd600;
  box-shadow: 0 0 0 2px #e65100, 0 1px 5px rgba(0,0,0,.6); }}
.sim-badge.st-moved {{ border: 2px dashed #ffffff; box-shadow: 0 0 0 2px #1565c0; }}
.sim-badge.st-removed {{ background: #9e9e9e !important; opacity: .6;
  text-decoration: line-through; }}
.sim-badge.sel {{ transform: scale(1.4); box-shadow: 0 0 0 3px #d50000, 0 0 10px #d50000; }}
.sim-label {{ background: none; border: none; color: #1c2b3a; font-size: 13px; font-weight: 700;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }}
.sim-label span {{ display: inline-block; transform: translate(-50%, -50%); }}
.sim-tip b {{ font-size: 14px; color: #1c2b3a; }}
.sim-tip .s {{ color: #5f6b7a; }}
</style>
"""

# A tooltip is either ready HTML (the scenario's points, escaped here) or the map page's
# compact form {h: title, s: subtitle, r: [[label index, value], ...]} (escaped by
# dashboard.mapdata), rendered by window.simTip with the payload's label table.
_TOOLTIP = JsCode(
    "function(f, layer) { var p = f.properties && f.properties.tip; if (!p) { return; }"
    " layer.bindTooltip(typeof p === 'string' ? p : function(l) {"
    " return window.simTip(l.feature.properties.tip); }, {sticky: true}); }"
)
_TIP_FN = """
window.simTip = function(p) {
  var L2 = window.simLabels || [];
  var h = "<div class='sim-tip'><b>" + p.h + "</b>";
  if (p.s) { h += " <span class='s'>" + p.s + "</span>"; }
  for (var i = 0; i < (p.r || []).length; i++) {
    h += "<br><span class='s'>" + (L2[p.r[i][0]] || "") + "</span> " + p.r[i][1];
  }
  return h + "</div>";
};
"""


class _Script(MacroElement):
    """JavaScript that runs with the map's own script (st_folium keeps it)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "SimScript"
        self.code = code


_STYLE = JsCode("function(f) { return f.properties.style || {}; }")
_LABEL = JsCode(
    "function(f, latlng) { return L.marker(latlng, {interactive: false, keyboard: false,"
    " icon: L.divIcon({className: 'sim-label', iconSize: null,"
    " html: '<span>' + f.properties.label + '</span>'})}); }"
)


def _badge_js(lang: Lang = "zh") -> JsCode:
    table = json.dumps(badge_styles(lang), ensure_ascii=False)
    return JsCode(
        "function(f, latlng) { var S = " + table + "; var p = f.properties;"
        " var s = S[p.t] || S.other; var cls = 'sim-badge st-' + p.s + (p.sel ? ' sel' : '')"
        " + (p.t === 'home' ? ' home' : '');"
        " return L.marker(latlng, {keyboard: false, riseOnHover: true,"
        " zIndexOffset: p.sel ? 1000 : 0, icon: L.divIcon({className: 'sim-icon',"
        " iconSize: [24, 24], iconAnchor: [12, 12],"
        " html: '<div class=\"' + cls + '\" style=\"background:' + s[0] + '\">' + s[1] + '</div>'"
        " })}); }"
    )


def _radius_js() -> JsCode:
    colors = json.dumps({k: v[0] for k, v in POINT_STYLE.items()})
    return JsCode(
        "function(f, latlng) { var C = " + colors + "; var c = C[f.properties.t] || '#5f6b7a';"
        " var fresh = f.properties.s === 'proposed' || f.properties.s === 'moved';"
        " return L.circle(latlng, {radius: f.properties.r, color: c, weight: fresh ? 2 : 1.2,"
        " opacity: 0.85, dashArray: '5 4', fillColor: c, fillOpacity: fresh ? 0.13 : 0.06,"
        " interactive: false}); }"
    )


def _site_js() -> JsCode:
    return JsCode(
        "function(f, latlng) { return L.circleMarker(latlng, {radius: f.properties.s === "
        f"'proposed' ? 5 : 3.5, color: '#ffffff', weight: 1, fillColor: '{SITE_COLOR}',"
        " fillOpacity: 0.9}); }"
    )


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _pt(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(x), DECIMALS), round(float(y), DECIMALS)]}


class _Map(folium.Map):
    """A folium map that knows its bounds (the payload's) without walking every vertex.

    st_folium asks for ``get_bounds()`` on every run; folium would iterate over every
    township coordinate (~40k) for a value the payload already holds.
    """

    def __init__(
        self, *args: Any, known_bounds: list[list[float]] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._known_bounds = known_bounds

    def get_bounds(self) -> list[list[float | None]]:
        """``[[south, west], [north, east]]``: the payload's, else folium's own walk."""
        if self._known_bounds is not None:
            return [list(corner) for corner in self._known_bounds]
        return super().get_bounds()


def base_map(payload: MapPayload, height: int, static_base: str = IFRAME_STATIC_BASE) -> folium.Map:
    """Return the fixed base map: townships (tooltips only), county outlines and labels.

    Parameters
    ----------
    payload
        The dataset's map payload (:func:`dashboard.mapcache.map_payload`).
    height
        Map height in pixels.
    static_base
        URL prefix of the vendored Leaflet (iframe-relative by default).
    """
    m = _Map(
        location=None,
        known_bounds=payload.bounds,
        tiles=None,
        attribution_control=False,
        zoom_snap=0.25,
        min_zoom=4,
        max_zoom=17,
        height=height,
    )
    use_offline_assets(m, static_base)
    m.get_root().header.add_child(folium.Element(_CSS), name="sim_css")
    labels = json.dumps(getattr(payload, "extra", {}).get("labels", []), ensure_ascii=False)
    _Script(f"window.simLabels = {labels};" + _TIP_FN).add_to(m)
    layers = payload.layers
    folium.GeoJson(
        layers["townships"],
        name="sim_townships",
        control=False,
        style_function=None,
        style=_STYLE,
        on_each_feature=_TOOLTIP,
    ).add_to(m)
    if layers.get("counties", {}).get("features"):
        folium.GeoJson(
            layers["counties"], name="sim_counties", control=False, interactive=False, style=_STYLE
        ).add_to(m)
    if layers.get("county_labels", {}).get("features"):
        folium.GeoJson(
            layers["county_labels"], name="sim_labels", control=False, pointToLayer=_LABEL
        ).add_to(m)
    m.fit_bounds(payload.bounds, padding=(10, 10))
    return m


def base_payload(
    dataset: Any, result: Any, radii: dict[str, float], lang: Lang, version: str = ""
) -> MapPayload:
    """Return a map payload of the whole area, townships coloured by coverage, no villages.

    Calls the map page's cached :func:`dashboard.mapcache.map_payload` by keyword, so the
    simulation pages share its cache.

    Parameters
    ----------
    dataset
        The :class:`dashboard.services.Dataset`.
    result
        The coverage result the townships are coloured by (the dataset's own, or a
        scenario's).
    radii
        Service radius per point type.
    lang
        Language of the tooltips.
    version
        Cache key of ``result`` when it is not the dataset's own (a scenario fingerprint).
    """
    from dashboard.mapcache import map_payload

    kwargs: dict[str, Any] = {
        "dataset_id": f"{dataset.id}#{version}" if version else dataset.id,
        "measure": "coverage_share",
        "county": "",
        "lang": lang,
        "_city": dataset.city,
        "_result": result,
        "_radius_by_type": radii,
    }
    if "with_villages" in inspect.signature(map_payload).parameters:
        kwargs["with_villages"] = False
    payload, _, _ = map_payload(**kwargs)
    return payload  # type: ignore[no-any-return]


def _tip(title: str, rows: list[tuple[str, str]]) -> str:
    body = "<br>".join(f"<span class='s'>{html.escape(k)}</span> {html.escape(v)}" for k, v in rows)
    return f"<div class='sim-tip'><b>{html.escape(title)}</b><br>{body}</div>"


def _county(value: Any, fallback: str) -> str:
    text = "" if value is None else str(value).strip()
    return fallback if text in ("", "nan", "None") else text


def point_features(
    scenario: Scenario,
    radius_by_type: dict[str, float],
    selected: str | None,
    lang: Lang,
    county_of: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the scenario's layers as GeoJSON: points, radii, sites, homes, moves.

    Parameters
    ----------
    scenario
        The working scenario (removed points are drawn greyed and struck through).
    radius_by_type
        Service radius (m) per contact point type.
    selected
        ``"layer:id"`` of the selected point, or ``None``.
    lang
        Language of the tooltips.
    county_of
        County of each contact point id (from the coverage result), for points whose
        county is filled only when the scenario is applied (new points).
    """
    county_of = county_of or {}
    points, radii, moves, sites, homes = [], [], [], [], []
    cp = scenario.layer("contact_points")
    xs, ys = cp.geometry.x.to_numpy(), cp.geometry.y.to_numpy()
    for i, row in enumerate(cp.itertuples(index=False)):
        status, ptype = str(row.status), str(row.type)
        sel = selected == f"contact_points:{row.id}"
        tip = _tip(
            str(row.name),
            [
                (t("sim_tip_type", lang), point_type_label(ptype, lang)),
                (t("sim_tip_status", lang), t(f"sim_status_{status}", lang)),
                (t("sim_tip_county", lang), _county(row.county, county_of.get(str(row.id), ""))),
            ],
        )
        geom = _pt(xs[i], ys[i])
        points.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {"t": ptype, "s": status, "sel": sel, "tip": tip},
            }
        )
        if status != "removed" and radius_by_type.get(ptype):
            radii.append(
                {
                    "type": "Feature",
                    "geometry": geom,
                    "properties": {"t": ptype, "s": status, "r": radius_by_type[ptype]},
                }
            )
        if status == "moved" and not (np.isnan(row.orig_lon) or np.isnan(row.orig_lat)):
            line = [
                [round(float(row.orig_lon), DECIMALS), round(float(row.orig_lat), DECIMALS)],
                geom["coordinates"],
            ]
            moves.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": line},
                    "properties": {"style": {"color": "#1565c0", "weight": 2, "dashArray": "4 4"}},
                }
            )
    cs = scenario.layer("collection_sites")
    cs = cs[cs["status"] != "removed"]
    for x, y, name, status in zip(
        cs.geometry.x, cs.geometry.y, cs["name"], cs["status"], strict=True
    ):
        sites.append(
            {
                "type": "Feature",
                "geometry": _pt(x, y),
                "properties": {
                    "s": str(status),
                    "tip": _tip(
                        str(name), [(t("sim_tip_status", lang), t(f"sim_status_{status}", lang))]
                    ),
                },
            }
        )
    hs = scenario.layer("homes")
    for row, x, y in zip(hs.itertuples(index=False), hs.geometry.x, hs.geometry.y, strict=True):
        status = str(row.status)
        homes.append(
            {
                "type": "Feature",
                "geometry": _pt(x, y),
                "properties": {
                    "t": "home",
                    "s": status,
                    "sel": selected == f"homes:{row.id}",
                    "tip": _tip(
                        str(row.name),
                        [(t("sim_tip_status", lang), t(f"sim_status_{status}", lang))],
                    ),
                },
            }
        )
    return {
        "points": _fc(points),
        "radii": _fc(radii),
        "moves": _fc(moves),
        "sites": _fc(sites),
        "homes": _fc(homes),
    }


def scenario_group(features: dict[str, dict[str, Any]], lang: Lang = "zh") -> folium.FeatureGroup:
    """Return the feature group st_folium adds to the base map (radii below points).

    Badges carry one character of the type's name in Chinese, a letter in English
    (:func:`dashboard.palette.badge_styles`), as on the map page.
    """
    group = folium.FeatureGroup(name="sim_points", control=False)
    if features["radii"]["features"]:
        folium.GeoJson(features["radii"], pointToLayer=_radius_js()).add_to(group)
    if features["moves"]["features"]:
        folium.GeoJson(features["moves"], style=_STYLE, interactive=False).add_to(group)
    if features["sites"]["features"]:
        folium.GeoJson(features["sites"], pointToLayer=_site_js(), on_each_feature=_TOOLTIP).add_to(
            group
        )
    if features["homes"]["features"]:
        folium.GeoJson(
            features["homes"], pointToLayer=_badge_js(lang), on_each_feature=_TOOLTIP
        ).add_to(group)
    if features["points"]["features"]:
        folium.GeoJson(
            features["points"], pointToLayer=_badge_js(lang), on_each_feature=_TOOLTIP
        ).add_to(group)
    return group


def nearest_point(scenario: Scenario, lon: float, lat: float, max_deg: float) -> str | None:
    """Return ``"layer:id"`` of the contact point or home nearest to a click, within ``max_deg``."""
    best: tuple[float, str] | None = None
    for layer in ("contact_points", "homes"):
        frame = scenario.layer(layer)  # type: ignore[arg-type]
        if frame.empty:
            continue
        d = np.hypot(frame.geometry.x.to_numpy() - lon, frame.geometry.y.to_numpy() - lat)
        i = int(np.argmin(d))
        if d[i] <= max_deg and (best is None or d[i] < best[0]):
            best = (float(d[i]), f"{layer}:{frame['id'].iloc[i]}")
    return best[1] if best else None


def small_map(
    payload: MapPayload, features: dict[str, dict[str, Any]], height: int, lang: Lang = "zh"
) -> folium.Map:
    """Return a static map of one scenario (base map with its points), for comparisons."""
    m = base_map(payload, height)
    scenario_group(features, lang).add_to(m)
    return m
