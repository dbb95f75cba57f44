"""The pool's settings: its size (an environment variable) and how workers start."""

from __future__ import annotations

import os

from analysis.errors import AnalysisError
from geodata.errors import Problem

#: Environment variable: number of solver processes (default :func:`default_size`).
SIZE_ENV = "COVERAGE_PLANNER_SOLVER_WORKERS"
#: A worker that dies before it is ready this many times in a row breaks the pool (an
#: import that fails would otherwise restart forever).
MAX_FAILED_STARTS = 3
#: Cities a worker keeps (by content key) so that the next solves on them do not send
#: them again: the working scenarios of a few sessions on one data set.
CITY_CACHE = 4
#: How often the pool asks whether the callers of its jobs are still there (seconds),
#: and how long a caller may be gone before its job is cancelled (a browser tab closed
#: mid-solve: its worker is free again instead of solving for nobody up to the time
#: limit; a short network drop or a reload within the grace does not cancel it).
CALLER_CHECK_S = 2.0
CALLER_GRACE_S = 10.0


def default_size() -> int:
    """Workers of a pool: :data:`SIZE_ENV` if set, else ``min(2, cores)``.

    Raises
    ------
    AnalysisError
        :data:`SIZE_ENV` is not a whole number from 1 to 32.
    """
    text = os.environ.get(SIZE_ENV, "").strip()
    if not text:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return max(1, min(2, cores or os.cpu_count() or 1))
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise AnalysisError(
            [
                Problem(
                    "solver_workers_invalid",
                    f"{SIZE_ENV} must be a whole number from 1 to 32; received {text!r}. "
                    "Unset it for the default (2, or 1 on a single core).",
                    value=text,
                )
            ]
        )
    return int(text)
