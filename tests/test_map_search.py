"""The map's search list: pinyin keys of place names, published once per dataset as a file."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from dashboard.map import search_index
from dashboard.map.search import pinyin_keys
from dashboard.map.search import search_index as build_index
from dashboard.map.view import component_args, map_data, view_data
from tests.support.e2e import synthetic_city


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("马家庄", "majiazhuang", "mjz"),
        ("东关街道", "dongguanjiedao", "dgjd"),
        # Characters with several readings are read in their phrase.
        ("重庆", "chongqing", "cq"),
        ("厦门", "xiamen", "xm"),
        # ü is typed v, as on a pinyin keyboard; digits and Latin letters stay, lower-case.
        ("绿水村", "lvshuicun", "lsc"),
        ("A区3号", "aqu3hao", "aq3h"),
        # Punctuation and brackets leave no key.
        ("王庄（新）", "wangzhuangxin", "wzx"),
    ],
)
def test_pinyin_keys(name: str, full: str, initials: str) -> None:
    assert pinyin_keys(name) == (full, initials)


def test_search_index_appends_the_keys_of_the_unescaped_name() -> None:
    city = synthetic_city()
    index = build_index(city.townships, city.villages)  # type: ignore[attr-defined]
    assert index[0][0] == "&lt;b&gt;第0镇&amp;"  # shown escaped ...
    assert index[0][5:] == ["bdi0zhen", "bd0z"]  # ... keyed on the name as typed
    assert all(len(p) == 7 and re.fullmatch(r"[a-z0-9]*", p[5] + p[6]) for p in index)
    village = next(p for p in index if p[1] == 1)
    assert village[5].startswith("cun")


def test_the_map_script_carries_no_search_list() -> None:
    from dashboard.map.view import MapPayload

    payload = MapPayload({}, [[0.0, 0.0], [1.0, 1.0]], {"labels": []})
    assert "places" not in map_data(payload, "zh")
    url = search_index.index_url("demo@abc")
    args = component_args("{}", view_data(set()), search_url=url)
    assert f'window.cpTools(map_div, map_div._cp.d, "{url}")' in args["script"]
    assert url.startswith("../../app/static/search/") and url.endswith(".json")


def test_index_names_follow_the_dataset() -> None:
    a, b = search_index.index_name("demo@1"), search_index.index_name("demo@2")
    assert a != b and a == search_index.index_name("demo@1")
    assert "demo" not in a  # the name tells nothing of the data


def test_publish_writes_the_list_once_in_the_background(tmp_path: Path) -> None:
    city = synthetic_city()
    loads: list[int] = []

    def load() -> object:
        loads.append(1)
        return city

    assert search_index.publish("ds-1", load, tmp_path) is False
    path = tmp_path / search_index.index_name("ds-1")
    deadline = time.monotonic() + 60
    while not path.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    written = json.loads(path.read_text("utf-8"))
    assert written == build_index(city.townships, city.villages)  # type: ignore[attr-defined]
    assert search_index.publish("ds-1", load, tmp_path) is True
    assert loads == [1]  # the city is not even loaded once the list is there
    assert not list(tmp_path.glob("*.tmp"))
