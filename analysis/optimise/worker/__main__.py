"""``python -m analysis.optimise.worker IN_FD OUT_FD``: a solver process of the pool."""

from __future__ import annotations

import sys

from analysis.optimise.worker.serve import main

if __name__ == "__main__":
    sys.exit(main())
