"""The map legend, drawn as HTML beside the map (never a colormap on the map itself)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from dashboard.i18n import Lang, point_type_label, t
from dashboard.map.palette import (
    POINT_STYLE,
    SITE_COLOR,
    SITE_ORPHAN_COLOR,
    VILLAGE_COVERED,
    VILLAGE_UNCOVERED,
    ColorScale,
    badge_styles,
)


def service_area_labels(
    info: dict[str, Any], point_types: list[str], lang: Lang
) -> list[tuple[str, list[str]]]:
    """Legend lines of the service areas: ``(道路可达范围（驾车20分钟）, colours)``, one per
    distinct (travel mode, minutes) among ``point_types``, with the colours of its types."""
    if info.get("mode") != "road":
        return []
    seen: dict[tuple[str, float], list[str]] = {}
    for p in point_types:
        if p in info["minutes"]:
            color = POINT_STYLE.get(p, POINT_STYLE["other"])[0]
            seen.setdefault((info["travel"][p], info["minutes"][p]), []).append(color)
    return [
        (t("legend_service_area", lang, mode=t(f"travel_{mode}", lang), minutes=f"{m:g}"), colors)
        for (mode, m), colors in seen.items()
    ]


def _row(swatch: str, label: str) -> str:
    return f"<div class='row'>{swatch}<span>{html.escape(label)}</span></div>"


def legend_html(
    scale: ColorScale,
    measure_title: str,
    layers: Iterable[str],
    point_types: Iterable[str],
    lang: Lang,
    reach: dict[str, Any] | None = None,
) -> str:
    """Return the legend for the chosen measure and the visible layers.

    Parameters
    ----------
    scale
        Colour classes of the township measure.
    measure_title
        Translated name of the measure.
    layers
        Visible layer names (see :data:`dashboard.map.view.LAYERS`).
    point_types
        Contact point types present in the view (only those are listed).
    lang
        Interface language.
    reach
        How reach was measured (:attr:`dashboard.map.pipeline.AreaFigures.reach`): in road
        mode the service areas are road stretches, one legend line per travel time.
    """
    reach = reach or {"mode": "radius"}
    shown = set(layers)
    parts = [f"<div class='cp-legend'><div class='h'>{html.escape(measure_title)}</div>"]
    for color, label in scale.legend(lang):
        parts.append(_row(f"<span class='sw' style='background:{color}'></span>", label))
    if "blind_spots" in shown:
        parts.append(_row("<span class='sw hatch'></span>", t("legend_blind_spot", lang)))
    badges = badge_styles(lang)
    types = [p for p in POINT_STYLE if p in set(point_types)]
    if "contact_points" in shown and types:
        parts.append(f"<div class='h'>{html.escape(t('layer_contact_points', lang))}</div>")
        for p in types:
            color, char = badges[p]
            dot = f"<span class='dot' style='background:{color}'>{char}</span>"
            parts.append(_row(dot, point_type_label(p, lang)))
    road_lines = service_area_labels(reach, list(point_types), lang)
    if "radii" in shown and road_lines:
        for label, colors in road_lines:
            stops = ", ".join(colors + colors[-1:])  # one colour needs two stops
            swatch = f"<span class='line area' style='background:linear-gradient(90deg, {stops})'>"
            parts.append(_row(swatch + "</span>", label))
    elif "radii" in shown:
        parts.append(_row("<span class='sw ring'></span>", t("legend_radius", lang)))
    if "roads" in shown and reach.get("mode") == "road":
        parts.append(_row("<span class='line road'></span>", t("legend_roads", lang)))
    extra = []
    if "collection_sites" in shown:
        extra.append(
            _row(
                f"<span class='dot small' style='background:{SITE_COLOR}'></span>",
                t("legend_site", lang),
            )
        )
        extra.append(
            _row(
                f"<span class='dot small' style='background:{SITE_ORPHAN_COLOR}'></span>",
                t("legend_site_orphan", lang),
            )
        )
    if "site_links" in shown:
        extra.append(_row("<span class='line'></span>", t("layer_site_links", lang)))
    if "homes" in shown:
        color, char = badges["home"]
        extra.append(
            _row(
                f"<span class='dot sq' style='background:{color}'>{char}</span>",
                t("legend_home", lang),
            )
        )
    if "villages" in shown:
        extra.append(
            _row(
                f"<span class='dot small' style='background:{VILLAGE_COVERED}'></span>",
                t("legend_village_covered", lang),
            )
        )
        extra.append(
            _row(
                f"<span class='dot small' style='background:{VILLAGE_UNCOVERED}'></span>",
                t("legend_village_uncovered", lang),
            )
        )
    if extra:
        parts.append(f"<div class='h'>{html.escape(t('legend_points', lang))}</div>")
        parts.extend(extra)
    parts.append("</div>")
    return "".join(parts)
