"""AppTest of the 地图 page with the administrator's base maps configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.i18n import t, t_md
from dashboard.map import tiles
from tests.support.e2e import APP

TIMEOUT = 120  # the first run imports geopandas/scipy and reads the demo city


def test_unreadable_tile_file_is_said_and_the_map_still_draws(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    junk = tmp_path / "office.mbtiles"
    junk.write_bytes(b"this is not SQLite" * 64)
    monkeypatch.setenv(tiles.ENV_FILE, str(junk))
    monkeypatch.setenv(tiles.ENV_URL, "http://gis.office.local/{z}/{x}/{y}.png")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    basemap = at.selectbox(key=state.MAP_BASEMAP)
    assert list(basemap.options)[:2] == [t("basemap_local", "zh"), t("basemap_custom", "zh")]
    assert at.session_state[state.MAP_BASEMAP] == "local"
    (warning,) = [w.value for w in at.warning]
    detail = "office.mbtiles"  # the file's name, never its path
    assert warning == t_md("tiles_file_unreadable", "zh", detail=detail)
    basemap.set_value("reference").run()
    assert not at.exception and not at.warning
