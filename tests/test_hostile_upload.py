"""The bad-input corpus through the 数据 upload page: Chinese problems, never an exception.

Two levels:

- the page's logic (:mod:`dashboard.services.importer`) with every file of ``tests/data/bad/``
  (also the types the uploader does not offer, in case one gets through): the check
  returns a result that is not usable, whose every problem names the file and has a
  Chinese sentence of its own (no generic fallback), and raises nothing;
- the page itself under ``streamlit.testing.v1.AppTest``, whose ``file_uploader`` can
  upload bytes (Streamlit >= 1.50): every corpus file the uploader accepts, in its own
  layer's field, next to valid township boundaries; 检查数据 shows an ``st.error`` and
  the problem table, never an exception element.

Files whose extension the uploader does not list (``.xls``, ``.docx``, ``.shp``; CSV/XLSX
for township boundaries) are refused by the browser before upload; Streamlit itself
refuses them on the server too (tested below).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import problem_text, t
from dashboard.i18n.problems import PROBLEM_TEXT
from dashboard.services import importer
from tests.support.corpus import BAD, BAD_FILES, GOOD
from tests.support.e2e import APP
from tests.support.hostile import (
    CROSS_FILES,
    GOOD_FILES,
    IMG,
    REPO,
    SCRIPT,
    layer_of,
    page_html_problems,
    raw_markers,
    script_risks,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT = 120  # first run imports geopandas/scipy and reads the demo city
CITY = "测试市"


def _upload(layer: str, path: Path, name: str | None = None) -> importer.Upload:
    return importer.save_upload(layer, name or path.name, path.read_bytes())


def _good_uploads(*layers: str) -> dict[str, importer.Upload]:
    return {layer: _upload(layer, GOOD_FILES[layer]) for layer in layers}


def _assert_chinese_problems(
    result: importer.CheckResult, file_name: str, source: str | None = None
) -> None:
    assert not result.ok
    assert result.errors, "a refused file must give at least one error"
    mine = [p for p in result.problems if p.source == (source or file_name)]
    assert mine, f"no problem names {file_name}: {result.problems}"
    for p in result.problems:
        assert p.code in PROBLEM_TEXT, f"no Chinese text for problem code {p.code!r}"
        _assert_no_server_path(p)
        text = problem_text(p.code, dict(p.params), p.message, "zh")
        assert CJK.search(text), text
        assert not text.startswith(t("problem_unknown", "zh", code=p.code, message="")[:3])


def _assert_no_server_path(p: object) -> None:
    """No problem names the server's copy of an upload or an archive's extraction folder."""
    blob = f"{p.message} {p.value} {p.params}"  # type: ignore[attr-defined]
    assert importer.UPLOAD_DIR.name not in blob, blob
    assert not re.search(r"[0-9a-f]{16}\.(geojson|gpkg|zip|kml|kmz|csv|xlsx|json)", blob), blob
    assert not re.search(r"geodata_\w+[/\\]", blob), blob


@pytest.mark.parametrize("file_name", BAD_FILES)
def test_importer_refuses_every_bad_file_in_chinese(file_name: str) -> None:
    layer = layer_of(file_name)
    uploads = _good_uploads("townships", "contact_points")
    uploads[layer] = _upload(layer, BAD / file_name)
    # The column step runs first on the page; it must not raise either.
    for up in uploads.values():
        importer.check_columns(up, population_table=False)
    result = importer.check(uploads, {}, "wgs84", CITY)
    _assert_chinese_problems(result, file_name)


@pytest.mark.parametrize("file_name", CROSS_FILES)
def test_importer_cross_layer_faults_in_chinese(file_name: str) -> None:
    layer = layer_of(file_name)
    uploads = _good_uploads(*GOOD_FILES)
    uploads[layer] = _upload(layer, BAD / "cross" / file_name)
    # Cross-layer problems name the user's file (assemble_city names the layer; the page
    # puts the file's name in its place).
    result = importer.check(uploads, {}, "wgs84", CITY)
    _assert_chinese_problems(result, file_name)
    assert not {p.source for p in result.problems} & set(GOOD_FILES), result.problems


def test_importer_file_over_the_size_limit(tmp_path: Path) -> None:
    from geodata.io.limits import MAX_INPUT_BYTES

    big = tmp_path / "villages_big.csv"
    with big.open("wb") as fh:  # sparse
        fh.truncate(MAX_INPUT_BYTES + 1)
    uploads = _good_uploads("townships", "contact_points")
    # save_upload copies bytes; build the Upload on the sparse file directly.
    uploads["villages"] = importer.Upload("villages", big.name, str(big), "big")
    result = importer.check(uploads, {}, "wgs84", CITY)
    _assert_chinese_problems(result, big.name)
    assert "file_too_large" in {p.code for p in result.problems}


def test_importer_accepts_hostile_names_as_data() -> None:
    uploads = _good_uploads(*GOOD_FILES)
    uploads["contact_points"] = _upload("contact_points", GOOD / "contact_points_html_names.csv")
    result = importer.check(uploads, {}, "wgs84", SCRIPT)
    assert result.ok, result.problems
    names = set(result.city.contact_points["name"])
    assert any("<script>" in n for n in names)  # kept verbatim; escaped on display


# --- the page under AppTest ----------------------------------------------------------


def _data_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    return at


def _offered(file_name: str) -> bool:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    return suffix in importer.accepted_types(layer_of(file_name))


def _rounds() -> list[dict[str, str]]:
    """Corpus files the uploader offers, grouped: at most one file per layer per round."""
    by_layer: dict[str, list[str]] = {}
    for name in BAD_FILES:
        if _offered(name):
            by_layer.setdefault(layer_of(name), []).append(name)
    n = max(len(v) for v in by_layer.values())
    return [
        {layer: files[i] for layer, files in by_layer.items() if i < len(files)} for i in range(n)
    ]


def _assert_no_unescaped_html(at: AppTest) -> None:
    """No markdown drawn with ``unsafe_allow_html`` and no ``st.html`` holds raw markup."""
    for el in at.markdown:
        if el.proto.allow_html:
            assert not raw_markers(el.value), el.value
            assert not script_risks(el.value), el.value
    for el in at.get("html"):
        body = el.proto.body
        assert not page_html_problems(body, el.proto.unsafe_allow_javascript), body[:300]


def test_page_shows_an_error_for_every_offered_bad_file() -> None:
    at = _data_page()
    rounds = _rounds()
    assert sum(len(r) for r in rounds) >= 50  # most of the corpus goes through the page
    upload_layers = [layer for layer in state.UPLOAD_LAYERS if layer != "population"]
    for files in rounds:
        for layer in upload_layers:
            widget = at.file_uploader(key=state.upload_key(layer))
            name = files.get(layer)
            if name is not None:
                widget.set_value((name, (BAD / name).read_bytes(), "application/octet-stream"))
            elif layer == "townships":
                path = GOOD_FILES["townships"]
                widget.set_value((path.name, path.read_bytes(), "application/geo+json"))
            else:
                widget.set_value(None)
        at.run()
        assert not at.exception, (files, at.exception)
        at.button(key=state.DATA_CHECK).click().run()
        assert not at.exception, (files, at.exception)
        errors = [e.value for e in at.error]
        assert errors and errors[0].startswith("发现"), (files, errors)
        table = at.dataframe[-1].value
        shown = set(table[t("col_file", "zh")])
        for name in files.values():
            assert name in shown, (name, shown)
        assert all(CJK.search(str(v)) for v in table[t("col_problem", "zh")])
        _assert_no_unescaped_html(at)


def test_streamlit_refuses_a_type_the_uploader_does_not_offer() -> None:
    """Not the app's doing: Streamlit checks ``type=`` on the server too.

    A browser never sends such a file (its file dialog and drop zone filter by type);
    only a hand-made request would, and it gets Streamlit's own refusal.
    """
    at = _data_page()
    name = "villages_old_excel.xls"
    assert not _offered(name)
    at.file_uploader(key=state.upload_key("villages")).set_value(
        (name, (BAD / name).read_bytes(), "application/vnd.ms-excel")
    )
    at.run()
    assert at.exception and "Invalid file extension" in at.exception[0].value


def test_page_with_hostile_names_escapes_them_everywhere() -> None:
    """Valid files whose names are HTML: checked, previewed, used on the map and KPI pages."""
    at = _data_page()
    for layer in ("townships", "villages", "collection_sites", "homes"):
        path = GOOD_FILES[layer]
        at.file_uploader(key=state.upload_key(layer)).set_value(
            (path.name, path.read_bytes(), "application/octet-stream")
        )
    hostile = GOOD / "contact_points_html_names.csv"
    at.file_uploader(key=state.upload_key("contact_points")).set_value(
        (IMG + ".csv", hostile.read_bytes(), "text/csv")
    )
    at.text_input(key=state.DATA_CITY_NAME).set_value(SCRIPT)
    at.run()
    assert not at.exception
    at.button(key=state.DATA_CHECK).click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success
    _assert_no_unescaped_html(at)
    at.button(key=state.DATA_USE).click().run()
    assert not at.exception
    assert at.session_state[state.USER_DATASET].city.name == SCRIPT
    _assert_no_unescaped_html(at)
    for page in ("views/map.py", "views/kpis.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        badges = [
            el.value for el in at.markdown if el.proto.allow_html and "cp-dataset" in el.value
        ]
        assert badges and "&lt;script&gt;" in badges[0], badges
        _assert_no_unescaped_html(at)


#: Calls that raise or collect a problem with its code as first argument (or ``code=``):
#: the ``Problem`` class, ``ProblemCollector.add`` and the modules' helpers
#: (``workspace_tables.problem``, ``workspace._problem``, ``edits._fail`` ...).
_PROBLEM_CALLS = frozenset({"Problem", "problem", "_problem", "add", "_fail", "fail"})
#: What a problem code looks like (``workspace_busy``); other first arguments of ``add``
#: (a set's ``add("x")``) are not codes only when they look otherwise.
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def _literal_codes(node: object) -> list[str]:
    """The string constants ``node`` may evaluate to: a literal, either branch of a
    conditional expression (``"a" if busy else "b"``), any operand of ``or``/``and``."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_codes(node.body) + _literal_codes(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [code for value in node.values for code in _literal_codes(value)]
    return []


