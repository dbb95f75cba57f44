"""Month and quarter labels of records: ``2025-03`` and ``2025-Q1``.

Sheets from Excel write periods many ways (``2025年3月``, ``2025/3``, a date cell,
``2025年第1季度``, ``2025Q1``, ``2025 一季度``); :func:`parse_period` reads them all into the two
canonical forms, or returns None.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月(?:份)?)?(?:[-/.]\d{1,2}(?:日)?)?$")
_QUARTER = re.compile(
    r"^(\d{4})\s*(?:年)?\s*[-/ ]?\s*(?:q|第)?\s*([1-4一二三四])\s*(?:季度|季|q)?$"
)
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4"}


def parse_period(value: object) -> str | None:
    """Canonical period of a cell: ``"YYYY-MM"``, ``"YYYY-Qn"``, or None when unreadable.

    Examples
    --------
    >>> parse_period("2025年3月"), parse_period("2025-Q1"), parse_period("2025年第4季度")
    ('2025-03', '2025-Q1', '2025-Q4')
    """
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = text.replace("00:00:00", "").strip()
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 1900 < year < 2200 else None
    quarter = _QUARTER.match(text.replace("季度", "季").replace("季", "季度"))
    if ("q" in text or "季" in text) and quarter:
        year, q = int(quarter.group(1)), _CN_DIGIT.get(quarter.group(2), quarter.group(2))
        return f"{year:04d}-Q{q}" if 1900 < year < 2200 else None
    return None


def quarter_of(period: str) -> str:
    """The quarter a canonical period falls in (``"2025-03"`` -> ``"2025-Q1"``)."""
    if "-Q" in period:
        return period
    year, month = period.split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def is_month(period: str) -> bool:
    """True for a month (``YYYY-MM``), False for a quarter."""
    return "-Q" not in period


def quarter_index(quarter: str) -> int:
    """A running number of a quarter (consecutive quarters differ by one)."""
    year, q = quarter.split("-Q")
    return int(year) * 4 + int(q) - 1


def quarter_label(index: int) -> str:
    """Inverse of :func:`quarter_index`."""
    return f"{index // 4}-Q{index % 4 + 1}"
