"""Townships the working scenario changed, drawn over the simulation's fixed base map.

The base map (:func:`dashboard.simulate.map.base_map`) colours every township by the loaded
data's coverage and stays in the browser while the planner edits. An edit changes the
figures of a handful of townships only (those within reach of the new, moved or removed
point); :func:`township_overlay` returns just those, with the scenario's colour class and
tooltip figures, and they travel with the points in st_folium's ``feature_group_to_add``,
drawn over their base polygon. Nothing changed: nothing is sent.

The overlay is opaque and painted in the colour the base polygon would show (its class
colour at the base layer's opacity over the map background), so a changed township looks
exactly like an unchanged one of the same class, and the legend holds for both. Blind
spots (no one covered, the KPI 盲区乡镇) are hatched on both, so a township a new point
reaches loses its hatching even when its coverage stays in the lowest class.
Every text is escaped here.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from dashboard.i18n import Lang, fmt_int, fmt_pop, fmt_share, t
from dashboard.map.palette import MAP_BACKGROUND, color_scale

#: Fill opacity of the base map's townships (``dashboard.map.data.township_features``).
BASE_FILL_OPACITY = 0.78
#: Measure the simulation map colours townships by.
MEASURE = "coverage_share"
#: Township columns whose change puts a township in the overlay (colour or tooltip).
FIGURES: tuple[str, ...] = (
    "covered_population",
    "rural_covered_population",
    "contact_points",
    "is_blind_spot",
)


#: SVG patterns of blind-spot townships (no one covered): the lowest class's red, hatched
#: in white; ``HATCH`` for the base map (drawn at its opacity), ``HATCH_SEEN`` for the
#: opaque overlay (the same look).
HATCH, HATCH_SEEN = "sim-hatch", "sim-hatch-seen"


def hatch_js() -> str:
    """JavaScript that adds the blind-spot patterns to the map's document (once)."""
    red = color_scale(MEASURE, []).colors[0]
    pats = "".join(
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="7" height="7"'
        ' patternTransform="rotate(45)">'
        f'<rect width="7" height="7" fill="{bg}"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{line}" stroke-width="1.6"/></pattern>'
        for pid, bg, line in (
            (HATCH, red, "#ffffff"),
            (HATCH_SEEN, seen_color(red), seen_color("#ffffff")),
        )
    )
    svg = f'<svg width="0" height="0" style="position:absolute"><defs>{pats}</defs></svg>'
    return (
        f"(function() {{ if (document.getElementById('{HATCH}')) {{ return; }}"
        " var d = document.createElement('div'); d.innerHTML = " + json.dumps(svg) + ";"
        " document.body.appendChild(d.firstChild); })();"
    )


def legend_swatch(blind: bool, color: str = "") -> str:
    """CSS background of a legend swatch as the map shows a township (hatched when blind)."""
    if not blind:
        return seen_color(color)
    red = seen_color(color_scale(MEASURE, []).colors[0])
    white = seen_color("#ffffff")
    return f"repeating-linear-gradient(45deg, {red} 0 3px, {white} 3px 5px)"


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def seen_color(color: str, opacity: float = BASE_FILL_OPACITY, under: str = MAP_BACKGROUND) -> str:
    """Return the colour a fill of ``color`` at ``opacity`` shows over ``under`` (``#rrggbb``)."""
    top, low = _rgb(color), _rgb(under)
    mixed = (round(opacity * a + (1 - opacity) * b) for a, b in zip(top, low, strict=True))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _flag(value: Any) -> bool:
    """True for a true boolean (Python or NumPy); missing values are not flags."""
    return isinstance(value, bool | np.bool_) and bool(value)


