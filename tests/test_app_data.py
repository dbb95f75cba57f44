"""Data page logic (uploads, column check, problems in Chinese) and the KPI cards."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard.i18n import problem_text, t
from dashboard.i18n.problems import PROBLEM_TEXT
from dashboard.services import importer
from dashboard.widgets.kpi_cards import county_status, kpi_cards
from tests.support.e2e import synthetic_city


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    city = synthetic_city()
    root = tmp_path_factory.mktemp("uploads")
    towns = root / "towns.geojson"
    city.townships.to_file(towns, driver="GeoJSON")  # type: ignore[attr-defined]
    pts = city.contact_points.copy()  # type: ignore[attr-defined]
    table = pts.drop(columns="geometry").rename(
        columns={"id": "编号", "name": "名称", "type": "类型", "county": "县区"}
    )
    table["经度"] = pts.geometry.x
    table["纬度"] = pts.geometry.y
    good = root / "points.csv"
    table.to_csv(good, index=False, encoding="gbk")
    bad = root / "points_bad.csv"
    odd = table.rename(columns={"经度": "X坐标", "纬度": "Y坐标"}).astype(object)
    odd.loc[1, "类型"] = "<script>x</script>"
    odd.to_csv(bad, index=False)
    return {"towns": towns, "good": good, "bad": bad}


def _upload(layer: str, path: Path) -> importer.Upload:
    return importer.save_upload(layer, path.name, path.read_bytes())


def test_every_data_problem_code_has_a_chinese_text() -> None:
    from geodata.problems.codes import PROBLEM_CODES

    missing = sorted(set(PROBLEM_CODES) - set(PROBLEM_TEXT))
    assert not missing, missing


def test_unknown_code_still_gives_a_sentence() -> None:
    text = problem_text("no_such_code", {}, "Something odd.", "zh")
    assert "no_such_code" in text and "Something odd." in text


def test_good_upload_assembles_a_city(files: dict[str, Path]) -> None:
    ups = {
        "townships": _upload("townships", files["towns"]),
        "contact_points": _upload("contact_points", files["good"]),
    }
    assert not importer.check_columns(ups["contact_points"], population_table=False).missing
    result = importer.check(ups, {}, "wgs84", "测试")
    assert result.ok, [p.code for p in result.errors]
    assert result.counts["contact_points"] == 12
    assert result.dataset_id.startswith("u-")
    assert result.dataset_id == importer.check(ups, {}, "wgs84", "测试").dataset_id


def test_unrecognised_coordinates_ask_for_a_mapping(files: dict[str, Path]) -> None:
    up = _upload("contact_points", files["bad"])
    found = importer.check_columns(up, population_table=False)
    assert set(found.missing) == {"lon", "lat"}
    ups = {"townships": _upload("townships", files["towns"]), "contact_points": up}
    failed = importer.check(ups, {}, "wgs84", "x")
    assert not failed.ok and failed.errors
    mapped = importer.check(ups, {"contact_points": {"X坐标": "lon", "Y坐标": "lat"}}, "wgs84", "x")
    codes = {p.code for p in mapped.errors}
    assert "unknown_type" in codes  # the <script> type value
    for p in mapped.problems:
        assert problem_text(p.code, dict(p.params), p.message, "zh") != ""
        assert p.code in PROBLEM_TEXT


def test_kpi_cards_deltas_against_baseline() -> None:
    base = {
        "coverage_share": 0.20,
        "rural_coverage_share": 0.1,
        "townships_uncovered": 10,
        "townships_total": 20,
        "contact_points_total": 12,
        "contact_points_by_type": {"rural": 4},
        "points_with_3_to_5_sites": 3,
        "counties_compliant": 0,
        "counties_total": 8,
        "opinions_collected": 326,
        "opinions_adopted": 89,
        "adoption_rate": 89 / 326,
    }
    cur = {**base, "coverage_share": 0.25, "townships_uncovered": 8, "contact_points_total": 14}
    cards = {c.key: c for c in kpi_cards(cur, base, "zh")}
    assert cards["coverage_share"].delta == "+5.0 个百分点"
    assert cards["coverage_share"].delta_color == "normal"
    assert cards["townships_uncovered"].delta == "-2"
    assert cards["townships_uncovered"].delta_color == "inverse"  # fewer blind spots is good
    assert cards["contact_points_total"].delta == "+2"
    assert cards["opinions_collected"].delta_color == "off"
    assert kpi_cards(cur, None, "en")[0].key == "coverage_share"
    assert all(c.delta is None for c in kpi_cards(cur, None, "en"))
    assert cards["coverage_share"].label == t("kpi_coverage_share", "zh")


def test_county_traffic_light() -> None:
    assert county_status({"compliant": True}) == "ok"
    assert county_status({"compliant": False, "meets_rural_minimum": True}) == "partial"
    assert county_status({"compliant": False}) == "fail"


# --- bad data said once, data outside China, upload limit, Streamlit's English ------------

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def many_bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.bad_villages import write_many_bad_villages

    return write_many_bad_villages(tmp_path_factory.mktemp("many") / "村庄.csv")


@pytest.fixture(scope="module")
def kenya(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.support.outside_china import write_city_files

    return write_city_files(tmp_path_factory.mktemp("kenya"), "kenya")


def _good_towns() -> importer.Upload:
    return _upload("townships", REPO / "tests" / "data" / "good" / "townships.geojson")


def test_identical_problems_one_row_and_every_one_in_the_csv(many_bad: Path) -> None:
    import pandas as pd

    from dashboard.widgets.problem_table import problems_csv, summary_frame
    from tests.support.bad_villages import BAD_ROWS, FORMULA

    ups = {"townships": _good_towns(), "villages": _upload("villages", many_bad)}
    result = importer.check(ups, {}, "wgs84", "x")
    assert len(result.errors) == BAD_ROWS
    for lang, count, rows in (("zh", "1,204 行", "第 3、"), ("en", "1,204 rows", "rows 3, ")):
        frame = summary_frame(result.problems, lang)
        assert len(frame) == 1
        row = frame.iloc[0]
        assert row[t("col_file", lang)] == "村庄.csv"
        assert row[t("col_column", lang)] == t("field_population", lang)
        assert row[t("col_count", lang)] == count
        assert row[t("col_rows", lang)].startswith(rows) and "…" in row[t("col_rows", lang)]
        assert row[t("col_problem", lang)] == problem_text("not_a_number", {}, "", lang)
    raw = problems_csv(result.problems, "zh")
    assert raw.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == BAD_ROWS
    assert list(table.columns) == [
        t(k, "zh")
        for k in ("col_severity", "col_file", "col_row", "col_column", "col_value",
                  "col_problem", "col_detail", "col_code")
    ]  # fmt: skip
    assert table[t("col_row", "zh")].iloc[0] == "3"
    assert "'" + FORMULA in set(table[t("col_value", "zh")])
    assert not any(v.startswith(("=", "+", "@")) for col in table for v in table[col])


def test_outside_china_refused_then_accepted(kenya: dict[str, Path]) -> None:
    ups = {
        "townships": _upload("townships", kenya["townships"]),
        "villages": _upload("villages", kenya["villages"]),
        "contact_points": _upload("contact_points", kenya["points"]),
    }
    refused = importer.check(ups, {}, "wgs84", "内罗毕")
    assert not refused.ok and {p.code for p in refused.errors} == {"outside_china"}
    assert "数据不在中国境内" in problem_text("outside_china", {}, "", "zh")
    accepted = importer.check(ups, {}, "wgs84", "内罗毕", outside_china=True)
    assert accepted.ok, accepted.problems
    assert accepted.city.outside_china
    assert accepted.dataset_id != refused.dataset_id
    assert set(accepted.city.villages["kind"]) == {"urban", "rural"}  # urban_rural header


def test_cross_layer_problems_name_the_users_file_and_uploads_leave_no_file(
    tmp_path: Path,
) -> None:
    marker = f"{tmp_path.name}-独有"  # unique content: another process cannot share its digest
    table = tmp_path / "我的联系点.csv"
    table.write_text(f"编号,名称,类型,经度,纬度\nP1,{marker},农村,105.9,35.6\n", encoding="utf-8")
    up = _upload("contact_points", table)
    result = importer.check({"townships": _good_towns(), "contact_points": up}, {}, "wgs84", "x")
    assert [(p.code, p.source) for p in result.errors] == [("outside_study_area", "我的联系点.csv")]
    leftovers = [p for p in importer.UPLOAD_DIR.rglob("*") if up.digest in p.name]
    assert not leftovers, leftovers


def test_upload_limit_is_one_number() -> None:
    import tomllib

    from geodata.io.limits import MAX_INPUT_BYTES, MAX_INPUT_MB

    config = tomllib.loads((REPO / "dashboard" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_INPUT_MB
    assert MAX_INPUT_BYTES == MAX_INPUT_MB * 1024 * 1024  # Streamlit's MB
    assert f"{MAX_INPUT_MB} MB" in t("data_caption", "zh", mb=MAX_INPUT_MB)
    # "viewer", not "minimal": minimal would also remove the running indicator.
    assert config["client"]["toolbarMode"] == "viewer"


def test_every_selectbox_has_a_placeholder_in_the_page_language() -> None:
    """Streamlit's default placeholder is English ("Choose an option", "Choose options")."""
    import ast

    missing = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") in ("selectbox", "multiselect")
                and "placeholder" not in {k.arg for k in node.keywords}
            ):
                missing.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not missing, missing


