"""The 运行评估 page in headless Chromium on the demo city (outside requests blocked).

The speech's facts on screen (rooms under 30 m² and points without a liaison listed, the
charts drawn), the template downloaded and uploaded back unchanged, the relocation proposal.
Screenshots at 1440x900 and 1280x720 go to ``artifacts/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard import state
from dashboard.i18n import t
from geodata.demo.load import load_demo_records
from geodata.records.read import read_records
from tests.support.browser import blocked_context, chromium, running_app
from tests.support.e2e import (
    metric_text,
    wait_idle,
)

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 240_000  # first run imports geopandas; the machine may be shared


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


def _top(locator: object) -> None:
    """Scroll so that ``locator`` is at the top of the page (for the screenshots)."""
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")  # type: ignore[attr-defined]
    locator.page.wait_for_timeout(500)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_review_page_on_the_demo(
    server: str, browser: object, artifacts_dir: Path, tmp_path: Path, width: int, height: int
) -> None:
    blocked: list[str] = []
    page = _page(browser, width, height, blocked)
    page.goto(server + "/review")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stMetric]", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_selector(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg",
        timeout=TIMEOUT_MS,
    )  # type: ignore[attr-defined]
    wait_idle(page, TIMEOUT_MS)
    main = page.inner_text("[data-testid=stMain]")  # type: ignore[attr-defined]
    assert t("review_title", "zh") in main
    assert "27.3%" in metric_text(page, t("review_metric_rate", "zh", whole="全市"))
    for pid in ("LXD05", "LXD08", "LXD09", "LXD12"):
        assert pid in main  # rooms under 30 m² / no full-time liaison, listed
    assert "场所面积不足 30 平方米的联系点 4 个" in main
    page.screenshot(path=str(artifacts_dir / f"e2e_review_zh_{width}.png"))  # type: ignore[attr-defined]
    # Further down: the lists and map, the standards tab, the trend of DBZJ01.
    _top(page.get_by_role("heading", name=t("review_commend_title", "zh")))  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / f"e2e_review_lists_zh_{width}.png"))  # type: ignore[attr-defined]
    _top(page.get_by_role("tab", name=t("review_tab_standards", "zh")))  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / f"e2e_review_standards_zh_{width}.png"))  # type: ignore[attr-defined]
    page.get_by_role("tab", name=t("review_tab_trend", "zh")).click()  # type: ignore[attr-defined]
    pick = page.locator(f".st-key-{state.REVIEW_POINT}")  # type: ignore[attr-defined]
    pick.click()
    page.keyboard.type("DBZJ01")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    wait_idle(page, TIMEOUT_MS)
    _top(pick)
    page.screenshot(path=str(artifacts_dir / f"e2e_review_trend_zh_{width}.png"))  # type: ignore[attr-defined]
    if width != 1440:
        assert not blocked, blocked
        page.context.close()  # type: ignore[attr-defined]
        return

    # The template: downloaded, read back unchanged, uploaded and used.
    page.get_by_text(t("review_records_title", "zh")).click()  # type: ignore[attr-defined]
    download = page.get_by_role("button", name=t("review_template", "zh"))  # type: ignore[attr-defined]
    download.wait_for(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:  # type: ignore[attr-defined]
        download.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    demo = load_demo_records()
    ids = dict(zip(demo["point_id"], demo["point_layer"], strict=True))
    pd.testing.assert_frame_equal(read_records(saved, ids), demo, check_dtype=False)
    page.set_input_files(f".st-key-{state.REVIEW_UPLOAD} input[type=file]", str(saved))  # type: ignore[attr-defined]
    page.wait_for_selector(  # type: ignore[attr-defined]
        f".st-key-{state.REVIEW_UPLOAD} [data-testid=stFileChip]", timeout=TIMEOUT_MS
    )
    wait_idle(page, TIMEOUT_MS)
    page.locator(f".st-key-{state.REVIEW_USE} button").click()  # type: ignore[attr-defined]
    page.get_by_text("记录：上传的").wait_for(timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    wait_idle(page, TIMEOUT_MS)
    # The cards are drawn again after the upload's rerun: read them once they are back.
    page.wait_for_selector("[data-testid=stMetric]", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    rate = t("review_metric_rate", "zh", whole="全市")
    while not metric_text(page, rate) and time.monotonic() < deadline:
        page.wait_for_timeout(250)  # type: ignore[attr-defined]
    assert "27.3%" in metric_text(page, rate)  # the same records

    # Into the plan: the moves of the flagged contact points.
    button = page.locator(f".st-key-{state.REVIEW_RELOCATE} button")  # type: ignore[attr-defined]
    _top(button)
    button.click()
    adopt = page.locator(f".st-key-{state.REVIEW_ADOPT} button")  # type: ignore[attr-defined]
    adopt.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page, TIMEOUT_MS)
    assert "全部采纳后" in page.inner_text("[data-testid=stMain]")  # type: ignore[attr-defined]
    _top(page.get_by_role("heading", name=t("review_relocation_title", "zh")))  # type: ignore[attr-defined]
    page.screenshot(path=str(artifacts_dir / f"e2e_review_relocation_zh_{width}.png"))  # type: ignore[attr-defined]
    page.get_by_text("English", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text(t("review_title", "en")).first.wait_for(timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    wait_idle(page, TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / f"e2e_review_en_{width}.png"))  # type: ignore[attr-defined]
    assert not blocked, blocked
    page.context.close()  # type: ignore[attr-defined]
