(function() {
if (window.cpLoad) { return; }
// The dataset's map data comes as a static file of the app (same origin, content-hashed, so
// the browser may keep it): fetched once per map (or taken from the fetch the page's script
// file or the app's page started, `cpPrefetch`), then handed to `done` (cpInit's data, unchanged in shape). A failure is written to the console and shown over the map.
window.cpLoad = function(map, url, done) {
  var own = function() {
    // The 地图 page's script file started this fetch before Leaflet (view.code_bundle).
    var pre = window.cpPrefetch && window.cpPrefetch[url];
    if (pre) { delete window.cpPrefetch[url]; }
    return (pre || fetch(url, {credentials: 'same-origin'})).then(function(r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    });
  };
  // The app's page started the fetch before this iframe existed (static_data.prefetch_js):
  // its text, parsed here (objects of this frame); when it failed, fetched again here.
  var page = null;
  try {
    var abs = new URL(url, document.baseURI).href;
    var q = window.parent !== window && window.parent.cpPrefetch;
    if (q && q[abs]) { page = q[abs]; delete q[abs]; }
  } catch (e) { page = null; }  // a parent of another origin: nothing to take
  (page ? page.then(function(text) { return JSON.parse(text); }, own) : own())
  .then(done).catch(function(e) {
    console.error('cpLoad ' + url, e);
    var box = L.DomUtil.create('div', 'cp-load-error', map.getContainer());
    box.style.cssText = 'position:absolute;z-index:1000;left:50%;top:40%;' +
      'transform:translateX(-50%);background:#fff4e5;color:#7a3e00;padding:6px 10px;' +
      'border:1px solid #e0a84e;border-radius:4px;font-size:13px';
    box.textContent = '地图数据未能加载 / Map data could not be loaded (' + e.message + ')';
  });
};
// A view that came before the data (cpView found no data yet) is drawn once it is in.
window.cpFlush = function(map) {
  var v = map._cpPending;
  map._cpPending = null;
  if (v) { window.cpView(map, v); }
};
})();
