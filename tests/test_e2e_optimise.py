"""End to end: four browser sessions press 求解 at once; each gets its own proposal.

Starts the app as ``scripts/start.sh`` does (``python -m dashboard.launch``, a temporary
workspace), opens four sessions of Debian's Chromium (each its own browser context, every
request outside localhost blocked) on the optimiser tab of 方案模拟, and presses 求解 (the
exact solve, in the server's solver pool) in all four within a fraction of a second. Each
session must draw its proposal (its 采纳 button and the proposal's KPI cards), the same
plan in all four (same city, same request), with no error and no traceback in the server's
log; a session that never drew its proposal (a result picked up by the wrong session, or
never) fails the test. No timing is asserted (``bench/optimise_concurrent.py`` measures it).
Screenshot: ``artifacts/e2e_optimise_four.png``.

And one session's long solve (a large request, a short time limit: past the press's first
wait, so the progress is shown and the panel is rerun by its hidden pickup button): the
proposal's points are drawn into the map that is there (the map's page is not loaded
again), dashed, with the legend's entry; adopted, they are the plan's own.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import state
from dashboard.i18n import t
from tests.support.browser import blocked_context, chromium, running_app, until
from tests.support.e2e import (
    sim_map_frame,
    wait_idle,
)

pytestmark = pytest.mark.e2e
playwright = pytest.importorskip("playwright.sync_api")
SESSIONS = 4
#: Bound of every wait (seconds): generous for a loaded 2-core machine with four pages; the
#: test fails (never hangs) beyond it.
WAIT_S = 300.0


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a free port with a workspace of its own; yields url and log."""
    with running_app(tmp_path_factory.mktemp("e2e_optimise")) as a:
        yield {"url": a.url, "log": a.log}


_until = functools.partial(until, timeout=WAIT_S)


def _button(page: Any, key: str) -> Any:
    """The visible button of widget ``key`` (with ``help=``, Streamlit draws a hidden copy)."""
    return page.locator(f".st-key-{key} button").filter(visible=True)


def _errors(page: Any) -> list[str]:
    texts = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return [e for e in texts if t("opt_conflicts", "zh") not in e]


def _open(browser: Any, url: str) -> tuple[Any, Any]:
    """A new session on the optimiser tab of 方案模拟, 求解 ready to press."""
    context, _ = blocked_context(browser, 1440, 900)
    page = context.new_page()
    page.goto(url + "/simulate")
    tab = page.get_by_role("tab", name=t("sim_tab_optimiser", "zh"))
    tab.wait_for(timeout=WAIT_S * 1000)
    wait_idle(page, WAIT_S * 1000)
    tab.click()
    _button(page, state.OPT_SOLVE).wait_for(timeout=WAIT_S * 1000)
    return context, page


def test_four_sessions_solving_at_once_each_get_their_proposal(app: dict[str, Any]) -> None:
    artifacts = Path(__file__).resolve().parent.parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with chromium() as browser:
        try:
            opened = [_open(browser, app["url"]) for _ in range(SESSIONS)]
            pages = [page for _, page in opened]
            for page in pages:
                _button(page, state.OPT_SOLVE).click()
            cards = []
            for i, page in enumerate(pages):
                apply = _button(page, state.OPT_APPLY)
                _until(f"session {i}'s proposal", lambda a=apply: a.count() > 0 and a.is_visible())
                wait_idle(page, WAIT_S * 1000)
                assert not _errors(page), (i, _errors(page))
                assert page.locator('[data-testid="stException"]').count() == 0
                # The progress fragment is gone once the proposal is drawn.
                assert page.locator(f".st-key-{state.OPT_CANCEL}").count() == 0
                cards.append(page.locator(f".st-key-{state.OPT_CARDS}").inner_text())
            pages[0].screenshot(path=str(artifacts / "e2e_optimise_four.png"), full_page=True)
            assert all(c and c == cards[0] for c in cards), cards
        finally:
            for context, _ in opened if "opened" in locals() else []:
                context.close()
    assert "Traceback" not in app["log"](), app["log"]()[-3000:]


#: In the map's iframe: the proposal's dashed badges, the plan's new ones, and a mark set on
#: the map's window before the solve (gone if the map's page was loaded again).
_MAP_JS = """() => ({
    pending: document.querySelectorAll('.leaflet-marker-pane .sim-badge.pending').length,
    proposed: document.querySelectorAll('.leaflet-marker-pane .sim-badge.st-proposed').length,
    mark: window.__e2eMark || 0,
})"""


def _fill(page: Any, key: str, value: int) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_timeout(300)
    wait_idle(page, WAIT_S * 1000)


def test_a_long_solve_draws_its_points_into_the_map_that_is_there(app: dict[str, Any]) -> None:
    artifacts = Path(__file__).resolve().parent.parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with chromium() as browser:
        context, page = _open(browser, app["url"])
        try:
            for key, value in (
                (state.OPT_RURAL, 40),
                (state.OPT_ENTERPRISE, 25),
                (state.OPT_ASSOCIATION, 10),
                (state.OPT_TIME_LIMIT, 3),
            ):
                _fill(page, key, value)
            frame = _until("the map", lambda: sim_map_frame(page))
            _until("the map drawn", lambda: frame.evaluate("() => !!window.map"))
            frame.evaluate("() => { window.__e2eMark = 1; }")
            assert frame.evaluate(_MAP_JS)["pending"] == 0
            _button(page, state.OPT_SOLVE).click()
            apply = _button(page, state.OPT_APPLY)
            _until("the proposal", lambda: apply.count() > 0 and apply.is_visible())
            wait_idle(page, WAIT_S * 1000)
            assert not _errors(page), _errors(page)
            assert page.locator(f".st-key-{state.OPT_CANCEL}").count() == 0
            seen = _until("the dashed points", lambda: frame.evaluate(_MAP_JS)["pending"])
            assert seen == 75, seen  # 40 + 25 + 10 new points
            assert frame.evaluate(_MAP_JS)["mark"] == 1  # the same map, not drawn afresh
            assert page.locator(".sim-lg-pending").count() == 1
            assert not page.locator(f".st-key-{state.OPT_PICKUP}").is_visible()
            page.screenshot(path=str(artifacts / "e2e_optimise_long.png"))
            apply.click()
            _until("the points adopted", lambda: frame.evaluate(_MAP_JS)["proposed"] >= 75)
            wait_idle(page, WAIT_S * 1000)
            _until("no dashed point", lambda: frame.evaluate(_MAP_JS)["pending"] == 0)
            assert page.locator(".sim-lg-pending").count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()
    assert "Traceback" not in app["log"](), app["log"]()[-3000:]
