"""The proposal's coverage curve (coverage share against the number of new points) as a
small SVG picture drawn on the server.

It replaced an Altair (Vega-Lite) chart: the browser spent ~0.3 s of CPU building that
chart for every proposal drawn (Vega's parser and dataflow, measured with Chromium's
profiler in ``bench.optimise_concurrent``'s sessions), for a line of at most a few dozen
points. The picture is the line, a dot per point and labelled axes; the figures of each
point are in the proposal's table next to it (the chart's tooltips are gone). ``st.html``
drops inline SVG (its sanitiser keeps HTML only), so the SVG travels as an ``<img>``
with a ``data:`` address (:func:`curve_img`).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.safetext import html_text

#: Drawing box (SVG user units; the SVG scales to the column's width).
WIDTH, HEIGHT = 600, 290
#: Room for the axes' labels: left, right, top, bottom.
PAD_L, PAD_R, PAD_T, PAD_B = 62, 16, 34, 50
#: Font size of the labels (user units: ~11 px in a 420 px wide column).
FONT = 16
LINE_COLOR = "#1f4e8c"
AXIS_COLOR = "#8a96a3"


@dataclass(frozen=True)
class CurveLabels:
    """Texts of the chart (already in the page's language)."""

    x_title: str
    y_title: str


def _ticks(lo: float, hi: float, count: int) -> list[float]:
    """About ``count`` round tick values from ``lo`` to ``hi``."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    step = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= step * factor:
            step *= factor
            break
    first = math.ceil(lo / step - 1e-9) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def curve_svg(ks: Sequence[int], shares: Sequence[float], labels: CurveLabels) -> str:
    """The curve as an SVG document (text).

    Parameters
    ----------
    ks
        Number of new points at each step (x).
    shares
        Population coverage share in [0, 1] after that step (y).
    labels
        Axis titles (escaped here).

    Returns
    -------
    str
        The SVG; empty when there is no point.
    """
    if not ks:
        return ""
    x_lo, x_hi = min(ks), max(max(ks), min(ks) + 1)
    y_lo, y_hi = min(shares), max(shares)
    if y_hi - y_lo < 1e-3:  # a flat line: a band around it
        y_lo, y_hi = max(0.0, y_lo - 0.01), min(1.0, y_hi + 0.01)
    pad = (y_hi - y_lo) * 0.06
    y_lo, y_hi = max(0.0, y_lo - pad), min(1.0, y_hi + pad)
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B

    def x_of(k: float) -> float:
        return PAD_L + (k - x_lo) / (x_hi - x_lo) * plot_w

    def y_of(share: float) -> float:
        return PAD_T + (1 - (share - y_lo) / (y_hi - y_lo)) * plot_h

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">'
    ]
    bottom, left = PAD_T + plot_h, PAD_L
    for value in _ticks(y_lo, y_hi, 4):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e3e8ee" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 5:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="#5f6b7a">{value * 100:.{0 if y_hi - y_lo > 0.05 else 1}f}%</text>'
        )
    for value in _ticks(x_lo, x_hi, 8):
        if value != int(value):
            continue  # whole points only
        x = x_of(value)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" '
            f'stroke="{AXIS_COLOR}"/>'
            f'<text x="{x:.1f}" y="{bottom + 21}" font-size="{FONT}" text-anchor="middle" '
            f'fill="#5f6b7a">{int(value)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - PAD_R}" y1="{bottom}" y2="{bottom}" '
        f'stroke="{AXIS_COLOR}"/>'
        f'<text x="{left + plot_w / 2:.1f}" y="{HEIGHT - 6}" font-size="{FONT}" '
        f'text-anchor="middle" fill="#1c2b3a">{html_text(labels.x_title)}</text>'
        f'<text x="{left - 6}" y="{PAD_T - 14}" font-size="{FONT}" text-anchor="start" '
        f'fill="#1c2b3a">{html_text(labels.y_title)}</text>'
    )
    points = " ".join(f"{x_of(k):.1f},{y_of(s):.1f}" for k, s in zip(ks, shares, strict=True))
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="{LINE_COLOR}" stroke-width="2"/>'
    )
    for k, share in zip(ks, shares, strict=True):
        parts.append(
            f'<circle cx="{x_of(k):.1f}" cy="{y_of(share):.1f}" r="4.5" fill="{LINE_COLOR}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def curve_img(svg: str, alt: str) -> str:
    """The SVG of :func:`curve_svg` as an ``<img>`` (for ``st.html``), scaled to the
    column's width; empty for an empty SVG."""
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="cp-curve" alt="{html_text(alt)}" src="data:image/svg+xml;base64,{data}" '
        'style="width:100%;max-width:640px;height:auto"/>'
    )
