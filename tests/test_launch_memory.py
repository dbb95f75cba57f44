"""The launcher's allocator setting (launch.limit_malloc_arenas): two arenas on glibc."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CHECK = "from dashboard import launch; print(launch.limit_malloc_arenas())"


def _run(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env_extra
    out = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_arena_limit_is_set_on_glibc() -> None:
    assert _run({}) == "True"


def test_an_operators_malloc_arena_max_wins() -> None:
    assert _run({"MALLOC_ARENA_MAX": "4"}) == "False"
