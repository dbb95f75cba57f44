"""The tiny city of the coverage tests moved abroad, and written out as files.

Imported by ``tests/test_geodata_outside_china.py``, ``tests/test_cli_report.py`` and
``tests/test_app_data.py``. The worked-example tiny city
(``tests/support/coverage_fixtures.py``) is moved, shape for shape, to Kenya (UTM 37S,
south of the equator) or to Germany (UTM 32N).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.city import CityData
from tests.support.coverage_fixtures import E0, N0, UTM48N, tiny_city

#: Where the tiny city is placed: (EPSG of the UTM zone, easting, northing of its origin).
PLACES: dict[str, tuple[int, float, float]] = {
    "kenya": (32737, 240_000.0, 9_840_000.0),  # near Nairobi, 36.7°E 1.4°S
    "germany": (32632, 520_000.0, 5_680_000.0),  # near Kassel, 9.3°E 51.3°N
}


def relocated(city: CityData, place: str) -> CityData:
    """The tiny city moved to ``place`` (same metric layout in that place's UTM zone)."""
    epsg, e0, n0 = PLACES[place]
    to_m = pyproj.Transformer.from_crs(4326, UTM48N, always_xy=True)
    to_deg = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = to_m.transform(xy[:, 0], xy[:, 1])
        lon, lat = to_deg.transform(np.asarray(x) - E0 + e0, np.asarray(y) - N0 + n0)
        return np.column_stack([lon, lat])

    def layer(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return gdf.set_geometry(shapely.transform(gdf.geometry.to_numpy(), move), crs=4326)

    assert city.villages is not None
    return CityData(
        townships=layer(city.townships),
        villages=layer(city.villages),
        contact_points=layer(city.contact_points),
        collection_sites=layer(city.collection_sites),
        homes=layer(city.homes),
        name=f"tiny city in {place}",
    )


def write_city_files(folder: Path, place: str) -> dict[str, Path]:
    """Townships as GeoJSON, villages and contact points as CSV (lon/lat; ``urban_rural``)."""
    city = relocated(tiny_city(), place)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"townships": folder / "townships.geojson"}
    city.townships.to_file(paths["townships"], driver="GeoJSON")
    for name, gdf in (("villages", city.villages), ("points", city.contact_points)):
        assert gdf is not None
        table = pd.DataFrame(gdf.drop(columns="geometry"))
        table["lon"], table["lat"] = gdf.geometry.x.round(8), gdf.geometry.y.round(8)
        if name == "villages":
            table = table.rename(columns={"kind": "urban_rural"})
        paths[name] = folder / f"{name}.csv"
        table.to_csv(paths[name], index=False)
    return paths