def problem_codes_raised(root: Path) -> dict[str, str]:
    """``code -> module`` of every problem code a module under ``root`` raises or collects.

    Scans every call named in :data:`_PROBLEM_CALLS` for a code-like string as its first
    argument or as ``code=``, conditional expressions included. Command-line-only modules
    (``cli/``, ``__main__.py``) are left out: their problems never reach a page.
    """
    import ast

    codes: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        if "cli" in path.relative_to(root).parts[:-1] or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in _PROBLEM_CALLS:
                continue
            args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "code")]
            for arg in args:
                for code in _literal_codes(arg):
                    if _CODE.match(code):
                        codes.setdefault(code, str(path.relative_to(root)))
    return codes


def test_the_problem_code_scan_sees_helpers_and_conditionals(tmp_path: Path) -> None:
    """The scan below finds codes passed through helpers and chosen in an if-expression."""
    (tmp_path / "m.py").write_text(
        "raise _problem('workspace_busy' if busy else 'workspace_error', 'x')\n"
        "raise problem('missing_dataset_id', 'x')\n"
        "raise _fail('point_not_found', 'x')\n"
        "problems.add('bad_population', 'x')\n"
        "Problem(code='no_townships', message='x')\n"
        "seen.add(some_variable)\n",
        encoding="utf-8",
    )
    assert set(problem_codes_raised(tmp_path)) == {
        "workspace_busy",
        "workspace_error",
        "missing_dataset_id",
        "point_not_found",
        "bad_population",
        "no_townships",
    }


def test_every_analysis_problem_the_pages_can_show_has_chinese_text() -> None:
    """Scenario, workspace, optimiser, edit, coverage, standards and export problems reach
    the pages too (e.g. 自动保存失败 when another session saved first, 无法修改 when an
    edited point is gone): each code needs its Chinese sentence, or the page shows the
    generic "问题（code）：<English message>". Command-line-only modules excluded."""
    codes = problem_codes_raised(REPO / "analysis")
    assert len(codes) > 40
    assert {"workspace_busy", "point_not_found", "missing_dataset_id"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in PROBLEM_TEXT}
    assert not missing, missing
