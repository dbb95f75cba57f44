"""The simulation and comparison maps' CSS and tooltips (:mod:`dashboard.simulate.map`)."""

from __future__ import annotations

from folium.utilities import JsCode

from dashboard.map.palette import MAP_BACKGROUND
from dashboard.map.view import BADGE_CSS

CSS = f"""
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
.sim-badge.pending {{ background: #fff !important; border: 2px dashed; box-shadow: 0 1px 4px
  rgba(0,0,0,.35); opacity: .95; }}
.sim-badge.sel {{ transform: scale(1.15);
  box-shadow: 0 0 0 2px #d50000, 0 1px 5px rgba(0,0,0,.6); }}
.sim-label {{ background: none; border: none; color: #1c2b3a; font-size: 13px; font-weight: 700;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }}
.sim-label span {{ display: inline-block; transform: translate(-50%, -50%); }}
{BADGE_CSS}
.sim-tip b {{ font-size: 14px; color: #1c2b3a; }}
.sim-tip .s {{ color: #5f6b7a; }}
</style>
"""

# A tooltip is either ready HTML (the scenario's points, escaped here) or the map page's
# compact form {h: title, s: subtitle, r: [[label index, value], ...]} (escaped by
# dashboard.map.data), rendered by window.simTip with the payload's label table.
TOOLTIP = JsCode(
    "function(f, layer) { var p = f.properties && f.properties.tip; if (!p) { return; }"
    " layer.bindTooltip(typeof p === 'string' ? p : function(l) {"
    " return window.simTip(l.feature.properties.tip); }, {sticky: true}); }"
)
TIP_FN = """
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
