"""A village table with many bad rows (1,204 of 1,300 with text in the population column).

Imported by ``tests/test_geodata_problem_report.py``, ``tests/test_cli_report.py``,
``tests/test_app_data.py`` and ``tests/test_e2e_data.py``. One of the bad values is a
hostile formula that a spreadsheet would run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

BAD_ROWS = 1204
FORMULA = '=HYPERLINK("http://example.invalid","x")'


def write_many_bad_villages(path: Path, rows: int = 1300, bad: int = BAD_ROWS) -> Path:
    """Villages in the good townships' first township; ``bad`` of them with text population.

    Row 2 (0-based) is the first bad row; the bad rows are spread through the file. The
    header is Chinese, the kind column is headed 城乡属性.
    """
    rng = np.random.default_rng(11)
    population: list[object] = [int(v) for v in rng.integers(100, 5000, rows)]
    bad_rows = np.sort(rng.choice(np.arange(3, rows), size=bad - 1, replace=False))
    for r in (2, *bad_rows):
        population[int(r)] = "约一千"
    population[int(bad_rows[-1])] = FORMULA
    table = pd.DataFrame(
        {
            "编码": [f"620102{i:06d}" for i in range(rows)],
            "名称": [f"村{i}" for i in range(rows)],
            "乡镇编码": "620102001",
            "人口": population,
            "城乡属性": "村委会",
            "经度": rng.uniform(104.51, 104.54, rows).round(6),
            "纬度": rng.uniform(35.51, 35.59, rows).round(6),
        }
    )
    table.to_csv(path, index=False, encoding="utf-8")
    return path
