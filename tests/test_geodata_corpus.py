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

DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "good"
REPO = DATA.parent.parent

#: file -> a problem code it must raise (others may come with it).
EXPECTED: dict[str, str] = {
    "contact_points_broken_xml.kml": "unreadable_file",
    "contact_points_duplicate_ids.csv": "duplicate_id",
    "contact_points_negative_opinions.csv": "negative_value",
    "contact_points_unknown_type.csv": "unknown_type",
    "homes_empty_sheet.xlsx": "empty_table",
    "homes_kmz_bomb.kmz": "archive_bomb",
    "homes_kmz_without_kml.kmz": "archive_without_layer",
    "townships_3d_with_bad_population.geojson": "not_a_number",
    "townships_duplicate_codes.geojson": "duplicate_id",
    "townships_empty.geojson": "empty_file",
    "townships_empty_geometry.geojson": "empty_geometry",
    "townships_garbage.geojson": "wrong_extension",
    "townships_garbage.gpkg": "unreadable_file",
    "townships_local_crs.zip": "bad_crs",
    "townships_attributes_only.gpkg": "no_geometry",
    "townships_plain_sqlite.gpkg": "unreadable_file",
    "townships_json_array.geojson": "unreadable_file",
    "townships_missing_code_column.geojson": "missing_column",
    "townships_mixed_geometry.geojson": "wrong_geometry_type",
    "townships_no_kind_or_rural.geojson": "missing_kind_or_rural_population",
    "townships_not_geojson.geojson": "unreadable_file",
    "townships_projected_declared_wgs84.geojson": "projected_coordinates",
    "townships_projected_no_prj.zip": "projected_coordinates",
    "townships_rural_exceeds_total.geojson": "rural_exceeds_total",
    "townships_shapefile_alone.shp": "shapefile_not_zipped",
    "townships_swapped_lat_lon.geojson": "swapped_lat_lon",
    "townships_truncated.geojson": "unreadable_file",
    "townships_truncated.gpkg": "unreadable_file",
    "townships_truncated.zip": "corrupt_archive",
    "townships_two_layers.zip": "archive_several_layers",
    "townships_unknown_kind.geojson": "unknown_kind",
    "townships_wrong_geometry_type.geojson": "wrong_geometry_type",
    "townships_zip_absolute_path.zip": "unsafe_archive_entry",
    "townships_zip_bomb.zip": "archive_bomb",
    "townships_zip_missing_dbf.zip": "shapefile_incomplete",
    "townships_zip_named_geojson.geojson": "wrong_extension",
    "townships_zip_slip.zip": "unsafe_archive_entry",
    "townships_zip_without_shp.zip": "archive_without_layer",
    "villages_bad_seat_flag.csv": "bad_boolean",
    "villages_binary_named_csv.csv": "wrong_extension",
    "villages_blank_coordinates.csv": "missing_coordinate",
    "villages_blank_township_code.csv": "missing_value",
    "villages_code_scientific_notation.csv": "code_scientific_notation",
    "villages_csv_named_xlsx.xlsx": "wrong_extension",
    "villages_empty.csv": "empty_file",
    "villages_garbage.xlsx": "wrong_extension",
    "villages_header_only.csv": "no_features",
    "villages_huge_population.csv": "implausible_value",
    "villages_inf_population.csv": "infinite_value",
    "villages_missing_columns.csv": "missing_column",
    "villages_mixed_encoding.csv": "mixed_encoding",
    "villages_nan_population.csv": "nan_value",
    "villages_negative_population.csv": "negative_value",
    "villages_no_coordinates.csv": "missing_coordinates",
    "villages_no_coordinates.xlsx": "missing_coordinates",
    "villages_non_numeric_population.csv": "not_a_number",
    "villages_old_excel.xls": "unsupported_format",
    "villages_outside_china.csv": "outside_china",
    "villages_projected_in_lonlat.csv": "projected_coordinates",
    "villages_ragged_rows.csv": "ragged_rows",
    "villages_swapped_lat_lon.csv": "swapped_lat_lon",
    "villages_text_coordinates.csv": "bad_coordinate",
    "villages_truncated.xlsx": "corrupt_archive",
    "villages_xlsx_bomb.xlsx": "archive_bomb",
    "villages_unknown_kind.csv": "unknown_kind",
    "villages_word_document.docx": "unsupported_format",
}
BAD_FILES = sorted(p.name for p in BAD.glob("*.*"))
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
