"""The bad-input corpus through ``python -m analysis report``: exit 2, a message, no traceback.

``tests/test_geodata_corpus.py`` proves each file of ``tests/data/bad/`` is refused by the
readers and by ``python -m geodata check`` with its own problem code. Here the same files
go through the analysis command line, in every input option:

- in-process (``analysis.__main__.main``; fast): each file in the option of its own layer,
  with valid files for the other layers, and each file in every *other* option;
- in a real process (``sys.executable -m analysis``; a handful): several bad files at once,
  the archive attacks, a file over the size limit, and a hostile file name.

A bad run must exit 2, print every bad file's name on stderr, write nothing, never print
"Traceback" and never hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main
from tests.support.corpus import BAD, BAD_FILES, GOOD
from tests.support.hostile import (
    CLI_OPTION,
    CROSS_FILES,
    GOOD_FILES,
    REPO,
    layer_of,
    report_argv,
)

#: Required layers kept valid while another option gets the bad file (fast runs).
MINIMAL = {layer: GOOD_FILES[layer] for layer in ("townships", "contact_points")}
#: Corpus files that are *valid* for another layer: their fault is in a column that layer
#: does not have (opinion counts, point type), so the report may run (exit 0).
VALID_ELSEWHERE: dict[tuple[str, str], str] = {
    ("contact_points_negative_opinions.csv", "collection_sites"): "no opinion columns",
    ("contact_points_negative_opinions.csv", "homes"): "no opinion columns",
    ("contact_points_unknown_type.csv", "collection_sites"): "no type column",
    ("contact_points_unknown_type.csv", "homes"): "no type column",
}
SUBPROCESS_TIMEOUT = 90


def _run_in_process(
    files: dict[str, Path], out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = main(report_argv(files, out))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _run_process(files: dict[str, Path], out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *report_argv(files, out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def test_good_city_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The valid files the bad ones are mixed with give a report (the baseline works)."""
    code, text = _run_in_process(dict(GOOD_FILES), tmp_path / "out", capsys)
    assert code == 0, text
    assert (tmp_path / "out" / "kpis.json").is_file()


