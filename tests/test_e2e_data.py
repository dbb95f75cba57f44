"""The 数据 page in headless Chromium: Streamlit's own texts in the page language, and a file
with 1,204 identical problems said once, the full list downloadable.

Every request outside localhost is blocked. Screenshots (1440x900 and 1280x720, Chinese
and English) go to ``artifacts/``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard import state
from dashboard.i18n import t
from geodata.io.limits import MAX_INPUT_MB
from tests.support.bad_villages import BAD_ROWS, FORMULA, write_many_bad_villages
from tests.support.browser import blocked_context, chromium, running_app
from tests.support.e2e import (
    wait_idle,
)

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

TOWNS = Path(__file__).resolve().parent / "data" / "good" / "townships.geojson"
TIMEOUT_MS = 180_000  # first run imports geopandas; the machine may be shared
AFTER = "(s) => s ? getComputedStyle(s, '::after').content : null"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("ws")) as a:
        yield a.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def _page(browser: object, width: int, height: int, blocked: list[str]) -> object:
    context, _ = blocked_context(browser, width, height, downloads=True, blocked=blocked)
    return context.new_page()


def _after(page: object, selector: str) -> str | None:
    return page.evaluate(f"() => ({AFTER})(document.querySelector({selector!r}))")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_data_page_speaks_the_page_language_and_says_problems_once(
    server: str, browser: object, artifacts_dir: Path, tmp_path: Path, width: int, height: int
) -> None:
    blocked: list[str] = []
    page = _page(browser, width, height, blocked)
    page.goto(server + "/data")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stFileUploader]", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    wait_idle(page, TIMEOUT_MS)
    button = f".st-key-{state.upload_key('homes')} [data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer]"  # noqa: E501
    limit = f".st-key-{state.upload_key('population')} [data-testid=stFileUploaderDropzoneInstructions] span"  # noqa: E501
    assert _after(page, button) == f'"{t("uploader_button", "zh")}"'
    assert _after(page, limit) == f'"每个文件最大 {MAX_INPUT_MB} MB · CSV、XLSX"'
    assert not page.is_visible("[data-testid=stMainMenu]")  # type: ignore[attr-defined]
    # Streamlit's English ("Upload", "100MB per file • ...") stays in the DOM, not on screen.
    shown = page.evaluate(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('[data-testid=stFileUploaderDropzone]')].map(z => [
            getComputedStyle(z.querySelector('button p')).display,
            getComputedStyle(z.querySelector('[data-testid$=Instructions] span')).fontSize])"""
    )
    assert shown == [["none", "0px"]] * len(state.UPLOAD_LAYERS), shown
    page.screenshot(path=str(artifacts_dir / f"e2e_data_uploader_zh_{width}.png"))  # type: ignore[attr-defined]

    bad = write_many_bad_villages(tmp_path / "村庄.csv")
    for layer, path in (("townships", TOWNS), ("villages", bad)):
        page.set_input_files(f".st-key-{state.upload_key(layer)} input[type=file]", str(path))  # type: ignore[attr-defined]
        page.wait_for_selector(  # type: ignore[attr-defined]
            f".st-key-{state.upload_key(layer)} [data-testid=stFileChip]", timeout=TIMEOUT_MS
        )
        wait_idle(page, TIMEOUT_MS)
    page.locator(f".st-key-{state.DATA_CHECK} button").click()  # type: ignore[attr-defined]
    download = page.locator(f".st-key-{state.DATA_PROBLEMS_DOWNLOAD} button")  # type: ignore[attr-defined]
    download.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page, TIMEOUT_MS)
    grouped = t("problems_grouped", "zh", n=f"{BAD_ROWS:,}", groups="1")
    assert grouped in page.inner_text("[data-testid=stMain]")  # type: ignore[attr-defined]
    download.scroll_into_view_if_needed()
    time.sleep(0.5)  # the table's canvas paints after scrolling
    page.screenshot(path=str(artifacts_dir / f"e2e_data_problems_zh_{width}.png"))  # type: ignore[attr-defined]
    with page.expect_download(timeout=TIMEOUT_MS) as info:  # type: ignore[attr-defined]
        download.click()
    raw = Path(info.value.path()).read_bytes()
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(table) == BAD_ROWS
    assert set(table[t("col_file", "zh")]) == {"村庄.csv"}
    assert "'" + FORMULA in set(table[t("col_value", "zh")])

    page.get_by_text("English", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => ({AFTER})(document.querySelector({button!r})) === '\"Choose file\"'",
        timeout=TIMEOUT_MS,
    )
    wait_idle(page, TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / f"e2e_data_problems_en_{width}.png"))  # type: ignore[attr-defined]
    assert not blocked, blocked
    page.context.close()  # type: ignore[attr-defined]
