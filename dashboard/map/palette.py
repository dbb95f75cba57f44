"""Colours of the map: measure classes, point types, and the legend items they make.

Legends are drawn outside the map (HTML beside it): a branca colormap on the map would make
st_folium fetch d3 from a CDN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dashboard.i18n import Lang, fmt_pop, fmt_share, t

MEASURES: tuple[str, ...] = (
    "coverage_share",
    "population",
    "rural_share",
    "uncovered_population",
)
#: Measures of road mode only (a dataset measured by the radius has no travel minutes).
ROAD_MEASURES: tuple[str, ...] = ("nearest_point_minutes",)
#: Measures that are travel minutes (fixed class breaks; road mode only).
MINUTE_MEASURES = frozenset({"nearest_point_minutes"})
#: Classes of minutes to the nearest contact point (upper bounds).
MINUTE_BREAKS = (15.0, 30.0, 45.0, 60.0)
#: Measures that are fractions in [0, 1] (fixed class breaks).
SHARE_MEASURES = frozenset({"coverage_share", "rural_share"})

_PALETTES: dict[str, tuple[str, ...]] = {
    # low coverage is the problem: red -> blue
    "coverage_share": ("#b2182b", "#ef8a62", "#fddbc7", "#92c5de", "#2166ac"),
    "population": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "rural_share": ("#ffffcc", "#d9f0a3", "#addd8e", "#41ab5d", "#006837"),
    # zero uncovered gets its own neutral class; then light -> dark orange
    "uncovered_population": ("#f2f2f2", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"),
    # near is good: green -> red (an hour and more, or no road at all, is the darkest)
    "nearest_point_minutes": ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#b2182b"),
}
NO_DATA_COLOR = "#d9d9d9"
SHARE_BREAKS = (0.2, 0.4, 0.6, 0.8)

#: Contact point types: colour and the character drawn in the badge.
POINT_STYLE: dict[str, tuple[str, str]] = {
    "urban_community": ("#1f4e8c", "社"),
    "rural": ("#2e7d32", "农"),
    "enterprise": ("#6a3d9a", "企"),
    "association": ("#c77800", "协"),
    "school": ("#00838f", "校"),
    "other": ("#5f6b7a", "他"),
}
HOME_STYLE = ("#8e244d", "家")
#: Badge letters in English (the Chinese badges carry one character of the type's name).
_BADGE_EN = {
    "urban_community": "U",
    "rural": "R",
    "enterprise": "E",
    "association": "A",
    "school": "S",
    "other": "O",
    "home": "H",
}


def minutes_text(value: object, lang: Lang) -> str:
    """``35分钟`` / ``35 min``; ``无法经道路到达`` for unreachable; ``—`` when unknown."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return t("minutes_unreachable", lang)
    return t("minutes_value", lang, m=f"{v:.0f}")


def badge_styles(lang: Lang) -> dict[str, tuple[str, str]]:
    """Return ``type -> (colour, badge text)`` for the language (``home`` included)."""
    styles = {**POINT_STYLE, "home": HOME_STYLE}
    if lang == "en":
        return {k: (color, _BADGE_EN.get(k, "?")) for k, (color, _) in styles.items()}
    return styles


SITE_COLOR = "#37474f"
SITE_ORPHAN_COLOR = "#e65100"
LINK_COLOR = "#546e7a"
ROAD_COLOR = "#3b4149"
BLIND_COLOR = "#c62828"
COUNTY_COLOR = "#1c2b3a"
VILLAGE_COVERED = "#78909c"
VILLAGE_UNCOVERED = "#d32f2f"
MAP_BACKGROUND = "#e8edf2"


@dataclass(frozen=True)
class ColorScale:
    """Classes of one measure: ``breaks[i]`` is the upper bound of class ``i``.

    Parameters
    ----------
    measure
        One of :data:`MEASURES`.
    breaks
        Ascending upper bounds of every class but the last.
    colors
        One colour per class (``len(breaks) + 1``).
    zero_class
        True when class 0 holds exactly the zeros (uncovered population).
    """

    measure: str
    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    zero_class: bool = False

    def color(self, value: float | None) -> str:
        """Return the fill colour of ``value`` (grey for missing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOR
        if self.zero_class:
            if value <= 0:
                return self.colors[0]
            return self.colors[1 + int(np.searchsorted(self.breaks[1:], value, side="left"))]
        return self.colors[int(np.searchsorted(self.breaks, value, side="right"))]

    def legend(self, lang: Lang) -> list[tuple[str, str]]:
        """Return ``(colour, label)`` pairs, one per class."""
        fmt = (
            (lambda v: fmt_share(v, 0))
            if self.measure in SHARE_MEASURES
            else (lambda v: f"{v:g}")
            if self.measure in MINUTE_MEASURES
            else (lambda v: fmt_pop(v, lang))
        )
        items: list[tuple[str, str]] = []
        bounds = list(self.breaks)
        if self.zero_class:
            items.append((self.colors[0], "0"))
            bounds = bounds[1:]
            colors = self.colors[1:]
            lows: list[float | None] = [0.0, *bounds]
        else:
            colors = self.colors
            lows = [None, *bounds]
        for i, color in enumerate(colors):
            low = lows[i]
            high = bounds[i] if i < len(bounds) else None
            if low is None and high is not None:
                label = f"< {fmt(high)}"
            elif high is None and low is not None:
                label = f"≥ {fmt(low)}"
            elif low is not None and high is not None:
                label = f"{fmt(low)} – {fmt(high)}"
            else:
                label = ""
            items.append((color, label))
        if self.measure in MINUTE_MEASURES and items:
            # The last class also holds the places no road leads from (infinite minutes).
            items[-1] = (items[-1][0], t("minutes_legend_last", lang, m=fmt(self.breaks[-1])))
        return items


def _nice(value: float) -> float:
    """Round a class break to two significant digits."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    return float(round(value / magnitude, 1) * magnitude)


def color_scale(measure: str, values: Sequence[float | None]) -> ColorScale:
    """Return the colour classes of ``measure`` for these values.

    Shares use fixed 20 % steps (comparable across datasets and filters); counts use
    quintiles of the positive values, rounded to two significant digits.
    """
    colors = _PALETTES[measure]
    if measure in SHARE_MEASURES:
        return ColorScale(measure, SHARE_BREAKS, colors)
    if measure in MINUTE_MEASURES:
        return ColorScale(measure, MINUTE_BREAKS, colors)
    arr = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if measure == "uncovered_population":
        pos = arr[arr > 0]
        qs = np.quantile(pos, [0.25, 0.5, 0.75]) if pos.size else np.array([1.0, 2.0, 3.0])
        breaks = _strictly_increasing([_nice(q) for q in qs])
        return ColorScale(measure, (0.0, *breaks), colors, zero_class=True)
    qs = np.quantile(arr, [0.2, 0.4, 0.6, 0.8]) if arr.size else np.array([1.0, 2.0, 3.0, 4.0])
    return ColorScale(measure, tuple(_strictly_increasing([_nice(q) for q in qs])), colors)


def _strictly_increasing(values: list[float]) -> tuple[float, ...]:
    out: list[float] = []
    for v in values:
        if out and v <= out[-1]:
            v = out[-1] + max(1.0, abs(out[-1]) * 0.01)
        out.append(v)
    return tuple(out)
