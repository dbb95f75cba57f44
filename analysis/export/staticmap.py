"""A static map of a plan without tiles: PNG for slides and for the meeting brief.

Townships are coloured by population coverage, county borders drawn over them, contact
points drawn by type (proposed ones ringed in red, moved in orange, removed crossed out in
grey), collection sites and representative homes as small marks; Chinese labels use the
Simplified Chinese face of Noto Sans CJK. A legend, a scale bar and a north arrow complete
it. The map is drawn in a local UTM projection so the scale bar is true.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pyproj
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from analysis.export.fonts import SC_FAMILY, find_cjk_font
from analysis.export.labels import STATUS_ZH, TYPE_ZH
from analysis.export.model import META_CITY, ExportBundle

#: Coverage classes: (upper bound exclusive, colour, label).
COVERAGE_CLASSES: tuple[tuple[float, str, str], ...] = (
    (1e-9, "#d7301f", "盲区(0%)"),
    (0.5, "#fc8d59", "低于50%"),
    (0.8, "#fee08b", "50%–80%"),
    (float("inf"), "#91cf60", "80%及以上"),
)
#: Marker and colour of contact points by type.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "urban_community": ("o", "#1f78b4"),
    "rural": ("^", "#33a02c"),
    "enterprise": ("s", "#6a3d9a"),
    "association": ("D", "#b15928"),
    "school": ("P", "#e31a1c"),
    "other": ("v", "#555555"),
}
STATUS_EDGE: dict[str, str] = {"proposed": "#e00000", "moved": "#ff8c00"}
#: Township names are written when there are at most this many townships.
MAX_TOWNSHIP_LABELS = 80
_FONT = [SC_FAMILY, "DejaVu Sans"]
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white", alpha=0.8)]


def local_crs(layer: gpd.GeoDataFrame) -> pyproj.CRS:
    """Transverse Mercator centred on the layer: metres, and north is up at the centre."""
    if layer.empty:
        return pyproj.CRS("EPSG:3857")
    x0, y0, x1, y1 = layer.total_bounds
    lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
    return pyproj.CRS.from_proj4(
        f"+proj=tmerc +lon_0={lon:.6f} +lat_0={lat:.6f} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    )


def render_map(
    bundle: ExportBundle,
    path: Path,
    *,
    title: str | None = None,
    size_in: tuple[float, float] = (10.0, 7.5),
    dpi: int = 150,
    label_townships: bool | None = None,
) -> Path:
    """Draw the plan's map and save it as PNG.

    Parameters
    ----------
    bundle
        Export layers (townships with ``coverage_share``; point layers with ``status``).
    path
        Target ``.png`` file.
    title
        Title over the map; default: "<city> · <scenario>" (``""`` for none).
    size_in, dpi
        Figure size in inches and resolution (default 1500 x 1125 px, 4:3 for slides).
    label_townships
        Write township names (county names are always written); default: when there are
        at most :data:`MAX_TOWNSHIP_LABELS` townships.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    find_cjk_font()
    path = Path(path)
    towns = bundle.layers["townships"]
    crs = local_crs(towns)
    if label_townships is None:
        label_townships = len(towns) <= MAX_TOWNSHIP_LABELS
    if title is None:
        city = bundle.meta.get(META_CITY, "")
        title = f"{city} · {bundle.title}" if city else bundle.title
    # A bare Figure (no pyplot) and fonts given per text (no rcParams change): no global
    # state, so the dashboard's sessions can render maps in parallel threads.
    fig = Figure(figsize=size_in, dpi=dpi)
    ax = fig.subplots()
    _draw(ax, bundle, crs, label_townships)
    ax.set_title(title, fontsize=15, family=_FONT, pad=10)
    fig.savefig(path, dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.15)
    return path


def _draw(ax: Axes, bundle: ExportBundle, crs: object, label_townships: bool) -> None:
    towns = bundle.layers["townships"].to_crs(crs)
    share = towns["coverage_share"].fillna(0.0) if "coverage_share" in towns else 0.0
    colours = [_class_colour(float(s)) for s in (share if not isinstance(share, float) else [])]
    towns.plot(ax=ax, color=colours or "#dddddd", edgecolor="#8c8c8c", linewidth=0.4)
    if "county" in towns.columns and not towns.empty:
        counties = towns[["county", towns.geometry.name]].dissolve(by="county")
        counties.boundary.plot(ax=ax, color="#333333", linewidth=1.3)
        for name, geom in zip(counties.index, counties.geometry, strict=True):
            p = geom.representative_point()
            ax.annotate(
                str(name),
                (p.x, p.y),
                ha="center",
                va="center",
                fontsize=11,
                family=_FONT,
                color="#222222",
                fontweight="bold",
                path_effects=_HALO,
            )
    if label_townships and "name" in towns.columns:
        for name, geom in zip(towns["name"], towns.geometry, strict=True):
            p = geom.representative_point()
            ax.annotate(
                str(name),
                (p.x, p.y),
                xytext=(0, -9),
                textcoords="offset points",
                ha="center",
                fontsize=5.5,
                family=_FONT,
                color="#444444",
            )
    _points(ax, bundle, crs)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _legend(ax, bundle)
    _scale_bar(ax)
    _north_arrow(ax)


def _class_colour(share: float) -> str:
    for upper, colour, _ in COVERAGE_CLASSES:
        if share < upper:
            return colour
    return COVERAGE_CLASSES[-1][1]


