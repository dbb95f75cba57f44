"""Formula-like names stay text in every workbook and CSV file the exports write.

Scenario name, city name, author, township, county, village and point names (and an extra
column's header and values) hold spreadsheet formulas. Every format is exported; no cell of
any workbook is a formula, and no CSV field (the shapefile's ``fields.csv`` included)
starts with a character that makes Excel/WPS evaluate it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.coverage.api import compute_coverage
from analysis.export import export_scenario
from analysis.plan.scenarios import apply_scenario
from tests.support.export_formulas import (
    LINK,
    assert_csv_inert,
    assert_workbook_inert,
    hostile_city,
    hostile_scenario,
)


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
    assert overview["地区"] == "'" + LINK  # the area: city, province or county
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
