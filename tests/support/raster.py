"""A small population GeoTIFF and the two townships it covers (tests of the raster)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

# 4 x 4 cells of 0.05 degrees over 104.5-104.7 E, 35.5-35.7 N; row 0 is the north row.
VALUES = np.arange(1, 17, dtype="float32").reshape(4, 4) * 100


def write_tif(
    path: Path, values: np.ndarray = VALUES, crs: str | None = "EPSG:4326", **kw: object
) -> Path:
    """A one-band float32 GeoTIFF of people per cell (nodata -99999)."""
    transform = kw.pop("transform", from_origin(104.5, 35.7, 0.05, 0.05))
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=-99999.0,
    ) as ds:
        ds.write(values, 1)
    return path


def two_townships(crs: int = 4326) -> gpd.GeoDataFrame:
    """West and east townships of 城关区, split at 104.625 E (the middle of column 2)."""
    return gpd.GeoDataFrame(
        {
            "code": ["620102001", "620102002"],
            "name": ["西镇", "东镇"],
            "county": ["城关区", "城关区"],
            "population": [7800, 5800],
            "rural_population": [3900, 0],
            "kind": ["rural", "urban"],
        },
        geometry=[box(104.5, 35.5, 104.625, 35.7), box(104.625, 35.5, 104.7, 35.7)],
        crs=4326,
    ).to_crs(crs)
