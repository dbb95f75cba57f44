"""The bad-input corpus: every file is refused with its own problem code, never a crash.

Also runs ``python -m geodata check`` in-process on each bad and good file, and once in a
subprocess on all of them (exit codes and no traceback).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geodata import GeodataError, read_layer
from geodata.__main__ import main
from geodata.io.columns import infer_layer_from_name
from tests.support.corpus import BAD, BAD_FILES, DATA, EXPECTED, GOOD

REPO = DATA.parent.parent

GOOD_LAYER_FILES = sorted(
    p.name for p in GOOD.iterdir() if not p.name.startswith("township_population")
)


def test_corpus_is_complete() -> None:
    assert len(BAD_FILES) >= 40
    assert set(BAD_FILES) == set(EXPECTED)


@pytest.mark.parametrize("file_name", BAD_FILES)
def test_bad_file_raises_its_code(file_name: str) -> None:
    layer = infer_layer_from_name(file_name)
    assert layer is not None
    with pytest.raises(GeodataError) as exc:
        read_layer(BAD / file_name, layer)
    codes = [p.code for p in exc.value.problems]
    assert EXPECTED[file_name] in codes
    assert all(p.message and p.source == file_name for p in exc.value.problems)


def test_3d_and_errors_reported_together() -> None:
    with pytest.raises(GeodataError) as exc:
        read_layer(BAD / "townships_3d_with_bad_population.geojson", "townships")
    assert {p.code for p in exc.value.problems} == {"dropped_z_m", "not_a_number"}


def test_problem_names_row_column_and_value() -> None:
    with pytest.raises(GeodataError) as exc:
        read_layer(BAD / "villages_negative_population.csv", "villages")
    first = exc.value.problems[0]
    assert (first.code, first.row, first.column, first.value) == (
        "negative_value",
        0,
        "population",
        "-5",
    )
    assert len(exc.value.problems) == 12  # every row, not just the first


@pytest.mark.parametrize("file_name", BAD_FILES)
def test_cli_bad_file_exits_2(file_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD / file_name)]) == 2
    out = capsys.readouterr().out
    assert f"[{EXPECTED[file_name]}]" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("file_name", GOOD_LAYER_FILES)
def test_cli_good_file_exits_0(file_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD / file_name)]) == 0
    assert capsys.readouterr().out.startswith("OK ")


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geodata", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_subprocess_on_whole_bad_corpus() -> None:
    result = _run_cli("check", *(str(BAD / f) for f in BAD_FILES))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("INVALID ") == len(BAD_FILES)


def test_cli_subprocess_on_good_city() -> None:
    files = [
        "townships.geojson",
        "township_population_by_name_gbk.csv",
        "contact_points.csv",
        "collection_sites_utf8_bom.csv",
        "homes.kmz",
    ]
    result = _run_cli("check", *(str(GOOD / f) for f in files))
    assert result.returncode == 0, result.stdout
    assert "OK across layers" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "file_name", ["contact_points_outside_study_area.csv", "villages_unknown_township_code.csv"]
)
def test_cli_cross_layer_bad(file_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(GOOD / "townships.geojson"), str(BAD / "cross" / file_name)])
    out = capsys.readouterr().out
    assert code == 2
    assert "INVALID across layers" in out


def test_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    assert main(["check", "/nonexistent/file.csv"]) == 2
    assert "[file_not_found]" in capsys.readouterr().out


def test_cli_layer_option_and_inference_from_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes((GOOD / "contact_points.csv").read_bytes())
    assert main(["check", str(path)]) == 0
    assert "contact_points" in capsys.readouterr().out
    assert main(["check", str(path), "--layer", "homes"]) == 0
    unknown = tmp_path / "stuff.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["check", str(unknown)]) == 2
    assert "[layer_not_inferred]" in capsys.readouterr().out


def test_cli_oversized_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geodata.io.limits import MAX_INPUT_BYTES

    big = tmp_path / "villages_big.csv"
    with big.open("wb") as fh:  # sparse: no real disk use
        fh.truncate(MAX_INPUT_BYTES + 1)
    assert main(["check", str(big)]) == 2
    assert "[file_too_large]" in capsys.readouterr().out
