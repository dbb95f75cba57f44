"""Road lines taken apart into vertex records and straight segments, on plain arrays.

A *record* is one vertex of one part of one line (a MultiLineString has several parts). The
segment ``s`` runs from record ``seg_a[s]`` to record ``seg_a[s] + 1`` (the next vertex of the
same part). Records keep the line's attributes that decide what may join at a point: the
part, the level, whether the line is a motorway and whether the record is an end of its part.
Splits (crossings, T junctions) add more records later; :class:`Records` describes both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from analysis.reach.network.types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, eq=False)
class Records:
    """Points that may become nodes: the lines' vertices, then the split points.

    Parameters
    ----------
    x_m, y_m
        Coordinates as given (used for lengths and node positions), metres.
    key
        Quantised position (one integer per grid cell): equal keys are the same point.
    part, line, level
        Part, input line and z-level the point lies on.
    motorway
        True when it lies on a motorway.
    is_end
        True for the first and last vertex of a part (a line end may join any line there).
    """

    x_m: FloatArray
    y_m: FloatArray
    key: IntArray
    part: IntArray
    line: IntArray
    level: IntArray
    motorway: BoolArray
    is_end: BoolArray

    @property
    def size(self) -> int:
        """Number of records."""
        return int(self.x_m.shape[0])


@dataclass(frozen=True, eq=False)
class Segments:
    """The straight pieces between consecutive vertices of each part.

    Parameters
    ----------
    a
        Record of the segment's first vertex (its second is ``a + 1``).
    x0, y0, x1, y1
        Its ends as given, metres.
    length_m
        Its length, metres.
    """

    a: IntArray
    x0: FloatArray
    y0: FloatArray
    x1: FloatArray
    y1: FloatArray
    length_m: FloatArray

    @property
    def size(self) -> int:
        """Number of segments."""
        return int(self.a.shape[0])

    def geometries(self) -> NDArray[np.object_]:
        """Shapely LineStrings of the segments (for a spatial index)."""
        coords = np.stack([self.x0, self.y0, self.x1, self.y1], axis=1).reshape(-1, 2)
        return shapely.linestrings(coords, indices=np.repeat(np.arange(self.size), 2))


class Quantiser:
    """Maps coordinates to integer grid-cell keys (``grid_m`` cells, offset at an origin)."""

    def __init__(self, x_m: FloatArray, y_m: FloatArray, grid_m: float) -> None:
        self.grid_m = grid_m
        self.x0 = float(np.floor(x_m.min() / grid_m)) if x_m.size else 0.0
        self.y0 = float(np.floor(y_m.min() / grid_m)) if y_m.size else 0.0
        # One row of the key grid is wider than any coordinate span seen (with room for the
        # split points, which lie between vertices).
        span = float(np.ceil(y_m.max() / grid_m) - self.y0) if y_m.size else 0.0
        self.width = int(span) + 16

    def keys(self, x_m: FloatArray, y_m: FloatArray) -> IntArray:
        """Grid-cell key of each point."""
        kx = np.rint(x_m / self.grid_m - self.x0).astype(np.int64)
        ky = np.rint(y_m / self.grid_m - self.y0).astype(np.int64)
        return kx * self.width + ky


def explode(
    lines: NDArray[np.object_],
    level: IntArray,
    motorway: BoolArray,
    grid_m: float,
) -> tuple[Records, Segments, Quantiser]:
    """Vertex records and segments of every part of every line.

    Parameters
    ----------
    lines
        LineStrings/MultiLineStrings in a metric CRS (already oriented).
    level, motorway
        Per line: z-level, motorway or not.
    grid_m
        Quantisation step of the point keys, metres.
    """
    parts, part_line = shapely.get_parts(lines, return_index=True)
    coords, rec_part = shapely.get_coordinates(parts, return_index=True)
    x = np.ascontiguousarray(coords[:, 0], dtype=np.float64)
    y = np.ascontiguousarray(coords[:, 1], dtype=np.float64)
    rec_part = rec_part.astype(np.int64)
    n = x.shape[0]
    same_next = np.zeros(n, bool)
    if n > 1:
        same_next[:-1] = rec_part[1:] == rec_part[:-1]
    is_end = np.ones(n, bool)
    is_end[1:] = ~same_next[:-1]  # first of its part
    last = ~same_next
    is_end |= last
    rec_line = part_line.astype(np.int64)[rec_part]
    quant = Quantiser(x, y, grid_m)
    records = Records(
        x_m=x,
        y_m=y,
        key=quant.keys(x, y),
        part=rec_part,
        line=rec_line,
        level=np.asarray(level, np.int64)[rec_line],
        motorway=np.asarray(motorway, bool)[rec_line],
        is_end=is_end,
    )
    a = np.flatnonzero(same_next).astype(np.int64)
    x0, y0, x1, y1 = x[a], y[a], x[a + 1], y[a + 1]
    segments = Segments(a=a, x0=x0, y0=y0, x1=x1, y1=y1, length_m=np.hypot(x1 - x0, y1 - y0))
    return records, segments, quant


def append_records(
    records: Records,
    quant: Quantiser,
    segments: Segments,
    seg: IntArray,
    x_m: FloatArray,
    y_m: FloatArray,
) -> Records:
    """``records`` followed by split points at ``(x_m, y_m)`` on the segments ``seg``."""
    on = segments.a[seg]
    return Records(
        x_m=np.concatenate([records.x_m, x_m]),
        y_m=np.concatenate([records.y_m, y_m]),
        key=np.concatenate([records.key, quant.keys(x_m, y_m)]),
        part=np.concatenate([records.part, records.part[on]]),
        line=np.concatenate([records.line, records.line[on]]),
        level=np.concatenate([records.level, records.level[on]]),
        motorway=np.concatenate([records.motorway, records.motorway[on]]),
        is_end=np.concatenate([records.is_end, np.zeros(seg.shape[0], bool)]),
    )
