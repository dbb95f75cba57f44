"""HiGHS prints nothing of its own: no banner between a command and its summary."""

from __future__ import annotations

import subprocess
import sys


def test_first_highs_of_a_process_prints_no_banner() -> None:
    code = (
        "from analysis.optimise.solverlog import new_highs\n"
        "print('before', flush=True)\n"
        "h = new_highs(); h2 = new_highs()\n"
        "h.setOptionValue('random_seed', 0)\n"
        "print('after')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout == "before\nafter\n"
    assert "HiGHS" not in out.stderr
