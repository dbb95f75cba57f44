"""Start the dashboard: ``coverage-planner [options]`` or ``python -m dashboard.launch [options]``.

The same as ``streamlit run dashboard/app.py [options]``, with these differences:

- the settings in ``dashboard/config.toml`` (static file serving for the offline map, the
  upload limit, the theme, no usage statistics ...) are passed as command-line options, so
  the app behaves the same from any working directory and when installed as a package;
- without accounts (:mod:`analysis.accounts.settings`) the server listens on this machine
  only (``--server.address localhost``); another address is refused, since anyone who could
  reach the page could change every scenario (:func:`network_address_check`); the accounts
  of a GeoPackage workspace are counted with sqlite3 alone, so the store's libraries
  (pandas, geopandas: ~0.5 s of CPU) load after the first map, not before the server listens;
- the heavy imports of the map page (numpy, pandas, folium, the dashboard's modules) start
  on a background thread first (:mod:`dashboard.warmup`), overlapping with the server's
  start and the browser loading Streamlit's frontend; the first map appears sooner;
- the C allocator keeps two arenas (:func:`limit_malloc_arenas`): Streamlit runs each
  session's script on a thread of its own, glibc gives threads that allocate at the same time
  arenas of their own (up to 8 per core) and memory freed in one is not reused by another, so
  the server's memory grew with the sessions (5 province sessions: 491 -> 469 MB with two,
  bench/README.md, at no measurable cost per click); ``MALLOC_ARENA_MAX`` set by the
  operator wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parent / "app.py"
#: The dashboard's Streamlit settings (package data).
CONFIG = Path(__file__).resolve().parent / "config.toml"


def config_flags(path: Path = CONFIG) -> list[str]:
    """Streamlit command-line options for every value of a config TOML file.

    ``[server] maxUploadSize = 100`` becomes ``--server.maxUploadSize 100``; nested tables
    (``[theme.sidebar]``) give dotted names, booleans ``true``/``false``.
    """
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    flags: list[str] = []

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value)
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                flags.extend([f"--{name}", text])

    walk("", data)
    return flags


def _merged(extra: list[str]) -> list[str]:
    """The config's options, except those ``extra`` sets, then ``extra``."""
    given = {arg.split("=", 1)[0] for arg in extra if arg.startswith("--")}
    pairs = config_flags()
    defaults = [
        item
        for name, value in zip(pairs[::2], pairs[1::2], strict=True)
        if name not in given
        for item in (name, value)
    ]
    return [*defaults, *extra]


#: glibc's ``mallopt`` parameter for the arena limit (``M_ARENA_MAX`` in malloc.h).
M_ARENA_MAX = -8
#: Arenas the server keeps (the main one and one for every other thread).
SERVER_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """Limit glibc's malloc arenas for this process; ``True`` when the limit was set.

    Arenas already made stay; call it before the server starts its threads.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to limit
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))


#: Exit status when the server may not start as asked.
EXIT_REFUSED = 2


def _option(args: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in ``args`` (last wins)."""
    value = None
    for i, arg in enumerate(args):
        if arg == f"--{name}" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(f"--{name}="):
            value = arg.split("=", 1)[1]
    return value


def _user_count() -> int:
    """Accounts in the store (0 for a workspace file that does not exist yet: nothing is
    created here).

    A GeoPackage workspace is read with sqlite3 alone: opening the store imports pandas,
    geopandas and shapely (~0.5 s of CPU) before the server could listen. Only when that
    cannot tell (PostgreSQL, an unreadable file) is the store opened.
    """
    from analysis.workspace.setting import quick_user_count, store_setting

    setting = store_setting()
    count = quick_user_count(setting)
    if count is not None:
        return count
    from analysis.workspace.api import open_store

    return len(open_store(setting).list_users())


def network_address_check(extra: list[str], user_count: int) -> tuple[list[str], str]:
    """The options to start with, or a refusal.

    Returns
    -------
    (options, refusal)
        Without accounts: ``--server.address localhost`` added when no address is given,
        and a non-local address refused (``refusal`` says why and what to do; ``""``: start).
        With accounts: ``extra`` unchanged (Streamlit's default listens on every address).
    """
    from analysis.accounts import settings

    address = _option(extra, "server.address")
    if settings.accounts_on(user_count):
        return extra, ""
    if address is None:
        return ["--server.address", "localhost", *extra], ""
    if settings.is_local_address(address):
        return extra, ""
    return extra, (
        f"Refusing to listen on {address}: without accounts anyone who reaches the page "
        "could change every scenario. Create the first administrator on this machine "
        "(python -m analysis accounts create-admin --username NAME), then start again; "
        "or leave --server.address out to use this machine only.\n"
        f"拒绝监听 {address}：未配置账号时任何能访问页面的人都能修改所有方案。请先运行 "
        "python -m analysis accounts create-admin --username 用户名 创建管理员后再启动。"
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``streamlit run dashboard/app.py`` with the config's and ``argv``'s options.

    Parameters
    ----------
    argv
        Options passed on to ``streamlit run`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Streamlit's exit status.
    """
    from dashboard import timing

    timing.mark("launch: main")
    limit_malloc_arenas()  # before Streamlit's threads: its sessions share two arenas
    extra = list(sys.argv[1:] if argv is None else argv)
    from analysis.errors import AnalysisError

    try:
        users = _user_count()
    except AnalysisError as exc:  # e.g. the database cannot be reached: say so, do not start
        print("\n".join(p.message for p in exc.problems), file=sys.stderr)
        return EXIT_REFUSED
    extra, refusal = network_address_check(extra, users)
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_REFUSED
    from dashboard.adapters import streamlit_internals

    # Import Streamlit's command line (and with it the streamlit package) before the
    # warm-up thread starts, so the two threads never import the same Streamlit modules.
    streamlit_internals.load_cli()
    from dashboard import warmup

    if timing.ENABLED:
        # Mark sessions connecting and messages from the browser.
        streamlit_internals.trace_runtime(timing.mark)
        streamlit_internals.trace_script_runs(timing.mark, os.environ.get("CP_PROFILE", ""))
    warmup.start()
    # No file watcher unless asked for: it serves editing (rerun on save), and after each
    # successful run it scans every loaded module (~1,600; ~0.3 s on a busy 2-core
    # machine) on the server's event loop, just when the browser asks for the map's
    # component files. Pass --server.fileWatcherType auto while developing.
    if not any(arg.startswith("--server.fileWatcherType") for arg in extra):
        extra = ["--server.fileWatcherType", "none", *extra]
    return streamlit_internals.run_cli(["run", str(APP), *_merged(extra)])


if __name__ == "__main__":
    sys.exit(main())
