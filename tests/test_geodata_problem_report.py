"""Bad data said once: identical problems grouped, the full list in a CSV file, no server paths.

The bad file is a village table of 1,300 rows, 1,204 of them with text in the population
column (and one hostile value that a spreadsheet would run as a formula), written by
``tests/support/bad_villages.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geodata import GeodataError, Problem, read_layer
from geodata.problems.report import neutralise_cell, problems_table, write_problems_csv
from geodata.problems.summary import group_problems, summary_lines
from tests.support.bad_villages import BAD_ROWS, FORMULA, write_many_bad_villages

REPO = Path(__file__).resolve().parent.parent
GOOD = REPO / "tests" / "data" / "good"
BAD = REPO / "tests" / "data" / "bad"


@pytest.fixture(scope="module")
def bad_villages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_many_bad_villages(tmp_path_factory.mktemp("many") / "村庄.csv")


@pytest.fixture(scope="module")
def problems(bad_villages: Path) -> tuple[Problem, ...]:
    with pytest.raises(GeodataError) as exc:
        read_layer(bad_villages, "villages")
    return exc.value.problems


def test_the_bad_file_gives_one_problem_per_bad_row(problems: tuple[Problem, ...]) -> None:
    assert len(problems) == BAD_ROWS
    assert {(p.code, p.column, p.source) for p in problems} == {
        ("not_a_number", "population", "村庄.csv")
    }


def test_identical_problems_form_one_group_with_first_rows(
    problems: tuple[Problem, ...],
) -> None:
    (group,) = group_problems(problems)
    assert group.count == BAD_ROWS and group.code == "not_a_number"
    assert len(group.rows) == 5 and group.rows[0] == 2 and list(group.rows) == sorted(group.rows)
    assert group.more_rows


def test_groups_by_file_code_and_column_errors_first() -> None:
    def p(code: str, source: str, row: int | None, column: str | None, sev: str = "error"):
        return Problem(code, f"{code} {row}", source=source, row=row, column=column, severity=sev)  # type: ignore[arg-type]

    found = [
        p("rounded_value", "a.csv", 1, "population", "warning"),
        p("not_a_number", "a.csv", 9, "population"),
        p("not_a_number", "a.csv", 3, "population"),
        p("not_a_number", "a.csv", 4, "area_m2"),
        p("not_a_number", "b.csv", 4, "population"),
        p("duplicate_id", "a.csv", None, "id"),
    ]
    groups = group_problems(found)
    assert [(g.code, g.first.source, g.first.column, g.count, g.rows) for g in groups] == [
        ("not_a_number", "a.csv", "population", 2, (3, 9)),
        ("not_a_number", "a.csv", "area_m2", 1, (4,)),
        ("not_a_number", "b.csv", "population", 1, (4,)),
        ("duplicate_id", "a.csv", "id", 1, ()),
        ("rounded_value", "a.csv", "population", 1, (1,)),
    ]


def test_summary_is_one_line_per_group(problems: tuple[Problem, ...]) -> None:
    (line,) = summary_lines(problems, codes=True)
    assert line.startswith("ERROR: [村庄.csv, column 'population'] ")
    assert "1,204 rows (rows 3, " in line and ", …)" in line and line.endswith("[not_a_number]")
    single = Problem("empty_file", "The file is empty.", source="a.csv")
    assert summary_lines([single]) == [str(single)]


def test_exception_text_is_short(problems: tuple[Problem, ...]) -> None:
    text = str(GeodataError(list(problems)))
    assert text.splitlines()[0] == "1204 problem(s) in the input:"
    assert len(text.splitlines()) == 2


def test_problems_file_holds_every_problem_neutralised(
    problems: tuple[Problem, ...], tmp_path: Path
) -> None:
    path = write_problems_csv(problems, tmp_path / "problems.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["severity", "code", "file", "row", "column", "value", "message"]
    assert len(table) == BAD_ROWS
    assert table["row"].iloc[0] == "3" and set(table["file"]) == {"村庄.csv"}
    assert "'" + FORMULA in set(table["value"])
    assert not any(v.startswith(("=", "+", "@")) for v in table["value"])
    assert problems_table([]).empty


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "-3.5", "@SUM(A1)", " =x", "\t=x", "\n-x", "abc", "", "1e5", "-", "+-1"],
)
def test_neutraliser_agrees_with_the_analysis_one(text: str) -> None:
    from geodata.spreadsheet_safety import neutralise_value

    assert neutralise_cell(text) == neutralise_value(text)


def test_no_server_path_in_problems(tmp_path: Path) -> None:
    """A copy under a temporary name, read with the user's name: only the user's name shows."""
    hidden = tmp_path / "server-side-copy" / "ce4a97449cbf90c0.kml"
    hidden.parent.mkdir()
    shutil.copy(BAD / "contact_points_broken_xml.kml", hidden)
    with pytest.raises(GeodataError) as exc:
        read_layer(hidden, "contact_points", source_name="我的联系点.kml")
    for p in exc.value.problems:
        blob = f"{p.message} {p.value} {p.params}"
        assert str(tmp_path) not in blob and "ce4a97449cbf90c0" not in blob, blob
    assert any("我的联系点.kml" in p.message for p in exc.value.problems)


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geodata", "check", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_geodata_check_summarises_and_writes_every_problem(
    bad_villages: Path, tmp_path: Path
) -> None:
    towns = str(GOOD / "townships.geojson")
    short = _check(towns, str(bad_villages))
    assert short.returncode == 2
    lines = short.stdout.splitlines()
    assert len(lines) == 4, short.stdout  # OK townships, INVALID villages, one line, the hint
    assert "--all-problems" in lines[3]
    assert "1,204 rows" in lines[2] and "[not_a_number]" in lines[2]
    every = _check(towns, str(bad_villages), "--all-problems")
    assert sum("[not_a_number]" in line for line in every.stdout.splitlines()) == BAD_ROWS
    out = tmp_path / "all.csv"
    written = _check(towns, str(bad_villages), "--problems-file", str(out))
    assert written.returncode == 2 and str(out) in written.stderr
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == BAD_ROWS
    unwritable = _check(towns, str(bad_villages), "--problems-file", str(tmp_path / "no" / "x.csv"))
    assert unwritable.returncode == 2 and "cannot write the problems file" in unwritable.stderr
