(function() {
if (window.cpPdf) { return; }
// A one-page PDF (A4 landscape) of the map as the 保存图片 export draws it (title, map,
// legend, scale bar, north arrow: one JPEG), written here in the browser: the view lives
// only in the browser, and the page has no route to send it to the server. The title and
// the legend's lines are also a text layer, invisible (rendering mode 3, like a scanned
// page's OCR text): the PDF is found and copied by its title. The text's font is named, not
// embedded (nothing is drawn with it); its ToUnicode map gives the characters back.
var PAGE = [842, 595], MARGIN = 24;
function ascii(s) {
  var out = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i) & 0xff; }
  return out;
}
function hex4(n) { return ('0000' + n.toString(16).toUpperCase()).slice(-4); }
function utf16hex(s) {
  var h = '';
  for (var i = 0; i < s.length; i++) { h += hex4(s.charCodeAt(i)); }
  return h;
}
function toUnicode(lines) {
  var seen = {}, codes = [];
  lines.join('').split('').forEach(function(c) {
    var k = c.charCodeAt(0);
    if (!seen[k]) { seen[k] = true; codes.push(k); }
  });
  var body = '';
  // At most 100 entries per bfchar block (the CMap rule).
  for (var i = 0; i < codes.length; i += 100) {
    var part = codes.slice(i, i + 100);
    body += part.length + ' beginbfchar\n' + part.map(function(k) {
      return '<' + hex4(k) + '> <' + hex4(k) + '>';
    }).join('\n') + '\nendbfchar\n';
  }
  return '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' + body +
    'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n';
}
function pdfDate(d) {
  function p(n) { return ('0' + n).slice(-2); }
  return 'D:' + d.getUTCFullYear() + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
    p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + 'Z';
}
/**
 * Return the PDF's bytes.
 * jpeg: the image's JPEG bytes (Uint8Array); width, height: its size in pixels;
 * lines: the text layer, first line the title; when: a Date (the creation date).
 */
window.cpPdf = function(jpeg, width, height, lines, when) {
  var k = Math.min((PAGE[0] - 2 * MARGIN) / width, (PAGE[1] - 2 * MARGIN) / height);
  var w = width * k, h = height * k, x = (PAGE[0] - w) / 2, y = (PAGE[1] - h) / 2;
  var text = 'BT\n3 Tr\n/F1 12 Tf\n14 TL\n' + (x + 8).toFixed(2) + ' ' +
    (y + h - 18).toFixed(2) + ' Td\n' + lines.map(function(s) {
      return '<' + utf16hex(s) + '> Tj T*';
    }).join('\n') + '\nET\n';
  var content = 'q\n' + w.toFixed(2) + ' 0 0 ' + h.toFixed(2) + ' ' + x.toFixed(2) + ' ' +
    y.toFixed(2) + ' cm\n/Im1 Do\nQ\n' + text;
  var cmap = toUnicode(lines);
  var objects = [
    '<< /Type /Catalog /Pages 2 0 R /Lang (zh-CN) >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ' + PAGE[0] + ' ' + PAGE[1] + ']' +
      ' /Resources << /XObject << /Im1 4 0 R >> /Font << /F1 6 0 R >> >> /Contents 5 0 R >>',
    [ '<< /Type /XObject /Subtype /Image /Width ' + width + ' /Height ' + height +
      ' /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ' +
      jpeg.length + ' >>', jpeg],
    ['<< /Length ' + content.length + ' >>', ascii(content)],
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H' +
      ' /DescendantFonts [7 0 R] /ToUnicode 9 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo' +
      ' << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R' +
      ' /DW 1000 /W [32 126 500 183 183 500] >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4' +
      ' /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120' +
      ' /CapHeight 700 /StemV 80 >>',
    ['<< /Length ' + cmap.length + ' >>', ascii(cmap)],
    '<< /Title <FEFF' + utf16hex(lines[0] || '') + '> /Creator (Coverage Planner)' +
      ' /Producer (Coverage Planner map export) /CreationDate (' +
      pdfDate(when || new Date()) + ') >>'
  ];
  var parts = [ascii('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')], size = parts[0].length, offsets = [];
  function add(bytes) { parts.push(bytes); size += bytes.length; }
  objects.forEach(function(o, i) {
    offsets.push(size);
    add(ascii((i + 1) + ' 0 obj\n'));
    if (typeof o === 'string') { add(ascii(o + '\n')); } else {
      add(ascii(o[0] + '\nstream\n')); add(o[1]); add(ascii('\nendstream\n'));
    }
    add(ascii('endobj\n'));
  });
  var xref = size, n = objects.length + 1;
  var table = 'xref\n0 ' + n + '\n0000000000 65535 f \n' + offsets.map(function(o) {
    return ('0000000000' + o).slice(-10) + ' 00000 n \n';
  }).join('');
  add(ascii(table + 'trailer\n<< /Size ' + n + ' /Root 1 0 R /Info 10 0 R >>\nstartxref\n' +
    xref + '\n%%EOF\n'));
  var out = new Uint8Array(size), at = 0;
  parts.forEach(function(p) { out.set(p, at); at += p.length; });
  return out;
};
})();
