"""The app's static files (dashboard/static): a folder it cannot write, shared by processes.

A read-only folder is reported once, in Chinese, through the domain exception
(``static_not_writable``), never a traceback; several server processes writing the same
content-hashed files into one folder (rename over the final name) never leave half a file,
a temporary file or an error, and pruning keeps the files in use (docs/operations.md).
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.errors import AnalysisError
from dashboard.i18n import problem_text
from dashboard.map import static_data, tiles
from tests.support.e2e import APP


def _blocked(tmp_path: Path) -> Path:
    """A folder that cannot be made: its parent is a file (fails for root too)."""
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "static"


def test_a_writable_folder_passes(tmp_path: Path) -> None:
    static_data.check_writable(tmp_path / "static")
    assert (tmp_path / "static").is_dir()
    assert list((tmp_path / "static").iterdir()) == []  # the probe is removed


def test_a_folder_the_app_cannot_write_is_a_domain_error(tmp_path: Path) -> None:
    folder = _blocked(tmp_path)
    with pytest.raises(AnalysisError) as info:
        static_data.check_writable(folder)
    (problem,) = info.value.problems
    assert problem.code == "static_not_writable"
    assert problem.params["folder"] == str(folder)
    text = problem_text(problem.code, dict(problem.params), problem.message, "zh")
    assert text.startswith("本程序无法在文件夹") and str(folder) in text and "写权限" in text
    en = problem_text(problem.code, dict(problem.params), problem.message, "en")
    assert en.startswith("The app cannot write its map data")
    # Writing map data there later says the same, not an OSError.
    with pytest.raises(AnalysisError) as later:
        static_data.publish('{"a":1}', folder=folder)
    assert later.value.problems[0].code == "static_not_writable"


def test_the_app_says_it_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVERAGE_PLANNER_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.setattr(static_data, "STATIC_DIR", _blocked(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "分析无法完成" in errors or at.dataframe, errors
    shown = " ".join(str(d.value.to_string()) for d in at.dataframe) + errors
    assert "本程序无法在文件夹" in shown


def _publish_many(args: tuple[str, int, int]) -> list[str]:
    """In another process: publish the same documents (and some of its own) many times."""
    folder, worker, rounds = args
    urls = []
    for i in range(rounds):
        urls.append(static_data.publish(f'{{"shared":{i % 5}}}', folder=Path(folder)))
        static_data.publish(f'{{"own":{worker},"i":{i}}}', folder=Path(folder))
    return urls


def test_processes_sharing_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mapdata"
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=3, mp_context=ctx) as pool:
        results = list(pool.map(_publish_many, [(str(folder), w, 40) for w in range(3)]))
    # The same content has the same name in every process, and the file holds it whole.
    assert results[0] == results[1] == results[2]
    for url in set(results[0]):
        text = (folder / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")
        assert text.startswith('{"shared":') and text.endswith("}")
    names = [p.name for p in folder.iterdir()]
    assert not [n for n in names if n.endswith(".tmp")]  # no temporary file left
    assert len(names) <= static_data.MAX_FILES


def test_pruning_keeps_a_file_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(static_data, "MAX_FILES", 3)

    def path_of(url: str) -> Path:
        return tmp_path / url.rsplit("/", 1)[1]

    old = [path_of(static_data.publish(f'{{"old":{i}}}', folder=tmp_path)) for i in range(2)]
    used = path_of(static_data.publish('{"used":1}', folder=tmp_path))
    for stamp, path in ((2, old[0]), (3, old[1]), (1, used)):  # written long ago
        os.utime(path, (stamp, stamp))
    monkeypatch.setattr(static_data, "_KNOWN", {})  # another process's first use of it
    assert path_of(static_data.publish('{"used":1}', folder=tmp_path)) == used
    static_data.publish('{"new":1}', folder=tmp_path)  # a fourth file: one is pruned
    assert used.exists() and old[1].exists()  # its time was renewed: not the oldest
    assert not old[0].exists()


def test_a_second_extraction_of_the_same_tiles_keeps_the_first(tmp_path: Path) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data)")
    db.execute("INSERT INTO tiles VALUES (1, 0, 0, ?)", (b"png",))
    dest = tmp_path / "t-1"
    tiles._extract(db, dest, "png")
    tiles._extract(db, dest, "png")  # another process, done second: no error
    assert (dest / "1" / "0" / "1.png").read_bytes() == b"png"
    assert [p.name for p in tmp_path.iterdir()] == ["t-1"]  # no temporary folder left
