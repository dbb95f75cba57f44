"""The map's PDF writer (``dashboard/map/pdf.js``) and the zoom rules the renderer reads.

The writer runs in Node (the same code the browser runs: plain ES5, no DOM); the PDF is
checked by its own cross-reference table and, where poppler is installed, read back with
``pdfinfo``/``pdftotext`` as a PDF viewer would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.map import legibility

MAP_DIR = Path(__file__).resolve().parents[1] / "dashboard" / "map"
NODE = shutil.which("node")
TITLE = "示例市（虚构） · 覆盖率 <b>&"
LINES = [TITLE, "图例", "盲区（无人在服务范围内）"]


def _pdf(tmp_path: Path) -> bytes:
    from PIL import Image

    jpeg = tmp_path / "map.jpg"
    Image.new("RGB", (320, 200), (31, 78, 140)).save(jpeg, quality=90)
    out = tmp_path / "map.pdf"
    script = f"""
var fs = require('fs'); global.window = {{}};
eval(fs.readFileSync({json.dumps(str(MAP_DIR / "pdf.js"))}, 'utf8'));
var jpeg = new Uint8Array(fs.readFileSync({json.dumps(str(jpeg))}));
var pdf = window.cpPdf(jpeg, 320, 200, {json.dumps(LINES)}, new Date(Date.UTC(2026, 0, 2)));
fs.writeFileSync({json.dumps(str(out))}, Buffer.from(pdf));
"""
    subprocess.run([str(NODE), "-e", script], check=True, timeout=60)
    return out.read_bytes()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_pdf_is_well_formed(tmp_path: Path) -> None:
    data = _pdf(tmp_path)
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF", data).group(1))  # type: ignore[union-attr]
    assert data[start:].startswith(b"xref\n0 11\n")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n ", data[start:])]
    assert len(offsets) == 10
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj\n".encode())
    # The JPEG is embedded as it is, with its length.
    image = re.search(rb"/Filter /DCTDecode /Length (\d+) >>\nstream\n", data)
    assert image is not None
    body = data[image.end() : image.end() + int(image.group(1))]
    assert body.startswith(b"\xff\xd8") and body.endswith(b"\xff\xd9")
    # A4 landscape.
    assert b"/MediaBox [0 0 842 595]" in data
    # The title in the document's properties (UTF-16, so no byte of it is markup).
    title_hex = "FEFF" + "".join(f"{ord(c):04X}" for c in TITLE)
    assert f"/Title <{title_hex}>".encode() in data


@pytest.mark.skipif(
    NODE is None or shutil.which("pdftotext") is None, reason="node or poppler missing"
)
def test_pdf_reads_back_with_its_title_and_legend(tmp_path: Path) -> None:
    _pdf(tmp_path)
    path = tmp_path / "map.pdf"
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    assert re.search(rf"Title:\s+{re.escape(TITLE)}\n", info.stdout)
    assert re.search(r"Pages:\s+1\n", info.stdout) and "842 x 595" in info.stdout
    assert "Syntax Error" not in info.stderr
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    squeezed = re.sub(r"\s+", "", text)
    for line in LINES:
        assert re.sub(r"\s+", "", line) in squeezed


def test_render_js_reads_only_rules_that_exist() -> None:
    source = (MAP_DIR / "render.js").read_text("utf-8")
    used = set(re.findall(r"RULES\.(\w+)", source))
    assert used and used <= set(legibility.rules())
    from dashboard.map.view import RENDER_JS

    assert "__RULES__" not in RENDER_JS and json.dumps(legibility.rules()) in RENDER_JS