def test_streamlit_texts_replaced_by_css_in_both_languages() -> None:
    from dashboard.styles import chrome_css, uploader_css

    for lang in ("zh", "en"):
        css = chrome_css(lang)
        for key in (
            "uploader_button",
            "uploader_drop",
            "multiselect_empty",
            "status_stop",
            "input_enter",
        ):
            assert f'content: "{t(key, lang)}"' in css, key
        assert '[data-testid="stMainMenu"] { display: none !important; }' in css
        assert f'content: "{t("uploader_refused", lang, mb=100)}"' in css
    per_key = uploader_css({"upload_population": ["csv", "xlsx"]}, 100, "zh")
    assert ".st-key-upload_population" in per_key and "每个文件最大 100 MB · CSV、XLSX" in per_key


def test_data_page_outside_china_setting_and_summary(
    kenya: dict[str, Path], many_bad: Path
) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard import state
    from geodata.io.limits import MAX_INPUT_MB
    from tests.support.e2e import APP

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("views/data.py").run()
    for layer in state.UPLOAD_LAYERS:
        assert at.file_uploader(key=state.upload_key(layer)).proto.max_upload_size_mb == (
            MAX_INPUT_MB
        )
    for layer, path in (("townships", kenya["townships"]), ("villages", kenya["villages"])):
        at.file_uploader(key=state.upload_key(layer)).set_value(
            (path.name, path.read_bytes(), "application/octet-stream")
        )
    at.radio(key=state.DATA_COORD_SYSTEM).set_value("gcj02").run()
    at.button(key=state.DATA_CHECK).click().run()
    assert at.error and not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 2  # one line per file, not one per feature
    at.checkbox(key=state.DATA_OUTSIDE_CHINA).check().run()
    assert at.radio(key=state.DATA_COORD_SYSTEM).value == "wgs84"
    assert at.radio(key=state.DATA_COORD_SYSTEM).disabled
    at.button(key=state.DATA_CHECK).click().run()
    assert not at.error and at.success, [e.value for e in at.error]
    at.file_uploader(key=state.upload_key("villages")).set_value(
        (many_bad.name, many_bad.read_bytes(), "text/csv")
    )
    at.file_uploader(key=state.upload_key("townships")).set_value(
        (
            "townships.geojson",
            (REPO / "tests" / "data" / "good" / "townships.geojson").read_bytes(),
            "application/geo+json",
        )
    )
    at.checkbox(key=state.DATA_OUTSIDE_CHINA).uncheck().run()
    at.button(key=state.DATA_CHECK).click().run()
    assert at.error and not at.exception
    assert len(at.dataframe[-1].value) == 1
    downloads = [el for el in at.get("download_button") if el.proto.id.endswith(
        state.DATA_PROBLEMS_DOWNLOAD
    )]  # fmt: skip
    assert downloads


def test_problem_tables_show_no_server_folder() -> None:
    from dashboard.widgets.problem_table import full_frame, summary_frame
    from geodata.errors import Problem

    found = [Problem("workspace_busy", "The workspace /srv/cp/ws.gpkg is busy.", "/srv/cp/ws.gpkg")]
    for frame in (summary_frame(found, "zh"), full_frame(found, "zh")):
        assert frame[t("col_file", "zh")].tolist() == ["ws.gpkg"]
        assert "/srv" not in frame[t("col_problem", "zh")].iloc[0]


def test_points_added_on_the_simulation_page_follow_the_dataset(
    kenya: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.services import data as services
    from dashboard.services import scenarios as sim_services

    ups = {"townships": _upload("townships", kenya["townships"])}
    city = importer.check(ups, {}, "wgs84", "x", outside_china=True).city
    monkeypatch.setattr(services, "current_dataset", lambda: services.Dataset("u-k", city))
    data = kenya["points"].read_bytes()
    assert len(sim_services.read_points(data, "points.csv", "contact_points", "wgs84")) == 2
