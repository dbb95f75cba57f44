"""The optimiser's coverage curve drawn as an SVG picture on the server (no Vega in the
browser): one dot per step, axes labelled, names escaped, carried as an ``<img>``."""

from __future__ import annotations

import base64
import re

from dashboard.simulate.optimise_curve import CurveLabels, _ticks, curve_img, curve_svg

LABELS = CurveLabels("新增点位数", "人口覆盖率")


def _decoded(img: str) -> str:
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img)
    assert data is not None, img
    return base64.b64decode(data.group(1)).decode("utf-8")


def test_one_dot_per_step_on_a_line_through_them_all() -> None:
    ks = list(range(17))
    shares = [0.2 + 0.47 * (1 - 0.8**k) for k in ks]
    svg = curve_svg(ks, shares, LABELS)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == len(ks)
    line = re.search(r'<polyline points="([^"]+)"', svg)
    assert line is not None and len(line.group(1).split()) == len(ks)
    # y grows upward: the last (highest) share is drawn above the first
    ys = [float(p.split(",")[1]) for p in line.group(1).split()]
    assert ys[-1] < ys[0]
    assert "新增点位数" in svg and "人口覆盖率" in svg and "%</text>" in svg


def test_labels_are_escaped_and_the_picture_travels_as_an_img() -> None:
    labels = CurveLabels('<b>"x"</b>', "y & z")
    svg = curve_svg([0, 1], [0.5, 0.6], labels)
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp;" in svg
    img = curve_img(svg, '<script>"alt"')
    assert img.startswith('<img class="cp-curve"') and "<script>" not in img
    assert _decoded(img) == svg


def test_no_step_no_picture_and_a_flat_line_still_draws() -> None:
    assert curve_svg([], [], LABELS) == "" and curve_img("", "a") == ""
    svg = curve_svg([0], [0.3], LABELS)
    assert svg.count("<circle") == 1 and "nan" not in svg.lower()


def test_ticks_are_round_and_cover_the_range() -> None:
    assert _ticks(0, 20, 8) == [0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20]
    ticks = _ticks(0.2, 0.67, 4)
    assert ticks[0] >= 0.2 and ticks[-1] <= 0.67 and len(ticks) >= 3
    assert _ticks(1, 1, 4) == [1]
