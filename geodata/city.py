"""The set of layers that describes one city: what the analysis works on."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from geodata.errors import Problem


@dataclass(frozen=True)
class CityData:
    """All layers of one study area, validated, in EPSG:4326 with canonical columns.

    Parameters
    ----------
    townships
        Township polygons (``code``, ``name``, ``county``, ``county_code``, ``population``,
        ``rural_population``, ``kind``).
    villages
        Village/community points, or ``None`` when only township populations exist.
    contact_points, collection_sites, homes
        Point layers (may be empty, never ``None``).
    name
        Display name of the study area.
    is_demo
        True for the built-in fictional demo city (the UI labels it as such).
    warnings
        Non-fatal problems found while loading.
    """

    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame | None
    contact_points: gpd.GeoDataFrame
    collection_sites: gpd.GeoDataFrame
    homes: gpd.GeoDataFrame
    name: str = ""
    is_demo: bool = False
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
