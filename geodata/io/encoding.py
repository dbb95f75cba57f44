"""Detect the text encoding of a tabular file from its bytes (never asked of the user).

Planners' CSV files come from Excel as UTF-8, UTF-8 with a BOM, UTF-16 ("Unicode text")
or GBK/GB18030. UTF-8 is tried first because GB18030 decodes almost any byte string, so
a successful UTF-8 decode is strong evidence while a GB18030 one is not.
"""

from __future__ import annotations

import re

from geodata.errors import GeodataError, Problem

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
#: GB18030 is a superset of GBK and GB2312, so one codec reads all three.
GB18030 = "gb18030"

_CJK = re.compile("[\u4e00-\u9fff]")

#: Share of control bytes above which data is taken for binary, not text.
_BINARY_CONTROL_SHARE = 0.01


def detect_encoding(data: bytes, *, source: str = "") -> str:
    """Return the Python codec name that decodes ``data``.

    Parameters
    ----------
    data
        Raw bytes of a text file (or a sample of it).
    source
        File name, for problem messages.

    Returns
    -------
    str
        ``"utf-8-sig"``, ``"utf-16"``, ``"utf-8"`` or ``"gb18030"``.

    Raises
    ------
    GeodataError
        ``not_text`` for binary data, ``mixed_encoding`` when lines use different
        encodings, ``unknown_encoding`` when nothing decodes it.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return UTF8_BOM
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return UTF16
    if _looks_binary(data):
        raise GeodataError(
            [
                Problem(
                    "not_text",
                    "The file is not a text table (it holds binary data). "
                    "Save it from Excel as CSV (UTF-8) or upload the .xlsx file itself.",
                    source=source,
                )
            ]
        )
    try:
        data.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        return UTF8
    mixed = _mixed_lines(data)
    if mixed:
        raise GeodataError(
            [
                Problem(
                    "mixed_encoding",
                    "The file mixes text encodings: some lines are UTF-8 and others GBK "
                    f"(e.g. lines {', '.join(str(n) for n in mixed[:5])}). "
                    "Open it in Excel or a text editor and save it again with one encoding "
                    "(CSV UTF-8).",
                    source=source,
                    params={"lines": mixed[:20]},
                )
            ]
        )
    try:
        data.decode(GB18030)
    except UnicodeDecodeError as exc:
        raise GeodataError(
            [
                Problem(
                    "unknown_encoding",
                    "The text encoding could not be recognised (tried UTF-8 and GBK/GB18030; "
                    f"undecodable byte at position {exc.start}). Save the file as CSV UTF-8.",
                    source=source,
                    value=str(exc.start),
                )
            ]
        ) from None
    return GB18030


def decode_text(data: bytes, *, source: str = "") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` (see :func:`detect_encoding`)."""
    encoding = detect_encoding(data, source=source)
    return data.decode(encoding), encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls / len(sample) > _BINARY_CONTROL_SHARE


def _mixed_lines(data: bytes) -> list[int]:
    """1-based numbers of non-UTF-8 lines when other non-ASCII lines are UTF-8."""
    utf8_lines = 0
    other: list[int] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode(UTF8)
        except UnicodeDecodeError:
            other.append(number)
            continue
        # A short GBK line can be valid UTF-8 by chance; count it only if it reads as Chinese.
        if _CJK.search(text):
            utf8_lines += 1
    return other if utf8_lines and other else []
