(function() {
if (window.cpLegibility) { return; }
// What a map draws at which zoom (dashboard/map/legibility.py), shared by the 地图 page's
// renderer (render.js) and the simulation and comparison maps (dashboard/simulate/legible.py):
// sizes on screen in pixels, turned into zoom levels of the loaded data by zoomRules().
var RULES = __RULES__;
var EARTH_M = 40075016.686;
function zoomFor(metres, px, lat) {
  // The zoom at which `metres` on the ground are `px` pixels on screen.
  return metres > 0 ? Math.log(px * EARTH_M * Math.cos(lat * Math.PI / 180) / metres) /
    Math.LN2 - 8 : 0;
}
function bbox(g, b) {
  var c = g.coordinates, t = g.type;
  if (t === 'Point') { c = [c]; } else if (t === 'Polygon' || t === 'MultiLineString') {
    c = [].concat.apply([], c); } else if (t === 'MultiPolygon') {
    c = [].concat.apply([], [].concat.apply([], c)); }
  for (var i = 0; i < c.length; i++) {
    b[0] = Math.min(b[0], c[i][0]); b[1] = Math.min(b[1], c[i][1]);
    b[2] = Math.max(b[2], c[i][0]); b[3] = Math.max(b[3], c[i][1]);
  }
  return b;
}
function spanM(b) {  // the geometric mean of a box's width and height, in metres
  var kx = 111320 * Math.cos((b[1] + b[3]) / 2 * Math.PI / 180);
  return Math.sqrt(Math.max(0, (b[2] - b[0]) * kx) * Math.max(0, (b[3] - b[1]) * 110574));
}
// The median township's span (metres) of township features.
function townMetres(towns) {
  var sizes = [];
  for (var i = 0; i < towns.length; i++) {
    sizes.push(spanM(bbox(towns[i].geometry, [180, 90, -180, -90])));
  }
  sizes.sort(function(a, b) { return a - b; });
  return sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0;
}
// A service area's radius (metres): a circle's own, or half the span of a reached road stretch.
function radiusMetres(f) {
  return f.properties.r || spanM(bbox(f.geometry, [180, 90, -180, -90])) / 2;
}
// The zoom levels of the data: circles from `detail` on, full township outlines from
// `outlines` on (`town`: the median township, `radius`: the largest radius, in metres).
function zoomRules(town, radius, lat) {
  return {detail: radius ? zoomFor(2 * radius, 2 * RULES.radiiMinPx, lat) : 0,
    outlines: town ? zoomFor(town, RULES.townMinPx, lat) : 0,
    clusterMax: RULES.clusterMaxZoom, villageMaxDots: RULES.villageMaxDots,
    townMetres: town, radiusMetres: radius};
}
function thinStyle(thin, s) {
  // Below the outline zoom: hairlines, so the fill colours read.
  if (!thin) { return s; }
  return {fillColor: s.fillColor, fillOpacity: s.fillOpacity, color: s.color,
    weight: Math.min(s.weight, 0.3), opacity: Math.min(s.opacity, 0.5)};
}
// --- Badges grouped into count bubbles ----------------------------------------------------
// The badges of a layer grouped: a bubble where badges would overlap, with the count and
// (tooltip) the badges in it; it splits as one zooms in, a click zooms in on it. Each
// marker carries its badge style as `_cpStyle` ([colour, character]). Options:
// `keep` (badges stay on the map, those in a bubble hidden: a page that binds its own click
// handlers to the layers on the map keeps them), `alone(marker)` (never grouped),
// `onBubble()` (called on a bubble's click, before the zoom).
function clustered(markers, css, opts) {
  opts = opts || {};
  var group = L.layerGroup(), bubbles = opts.keep ? L.layerGroup().addTo(group) : group;
  function bubble(members, map, at) {
    var styles = [], count = {};
    members.forEach(function(m) {
      var k = m._cpStyle.join();
      if (!count[k]) { count[k] = 0; styles.push(m._cpStyle); }
      count[k] += 1;
    });
    var n = members.length, px = (n < 10 ? 30 : n < 100 ? 36 : 42) - (css ? 8 : 0);
    var color = styles.length === 1 ? styles[0][0] : '#37474f';
    var m = L.marker(at, {keyboard: false, riseOnHover: true, zIndexOffset: css ? 0 : 1000,
      icon: L.divIcon({className: 'cp-icon', iconSize: [px, px], iconAnchor: [px / 2, px / 2],
        html: '<div class="cp-badge cp-cluster ' + css + '" style="background:' + color +
          ';width:' + (px - 4) + 'px;height:' + (px - 4) + 'px;line-height:' + (px - 4) +
          'px">' + n + '</div>'})});
    m.bindTooltip(styles.map(function(s) {
      return '<span class="cp-cluster-row"><i style="background:' + s[0] + '">' + s[1] +
        '</i>\u00d7' + count[s.join()] + '</span>';
    }).join(' '), {className: 'cp-tooltip', direction: 'top', offset: [0, -px / 2]});
    m.on('click', function() {
      if (opts.onBubble) { opts.onBubble(); }
      var b = L.latLngBounds(members.map(function(x) { return x.getLatLng(); }));
      map.fitBounds(b.pad(0.3), {maxZoom: RULES.clusterMaxZoom, padding: [40, 40]});
    });
    return m;
  }
  function show(m, on) {  // keep: a badge in a bubble stays on the map, hidden
    m._cpHidden = !on;
    if (m._icon) { m._icon.style.display = on ? '' : 'none'; }
  }
  var last = null;
  function update(map) {
    var z = map.getZoom();
    if (last && last.zoom === z) { return last; }  // a pan or new colours: same groups
    last = regroup(map, z); last.zoom = z;
    return last;
  }
  function place(m, alone) {
    if (opts.keep) { if (!group.hasLayer(m)) { group.addLayer(m); } show(m, alone); }
    else if (alone) { group.addLayer(m); }
  }
  function regroup(map, z) {
    bubbles.clearLayers();
    if (!opts.keep) { group.clearLayers(); }
    var R = RULES.clusterPx, cells = {}, groups = [], lone = 0;
    if (z >= RULES.clusterMaxZoom) {
      markers.forEach(function(m) { place(m, true); });
      return {badges: markers.length, bubbles: 0};
    }
    // Greedy grid clustering in screen pixels: a badge joins the first group whose first
    // badge is closer than R, else starts one. Groups are drawn at their first badge, so no
    // two are closer than R.
    markers.forEach(function(m) {
      if (opts.alone && opts.alone(m)) { place(m, true); lone += 1; return; }
      var p = map.project(m.getLatLng(), z), cx = Math.floor(p.x / R), cy = Math.floor(p.y / R);
      var hit = null;
      for (var dx = -1; dx <= 1 && !hit; dx++) {
        for (var dy = -1; dy <= 1 && !hit; dy++) {
          var cell = cells[(cx + dx) + ':' + (cy + dy)] || [];
          for (var k = 0; k < cell.length; k++) {
            if (cell[k].p.distanceTo(p) < R) { hit = cell[k]; break; }
          }
        }
      }
      if (hit) { hit.m.push(m); return; }
      var g = {p: p, m: [m]}, id = cx + ':' + cy;
      (cells[id] = cells[id] || []).push(g); groups.push(g);
    });
    var count = 0;
    groups.forEach(function(g) {
      if (g.m.length === 1) { place(g.m[0], true); } else {
        g.m.forEach(function(m) { place(m, false); });
        bubbles.addLayer(bubble(g.m, map, g.m[0].getLatLng())); count += 1;
      }
    });
    return {badges: lone + groups.length - count, bubbles: count};
  }
  // New markers (the simulation map's, after an edit): grouped again at the next update.
  function set(next) {
    if (opts.keep) {
      markers.forEach(function(m) { if (next.indexOf(m) < 0) { group.removeLayer(m); } });
    }
    markers = next; last = null;
  }
  return {layer: group, update: update, set: set};
}
// --- Labels placed clear of badges -------------------------------------------------------
function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
// Each label (`labels`: selector of their spans in `root`) moved to the first of a few
// places near its own that is clear of the badges and bubbles shown (`badges`) and of the
// labels placed before it, or hidden. Reads and writes apart: every label reset, then every
// box read (one layout for all), then the labels placed; reading a box after each move laid
// the page out once per label.
var OFF = [[0, 0], [0, -26], [0, 26], [-1, 0], [1, 0], [0, -44], [0, 44],
  [-1, -26], [1, -26], [-1, 26], [1, 26]];
function declutter(root, labels, badges) {
  var spans = [].slice.call(root.querySelectorAll(labels));
  spans.forEach(function(s) {
    s.style.position = 'relative'; s.style.left = '0px'; s.style.top = '0px';
    s.style.visibility = '';
  });
  var boxes = [].slice.call(root.querySelectorAll(badges)).map(function(e) {
    return e.getBoundingClientRect();
  }).filter(function(r) { return r.width > 0; });  // a badge in a bubble is not drawn
  var rects = spans.map(function(s) { return s.getBoundingClientRect(); });
  var placed = [], shown = 0;
  spans.forEach(function(s, i) {
    var r = rects[i];
    for (var k = 0; k < OFF.length; k++) {
      var dx = OFF[k][0] * (r.width / 2 + 16), dy = OFF[k][1];
      var box = {left: r.left + dx - 2, right: r.right + dx + 2, top: r.top + dy - 2,
        bottom: r.bottom + dy + 2};
      var hit = function(b) { return overlaps(box, b); };
      if (!boxes.some(hit) && !placed.some(hit)) {
        s.style.left = dx + 'px'; s.style.top = dy + 'px'; placed.push(box); shown += 1;
        return;
      }
    }
    s.style.visibility = 'hidden';
  });
  return {labels: spans.length, shown: shown};
}
window.cpLegibility = {rules: RULES, zoomFor: zoomFor, bbox: bbox, spanM: spanM,
  townMetres: townMetres, radiusMetres: radiusMetres, zoomRules: zoomRules,
  thinStyle: thinStyle, clustered: clustered, declutter: declutter};
})();
