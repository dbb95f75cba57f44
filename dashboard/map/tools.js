(function() {
if (window.cpTools) { return; }
var LABEL_ZOOM = __LABEL_ZOOM__;
var STYLE = '.cp-tile-notice{position:absolute;z-index:1000;left:50%;bottom:34px;' +
  'transform:translateX(-50%);max-width:70%;background:#fff4e5;color:#7a3e00;' +
  'border:1px solid #e0a84e;border-radius:4px;padding:6px 10px;font-size:13px;' +
  'box-shadow:0 1px 4px rgba(0,0,0,.25);pointer-events:none}' +
  '.cp-search{background:#fff;padding:4px;width:220px}' +
  '.cp-search input{width:100%;box-sizing:border-box;font-size:13px;padding:4px 6px;' +
  'border:1px solid #c5ccd6;border-radius:3px}' +
  '.cp-search-list div{padding:4px 6px;font-size:13px;cursor:pointer;color:#1c2b3a}' +
  '.cp-search-list div:hover,.cp-search-list div.cp-first{background:#eef2f7}' +
  '.cp-search-list small{color:#5f6b7a;margin-left:4px}' +
  '.cp-tool a{width:auto!important;padding:0 8px;font-size:13px;font-weight:600;' +
  'color:#1c2b3a;white-space:nowrap}' +
  '.cp-tool a.cp-on{background:#1f4e8c;color:#fff}' +
  '.cp-measuring .leaflet-interactive,.cp-measuring canvas{pointer-events:none!important}' +
  '.cp-measuring{cursor:crosshair!important}' +
  '.cp-town-label{background:none;border:none;color:#1c2b3a;font-size:12px;font-weight:500;' +
  'white-space:nowrap;pointer-events:none;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}' +
  '.cp-town-label span{display:inline-block;transform:translate(-50%,-50%)}' +
  '.cp-measure-tip{font-weight:700}';
function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function watchTiles(map, T) {
  var failed = 0, box = null;
  function hook(layer) {
    if (!(layer instanceof L.TileLayer) || layer._cpHooked) { return; }
    layer._cpHooked = true;
    layer.on('tileerror', function() {
      failed += 1;
      if (!box) { box = L.DomUtil.create('div', 'cp-tile-notice', map.getContainer()); }
      box.textContent = T.tiles_failed.replace('{n}', failed);
      window.cpTileErrors = failed;
    });
  }
  map.eachLayer(hook);
  map.on('layeradd', function(e) { hook(e.layer); });
}
// The search list (dashboard/map/search_index.py): fetched once, when first needed; the
// file may still be being written on a first start, so a failed fetch is tried again.
function placesLoader(d, url) {
  var list = d.places || null, waiting = [], loading = false;
  return function(cb) {
    if (list) { cb(list); return; }
    waiting.push(cb);
    if (loading || !url) { return; }
    loading = true;
    var tries = 0;
    (function get() {
      fetch(url).then(function(r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function(got) {
        list = window.cpPlaces = got;
        waiting.forEach(function(f) { f(got); }); waiting = [];
      }).catch(function() {
        tries += 1;
        if (tries < 90) { setTimeout(get, 1000); } else { loading = false; }
      });
    })();
  };
}
// Places whose name, full pinyin (p[5]) or pinyin initials (p[6]) match: names that start
// with the text first, then pinyin that starts with it, then the rest.
function matches(places, text) {
  var q = esc(text.trim()), latin = /^[a-z0-9 ]+$/i.test(q);
  var k = latin ? q.toLowerCase().replace(/ /g, '') : '';
  var ranks = [[], [], []];
  for (var i = 0; i < places.length && ranks[0].length < 8; i++) {
    var p = places[i], at = p[0].indexOf(q);
    if (at === 0) { ranks[0].push(p); continue; }
    if (k && p[5] !== undefined) {
      if (p[6].indexOf(k) === 0 || p[5].indexOf(k) === 0) { ranks[1].push(p); continue; }
      if (p[6].indexOf(k) > 0 || p[5].indexOf(k) > 0) { ranks[2].push(p); continue; }
    }
    if (at > 0) { ranks[2].push(p); }
  }
  return ranks[0].concat(ranks[1], ranks[2]).slice(0, 8);
}
window.cpMatches = matches;
function searchControl(map, load, T) {
  var mark = null;
  function go(p) {
    map.flyTo([p[2], p[3]], [13, 15, 10][p[1]], {duration: 0.6});
    if (mark) { map.removeLayer(mark); }
    mark = L.circleMarker([p[2], p[3]], {radius: 11, color: '#b3261e', weight: 3,
      fill: false, interactive: false}).addTo(map);
    mark.bindTooltip(p[0], {permanent: true, direction: 'right', offset: [12, 0]});
    window.cpSearchTarget = {name: p[0], lat: p[2], lon: p[3]};
  }
  var C = L.Control.extend({options: {position: 'topright'}, onAdd: function() {
    var box = L.DomUtil.create('div', 'cp-search leaflet-bar');
    var input = L.DomUtil.create('input', '', box);
    input.type = 'search'; input.placeholder = T.search; input.setAttribute('aria-label', T.search);
    var list = L.DomUtil.create('div', 'cp-search-list', box);
    var found = [];
    function update() {
      var text = input.value;
      load(function(places) {
        if (text !== input.value) { return; }  // typed on meanwhile
        list.innerHTML = ''; found = [];
        if (!text.trim()) { return; }
        found = matches(places, text);
        if (!found.length) { list.innerHTML = '<div>' + esc(T.no_match) + '</div>'; }
        found.forEach(function(p, k) {
          var row = L.DomUtil.create('div', k === 0 ? 'cp-first' : '', list);
          // A village's "where" is its township's index among the places.
          var where = typeof p[4] === 'number' ? (places[p[4]] || [''])[0] : p[4];
          row.innerHTML = p[0] + '<small>' + (where ? where + ' · ' : '') +
            esc([T.township, T.village, T.county][p[1]]) + '</small>';
          row.onclick = function() { go(p); list.innerHTML = ''; };
        });
      });
    }
    input.addEventListener('focus', function() { load(function() {}); });
    input.addEventListener('input', update);
    input.addEventListener('keydown', function(e) {
      if (e.key === 'Enter' && found.length) { go(found[0]); list.innerHTML = ''; }
    });
    L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
    return box;
  }});
  new C().addTo(map);
}
function button(map, text, pos, onClick) {
  var C = L.Control.extend({options: {position: pos}, onAdd: function() {
    var bar = L.DomUtil.create('div', 'leaflet-bar cp-tool');
    var a = L.DomUtil.create('a', '', bar);
    a.href = '#'; a.textContent = text; a.setAttribute('role', 'button');
    L.DomEvent.on(a, 'click', function(e) { L.DomEvent.stop(e); onClick(a); });
    L.DomEvent.disableClickPropagation(bar);
    return bar;
  }});
  new C().addTo(map);
}
function measureControl(map, T) {
  var on = false, pts = [], group = L.layerGroup();
  function draw() {
    group.clearLayers();
    var km = 0;
    for (var i = 1; i < pts.length; i++) { km += map.distance(pts[i - 1], pts[i]) / 1000; }
    if (pts.length > 1) {
      L.polyline(pts, {color: '#b3261e', weight: 3, dashArray: '6 4', interactive: false})
        .addTo(group);
    }
    pts.forEach(function(p) {
      L.circleMarker(p, {radius: 4, color: '#b3261e', fillColor: '#fff', fillOpacity: 1,
        weight: 2, interactive: false}).addTo(group);
    });
    if (pts.length > 1) {
      L.marker(pts[pts.length - 1], {opacity: 0, interactive: false, keyboard: false})
        .bindTooltip(T.total.replace('{km}', km.toFixed(2)), {permanent: true,
          direction: 'right', className: 'cp-measure-tip'}).addTo(group);
    }
    window.cpMeasureKm = km;
  }
  function click(e) { pts.push(e.latlng); draw(); }
  button(map, T.measure, 'topleft', function(a) {
    on = !on;
    a.className = on ? 'cp-on' : ''; a.title = on ? T.measure_hint : '';
    L.DomUtil[on ? 'addClass' : 'removeClass'](map.getContainer(), 'cp-measuring');
    if (on) {
      pts = []; group.clearLayers(); group.addTo(map); map.on('click', click);
      map.closePopup();
    } else {
      map.off('click', click);
      if (pts.length < 2) { map.removeLayer(group); }
    }
  });
}
function townLabels(map, load) {
  var group = L.layerGroup().addTo(map);
  if (!map.getPane('cpLabels')) { map.createPane('cpLabels').style.zIndex = 550; }
  function update() {
    if (map.getZoom() < LABEL_ZOOM) { group.clearLayers(); window.cpTownLabels = 0; return; }
    load(function(places) {
      group.clearLayers();
      if (map.getZoom() < LABEL_ZOOM) { window.cpTownLabels = 0; return; }
      var b = map.getBounds().pad(0.1), n = 0;
      for (var i = 0; i < places.length; i++) {
        var p = places[i];
        if (p[1] !== 0 || !b.contains([p[2], p[3]])) { continue; }
        L.marker([p[2], p[3]], {pane: 'cpLabels', interactive: false, keyboard: false,
          icon: L.divIcon({className: 'cp-town-label', iconSize: null,
            html: '<span>' + p[0] + '</span>'})}).addTo(group);
        n += 1;
      }
      window.cpTownLabels = n;
    });
  }
  map.on('zoomend moveend', update);
  update();
}
function declutter(map) {
  window.cpLegibility.declutter(map.getPanes().markerPane, '.cp-county-label span',
    '.cp-badge');
}
window.cpDeclutter = declutter;
window.cpTools = function(map, d, searchUrl) {
  var T = d.tools || {};
  var st = document.createElement('style'); st.textContent = STYLE;
  document.head.appendChild(st);
  watchTiles(map, T);
  var load = placesLoader(d, searchUrl);
  searchControl(map, load, T);
  measureControl(map, T);
  townLabels(map, load);
  if (window.cpExportControl) { window.cpExportControl(map, T); }
  var view = window.cpView;
  // Label widths are known once the CJK font is in: place the labels again then.
  function later() {
    declutter(map);
    if (document.fonts) { document.fonts.ready.then(function() { declutter(map); }); }
    setTimeout(function() { declutter(map); }, 400);
  }
  window.cpView = function(m, v) { view(m, v); later(); };
  // The iframe settles its size after the first view: place the labels again then.
  var timer = null;
  map.on('zoomend moveend resize', function() {
    clearTimeout(timer); timer = setTimeout(function() { declutter(map); }, 60);
  });
};
})();
