"""The built-in fictional demo city, read from the committed GeoPackage.

The file is made by :mod:`geodata.demo.build` and committed, so loading never regenerates
it: reading five small layers takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from geodata.city import CityData
from geodata.schema import SCHEMAS, LayerName

#: The committed demo GeoPackage (one layer per name in ``schema.LAYER_NAMES``).
DEMO_GPKG: Path = Path(__file__).resolve().parent / "demo_city.gpkg"
#: Dataset id of the demo city in scenarios/workspaces.
DEMO_DATASET_ID = "demo"
#: Display names; the UI must show that the city is fictional.
DEMO_NAME_ZH = "示例市（虚构）"
DEMO_NAME_EN = "Demo City (fictional)"

_DTYPES = {
    "str": "str",
    "int": np.int64,
    "float": np.float64,
    "bool": bool,
    "kind": "str",
    "point_type": "str",
}


def _read(layer: LayerName, path: Path) -> gpd.GeoDataFrame:
    """Read one layer with canonical column order and dtypes (codes stay strings)."""
    gdf = pyogrio.read_dataframe(path, layer=layer)
    columns = [c for c in SCHEMAS[layer].columns if c.name in gdf.columns]
    for col in columns:
        gdf[col.name] = gdf[col.name].astype(_DTYPES[col.kind])
    out = gdf[[c.name for c in columns] + ["geometry"]]
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def load_demo_city(path: Path | None = None) -> CityData:
    """Load the demo city.

    Parameters
    ----------
    path
        Another GeoPackage written by :mod:`geodata.demo.build` (default :data:`DEMO_GPKG`).

    Returns
    -------
    CityData
        All five layers, EPSG:4326, canonical columns; ``name`` is ``"示例市（虚构）"`` and
        ``is_demo`` is True.
    """
    src = DEMO_GPKG if path is None else Path(path)
    return CityData(
        townships=_read("townships", src),
        villages=_read("villages", src),
        contact_points=_read("contact_points", src),
        collection_sites=_read("collection_sites", src),
        homes=_read("homes", src),
        name=DEMO_NAME_ZH,
        is_demo=True,
    )
