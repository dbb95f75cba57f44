(function() {
if (window.cpView) { return; }
var PAD = [__PAD__, __PAD__];
var RADIUS_COLORS = __RADIUS_COLORS__;
var ORDER = ['townships', 'blind_spots', 'roads', 'counties', 'radii', 'site_links', 'villages',
  'collection_sites', 'homes', 'contact_points', 'county_labels'];
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
function build(st, name, inView) {
  var d = st.d, lay = d.layers, fc = lay[name === 'blind_spots' ? 'townships' : name];
  if (!fc || !fc.features.length) { return null; }
  var o = {filter: inView};
  if (name === 'townships') {
    o.style = function(f) {
      var s = f.properties.style, c = st.fills ? st.fills[f.properties.i] : null;
      return {fillColor: c || s.fillColor, fillOpacity: s.fillOpacity, color: s.color,
        weight: s.weight, opacity: s.opacity};
    };
    o.onEachFeature = bind;
  } else if (name === 'blind_spots') {
    o.filter = function(f) { return f.properties.b && inView(f); };
    o.interactive = false;
    o.style = {fillColor: 'url(#cp-hatch)', fillOpacity: 1, color: '__BLIND__', weight: 1.6,
      opacity: 0.95};
  } else if (name === 'counties') {
    o.interactive = false; o.style = ownStyle;
  } else if (name === 'roads') {
    // The whole network on every view (its lines carry no county), on a canvas: cheap.
    o.filter = null; o.interactive = false; o.renderer = L.canvas({padding: 0.3});
    o.style = function(f) {
      return {color: '__ROAD__', weight: f.properties.w, opacity: 0.75, lineCap: 'round'};
    };
  } else if (name === 'radii') {
    o.pointToLayer = radiusCircle;
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
    o.pointToLayer = dot('c', '__V_UNCOVERED__', '__V_COVERED__', 2.5, false);
    o.onEachFeature = bind;
  } else if (name === 'collection_sites') {
    o.pointToLayer = dot('o', '__SITE__', '__ORPHAN__', 4, true); o.onEachFeature = bind;
  } else if (name === 'homes') {
    o.pointToLayer = badge({home: d.badges.home}, null, 'cp-home', 18);
    o.onEachFeature = bind;
  } else if (name === 'contact_points') {
    o.pointToLayer = badge(d.badges, 't', '', 24); o.onEachFeature = bind;
  } else if (name === 'county_labels') {
    o.pointToLayer = countyLabel;
  }
  return L.geoJson(fc, o);
}
window.cpInit = function(map, d) {
  hatch();
  window.cpLabels = d.labels;
  var towns = (d.layers.townships || {features: []}).features;
  for (var i = 0; i < towns.length; i++) { towns[i].properties.i = i; }
  map._cp = {d: d, groups: [], key: null, bounds: null, fills: null, towns: null};
  if (d.bounds) { map.fitBounds(d.bounds, {padding: PAD, animate: false}); }
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
    st.groups = []; st.towns = null;
    var county = v.county || '';
    var inView = function(f) { return !county || f.properties.k === county; };
    var shown = {townships: true};
    for (var s = 0; s < v.shown.length; s++) { shown[v.shown[s]] = true; }
    shown.county_labels = !!shown.counties;
    for (var n = 0; n < ORDER.length; n++) {
      if (!shown[ORDER[n]]) { continue; }
      var layer = build(st, ORDER[n], inView);
      if (!layer) { continue; }
      layer.addTo(map);
      st.groups.push(layer);
      if (ORDER[n] === 'townships') { st.towns = layer; }
    }
    st.key = key;
  }
  var b = JSON.stringify(v.bounds || null);
  if (v.bounds && b !== st.bounds) {
    map.fitBounds(v.bounds, {padding: PAD, animate: false});
  }
  st.bounds = b;
  window.cpDrawSeq = (window.cpDrawSeq || 0) + 1;
};
})();
