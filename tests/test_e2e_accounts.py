"""Accounts in a real browser (#15): log in as each role, what each may and may not do.

One app (its own workspace with four accounts and two scenarios of the demo city), a new
browser context (a new Streamlit session) per role; requests leaving the machine are
blocked. The viewer sees no editing page and cannot reach one by URL; a planner opens a
colleague's published scenario read-only and copies it as their own; the administrator's
page shows hostile names as text; wrong passwords are rate-limited (last: it blocks the
address). Screenshots of the login and admin pages at 1440x900 and 1280x720:
``artifacts/e2e_accounts_*.png``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import state
from dashboard.i18n import t
from tests.support.e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
    wait_healthy,
    wait_idle,
)

playwright = pytest.importorskip("playwright.sync_api")
LOCAL = ("http://127.0.0.1", "http://localhost")
WAIT_MS = 180_000
GOOD = "Gr8-planning-2026"
#: A display name and a username that would run script if shown as HTML.
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">张三'
HOSTILE_USER = "x');DROP_TABLE_accounts_users;--<b>"
PUBLISHED = "alice 的方案"
DRAFT = "alice 草稿"
SIZES = ((1440, 900), (1280, 720))
#: Url paths of the pages other than the map (the default page, the site's root).
PAGES = frozenset({"kpis", "simulate", "compare", "export", "review", "data", "admin"})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Any]]:
    """The app on a free port with accounts and two scenarios; Playwright's browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from analysis.accounts.service import Accounts
    from analysis.plan.edits import add_point
    from analysis.plan.scenarios import baseline_scenario, copy_scenario
    from analysis.workspace.store import WorkspaceStore
    from geodata.demo.load import load_demo_city

    workspace = tmp_path_factory.mktemp("e2e_accounts") / "workspace.gpkg"
    store = WorkspaceStore(workspace)
    acc = Accounts(store)
    acc.create_admin("root", GOOD, "管理员")
    acc.add_user(None, "alice", GOOD, "planner", "爱丽丝")
    acc.add_user(None, "bob", GOOD, "planner", HOSTILE_NAME)
    acc.add_user(None, "lead", GOOD, "viewer", "领导")
    acc.add_user(None, HOSTILE_USER, GOOD, "viewer", "<script>window.__pwned=2</script>")
    city = load_demo_city()
    x, y = city.townships.geometry.representative_point().iloc[0].coords[0]
    for name, published in ((PUBLISHED, True), (DRAFT, False)):
        scn = copy_scenario(baseline_scenario(city, "demo"), name, "爱丽丝")
        scn = add_point(scn, "contact_points", lon=x, lat=y, type="rural")
        store.save(dataclasses.replace(scn, owner="alice", published=published))
    port = free_port()
    proc = start_app(port, env={"COVERAGE_PLANNER_WORKSPACE": str(workspace)})
    try:
        wait_healthy(port)
        with playwright.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield port, browser
            finally:
                browser.close()
    finally:
        stop_app(proc)


