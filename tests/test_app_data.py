"""Data page logic (uploads, column check, problems in Chinese) and the KPI cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import importer
from dashboard.i18n import problem_text, t
from dashboard.i18n_problems import PROBLEM_TEXT
from dashboard.kpi import county_status, kpi_cards
from tests.e2e_support import synthetic_city


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
    from geodata.problem_codes import PROBLEM_CODES

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
