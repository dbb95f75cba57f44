"""Times shown to people are local (Asia/Shanghai by default, configurable)."""

from __future__ import annotations

import pytest

from analysis.localtime import TZ_ENV_VAR, local_text, to_local


def test_utc_iso_is_shown_in_china_time_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TZ_ENV_VAR, raising=False)
    assert local_text("2026-12-07T10:16:06.123456Z") == "2026-12-07 18:16"
    assert local_text("2026-12-07T23:30:00+00:00", "%H:%M:%S") == "07:30:00"


def test_zone_is_configurable_and_bad_names_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TZ_ENV_VAR, "Asia/Urumqi")
    assert local_text("2026-12-07T10:00:00Z") == "2026-12-07 16:00"
    monkeypatch.setenv(TZ_ENV_VAR, "Mars/Olympus")
    assert local_text("2026-12-07T10:00:00Z") == "2026-12-07 18:00"


def test_unreadable_times_are_empty() -> None:
    assert local_text("") == "" and local_text(None) == "" and local_text("yesterday") == ""
    assert to_local("2026-12-07T10:00:00") is not None  # naive means UTC
