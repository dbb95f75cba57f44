"""What the dashboard's server costs, seen from outside: memory, CPU, bytes to the browser.

Used by ``bench/ui.py``: the server's resident memory and CPU time (with its children,
read from ``/proc``) and the bytes a page receives on Streamlit's websocket (Playwright's
``websocket`` / ``framereceived`` events).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc; e.g. the solver pool's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_by_process(pid: int) -> dict[int, float]:
    """Resident memory (MB) of the server process and of each of its children."""
    out: dict[int, float] = {}
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[p] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return out


def server_rss_mb(pid: int) -> float:
    """Resident memory (MB) of the server process and its children."""
    return sum(rss_by_process(pid).values())


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server process and its children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


class FrameBytes:
    """Bytes the page received on its websockets (Streamlit's messages to the browser)."""

    def __init__(self, page: Page) -> None:
        self.received = 0
        page.on("websocket", self._socket)

    def _socket(self, ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)
