"""A small raster MBTiles file for the base-map tests (real SQLite, real PNG tiles)."""

from __future__ import annotations

import io
import math
import sqlite3
from pathlib import Path

from PIL import Image, ImageDraw

#: Colour of every test tile's land (the browser test looks for it in the map's pixels).
TILE_RGB = (214, 232, 200)


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Return the XYZ (Google/OSM) tile holding ``lon``/``lat`` at zoom ``z``."""
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def _png(z: int, x: int, y: int) -> bytes:
    img = Image.new("RGB", (256, 256), TILE_RGB)
    g = ImageDraw.Draw(img)
    g.rectangle([0, 0, 255, 255], outline=(150, 170, 140))
    for k in range(32, 256, 64):
        g.line([(0, k), (255, k)], fill=(190, 205, 180))
        g.line([(k, 0), (k, 255)], fill=(190, 205, 180))
    g.text((8, 8), f"{z}/{x}/{y}", fill=(90, 110, 80))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_mbtiles(
    path: Path, bounds: tuple[float, float, float, float], zooms: range = range(6, 12)
) -> int:
    """Write an MBTiles file covering ``bounds`` (west, south, east, north) at ``zooms``.

    Returns
    -------
    int
        The number of tiles written.
    """
    west, south, east, north = bounds
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    meta = {
        "name": "test base map",
        "format": "png",
        "bounds": f"{west},{south},{east},{north}",
        "attribution": "测试底图 <b>test</b>",
        "minzoom": str(zooms.start),
        "maxzoom": str(zooms.stop - 1),
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    count = 0
    for z in zooms:
        x0, y0 = tile_xy(west, north, z)
        x1, y1 = tile_xy(east, south, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                row = (1 << z) - 1 - y  # MBTiles rows are TMS
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, row, _png(z, x, y)))
                count += 1
    db.commit()
    db.close()
    return count