def _points(ax: Axes, bundle: ExportBundle, crs: object) -> None:
    sites = bundle.layers.get("collection_sites")
    if sites is not None and not sites.empty:
        live = sites[sites["status"] != "removed"].to_crs(crs)
        ax.scatter(live.geometry.x, live.geometry.y, s=5, c="#7f7f7f", zorder=3, linewidths=0)
    homes = bundle.layers.get("homes")
    if homes is not None and not homes.empty:
        live = homes[homes["status"] != "removed"].to_crs(crs)
        ax.scatter(
            live.geometry.x,
            live.geometry.y,
            s=22,
            marker="h",
            c="#e7298a",
            edgecolors="white",
            linewidths=0.5,
            zorder=4,
        )
    points = bundle.layers.get("contact_points")
    if points is None or points.empty:
        return
    pts = points.to_crs(crs)
    removed = pts[pts["status"] == "removed"]
    ax.scatter(removed.geometry.x, removed.geometry.y, s=50, marker="x", c="#9e9e9e", zorder=5)
    for kind, (marker, colour) in TYPE_STYLE.items():
        group = pts[(pts["type"] == kind) & (pts["status"] != "removed")]
        if group.empty:
            continue
        edges = [STATUS_EDGE.get(s, "white") for s in group["status"]]
        widths = [2.0 if s in STATUS_EDGE else 0.8 for s in group["status"]]
        ax.scatter(
            group.geometry.x,
            group.geometry.y,
            s=60,
            marker=marker,
            c=colour,
            edgecolors=edges,
            linewidths=widths,
            zorder=6,
        )


def _legend(ax: Axes, bundle: ExportBundle) -> None:
    handles: list[Patch | Line2D] = [
        Patch(facecolor=colour, edgecolor="#8c8c8c", label=f"覆盖率 {label}")
        for _, colour, label in COVERAGE_CLASSES
    ]
    points = bundle.layers.get("contact_points")
    present = set(points["type"]) if points is not None and not points.empty else set()
    for kind, (marker, colour) in TYPE_STYLE.items():
        if kind in present:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=marker,
                    color="none",
                    markerfacecolor=colour,
                    markeredgecolor="white",
                    markersize=8,
                    label=f"{TYPE_ZH[kind]}联系点",
                )
            )
    statuses = set(points["status"]) if points is not None and not points.empty else set()
    if "proposed" in statuses:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color="none",
                markerfacecolor="white",
                markeredgecolor=STATUS_EDGE["proposed"],
                markeredgewidth=2,
                markersize=8,
                label=f"{STATUS_ZH['proposed']}(红圈)",
            )
        )
    if "moved" in statuses:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color="none",
                markerfacecolor="white",
                markeredgecolor=STATUS_EDGE["moved"],
                markeredgewidth=2,
                markersize=8,
                label=f"{STATUS_ZH['moved']}(橙圈)",
            )
        )
    if "removed" in statuses:
        handles.append(
            Line2D(
                [],
                [],
                marker="x",
                color="#9e9e9e",
                linestyle="none",
                markersize=7,
                label=STATUS_ZH["removed"],
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            color="none",
            markerfacecolor="#7f7f7f",
            markeredgecolor="none",
            markersize=4,
            label="立法信息采集点",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            marker="h",
            color="none",
            markerfacecolor="#e7298a",
            markeredgecolor="white",
            markersize=7,
            label="代表之家",
        )
    )
    handles.append(Line2D([], [], color="#333333", linewidth=1.3, label="县区界"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        prop={"family": _FONT, "size": 8},
        frameon=True,
        title="图例",
        title_fontproperties={"family": _FONT, "size": 9},
    )


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^n metres) of about a fifth of ``span_m``."""
    target = max(span_m / 5.0, 1.0)
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return float(step * power)
    return float(power)


def _scale_bar(ax: Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    height = (y1 - y0) * 0.012
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    half = length / 2
    ax.add_patch(
        Rectangle((left, bottom), half, height, facecolor="black", edgecolor="black", zorder=8)
    )
    ax.add_patch(
        Rectangle(
            (left + half, bottom), half, height, facecolor="white", edgecolor="black", zorder=8
        )
    )
    label = f"{length / 1000:g} 公里" if length >= 1000 else f"{length:g} 米"
    ax.text(left, bottom + height * 1.8, "0", fontsize=7, family=_FONT, ha="center", zorder=8)
    ax.text(
        left + length, bottom + height * 1.8, label, fontsize=7, family=_FONT, ha="center", zorder=8
    )


def _north_arrow(ax: Axes) -> None:
    ax.annotate(
        "",
        xy=(0.96, 0.96),
        xytext=(0.96, 0.86),
        xycoords="axes fraction",
        arrowprops={
            "facecolor": "black",
            "edgecolor": "black",
            "width": 3,
            "headwidth": 10,
            "headlength": 10,
        },
        zorder=9,
    )
    ax.text(
        0.96,
        0.975,
        "北",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=11,
        family=_FONT,
        fontweight="bold",
        zorder=9,
    )
    ax.text(
        0.96,
        0.83,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=7,
        family=_FONT,
        zorder=9,
    )


__all__ = ["COVERAGE_CLASSES", "TYPE_STYLE", "local_crs", "nice_length", "render_map"]
