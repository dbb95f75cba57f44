"""Solves in worker processes of their own (:class:`SolvePool`).

A solve in a thread of the Streamlit server shares the server's GIL with every other
session; a solve in a process of its own does not, and a crash in it (a bug, a segfault in
a native library) ends the worker, not the server. See ``docs/operations.md`` for the
pool's size setting (:data:`~analysis.optimise.worker.settings.SIZE_ENV`).
"""

from __future__ import annotations

from analysis.optimise.worker.handle import SolveHandle
from analysis.optimise.worker.pool import SolvePool
from analysis.optimise.worker.protocol import SolveOutcome
from analysis.optimise.worker.settings import SIZE_ENV, default_size

__all__ = ["SIZE_ENV", "SolveHandle", "SolveOutcome", "SolvePool", "default_size"]