@pytest.mark.parametrize("file_name", BAD_FILES)
def test_bad_file_in_its_own_option_exits_2(
    file_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layer = layer_of(file_name)
    files = {**MINIMAL, layer: BAD / file_name}
    out = tmp_path / "out"
    code = main(report_argv(files, out))
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert file_name in captured.err  # the message names the file
    assert "ERROR" in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert not out.exists()  # nothing written


@pytest.mark.parametrize("layer", list(CLI_OPTION))
def test_every_bad_file_in_every_other_option(
    layer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file given for the wrong layer is refused or (rarely) valid, never a crash."""
    failures: list[str] = []
    for file_name in BAD_FILES:
        if layer_of(file_name) == layer:
            continue  # the test above
        out = tmp_path / file_name
        try:
            code, text = _run_in_process({**MINIMAL, layer: BAD / file_name}, out, capsys)
        except SystemExit as exc:  # argparse would exit; nothing else may escape
            failures.append(f"{file_name}: SystemExit({exc.code})")
            continue
        expected = 0 if (file_name, layer) in VALID_ELSEWHERE else 2
        if code != expected or "Traceback" in text:
            failures.append(f"{file_name} as {layer}: exit {code}\n{text[:400]}")
        elif code == 2 and file_name not in text:
            failures.append(f"{file_name} as {layer}: message does not name the file")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("file_name", CROSS_FILES)
def test_cross_layer_faults_exit_2(
    file_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layer = layer_of(file_name)
    code, text = _run_in_process(
        {**GOOD_FILES, layer: BAD / "cross" / file_name}, tmp_path / "out", capsys
    )
    assert code == 2, text
    assert "Traceback" not in text
    assert not (tmp_path / "out").exists()


# --- real processes: a handful ---------------------------------------------------------

#: Five bad files at once, one per layer, of five different kinds of fault.
_MIXED_SETS: tuple[dict[str, str], ...] = (
    {  # archive attacks and binary content
        "townships": "townships_zip_slip.zip",
        "villages": "villages_xlsx_bomb.xlsx",
        "contact_points": "contact_points_broken_xml.kml",
        "collection_sites": "villages_binary_named_csv.csv",
        "homes": "homes_kmz_bomb.kmz",
    },
    {  # coordinates and numbers
        "townships": "townships_projected_declared_wgs84.geojson",
        "villages": "villages_inf_population.csv",
        "contact_points": "villages_swapped_lat_lon.csv",
        "collection_sites": "villages_projected_in_lonlat.csv",
        "homes": "villages_outside_china.csv",
    },
    {  # truncated, empty and wrongly named files
        "townships": "townships_zip_bomb.zip",
        "villages": "villages_mixed_encoding.csv",
        "contact_points": "villages_empty.csv",
        "collection_sites": "villages_truncated.xlsx",
        "homes": "villages_word_document.docx",
    },
)


@pytest.mark.parametrize("files", _MIXED_SETS, ids=["archives", "coordinates", "damaged"])
def test_process_reports_every_bad_file_at_once(files: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run_process({layer: BAD / name for layer, name in files.items()}, out)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in set(files.values()):
        assert name in proc.stderr, name
    assert not out.exists()


def test_process_file_over_the_size_limit_and_hostile_file_name(tmp_path: Path) -> None:
    from geodata.io.limits import MAX_INPUT_BYTES

    big = tmp_path / "villages_big.csv"
    with big.open("wb") as fh:  # sparse: no real disk use
        fh.truncate(MAX_INPUT_BYTES + 1)
    hostile = tmp_path / "<img src=x onerror=alert(1)>联系点.csv"  # no "/" in a file name
    hostile.write_bytes(b"\x00\xff\xfe garbage \x00" * 100)
    files = {**GOOD_FILES, "villages": big, "contact_points": hostile}
    proc = _run_process(files, tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "villages_big.csv" in proc.stderr
    assert hostile.name in proc.stderr  # plain text on a terminal: shown verbatim


def test_process_good_files_with_html_names_exit_0(tmp_path: Path) -> None:
    """Hostile names in a valid file are data, not an error (they are escaped on display)."""
    files = {**GOOD_FILES, "contact_points": GOOD / "contact_points_html_names.csv"}
    proc = _run_process(files, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    table = (tmp_path / "out" / "contact_points.csv").read_text(encoding="utf-8-sig")
    assert "<script>" in table  # stored verbatim; CSV for spreadsheets: see test_export_office


def test_report_csv_neutralises_spreadsheet_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report's CSV files are made for Excel (UTF-8 with BOM): a name like
    ``=HYPERLINK(...)`` must not become a live formula, as in the exports
    (``geodata/spreadsheet_safety.py``, tested by ``tests/test_export_office.py``)."""
    from geodata.spreadsheet_safety import is_dangerous

    files = {**GOOD_FILES, "contact_points": GOOD / "contact_points_html_names.csv"}
    code, text = _run_in_process(files, tmp_path / "out", capsys)
    assert code == 0, text
    import pandas as pd

    for name in ("townships.csv", "counties.csv", "contact_points.csv"):
        table = pd.read_csv(tmp_path / "out" / name, encoding="utf-8-sig", dtype=str)
        cells = [v for col in table.columns for v in table[col].dropna()]
        assert not [v for v in cells if is_dangerous(v)], name


def test_export_command_writes_no_formula_from_a_hostile_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m analysis export --scenario`` on a plan named, authored and set in a city
    named with formulas: every workbook cell and CSV field stays text (issue 11, item 8a:
    the 指标 sheet used to carry the scenario, city and author as live formulas)."""
    from analysis.workspace.store import WorkspaceStore
    from tests.support.export_formulas import (
        LINK,
        assert_csv_inert,
        assert_workbook_inert,
        hostile_city,
        hostile_scenario,
    )

    city = hostile_city()
    scenario = hostile_scenario(city)
    workspace = tmp_path / "workspace.gpkg"
    store = WorkspaceStore(workspace)
    store.save_dataset(scenario.dataset_id, city)
    store.save(scenario)
    out = tmp_path / "out"
    argv = ["export", "--scenario", LINK, "--workspace", str(workspace), "--out", str(out)]
    for fmt in ("xlsx", "csv"):
        assert main([*argv, "--format", fmt]) == 0, capsys.readouterr().err
    (book,) = out.glob("*.xlsx")
    texts = assert_workbook_inert(book)
    assert {"'" + LINK, "'@SUM(1)"} <= set(texts)  # scenario/city name and author, as text
    csvs = sorted(out.glob("*.csv"))
    assert csvs
    for path in csvs:
        assert_csv_inert(path.name, path.read_text(encoding="utf-8-sig"))
