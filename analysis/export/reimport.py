"""Load an exported GeoPackage back as a city (the plan applied), e.g. to check it.

Every layer is read with the tool's own reader (:func:`geodata.io.readers.read_layer`) and
validated by :func:`geodata.validate.layers.assemble_city`, exactly like an upload; points whose
``status`` is ``removed`` are dropped and the others keep their ``status`` (so a planned
point without room figures is "待建" again, and the KPIs are the exported ones).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pyogrio

from analysis.export.model import POINT_LAYERS
from geodata.city import CityData


def city_from_gpkg(path: Path, *, name: str = "", drop_removed: bool = True) -> CityData:
    """Read an exported GeoPackage into a :class:`~geodata.city.CityData`.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`analysis.export.gis.write_gpkg` (WGS84 coordinates).
    name
        Name of the city.
    drop_removed
        Leave out the points the plan removes (``status == "removed"``).

    Returns
    -------
    CityData
        The plan's city, validated; ``compute_coverage`` on it gives the exported KPIs.

    Raises
    ------
    geodata.errors.GeodataError
        When a layer is missing or invalid.
    """
    from geodata.io.readers import read_layer
    from geodata.validate.layers import assemble_city

    path = Path(path)
    present = {str(row[0]) for row in pyogrio.list_layers(path)}
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    statuses: dict[str, dict[str, str]] = {}
    for layer in ("townships", "villages", *POINT_LAYERS):
        if layer not in present:
            layers[layer] = None
            continue
        gdf = read_layer(path, layer).gdf  # type: ignore[arg-type]
        if layer in POINT_LAYERS:
            status = _status(path, layer)
            if drop_removed:
                removed = {i for i, s in status.items() if s == "removed"}
                gdf = gdf[~gdf["id"].astype(str).isin(removed)].reset_index(drop=True)
            statuses[layer] = status
        layers[layer] = gdf
    townships = layers.pop("townships")
    if townships is None:
        from geodata.errors import GeodataError, Problem

        raise GeodataError([Problem("missing_layer", "No townships layer.", source=path.name)])
    city = assemble_city(townships, **layers, name=name)  # type: ignore[arg-type]
    # The status goes back on the points: a planned point's room is "待建", not failing.
    with_status = {
        layer: frame.assign(status=frame["id"].astype(str).map(statuses[layer]).fillna("existing"))
        for layer in POINT_LAYERS
        if (frame := getattr(city, layer)) is not None and layer in statuses
    }
    return dataclasses.replace(city, **with_status)


def _status(path: Path, layer: str) -> dict[str, str]:
    """Point id -> ``status`` of an exported point layer (empty when it has none)."""
    columns = {str(c) for c in pyogrio.read_info(path, layer=layer)["fields"]}
    if not {"id", "status"} <= columns:
        return {}
    table = pyogrio.read_dataframe(path, layer=layer, columns=["id", "status"], read_geometry=False)
    return dict(zip(table["id"].astype(str), table["status"].astype(str), strict=True))
