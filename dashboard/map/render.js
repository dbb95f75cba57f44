(function() {
if (window.cpView) { return; }
var PAD = [__PAD__, __PAD__];
var RADIUS_COLORS = __RADIUS_COLORS__;
// What is drawn at which zoom: dashboard/map/legibility.py, legible.js (loaded before).
var RULES = window.cpLegibility.rules;
var ORDER = ['townships', 'blind_spots', 'roads', 'counties', 'radii', 'site_links', 'villages',
  'collection_sites', 'homes', 'contact_points', 'county_labels'];
// Layers in panes of their own, above the townships: hidden as a whole below their zoom.
var PANES = {radii: 'cpDetail', site_links: 'cpDetail', villages: 'cpDots',
  collection_sites: 'cpDots'};
function hatch() {
  if (document.getElementById('cp-hatch')) { return; }
  var d = document.createElement('div');
  d.innerHTML = '<svg width="0" height="0" style="position:absolute"><defs>' +
    '<pattern id="cp-hatch" patternUnits="userSpaceOnUse" width="7" height="7"' +
    ' patternTransform="rotate(45)">' +
    '<line x1="0" y1="0" x2="0" y2="7" stroke="#ffffff" stroke-width="1.6"' +
    ' stroke-opacity="0.7"/></pattern></defs></svg>';
  document.body.appendChild(d.firstChild);
}
// The same hatch for blind spots drawn on a canvas (a CanvasPattern as the fill).
function hatchPattern() {
  if (hatchPattern.p !== undefined) { return hatchPattern.p; }
  var c = document.createElement('canvas'), g;
  c.width = 7; c.height = 7; g = c.getContext('2d');
  g.fillStyle = 'rgba(255,255,255,0.7)'; g.fillRect(0, 0, 0.8, 7); g.fillRect(6.2, 0, 0.8, 7);
  var p = g.createPattern(c, 'repeat');
  if (p && p.setTransform && window.DOMMatrix) { p.setTransform(new DOMMatrix().rotate(45)); }
  hatchPattern.p = p;
  return p;
}
window.cpTip = function(layer) {
  var p = layer.feature.properties.tip, L2 = window.cpLabels || [];
  var h = "<div class='cp-tip'><b>" + p.h + "</b>";
  if (p.s) { h += " <span class='cp-sub'>" + p.s + "</span>"; }
  h += "<table>";
  for (var i = 0; i < p.r.length; i++) {
    h += "<tr><th>" + L2[p.r[i][0]] + "</th><td>" + p.r[i][1] + "</td></tr>";
  }
  return h + "</table></div>";
};
function bind(f, layer) {
  if (f.properties && f.properties.tip) {
    layer.bindTooltip(window.cpTip, {sticky: true, className: 'cp-tooltip'});
    layer.bindPopup(window.cpTip);
  }
}
function badge(S, key, css, size) {
  return function(f, latlng) {
    var s = key ? (S[f.properties[key]] || S.other) : S.home;
    return L.marker(latlng, {keyboard: false, riseOnHover: true, icon: L.divIcon({
      className: 'cp-icon', iconSize: [size, size], iconAnchor: [size / 2, size / 2],
      html: '<div class="cp-badge ' + css + '" style="background:' + s[0] + '">' + s[1] +
        '</div>'})});
  };
}
function dot(prop, on, off, radius, stroke) {
  return function(f, latlng) {
    var o = {radius: radius, fillOpacity: 0.95, fillColor: f.properties[prop] ? off : on};
    if (stroke) { o.color = '#ffffff'; o.weight = 1; } else { o.stroke = false; }
    return L.circleMarker(latlng, o);
  };
}
function radiusCircle(f, latlng) {
  var c = RADIUS_COLORS[f.properties.t] || '#5f6b7a';
  return L.circle(latlng, {radius: f.properties.r, color: c, weight: 1.2, opacity: 0.8,
    dashArray: '5 4', fillColor: c, fillOpacity: 0.07, interactive: false});
}
function countyLabel(f, latlng) {
  return L.marker(latlng, {interactive: false, keyboard: false, icon: L.divIcon({
    className: 'cp-county-label', iconSize: null,
    html: '<span>' + f.properties.label + '</span>'})});
}
function ownStyle(f) { return f.properties.style; }
// --- Zoom rules (legible.js) -------------------------------------------------------------
var LG = window.cpLegibility;
function zoomRules(d) {
  var lay = d.layers, lat = d.bounds ? (d.bounds[0][0] + d.bounds[1][0]) / 2 : 35;
  var radii = (lay.radii || {features: []}).features, radius = 0;
  for (var k = 0; k < radii.length; k++) { radius = Math.max(radius, LG.radiusMetres(radii[k])); }
  return LG.zoomRules(LG.townMetres((lay.townships || {features: []}).features), radius, lat);
}
function thinStyle(st, s) { return LG.thinStyle(st.thin, s); }
// The badges of one layer (contact points or homes), each knowing its badge style.
function badges(fc, inView, S, key, css, size) {
  var out = [];
  L.geoJson(fc, {filter: inView, pointToLayer: badge(S, key, css, size), onEachFeature: bind})
    .eachLayer(function(l) {
      l._cpStyle = key ? (S[l.feature.properties[key]] || S.other) : S.home; out.push(l);
      if (key) { l.setZIndexOffset(500); }  // a contact point above a home
    });
  return out;
}
// Contact points and homes are grouped apart (a point's type stays readable beside a home).
var clustered = LG.clustered;
// --- Villages: on a canvas, only those in view, only when few enough ----------------------
function villages(st, fc, inView) {
  var feats = fc.features.filter(inView), made = new Array(feats.length);
  var renderer = L.canvas({pane: 'cpDots', padding: 0.2});
  var group = L.layerGroup(), make = dot('c', '__V_UNCOVERED__', '__V_COVERED__', 2.5, false);
  var last = null;
  function update(map) {
    // Counted in the view, drawn with a margin: a short pan or new colours need no redraw.
    var view = map.getBounds(), z = map.getZoom();
    if (last && last.zoom === z && last.bounds.contains(view)) { return last.result; }
    last = {zoom: z, bounds: view.pad(0.2), result: redraw(map, view)};
    return last.result;
  }
  function redraw(map, view) {
    var b = view.pad(0.2), inside = [], seen = 0;
    for (var i = 0; i < feats.length; i++) {
      var c = feats[i].geometry.coordinates, ll = [c[1], c[0]];
      if (b.contains(ll)) { inside.push(i); if (view.contains(ll)) { seen += 1; } }
    }
    group.clearLayers();
    if (seen > RULES.villageMaxDots) { return {villages: 0, tooMany: seen}; }
    inside.forEach(function(i) {
      if (!made[i]) {
        var f = feats[i], c = f.geometry.coordinates;
        var m = make(f, L.latLng(c[1], c[0]));
        m.options.renderer = renderer; m.feature = f; bind(f, m); made[i] = m;
      }
      group.addLayer(made[i]);
    });
    return {villages: inside.length, tooMany: 0};
  }
  return {layer: group, update: update};
}
// A layer of the detail pane (circles, links), hidden below the detail zoom: built the first
// time the map is at that zoom, not on the way to the first map.
function lazy(st, name, inView) {
  var group = L.layerGroup(), built = false;
  function update(map) {
    if (!built && map.getZoom() >= st.rules.detail) {
      built = true;
      var layer = make(st, name, inView);
      if (layer) { group.addLayer(layer); }
    }
    return {};
  }
  return {layer: group, update: update};
}
function build(st, name, inView) {
  if (PANES[name] === 'cpDetail') { return lazy(st, name, inView); }
  return make(st, name, inView);
}
function make(st, name, inView) {
  var d = st.d, lay = d.layers, fc = lay[name === 'blind_spots' ? 'townships' : name];
  if (!fc || !fc.features.length) { return null; }
  var o = {filter: inView};
  if (PANES[name]) { o.pane = PANES[name]; }
  // Many townships: their polygons and hatching on one canvas (legibility.CANVAS_TOWNSHIPS).
  var areas = st.canvas ? (st.areas || (st.areas = L.canvas({padding: 0.3}))) : null;
  if (name === 'townships') {
    o.style = function(f) {
      var s = f.properties.style, c = st.fills ? st.fills[f.properties.i] : null;
      return thinStyle(st, {fillColor: c || s.fillColor, fillOpacity: s.fillOpacity,
        color: s.color, weight: s.weight, opacity: s.opacity});
    };
    o.onEachFeature = bind;
    if (areas) { o.renderer = areas; }
  } else if (name === 'blind_spots') {
    o.filter = function(f) { return f.properties.b && inView(f); };
    o.interactive = false;
    if (areas) { o.renderer = areas; }
    var hatchFill = areas ? hatchPattern() : 'url(#cp-hatch)';
    o.style = function() {
      return thinStyle(st, {fillColor: hatchFill, fillOpacity: 1, color: '__BLIND__',
        weight: 1.6, opacity: 0.95});
    };
  } else if (name === 'counties') {
    o.interactive = false; o.style = ownStyle;
  } else if (name === 'roads') {
    // The whole network on every view (its lines carry no county), on a canvas: cheap.
    o.filter = null; o.interactive = false; o.renderer = L.canvas({padding: 0.3});
    o.style = function(f) {
      return {color: '__ROAD__', weight: f.properties.w, opacity: 0.75, lineCap: 'round'};
    };
  } else if (name === 'radii') {
    o.pointToLayer = function(f, latlng) {
      var c = radiusCircle(f, latlng); c.options.pane = o.pane; return c;
    };
    o.interactive = false;
    // Road mode: service areas are road stretches, thick translucent lines per type.
    o.style = function(f) {
      if (f.geometry.type === 'Point') { return {}; }  // a circle keeps its own style
      return {color: RADIUS_COLORS[f.properties.t] || '#5f6b7a', weight: 8, opacity: 0.7,
        lineCap: 'round', lineJoin: 'round', className: 'cp-service-area'};
    };
  } else if (name === 'site_links') {
    o.interactive = false;
    o.style = function() { return {color: '__LINK__', weight: 1, opacity: 0.7}; };
  } else if (name === 'villages') {
    return villages(st, fc, inView);
  } else if (name === 'collection_sites') {
    // With a province's townships, its ~900 sites go on their canvas too (drawn above
    // them). One canvas, not one per pane: the top canvas would take every mouse event and
    // the townships below it would lose their tooltips.
    var dots = areas;
    o.pointToLayer = function(f, latlng) {
      var m = dot('o', '__SITE__', '__ORPHAN__', 4, true)(f, latlng);
      m.options.pane = o.pane;
      if (dots) { m.options.renderer = dots; }
      return m;
    };
    o.onEachFeature = bind;
  } else if (name === 'homes') {
    return clustered(badges(fc, inView, {home: d.badges.home}, null, 'cp-home', 18), 'cp-home');
  } else if (name === 'contact_points') {
    return clustered(badges(fc, inView, d.badges, 't', '', 24), '');
  } else if (name === 'county_labels') {
    o.pointToLayer = countyLabel;
  }
  return L.geoJson(fc, o);
}
function hint(map, text) {
  var box = map._cpHint;
  if (!text) { if (box) { box.style.display = 'none'; } return; }
  if (!box) { box = map._cpHint = L.DomUtil.create('div', 'cp-zoom-hint', map.getContainer()); }
  box.textContent = text; box.style.display = '';
}
// Apply the zoom rules to the drawn layers (after each view, zoom and move).
function refresh(map) {
  var st = map._cp;
  if (!st) { return; }
  var z = map.getZoom(), Z = st.rules, thin = z < Z.outlines;
  if (thin !== st.thin) {
    st.thin = thin;
    st.outlined.forEach(function(l) { l.setStyle(l.options.style); });
  }
  var detail = z >= Z.detail;
  map.getPane('cpDetail').style.display = detail ? '' : 'none';
  var out = {zoom: z, detail: detail, thin: thin, badges: 0, bubbles: 0, villages: 0};
  var many = 0;
  st.dynamic.forEach(function(dyn) {
    var r = dyn.update(map);
    out.badges += r.badges || 0; out.bubbles += r.bubbles || 0;
    out.villages += r.villages || 0; many = Math.max(many, r.tooMany || 0);
  });
  var T = st.d.tools || {};
  hint(map, many && T.villages_zoom ? T.villages_zoom.replace('{n}', many.toLocaleString('en-US')) : '');
  out.villagesHidden = many;
  window.cpLegible = out;
}
window.cpInit = function(map, d) {
  hatch();
  window.cpLabels = d.labels;
  var towns = (d.layers.townships || {features: []}).features;
  for (var i = 0; i < towns.length; i++) { towns[i].properties.i = i; }
  ['cpDetail', 'cpDots'].forEach(function(name, k) {
    if (!map.getPane(name)) { map.createPane(name).style.zIndex = 410 + 10 * k; }
  });
  map._cp = {d: d, groups: [], key: null, bounds: null, fills: null, towns: null,
    rules: zoomRules(d), thin: false, outlined: [], dynamic: [],
    canvas: towns.length >= RULES.canvasTowns};
  window.cpZoomRules = map._cp.rules;
  if (d.bounds) { map.fitBounds(d.bounds, {padding: PAD, animate: false}); }
  map.on('zoomend moveend', function() { refresh(map); });
};
window.cpView = function(map, v) {
  if (v.palette && v.fills && typeof v.fills[0] === 'number') {  // indices (view.py)
    v.fills = v.fills.map(function(i) { return v.palette[i]; });
  }
  var st = map._cp;
  if (!st) { map._cpPending = v; return; }  // data still loading (load.js): drawn after
  var key = JSON.stringify([v.county || '', v.shown]);
  st.fills = v.fills || null;
  if (key === st.key && st.towns) {
    st.towns.eachLayer(function(l) {
      var c = st.fills ? st.fills[l.feature.properties.i] : null;
      l.setStyle({fillColor: c || l.feature.properties.style.fillColor});
    });
  } else {
    for (var g = 0; g < st.groups.length; g++) { map.removeLayer(st.groups[g]); }
    st.groups = []; st.towns = null; st.outlined = []; st.dynamic = [];
    st.thin = map.getZoom() < st.rules.outlines;
    var county = v.county || '';
    var inView = function(f) { return !county || f.properties.k === county; };
    var shown = {townships: true};
    for (var s = 0; s < v.shown.length; s++) { shown[v.shown[s]] = true; }
    shown.county_labels = !!shown.counties;
    for (var n = 0; n < ORDER.length; n++) {
      if (!shown[ORDER[n]]) { continue; }
      var layer = build(st, ORDER[n], inView);
      if (!layer) { continue; }
      if (layer.update) { st.dynamic.push(layer); layer = layer.layer; }
      layer.addTo(map);
      st.groups.push(layer);
      if (ORDER[n] === 'townships') { st.towns = layer; }
      if (ORDER[n] === 'townships' || ORDER[n] === 'blind_spots') { st.outlined.push(layer); }
    }
    st.key = key;
  }
  var b = JSON.stringify(v.bounds || null);
  if (v.bounds && b !== st.bounds) {
    map.fitBounds(v.bounds, {padding: PAD, animate: false});
  }
  st.bounds = b;
  refresh(map);
  window.cpDrawSeq = (window.cpDrawSeq || 0) + 1;
  // What was drawn, whatever the renderer (tests, bench/ui.py): townships in view and how.
  window.cpDrawn = {seq: window.cpDrawSeq, townships: st.towns ? st.towns.getLayers().length : 0,
    renderer: st.canvas ? 'canvas' : 'svg'};
};
})();
