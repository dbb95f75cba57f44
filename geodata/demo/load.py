"""The built-in fictional demo city, read from the committed GeoPackage.

The file is made by :mod:`geodata.demo.build` and committed, so loading never regenerates
it: reading five small layers takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geodata.city import CityData
from geodata.errors import GeodataError
from geodata.road_schema import ROADS_LAYER
from geodata.schema import SCHEMAS, LayerName
from geodata.validate.roads import validate_roads

#: The committed demo GeoPackage (one layer per name in ``schema.LAYER_NAMES``, and a
#: ``roads`` layer of lines).
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


def _read_roads(path: Path) -> gpd.GeoDataFrame | None:
    """The ``roads`` layer in canonical form, or None when the GeoPackage has none."""
    if ROADS_LAYER not in {str(name) for name, _ in pyogrio.list_layers(path)}:
        return None
    raw = pyogrio.read_dataframe(path, layer=ROADS_LAYER)
    # The same cleaning as a user's road file (None classes, int8 one-way ...); the demo is
    # committed data, so a problem here is a bug of its builder.
    roads, problems = validate_roads(raw, source=f"{path.name}:{ROADS_LAYER}")
    if any(p.severity == "error" for p in problems):
        raise GeodataError(problems)
    return roads


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
        ``is_demo`` is True. ``roads`` holds the GeoPackage's ``roads`` layer when it has one,
        else None.
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
        roads=_read_roads(src),
    )


def load_demo_records(path: Path | None = None) -> pd.DataFrame:
    """The demo city's records (2024-2025; see :mod:`geodata.demo.records`), validated.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`geodata.records.schema.RECORD_FRAME_COLUMNS`; empty when the
        GeoPackage has no ``records`` table.
    """
    # Imported here: loading the demo city itself must not import the file readers.
    from geodata.records.read import empty_records, validate_records
    from geodata.records.schema import RECORDS_TABLE

    src = DEMO_GPKG if path is None else Path(path)
    if RECORDS_TABLE not in {str(name) for name, _ in pyogrio.list_layers(src)}:
        return empty_records()
    raw = pd.DataFrame(pyogrio.read_dataframe(src, layer=RECORDS_TABLE))
    ids = {
        str(i): layer
        for layer in ("contact_points", "homes")
        for i in pyogrio.read_dataframe(src, layer=layer, columns=["id"], read_geometry=False)["id"]
    }
    return validate_records(raw.drop(columns="point_layer"), ids, source=src.name)
