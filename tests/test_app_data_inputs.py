"""The data page with inputs as planners have them: a sheet of names, a raster, boundaries."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from dashboard import state
from dashboard.services import importer
from dashboard.widgets.boundaries import boundary_frame

DEMO_GPKG = Path(__file__).resolve().parent.parent / "geodata" / "demo" / "demo_city.gpkg"
GOOD = Path(__file__).resolve().parent / "data" / "good"
_ROWS = [
    ("上关村村委会", ""),  # two 上关村 in the demo city: ambiguous
    ("沙徐村村委会", "丰塬县园云镇"),
    ("不存在村委会", ""),
]


def _upload(layer: str, path: Path) -> importer.Upload:
    return importer.save_upload(layer, path.name, path.read_bytes())


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "联系点名单.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["编号", "名称", "类型", "地址"])
        writer.writerows([f"P{i}", n, "农村", a] for i, (n, a) in enumerate(_ROWS))
    return path


def _demo_uploads(sheet: Path) -> dict[str, importer.Upload]:
    return {
        "townships": _upload("townships", DEMO_GPKG),
        "villages": _upload("villages", DEMO_GPKG),
        "contact_points": _upload("contact_points", sheet),
    }


def test_a_sheet_of_names_is_placed_and_choices_apply(sheet: Path) -> None:
    ups = _demo_uploads(sheet)
    result = importer.check(ups, {}, "wgs84", "名单")
    assert result.ok, [p.code for p in result.errors]
    matches = result.matches["contact_points"]
    assert list(matches.table["status"]) == ["ambiguous", "matched", "unmatched"]
    assert result.counts["contact_points"] == 1
    warned = {(p.code, p.source) for p in result.problems}
    assert ("point_match_ambiguous", "联系点名单.csv") in warned
    code = matches.candidates[0][1].code
    again = importer.check(ups, {}, "wgs84", "名单", choices={"contact_points": {0: code}})
    assert again.counts["contact_points"] == 2 and again.dataset_id != result.dataset_id


def test_the_page_offers_a_select_box_per_ambiguous_row(sheet: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.support.e2e import APP

    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.switch_page("views/data.py").run()
    for layer, path in (
        ("townships", DEMO_GPKG),
        ("villages", DEMO_GPKG),
        ("contact_points", sheet),
    ):
        at.file_uploader(key=state.upload_key(layer)).set_value(
            (path.name, path.read_bytes(), "application/octet-stream")
        )
    at.run()
    at.button(key=state.DATA_CHECK).click().run()
    assert not at.exception
    box = at.selectbox(key=state.match_key("contact_points", 0))
    assert len(box.options) == 3  # none + the two 上关村
    shown = [df.value for df in at.dataframe]
    assert any("不存在村委会" in set(frame.iloc[:, 1]) for frame in shown)  # the unmatched list
    box.set_value(box.options[1]).run()
    at.button(key=state.DATA_MATCH_APPLY).click().run()
    assert not at.exception
    result = at.session_state[state.DATA_CHECK_RESULT]
    assert result.matches["contact_points"].table["status"].iloc[0] == "matched"


def test_a_raster_upload_sets_the_population(tmp_path: Path) -> None:
    tif = tmp_path / "pop.tif"
    values = np.full((4, 4), 250.0, dtype="float32")
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(104.5, 35.7, 0.05, 0.05),
    ) as ds:
        ds.write(values, 1)
    ups = {
        "townships": _upload("townships", GOOD / "townships.geojson"),
        "population_raster": _upload("population_raster", tif),
    }
    result = importer.check(ups, {}, "wgs84", "栅格")
    assert result.ok
    assert list(result.city.townships["population"]) == [1000, 1000, 1000, 1000]
    assert any(p.code == "raster_total_mismatch" and p.source == "pop.tif" for p in result.problems)


def test_the_raster_cells_become_the_demand_when_chosen(tmp_path: Path) -> None:
    from analysis.coverage.api import compute_coverage
    from analysis.export.labels import DEMAND_SOURCE_ZH
    from dashboard.i18n.text_data import DATA_INPUT_TEXT
    from tests.support.raster import write_tif

    ups = {
        "townships": _upload("townships", GOOD / "townships.geojson"),
        "population_raster": _upload("population_raster", write_tif(tmp_path / "pop.tif")),
    }
    totals = importer.check(ups, {}, "wgs84", "栅格")
    cells = importer.check(ups, {}, "wgs84", "栅格", raster_demand=True)
    assert totals.ok and cells.ok and cells.dataset_id != totals.dataset_id
    assert totals.city.demand_cells is None
    assert cells.city.demand_cells["population"].sum() == pytest.approx(13_600)
    assert compute_coverage(totals.city).demand_source == "township_grid"
    result = compute_coverage(cells.city)
    assert result.demand_source == "raster_grid" and result.kpis.population_total == 13_600
    # The page's names of the demand sources say what the exports say.
    for source, zh in DEMAND_SOURCE_ZH.items():
        assert DATA_INPUT_TEXT[f"demand_source_{source}"][0] == zh


def test_the_page_asks_what_the_raster_is_for(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard.i18n import t
    from tests.support.e2e import APP
    from tests.support.raster import write_tif

    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.switch_page("views/data.py").run()
    tif = write_tif(tmp_path / "pop.tif")
    town_file = GOOD / "townships.geojson"
    with pytest.raises(KeyError):  # no raster, no question
        at.radio(key=state.DATA_RASTER_USE)
    for layer, path in (("townships", town_file), ("population_raster", tif)):
        at.file_uploader(key=state.upload_key(layer)).set_value(
            (path.name, path.read_bytes(), "application/octet-stream")
        )
    at.run()
    use = at.radio(key=state.DATA_RASTER_USE)
    shown = [t(f"data_raster_use_{u}") for u in ("totals", "cells")]
    assert list(use.options) == shown and use.value == "totals"
    use.set_value("cells").run()
    at.button(key=state.DATA_CHECK).click().run()
    assert not at.exception
    result = at.session_state[state.DATA_CHECK_RESULT]
    assert result.ok and result.city.demand_cells is not None
    at.button(key=state.DATA_USE).click().run()
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    said = t("kpi_demand_source", source=t("demand_source_raster_grid"))
    assert said in [c.value for c in at.caption]


def test_boundary_issues_are_listed_and_cleaned(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    towns = gpd.read_file(GOOD / "townships.geojson")
    towns.loc[1, "geometry"] = box(104.598, 35.5, 104.7, 35.6)  # over 东风街道 by 0.002°
    path = tmp_path / "边界.geojson"
    towns.to_file(path, driver="GeoJSON")
    ups = {"townships": _upload("townships", path)}
    result = importer.check(ups, {}, "wgs84", "x")
    frame = boundary_frame(result.problems, "zh")
    assert list(frame["涉及乡镇"]) == ["东风街道、西湖街道"] and frame["面积(平方公里)"].iloc[0] > 1
    assert [p.source for p in result.problems if p.code == "township_overlap"] == ["边界.geojson"]
    cleaned = importer.check(ups, {}, "wgs84", "x", clean_boundaries=True)
    assert cleaned.ok and not [p for p in cleaned.problems if p.code == "township_overlap"]


def test_boundary_issues_are_drawn_on_a_map(tmp_path: Path) -> None:
    """The overlap is drawn where it is (red, named), over the outlines, offline."""
    import geopandas as gpd
    import streamlit_folium
    from shapely.geometry import box

    from dashboard.adapters.streamlit_internals import folium_no_value_js
    from dashboard.widgets.boundaries import boundary_map

    towns = gpd.read_file(GOOD / "townships.geojson")
    towns.loc[1, "geometry"] = box(104.598, 35.5, 104.7, 35.6)
    path = tmp_path / "边界.geojson"
    towns.to_file(path, driver="GeoJSON")
    result = importer.check({"townships": _upload("townships", path)}, {}, "wgs84", "x")
    m = boundary_map(result.dataset_id, result.city.townships, "zh")
    script = streamlit_folium._get_map_string(m)
    assert "#c62828" in script  # the overlap's colour
    assert "\\u91cd\\u53e0: \\u4e1c\\u98ce\\u8857\\u9053" in script or "重叠: 东风街道" in script
    assert folium_no_value_js().strip() in m.get_root().render()
    html = m.get_root().render()
    assert "https://" not in html and "http://" not in html
    (lat0, lon0), (lat1, lon1) = m._children[
        next(k for k in m._children if "fit_bounds" in k)
    ].bounds
    assert 104.59 < lon0 < lon1 < 104.61 and 35.49 <= lat0 < lat1 <= 35.61
