"""Formula-like names for the export tests: a hostile city and plan, and inertness checks.

Imported by ``tests/test_export_hostile.py`` and ``tests/test_hostile_cli.py``. Every name
of the export fixture city (``tests/support/export_fixtures.py``) holds a spreadsheet
formula; the checks say that no workbook cell is a formula and no CSV field starts with a
character that makes Excel/WPS evaluate it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from openpyxl import load_workbook

from analysis.plan.edits import add_point
from analysis.plan.scenarios import Scenario, baseline_scenario
from geodata.city import CityData
from geodata.spreadsheet_safety import is_dangerous
from tests.support.export_fixtures import make_city

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
    """No CSV field of ``text`` (file ``name``) is dangerous; return every field."""
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    risky = [f for f in fields if is_dangerous(f)]
    assert not risky, (name, risky[:5])
    return fields
