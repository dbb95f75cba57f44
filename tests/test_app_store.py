"""AppTest of the 方案模拟 page on a PostGIS store: it works, says in Chinese when the database
is down (never its address, never a traceback), and works again once the database is back."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from analysis.workspace.api import STORE_ENV_VAR
from dashboard.i18n.problems import PROBLEM_TEXT
from tests.support.postgres import Cluster, wait_until_accepting

REPO = Path(__file__).resolve().parent.parent
PAGE = str(REPO / "dashboard" / "views" / "simulate.py")
TIMEOUT = 120


def _run() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _errors(at: AppTest) -> str:
    return "\n".join(str(e.value).replace("\\", "") for e in at.error)


def test_database_down_is_said_in_chinese_and_the_page_recovers(
    postgres_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_cluster.new_store_url("app")
    monkeypatch.setenv(STORE_ENV_VAR, url)
    unavailable = PROBLEM_TEXT["store_unavailable"][0]
    at = _run()
    assert unavailable not in _errors(at)
    postgres_cluster.stop("fast")
    try:
        down = _run()
        shown = _errors(down)
        assert unavailable in shown, shown
        assert str(postgres_cluster.socket_dir) not in shown and "postgresql://" not in shown
    finally:
        postgres_cluster.start()
        wait_until_accepting(postgres_cluster)
    again = _run()
    assert unavailable not in _errors(again)