class Tab:
    """One browser context (one Streamlit session) with outside requests blocked."""

    def __init__(self, browser: Any, port: int, width: int = 1440, height: int = 900) -> None:
        self.port = port
        self.blocked: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
        )

        def route(r: Any) -> None:
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()

    def goto(self, path: str = "") -> None:
        self.page.goto(f"http://127.0.0.1:{self.port}/{path}")
        # The app drew either the login page or, logged in, the sidebar's logout button.
        self.page.wait_for_selector(
            f".st-key-{state.LOGIN_SUBMIT}, .st-key-{state.LOGOUT}", timeout=WAIT_MS
        )
        self.idle()

    def idle(self) -> None:
        self.page.wait_for_timeout(300)
        wait_idle(self.page, WAIT_MS)

    def key(self, key: str) -> Any:
        return self.page.locator(f".st-key-{key}")

    def login(self, username: str, password: str = GOOD) -> None:
        self.page.locator(f".st-key-{state.LOGIN_USERNAME} input").wait_for(timeout=WAIT_MS)
        self.page.locator(f".st-key-{state.LOGIN_USERNAME} input").fill(username)
        self.page.locator(f".st-key-{state.LOGIN_PASSWORD} input").fill(password)
        self.page.locator(f".st-key-{state.LOGIN_SUBMIT} button").click()
        # Logged in (the logout button) or refused (an error above the form).
        self.page.wait_for_selector(
            f".st-key-{state.LOGOUT}, [data-testid=stAlertContentError]", timeout=WAIT_MS
        )
        self.idle()

    def nav(self) -> set[str]:
        """The pages of the sidebar's navigation (url paths; the map is the site's root)."""
        links = self.page.locator("[data-testid=stSidebarNavLink]")
        hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        tails = {urlparse(str(h)).path.rstrip("/").rsplit("/", 1)[-1] for h in hrefs}
        return {tail if tail in PAGES else "map" for tail in tails}

    def text(self) -> str:
        return str(self.page.locator("[data-testid=stAppViewContainer]").inner_text())

    def check_safe(self) -> None:
        pwned = self.page.evaluate("() => window.__pwned === undefined ? 0 : window.__pwned")
        assert pwned == 0
        assert not self.page.locator("[data-testid=stMain] img[src=x]").count()
        assert not self.blocked, self.blocked
        assert not self.page.locator("[data-testid=stException]").count()

    def shot(self, artifacts: Path, name: str) -> None:
        self.page.screenshot(path=str(artifacts / f"e2e_accounts_{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def test_login_page_first(app: tuple[int, Any], artifacts_dir: Path) -> None:
    port, browser = app
    for width, height in SIZES:
        tab = Tab(browser, port, width, height)
        tab.goto("")
        tab.key(state.LOGIN_SUBMIT).wait_for(timeout=WAIT_MS)
        assert not tab.nav()  # nothing but the login page before logging in
        assert t("login_title", "zh") in tab.text()
        tab.goto("simulate")  # a page's address shows the login page too
        assert tab.key(state.LOGIN_SUBMIT).count() == 1 and tab.key(state.SIM_NAME).count() == 0
        tab.shot(artifacts_dir, f"login_{width}x{height}")
        tab.check_safe()
        tab.close()


def test_viewer_reads_published_only_and_reaches_no_edit_control(app: tuple[int, Any]) -> None:
    port, browser = app
    tab = Tab(browser, port)
    tab.goto("kpis")
    tab.login("lead")
    assert tab.nav() == {"map", "kpis", "compare", "export"}
    tab.goto("kpis")
    tab.login("lead")  # a new page load is a new session: log in again
    tab.key(state.KPI_SCENARIO).wait_for(timeout=WAIT_MS)
    tab.key(state.KPI_SCENARIO).locator("[aria-haspopup='listbox']").first.click()
    options = tab.page.get_by_role("option").all_inner_texts()
    assert any(PUBLISHED in o for o in options) and not any(DRAFT in o for o in options)
    tab.page.keyboard.press("Escape")
    for path in ("simulate", "review", "data", "admin"):  # by address: not there
        tab.goto(path)
        tab.login("lead")
        assert tab.key(state.SIM_NAME).count() == 0
        assert tab.key(state.SIM_DELETE_SCENARIO).count() == 0
        assert tab.page.locator("[data-testid=stFileUploader]").count() == 0
        assert tab.key(state.ADMIN_ADD_USER).count() == 0
    tab.check_safe()
    tab.close()


def test_planner_cannot_change_anothers_scenario_but_copies_it(app: tuple[int, Any]) -> None:
    port, browser = app
    tab = Tab(browser, port)
    tab.goto(f"simulate?scenario={PUBLISHED}")
    tab.login("bob")
    assert tab.nav() == {"map", "kpis", "simulate", "compare", "export", "review", "data"}
    tab.key(state.SIM_NAME).wait_for(timeout=WAIT_MS)
    assert tab.key(state.SIM_NAME).locator("input").input_value() == PUBLISHED
    assert t("own_copy_mine", "zh") in tab.text()
    assert tab.key(state.SIM_APPLY_NAME).locator("button").is_disabled()
    assert tab.key(state.SIM_PUBLISH).count() == 0  # not his to publish
    tab.key(state.SIM_COPY_MINE).locator("button").click()
    tab.idle()
    copy_name = t("own_copy_name", "zh", name=PUBLISHED)
    tab.page.wait_for_function(
        "([k, v]) => document.querySelector(`.st-key-${k} input`)?.value === v",
        arg=[state.SIM_NAME, copy_name],
        timeout=WAIT_MS,
    )
    tab.key(state.SIM_COPY_MINE).wait_for(state="detached", timeout=WAIT_MS)  # his own now
    tab.idle()
    assert tab.key(state.SIM_PUBLISH).count() == 1
    assert not tab.key(state.SIM_APPLY_NAME).locator("button").is_disabled()
    tab.check_safe()  # his display name holds an <img onerror>: shown as text
    assert "window.__pwned=1" in tab.text()
    tab.close()


def test_admin_page_shows_hostile_names_as_text(app: tuple[int, Any], artifacts_dir: Path) -> None:
    port, browser = app
    for width, height in SIZES:
        tab = Tab(browser, port, width, height)
        tab.goto("admin")
        tab.login("root")
        assert "admin" in tab.nav()
        tab.goto("admin")
        tab.login("root")
        tab.key(state.ADMIN_PICK_USER).wait_for(timeout=WAIT_MS)
        tab.page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=WAIT_MS)
        tab.idle()
        tab.shot(artifacts_dir, f"admin_users_{width}x{height}")
        tab.page.get_by_role("tab", name=t("admin_audit", "zh")).click()
        tab.idle()
        tab.key(state.ADMIN_AUDIT_DOWNLOAD).wait_for(timeout=WAIT_MS)
        tab.page.locator("[data-testid=stDataFrame]").last.wait_for(timeout=WAIT_MS)
        tab.idle()
        tab.shot(artifacts_dir, f"admin_audit_{width}x{height}")
        with tab.page.expect_download() as info:
            tab.key(state.ADMIN_AUDIT_DOWNLOAD).locator("button").click()
        body = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert "login" not in body or "登录" in body  # translated actions
        assert "bob" in body or "copy" in body or "复制" in body
        tab.check_safe()
        tab.close()


def test_viewer_sees_no_admin_page(app: tuple[int, Any]) -> None:
    port, browser = app
    tab = Tab(browser, port)
    tab.goto("admin")
    tab.login(HOSTILE_USER)
    assert "admin" not in tab.nav()
    assert tab.key(state.ADMIN_PICK_USER).count() == 0
    tab.check_safe()
    tab.close()


def test_wrong_passwords_are_rate_limited(app: tuple[int, Any]) -> None:
    """Last in the module: the failures block this machine's address for a while."""
    port, browser = app
    tab = Tab(browser, port)
    tab.goto("")
    for _ in range(5):
        tab.login("alice", "not-her-password-1")
        assert "用户名或密码错误" in tab.text()
    tab.login("alice", GOOD)  # even the right password now waits
    assert "登录失败次数过多" in tab.text()
    assert tab.key(state.LOGIN_SUBMIT).count() == 1 and not tab.nav()
    tab.check_safe()
    tab.close()
