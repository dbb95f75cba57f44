"""HiGHS objects that print nothing, not even HiGHS' banner.

highspy 1.16 prints "Running HiGHS ..." once per process when the first ``Highs()`` is
made, before any option can turn the output off; on the command line that banner sat
between the user's command and its Chinese summary, and in every solver worker's log.
The first object of a process is therefore made with the C-level standard output pointed
at ``/dev/null``; later objects are silent by their options alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading

import highspy

_LOCK = threading.Lock()
_BANNER_DONE = False


def _libc_fflush() -> None:
    """Flush C's stdio buffers (HiGHS writes with printf, which buffers)."""
    # No C library handle (not on glibc/musl): nothing of ours is buffered there.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


def new_highs() -> highspy.Highs:
    """Return a ``highspy.Highs`` with every output off (no banner, no log)."""
    global _BANNER_DONE
    with _LOCK:
        if _BANNER_DONE:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            _libc_fflush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
                _libc_fflush()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _BANNER_DONE = True
    h.silent()
    return h


__all__ = ["new_highs"]
