"""Start-up and rerun timing marks, printed only when ``CP_TIMING`` is set (diagnostics).

``CP_TIMING=1 python -m dashboard.launch`` prints one line per mark on stderr::

    [cp-timing] 1764407000.123 +0.842 app: script start

(wall-clock seconds since the epoch, so the lines can be merged with a browser's
performance timeline; then seconds since the process started). Without the variable,
:func:`mark` is a no-op that costs one attribute test.
"""

from __future__ import annotations

import os
import sys
import threading
import time

ENABLED = bool(os.environ.get("CP_TIMING"))
#: Wall-clock time this module was first imported (the launcher imports it first).
T0 = time.time()


def mark(label: str) -> None:
    """Print ``label`` with the wall-clock time and the seconds since start (if enabled)."""
    if ENABLED:
        now = time.time()
        thread = threading.current_thread().name
        print(
            f"[cp-timing] {now:.3f} +{now - T0:.3f} [{thread}] {label}",
            file=sys.stderr,
            flush=True,
        )
