"""Formula-like names stay text in every workbook and CSV file the exports write.

Scenario name, city name, author, township, county, village and point names (and an extra
column's header and values) hold spreadsheet formulas. Every format is exported; no cell of
any workbook is a formula, and no CSV field (the shapefile's ``fields.csv`` included)
starts with a character that makes Excel/WPS evaluate it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.coverage.api import compute_coverage
from analysis.export import export_scenario
from analysis.plan.edits import add_point
from analysis.plan.scenarios import Scenario, apply_scenario, baseline_scenario
from geodata.city import CityData
from geodata.spreadsheet_safety import is_dangerous
from tests.test_export_fixtures import make_city

LINK = '=HYPERLINK("http://x.invalid","a")'
#: Formula-like texts (``+1`` is a plain number: a spreadsheet shows it, never runs it).
FORMULAS: tuple[str, ...] = (LINK, "+1", "-2+3", "@SUM(1)", "=1+1", " =cmd|' /C calc'!A0")


def hostile_city() -> CityData:
    """The export fixture city with a formula in every name."""
    city = make_city()

    def names(n: int) -> list[str]:
        return [
            FORMULAS[i % len(FORMULAS)] + (f"#{i}" if i >= len(FORMULAS) else "") for i in range(n)
        ]

    towns = city.townships.copy()
    towns["name"] = names(len(towns))
    county = {c: f"{FORMULAS[i]}县" for i, c in enumerate(towns["county"].unique())}
    towns["county"] = towns["county"].map(county)
    villages = city.villages.copy() if city.villages is not None else None
    if villages is not None:
        villages["name"] = names(len(villages))
    points = city.contact_points.copy()
    points["name"] = names(len(points))
    points["county"] = points["county"].map(county)
    sites = city.collection_sites.copy()
    sites["name"] = names(len(sites))
    sites["site_type"] = "-village"
    homes = city.homes.copy()
    homes["name"] = LINK
    homes["county"] = homes["county"].map(county)
    return dataclasses.replace(
        city,
        townships=towns,
        villages=villages,
        contact_points=points,
        collection_sites=sites,
        homes=homes,
        name=LINK,
    )


def hostile_scenario(city: CityData) -> Scenario:
    """A plan named and authored with formulas; new points with formula names."""
    scn = baseline_scenario(city, "hostile", author="@SUM(1)")
    scn = dataclasses.replace(scn, name=LINK, description="-2+3")
    x, y = city.townships.geometry.iloc[3].representative_point().coords[0]
    scn = add_point(scn, "contact_points", lon=x, lat=y, type="rural", name="=1+1", id="-9")
    scn = add_point(scn, "collection_sites", lon=x + 0.01, lat=y, name="+1")
    scn = add_point(scn, "homes", lon=x, lat=y + 0.01, name="-2+3")
    cp = scn.contact_points
    return scn.with_layer("contact_points", cp.assign(**{"@note": "=2*3", "reason": LINK}))


def assert_workbook_inert(path: Path) -> list[str]:
    """No formula cell and no unneutralised formula text; return every text cell."""
    texts = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("="), (ws.title, cell.coordinate)
                    assert not is_dangerous(cell.value), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def assert_csv_inert(name: str, text: str) -> list[str]:
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    risky = [f for f in fields if is_dangerous(f)]
    assert not risky, (name, risky[:5])
    return fields


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    city = hostile_city()
    scenario = hostile_scenario(city)
    before = compute_coverage(city)
    after = compute_coverage(apply_scenario(city, scenario))
    out = tmp_path_factory.mktemp("hostile_export")
    return export_scenario(city, scenario, before, after, "all", out)


def test_no_formula_in_any_workbook(written: list[Path]) -> None:
    books = [p for p in written if p.suffix == ".xlsx"]
    assert books
    for path in books:
        texts = assert_workbook_inert(path)
        # Not vacuous: the names are there, as text, on the overview (name, city, author).
        for name in (LINK, "@SUM(1)", "=1+1", "-2+3", "=2*3", "@note"):
            assert "'" + name in texts, name
    overview = {r[0]: r[1] for r in load_workbook(books[0])["方案概况"].iter_rows(values_only=True)}
    assert overview["方案"] == "'" + LINK
    assert overview["城市"] == "'" + LINK
    assert overview["编制人"] == "'@SUM(1)"


def test_no_formula_in_any_csv(written: list[Path]) -> None:
    csvs = [p for p in written if p.suffix == ".csv"]
    assert len(csvs) >= 7
    seen = []
    for path in csvs:
        seen += assert_csv_inert(path.name, path.read_text(encoding="utf-8-sig"))
    (shp,) = [p for p in written if p.name.endswith("_shp.zip")]
    with zipfile.ZipFile(shp) as zf:
        seen += assert_csv_inert("fields.csv", zf.read("fields.csv").decode("utf-8-sig"))
    for name in (LINK, "@SUM(1)", "=1+1", "-2+3", "'@note"):
        assert any(name in f for f in seen), name
