"""``python -m analysis {report,propose,export,accounts} ...``: see :mod:`analysis.cli.main`."""

from __future__ import annotations

import sys

from analysis.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
