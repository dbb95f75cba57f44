"""The app and a browser for the end-to-end tests: one way to start, block and stop them.

Every e2e test file used to carry its own copy of these fixtures' bodies; they share this.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.e2e import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_healthy

#: Addresses a test page may reach; every other request is aborted (an intranet).
LOCAL = ("http://127.0.0.1", "http://localhost")


@dataclass(frozen=True)
class RunningApp:
    """An app server of a test module: its address, workspace file and stderr so far."""

    url: str
    port: int
    workspace: Path
    log: Callable[[], str]


def need_chromium() -> None:
    """Skip the test when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")


@contextmanager
def running_app(
    root: Path, env: dict[str, str] | None = None, wait_s: float = 60.0
) -> Iterator[RunningApp]:
    """The app on a free port with a workspace of its own under ``root``, stopped after.

    Parameters
    ----------
    root
        A temporary folder of the test module (the workspace file goes there).
    env
        More environment variables for the app (they win over the workspace default).
    wait_s
        How long the server may take to answer its health check.
    """
    need_chromium()
    workspace = root / "workspace.gpkg"
    port = free_port()
    proc = start_app(port, env={"COVERAGE_PLANNER_WORKSPACE": str(workspace), **(env or {})})
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    chunks: list[bytes] = []

    def server_log() -> str:
        chunk = proc.stderr.read() if proc.stderr else None
        if chunk:
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")

    try:
        wait_healthy(port, timeout=wait_s)
        yield RunningApp(f"http://127.0.0.1:{port}", port, workspace, server_log)
    finally:
        stop_app(proc)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def blocked_context(
    browser: Any,
    width: int,
    height: int,
    *,
    downloads: bool = False,
    blocked: list[str] | None = None,
) -> tuple[Any, list[str]]:
    """A zh-CN browser context of that viewport in which every outside request is aborted.

    Returns the context and the list the aborted addresses are appended to (``blocked``
    when given, else a new one).
    """
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=downloads
    )
    blocked = [] if blocked is None else blocked

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(LOCAL):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context, blocked


def until(what: str, check: Callable[[], Any], timeout: float, every_s: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy and return that; fail after
    ``timeout`` seconds saying ``what`` was not seen and the last value."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every_s)
    raise AssertionError(f"{what} not seen in {timeout:.0f} s (last: {last!r})")