def changed_townships(base: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of ``current`` whose figures differ from ``base`` (matched by code).

    Adds ``base_coverage_share``, ``color`` (class colour of the scenario's coverage) and
    ``base_color`` (the base map's). Empty when nothing changed.

    Parameters
    ----------
    base
        ``CoverageResult.townships`` of the loaded data (what the base map shows).
    current
        ``CoverageResult.townships`` of the working scenario.
    """
    cols = [c for c in FIGURES if c in current.columns and c in base.columns]
    old = base.set_index(base["code"].astype(str))
    now = current.set_index(current["code"].astype(str))
    old = old.reindex(now.index)
    differs = np.zeros(len(now), dtype=bool)
    for col in cols:
        differs |= _differs(now[col].to_numpy(), old[col].to_numpy())
    # Colours only where the share differs (or a figure does): an equal share is an equal
    # class, so the other ~1,500 townships of a province need no colour look-up.
    new_share, old_share = now["coverage_share"].to_numpy(), old["coverage_share"].to_numpy()
    rows = np.flatnonzero(differs | _differs(new_share, old_share))
    scale = color_scale(MEASURE, [])
    new_color = [scale.color(_num(v)) for v in new_share[rows]]
    old_color = [scale.color(_num(v)) for v in old_share[rows]]
    recoloured = np.array([a != b for a, b in zip(new_color, old_color, strict=True)], dtype=bool)
    differs[rows[recoloured]] = True
    keep = differs[rows]
    some = now.iloc[rows]
    out = some.assign(
        base_coverage_share=old_share[rows],
        color=pd.Series(new_color, index=some.index, dtype=str),  # str even when empty
        base_color=pd.Series(old_color, index=some.index, dtype=str),
    )[keep]
    return out.reset_index(drop=True)


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where two columns differ (two missing values are equal)."""
    return np.asarray(~((a == b) | (pd.isna(a) & pd.isna(b))), dtype=bool)


def _tip(row: Any, lang: Lang) -> str:
    pop = _num(row.population) or 0.0
    rural = _num(getattr(row, "rural_population", None))
    rows = [
        (t("tip_county", lang), str(row.county)),
        (t("tip_population", lang), fmt_pop(_num(row.population), lang)),
        (
            t("tip_rural_share", lang),
            fmt_share(rural / pop if pop > 0 and rural is not None else None),
        ),
        (t("tip_coverage", lang), fmt_share(_num(row.coverage_share))),
        (t("sim_tip_base_coverage", lang), fmt_share(_num(row.base_coverage_share))),
        (
            t("tip_rural_coverage", lang),
            fmt_share(_num(getattr(row, "rural_coverage_share", None))),
        ),
        (t("tip_uncovered", lang), fmt_pop(_num(getattr(row, "uncovered_population", None)), lang)),
        (t("tip_points", lang), fmt_int(_num(getattr(row, "contact_points", None)))),
    ]
    blind = _flag(getattr(row, "is_blind_spot", False))
    head = f"<div class='sim-tip'><b>{html.escape(str(row.name))}</b>"
    if blind:
        head += f" <span class='s'>{html.escape(t('tip_blind', lang))}</span>"
    body = "".join(f"<br><span class='s'>{html.escape(k)}</span> {html.escape(v)}" for k, v in rows)
    return head + body + "</div>"


def township_overlay(
    base: pd.DataFrame,
    current: pd.DataFrame,
    geoms: dict[str, dict[str, Any]],
    lang: Lang,
) -> dict[str, Any]:
    """Return the changed townships as a GeoJSON FeatureCollection (no features: no change).

    Each feature carries ``code``, its class colour ``c`` (the scenario's), ``b`` (1 for a
    blind spot, drawn hatched as on the base map), ``style`` (opaque, in the colour the
    base map would show for that class) and an escaped tooltip ``tip`` with the
    scenario's figures and the loaded data's coverage.

    Parameters
    ----------
    base, current
        ``CoverageResult.townships`` of the loaded data and of the working scenario.
    geoms
        Display geometry by township code (``dashboard.map.cache.display_geometry``), the
        base map's own, so the overlay covers its polygon exactly.
    lang
        Language of the tooltips.
    """
    feats: list[dict[str, Any]] = []
    for row in changed_townships(base, current).itertuples(index=False):
        geom = geoms.get(str(row.code))
        if geom is None:
            continue
        blind = _flag(getattr(row, "is_blind_spot", False))
        feats.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "code": html.escape(str(row.code)),
                    "c": row.color,
                    "b": int(blind),
                    "tip": _tip(row, lang),
                    "style": {
                        "fillColor": f"url(#{HATCH_SEEN})" if blind else seen_color(str(row.color)),
                        "fillOpacity": 1,
                        "color": "#ffffff",
                        "weight": 0.8,
                        "opacity": 1,
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}
