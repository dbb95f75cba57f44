"""The server's C allocator: fewer malloc arenas, less resident memory per session.

Streamlit runs each session's script on a thread of its own. glibc's malloc gives threads
that allocate at the same time arenas of their own (up to 8 per core), and memory freed in
one arena is not reused by another, so the server's resident memory grows with the sessions
even when their data is shared. Two arenas keep it down: on the province, 5 sessions took
the server from 491 to 469 MB (bench/README.md, "The province"), at no measurable cost per
click. ``MALLOC_ARENA_MAX`` set by the operator wins; elsewhere than glibc nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

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
