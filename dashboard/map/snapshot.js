(function() {
if (window.cpExportControl) { return; }
var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
var HEAD = 56, LEGEND_W = 210;
function rel(el, box) {
  var r = el.getBoundingClientRect();
  return {x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height};
}
function halo(g, text, x, y, size, weight, color) {
  g.font = weight + ' ' + size + 'px ' + FONT; g.textAlign = 'center';
  g.textBaseline = 'middle'; g.lineWidth = 3; g.strokeStyle = '#fff';
  g.strokeText(text, x, y); g.fillStyle = color; g.fillText(text, x, y);
}
function zOf(el) {
  var pane = el.closest('.leaflet-pane');
  return pane ? parseInt(getComputedStyle(pane).zIndex, 10) || 0 : 0;
}
function svgImages(map, done) {
  // Every SVG and canvas of the map's panes (townships, outlines, radii, lines, villages; the
  // reference roads) as images, by pane then drawing order, without the panes hidden at this
  // zoom; the hatch pattern lives in another SVG of the page, copied in.
  var all = [].slice.call(map.getPanes().mapPane.querySelectorAll('svg, canvas'))
    .filter(function(el) { return el.getClientRects().length > 0; });
  var svgs = all.map(function(el, i) { return [zOf(el), i, el]; }).sort(function(a, b) {
    return a[0] - b[0] || a[1] - b[1]; }).map(function(x) { return x[2]; });
  var out = new Array(svgs.length), left = svgs.length;
  if (!left) { done([]); return; }
  svgs.forEach(function(svg, k) {
    if (svg.tagName.toLowerCase() === 'canvas') {
      out[k] = [svg, svg]; left -= 1; if (!left) { done(out); }
      return;
    }
    var clone = svg.cloneNode(true);
    var defs = document.getElementById('cp-hatch');
    if (defs) {
      var d = document.createElementNS(svg.namespaceURI, 'defs');
      d.appendChild(defs.cloneNode(true)); clone.insertBefore(d, clone.firstChild);
    }
    clone.setAttribute('xmlns', svg.namespaceURI);  // the SVG namespace, no URL written here
    // Leaflet places the SVG with a CSS transform, which an SVG image would apply again.
    clone.removeAttribute('style');
    var img = new Image();
    img.onload = function() { out[k] = [img, svg]; left -= 1; if (!left) { done(out); } };
    img.onerror = function() { out[k] = null; left -= 1; if (!left) { done(out); } };
    img.src = 'data:image/svg+xml;charset=utf-8,' +
      encodeURIComponent(new XMLSerializer().serializeToString(clone));
  });
}
function legendRows() {
  var rows = [];
  try {
    var lg = window.parent.document.querySelector('.cp-legend');
    if (!lg) { return rows; }
    // Styles of the page's elements, computed by the page's own window.
    var getComputedStyle = window.parent.getComputedStyle.bind(window.parent);
    [].slice.call(lg.children).forEach(function(el) {
      if (el.classList.contains('h')) { rows.push({h: el.textContent}); return; }
      var sw = el.firstElementChild, cs = sw ? getComputedStyle(sw) : null;
      rows.push({t: el.textContent.replace(sw ? sw.textContent : '', '').trim(),
        c: cs ? cs.backgroundColor : '#ccc', ch: sw ? sw.textContent : '',
        round: cs ? cs.borderRadius !== '0px' : false,
        hatch: sw && sw.classList.contains('hatch'), ring: sw && sw.classList.contains('ring'),
        line: sw && sw.classList.contains('line')});
    });
  } catch (e) { /* the page around the map is out of reach: no legend */ }
  return rows;
}
function title(T) {
  var parts = [];
  try {
    var doc = window.parent.document;
    var h = doc.querySelector('.cp-dataset');
    if (h) { parts.push(h.textContent.trim()); }
    ['map_county', 'map_measure'].forEach(function(k) {
      var i = doc.querySelector('.st-key-' + k + ' input');
      if (i && i.value) { parts.push(i.value); }
    });
  } catch (e) { /* no page around the map */ }
  return parts.length ? parts.join(' · ') : T.export_title;
}
function drawLegend(g, rows, x0, y0) {
  var y = y0;
  rows.forEach(function(r) {
    if (r.h) {
      y += 8; g.font = '700 14px ' + FONT; g.fillStyle = '#1c2b3a'; g.textAlign = 'left';
      g.textBaseline = 'middle'; g.fillText(r.h, x0, y); y += 20; return;
    }
    if (r.hatch) {
      g.fillStyle = '#b2182b'; g.fillRect(x0, y - 7, 22, 14);
      g.save(); g.beginPath(); g.rect(x0, y - 7, 22, 14); g.clip();
      g.strokeStyle = 'rgba(255,255,255,.8)'; g.lineWidth = 1.5;
      for (var k = -14; k < 22; k += 5) {
        g.beginPath(); g.moveTo(x0 + k, y + 7); g.lineTo(x0 + k + 14, y - 7); g.stroke();
      }
      g.restore();
    } else if (r.ring) {
      g.setLineDash([3, 2]); g.strokeStyle = '#1f4e8c'; g.beginPath();
      g.arc(x0 + 11, y, 7, 0, 2 * Math.PI); g.stroke(); g.setLineDash([]);
    } else if (r.line) {
      g.strokeStyle = '#546e7a'; g.beginPath(); g.moveTo(x0, y); g.lineTo(x0 + 22, y);
      g.stroke();
    } else if (r.round) {
      g.setLineDash([]); g.fillStyle = r.c; g.beginPath(); g.arc(x0 + 11, y, 8, 0, 2 * Math.PI);
      g.fill();
      if (r.ch) {
        g.font = '700 10px ' + FONT; g.fillStyle = '#fff'; g.textAlign = 'center';
        g.fillText(r.ch, x0 + 11, y + 1);
      }
    } else {
      g.fillStyle = r.c; g.fillRect(x0, y - 7, 22, 14);
    }
    g.font = '13px ' + FONT; g.fillStyle = '#1c2b3a'; g.textAlign = 'left';
    g.fillText(r.t, x0 + 30, y); y += 20;
  });
}
function scaleBar(map, g, x, y) {
  var size = map.getSize(), c = L.point(size.x / 2, size.y / 2);
  var m = map.distance(map.containerPointToLatLng(c),
    map.containerPointToLatLng(c.add([100, 0])));
  var target = m * 1.2, p = Math.pow(10, Math.floor(Math.log10(target)));
  var nice = [5, 2, 1].map(function(k) { return k * p; }).filter(function(v) {
    return v <= target; })[0] || p;
  var px = nice / m * 100;
  g.fillStyle = 'rgba(255,255,255,.85)'; g.fillRect(x - 8, y - 22, px + 16, 30);
  g.strokeStyle = '#1c2b3a'; g.lineWidth = 2; g.beginPath();
  g.moveTo(x, y - 6); g.lineTo(x, y); g.lineTo(x + px, y); g.lineTo(x + px, y - 6); g.stroke();
  var label = nice >= 1000 ? (nice / 1000) + ' km' : nice + ' m';
  halo(g, label, x + px / 2, y - 12, 12, 600, '#1c2b3a');
}
function north(g, x, y, T) {
  g.fillStyle = '#1c2b3a'; g.beginPath(); g.moveTo(x, y - 18); g.lineTo(x + 9, y + 10);
  g.lineTo(x, y + 4); g.lineTo(x - 9, y + 10); g.closePath(); g.fill();
  halo(g, T.north, x, y - 30, 14, 700, '#1c2b3a');
}
function render(map, T, withTiles, done) {
  var ctr = map.getContainer(), box = ctr.getBoundingClientRect();
  var rows = legendRows(), W = Math.round(box.width) + (rows.length ? LEGEND_W : 0);
  var H = Math.round(box.height) + HEAD, scale = 2;
  var cv = document.createElement('canvas'); cv.width = W * scale; cv.height = H * scale;
  var g = cv.getContext('2d'); g.scale(scale, scale);
  g.fillStyle = '#fff'; g.fillRect(0, 0, W, H);
  g.font = '700 20px ' + FONT; g.fillStyle = '#1c2b3a'; g.textAlign = 'left';
  g.textBaseline = 'middle'; g.fillText(title(T), 14, HEAD / 2);
  g.save(); g.translate(0, HEAD); g.beginPath(); g.rect(0, 0, box.width, box.height); g.clip();
  g.fillStyle = getComputedStyle(ctr).backgroundColor || '#eef1f5';
  g.fillRect(0, 0, box.width, box.height);
  if (withTiles) {
    ctr.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').forEach(function(img) {
      var r = rel(img, box); g.drawImage(img, r.x, r.y, r.w, r.h);
    });
  }
  svgImages(map, function(images) {
    images.forEach(function(pair) {
      if (pair) { var r = rel(pair[1], box); g.drawImage(pair[0], r.x, r.y, r.w, r.h); }
    });
    ctr.querySelectorAll('.cp-seat i').forEach(function(i) {
      var r = rel(i, box); g.fillStyle = '#3b3126'; g.fillRect(r.x, r.y, r.w, r.h);
    });
    ctr.querySelectorAll('.cp-town-label span, .cp-county-label span, .cp-seat span')
      .forEach(function(s) {
      if (s.style.visibility === 'hidden') { return; }
      var r = rel(s, box), big = s.parentNode.classList.contains('cp-county-label');
      halo(g, s.textContent, r.x + r.w / 2, r.y + r.h / 2, big ? 13 : 11, big ? 700 : 400,
        '#1c2b3a');
    });
    ctr.querySelectorAll('.leaflet-marker-pane .cp-badge').forEach(function(b) {
      var r = rel(b, box), cs = getComputedStyle(b), sq = b.classList.contains('cp-home');
      g.fillStyle = cs.backgroundColor; g.strokeStyle = '#fff'; g.lineWidth = 2;
      g.beginPath();
      if (sq) { g.rect(r.x, r.y, r.w, r.h); } else {
        g.arc(r.x + r.w / 2, r.y + r.h / 2, r.w / 2, 0, 2 * Math.PI);
      }
      g.fill(); g.stroke();
      g.font = '700 ' + (sq ? 9 : 11) + 'px ' + FONT; g.fillStyle = '#fff';
      g.textAlign = 'center'; g.fillText(b.textContent, r.x + r.w / 2, r.y + r.h / 2 + 1);
    });
    scaleBar(map, g, 16, box.height - 16);
    north(g, box.width - 30, 46, T);
    g.restore();
    if (rows.length) { drawLegend(g, rows, box.width + 16, HEAD + 10); }
    g.strokeStyle = '#d6dce4'; g.lineWidth = 1; g.strokeRect(0.5, HEAD + 0.5, box.width, box.height);
    done(cv);
  });
}
function download(blob, name) {
  var a = document.createElement('a');
  a.download = name; a.href = URL.createObjectURL(blob);
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(function() { URL.revokeObjectURL(a.href); }, 5000);
}
function fileName(T, ext) { return T.file + '-' + new Date().toISOString().slice(0, 10) + ext; }
function save(cv, T) {
  cv.toBlob(function(blob) {
    download(blob, fileName(T, '.png'));
    window.cpExported = {width: cv.width, height: cv.height, bytes: blob.size};
  }, 'image/png');
}
function savePdf(cv, T) {
  // The same picture as the PNG, as a JPEG on an A4 page (pdf.js), with its texts.
  var data = atob(cv.toDataURL('image/jpeg', 0.92).split(',')[1]);
  var jpeg = new Uint8Array(data.length);
  for (var i = 0; i < data.length; i++) { jpeg[i] = data.charCodeAt(i); }
  var lines = [title(T)].concat(legendRows().map(function(r) { return r.h || r.t; }));
  var pdf = window.cpPdf(jpeg, cv.width, cv.height, lines, new Date());
  download(new Blob([pdf], {type: 'application/pdf'}), fileName(T, '.pdf'));
  window.cpExportedPdf = {bytes: pdf.length, title: lines[0]};
}
function exportButton(map, T, text, css, saver) {
  var C = L.Control.extend({options: {position: 'topleft'}, onAdd: function() {
    var bar = L.DomUtil.create('div', 'leaflet-bar cp-tool ' + css);
    var a = L.DomUtil.create('a', '', bar);
    a.href = '#'; a.textContent = text; a.setAttribute('role', 'button');
    L.DomEvent.on(a, 'click', function(e) {
      L.DomEvent.stop(e);
      render(map, T, true, function(cv) {
        // Tiles from another server taint the canvas: save the map without them then.
        try { cv.toDataURL(); saver(cv, T); } catch (err) {
          render(map, T, false, function(plain) { saver(plain, T); });
        }
      });
    });
    L.DomEvent.disableClickPropagation(bar);
    return bar;
  }});
  new C().addTo(map);
}
window.cpExportControl = function(map, T) {
  exportButton(map, T, T.export, 'cp-export', save);
  exportButton(map, T, T.export_pdf, 'cp-export-pdf', savePdf);
};
})();
