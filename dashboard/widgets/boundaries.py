"""The data page's overlaps and gaps between township boundaries: a table and a map.

:func:`boundary_frame` lists what the check reported (kind, townships, area) from the
``township_overlap``/``township_gap`` warnings; :func:`boundary_map` draws the same places
over the township outlines (overlaps red, gaps orange) so the planner sees where they are.
The map is plain folium with the vendored Leaflet (no tiles, no outside request).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import Lang, t
from dashboard.safetext import html_text

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from geodata.errors import Problem

_BOUNDARY_CODES = ("township_overlap", "township_gap")
#: Fill of each kind of place (the problem colours of the rest of the dashboard).
_KIND_COLOR = {"overlap": "#c62828", "gap": "#ef6c00"}
MAP_HEIGHT = 380


def boundary_frame(problems: Iterable[Problem], lang: Lang) -> pd.DataFrame:
    """One row per overlap or gap reported by the check (kind, townships, area in km²)."""
    rows = []
    for p in problems:
        if p.code not in _BOUNDARY_CODES:
            continue
        kind = t("boundary_overlap" if p.code == "township_overlap" else "boundary_gap", lang)
        for names, area in zip(
            p.params.get("townships", []), p.params.get("areas_km2", []), strict=False
        ):
            rows.append(
                {
                    t("boundary_col_kind", lang): kind,
                    t("boundary_col_townships", lang): names,
                    t("boundary_col_area", lang): round(float(area), 3),
                }
            )
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, max_entries=4)
def _issues_geojson(dataset_id: str, _townships: gpd.GeoDataFrame) -> dict[str, Any]:
    """The overlaps and gaps of one checked dataset as GeoJSON (lon/lat)."""
    from geodata.boundaries.topology import boundary_issues

    table = boundary_issues(_townships).table
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": str(kind), "names": str(names), "area": float(area)},
                "geometry": geom.__geo_interface__,
            }
            for kind, names, area, geom in zip(
                table["kind"], table["names"], table["area_km2"], table.geometry, strict=True
            )
        ],
    }


def boundary_map(
    dataset_id: str, townships: gpd.GeoDataFrame, lang: Lang, height: int = MAP_HEIGHT
) -> folium.Map:
    """A small map of the township outlines with their overlaps and gaps drawn on top."""
    import folium
    from folium.utilities import JsCode

    from dashboard.adapters.streamlit_internals import folium_no_value_js
    from dashboard.map.assets import add_css, use_offline_assets
    from dashboard.map.palette import MAP_BACKGROUND

    issues = _issues_geojson(dataset_id, townships)
    outline = townships.to_crs(4326)[["name", "geometry"]]
    # folium's GeoJsonTooltip puts the fields into innerHTML as they are: names as text.
    outline["name"] = outline["name"].map(html_text)
    m = folium.Map(
        location=None, tiles=None, attribution_control=False, height=height, zoom_snap=0.25
    )
    use_offline_assets(m)
    add_css(m, f".leaflet-container {{ background: {MAP_BACKGROUND}; }}", "cp_boundary_css")
    # folium's own style_function does not survive st_folium here: styles ride in the data.
    styled = JsCode("function(f) { return f.properties.style || {}; }")
    folium.GeoJson(
        outline.__geo_interface__,
        style_function=None,
        style=JsCode("function(f) { return {color: '#607d8b', weight: 0.8, fillOpacity: 0.04}; }"),
        tooltip=folium.GeoJsonTooltip(["name"], labels=False),
        name="townships",
    ).add_to(m)
    if issues["features"]:
        features = []
        for f in issues["features"]:
            kind = f["properties"]["kind"]
            color = _KIND_COLOR[kind]
            label = f"{t(f'boundary_{kind}', lang)}: {html_text(f['properties']['names'])}"
            style = {"color": color, "fillColor": color, "weight": 2.5, "fillOpacity": 0.7}
            features.append(
                {**f, "properties": {**f["properties"], "label": label, "style": style}}
            )
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=None,
            style=styled,
            tooltip=folium.GeoJsonTooltip(["label", "area"], labels=False),
            name="boundary_issues",
        ).add_to(m)
        # Slivers are thin: fit to them, with their townships' outlines around them.
        lon0, lat0, lon1, lat1 = _bounds(issues)
        m.fit_bounds([[lat0, lon0], [lat1, lon1]], padding=(30, 30), max_zoom=14)
    else:
        lon0, lat0, lon1, lat1 = (float(v) for v in outline.total_bounds)
        m.fit_bounds([[lat0, lon0], [lat1, lon1]])
    root: Any = m.get_root()  # a branca Figure (typed as Element)
    root.script.add_child(folium.Element(folium_no_value_js()))
    return m


def _bounds(collection: dict[str, Any]) -> tuple[float, float, float, float]:
    import shapely

    geoms = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return float(x0), float(y0), float(x1), float(y1)


def show_boundaries(
    problems: Iterable[Problem], dataset_id: str, townships: gpd.GeoDataFrame | None, lang: Lang
) -> None:
    """The expander with the overlaps and gaps: their table, and their map when drawn."""
    from streamlit_folium import st_folium

    table = boundary_frame(problems, lang)
    if table.empty:
        return
    with st.expander(t("boundary_title"), icon=":material/layers:"):
        st.dataframe(table, hide_index=True, key=state.DATA_BOUNDARY_TABLE)
        if townships is None:
            return
        st.caption(t("boundary_map_caption"))
        st_folium(
            boundary_map(dataset_id, townships, lang),
            key=state.DATA_BOUNDARY_MAP,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=[],
        )
