"""Spreadsheet formula-injection safety for CSV and XLSX exports.

A text cell whose first character is ``=``, ``+``, ``-`` or ``@`` would be run as a
formula by Excel, WPS or LibreOffice when the file is opened. Such text is neutralised
by prefixing an apostrophe (``'=1+1`` shows as ``=1+1`` and is never evaluated).
Genuine numbers (ints and floats, negative ones included) are numbers, not text, and
are left as they are; so is text that *is* a plain number such as ``"-12.5"``, which a
spreadsheet reads as the number it shows.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@")
#: Characters that also start a formula after leading whitespace/control characters.
_LEADING_JUNK = "\t\r\n "
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_dangerous(text: str) -> bool:
    """Tell whether ``text`` would be evaluated as a formula by a spreadsheet.

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    bool
        True when the text (ignoring leading tabs, newlines and spaces) begins with
        ``=``, ``+``, ``-`` or ``@`` and is not a plain number like ``"-3.5"``.
    """
    stripped = text.lstrip(_LEADING_JUNK)
    if not stripped or stripped[0] not in FORMULA_PREFIXES:
        return False
    return _PLAIN_NUMBER.match(stripped) is None


def neutralise_value(value: Any) -> Any:
    """Return ``value`` made safe for a spreadsheet cell.

    Parameters
    ----------
    value
        Any cell value. Only ``str`` values are changed.

    Returns
    -------
    Any
        ``"'" + value`` for dangerous text, otherwise ``value`` unchanged.

    Examples
    --------
    >>> neutralise_value("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_value(-3.5)
    -3.5
    >>> neutralise_value("-3.5")
    '-3.5'
    """
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and headers are neutralised.

    Numeric columns are untouched, so negative numbers stay numbers.

    Parameters
    ----------
    frame
        A table about to be written to CSV or XLSX (no geometry column).

    Returns
    -------
    pandas.DataFrame
        A new frame; object/string columns pass through :func:`neutralise_value`.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out[col] = series.map(neutralise_value).astype(object)
    out.columns = [neutralise_value(str(c)) for c in out.columns]
    return out
