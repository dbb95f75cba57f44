"""Numbers as the brief and the workbook print them: shares as percentages, counts with
thousands separators, changes with a sign ("+3.2个百分点", "持平")."""

from __future__ import annotations

from typing import Any

import pandas as pd

_SHARE_HINTS = ("share", "rate", "ratio", "coverage")


def is_share(key: str, *values: Any) -> bool:
    """True for KPIs expressed as a share in [0, 1] (shown as percentages)."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    in_unit = all(0.0 <= float(v) <= 1.0 for v in numbers) and any(
        isinstance(v, float) for v in numbers
    )
    return in_unit and any(h in key for h in _SHARE_HINTS)


def fmt_value(value: Any, share: bool = False) -> str:
    """Format a KPI value: percentages with one decimal, integers with separators."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if share:
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def fmt_delta(delta: Any, share: bool = False) -> str:
    """Format a change: ``+3.2个百分点`` for shares, ``+1,200`` for counts, ``0`` for none."""
    if delta is None or (isinstance(delta, float) and pd.isna(delta)):
        return "—"
    if share:
        points = float(delta) * 100
        return "持平" if abs(points) < 0.05 else f"{points:+.1f}个百分点"
    if float(delta) == 0:
        return "持平"
    if isinstance(delta, int) or float(delta).is_integer():
        return f"{int(delta):+,}"
    return f"{float(delta):+,.2f}"


def clean(value: Any) -> Any:
    """A plain Python value (numpy scalars unwrapped), ``None`` for missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value
