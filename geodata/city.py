"""The set of layers that describes one city: what the analysis works on."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geodata.coords import CHINA_BBOX_DEG
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
    roads
        Road lines (``name``, ``road_class``, ``speed_kmh``, ``oneway``, ``level``; see
        :mod:`geodata.road_schema`), or ``None`` when no road layer was loaded.
    demand_cells
        People per cell of a population raster (``township_code``, ``lon``, ``lat``,
        ``population``: :func:`geodata.raster.population.raster_demand_grid`), the demand
        of the townships without villages in place of the uniform grid; ``None`` when the
        raster (if any) only gave the totals.
    """

    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame | None
    contact_points: gpd.GeoDataFrame
    collection_sites: gpd.GeoDataFrame
    homes: gpd.GeoDataFrame
    name: str = ""
    is_demo: bool = False
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    roads: gpd.GeoDataFrame | None = None
    demand_cells: pd.DataFrame | None = None

    @property
    def outside_china(self) -> bool:
        """True when the townships reach beyond China's box: data the user placed elsewhere.

        Files added to this city later (points uploaded on the simulation page, candidate
        sites) are read with ``read_layer(..., outside_china=city.outside_china)``.
        """
        if self.townships.empty:
            return False
        lon_min, lat_min, lon_max, lat_max = (float(v) for v in self.townships.total_bounds)
        box = CHINA_BBOX_DEG
        return lon_min < box[0] or lat_min < box[1] or lon_max > box[2] or lat_max > box[3]
