"""Chinese place names: strip the suffixes of offices and find the key a name is known by.

``某某村村委会``, ``某某村民委员会`` and ``某某村`` all name the village ``某某`` (key);
``某某镇人民政府`` names the township ``某某``. The suffix also says the level: a village
(村, 村委会), a community (社区, 居委会) or a township (镇, 乡, 街道, 镇人民政府 ...).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Level = Literal["village", "community", "township", ""]

#: Suffixes of institutions sitting at a place (stripped first, several may follow each other).
ORG_SUFFIXES: tuple[str, ...] = (
    "基层立法联系点",
    "立法联系点",
    "联系点",
    "立法信息采集点",
    "信息采集点",
    "采集点",
    "人大代表之家",
    "代表之家",
    "代表联络站",
    "党群服务中心",
    "便民服务中心",
    "服务中心",
    "服务站",
    "办公室",
)
#: Suffixes of administrative offices and the level they name (longest first).
OFFICE_SUFFIXES: tuple[tuple[str, Level], ...] = (
    ("社区居民委员会", "community"),
    ("社区居委会", "community"),
    ("居民委员会", "community"),
    ("居委会", "community"),
    ("村民委员会", "village"),
    ("村委会", "village"),
    ("镇人民政府", "township"),
    ("乡人民政府", "township"),
    ("街道办事处", "township"),
    ("人民政府", ""),
    ("办事处", "township"),
)
#: Level words ending a place name (stripped for the key when two characters remain).
LEVEL_WORDS: tuple[tuple[str, Level], ...] = (
    ("社区", "community"),
    ("嘎查", "village"),
    ("村", "village"),
    ("街道", "township"),
    ("苏木", "township"),
    ("镇", "township"),
    ("乡", "township"),
)
_SPACE = re.compile(r"[\s\u3000·•,，、()（）\[\]【】\-—_/]+")


def normalise(text: object) -> str:
    """Comparable text: NFKC, no spaces or punctuation (``None``/NaN give ``""``)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def strip_offices(name: str) -> tuple[str, Level]:
    """The place a name stands for, and the level its office suffix names.

    >>> strip_offices("柳泉村村委会基层立法联系点")
    ('柳泉村', 'village')
    >>> strip_offices("石门乡人民政府")
    ('石门', 'township')
    """
    level: Level = ""
    changed = True
    while changed and name:
        changed = False
        for suffix in ORG_SUFFIXES:
            if name.endswith(suffix):
                name, changed = name[: -len(suffix)], True
        for suffix, suffix_level in OFFICE_SUFFIXES:
            if name.endswith(suffix):
                name, changed = name[: -len(suffix)], True
                level = level or suffix_level
    return name, level


def place_key(name: str) -> tuple[str, Level]:
    """Key of a place name (its level word dropped when two characters remain) and level.

    >>> place_key("柳泉村")
    ('柳泉', 'village')
    >>> place_key("东村")
    ('东村', 'village')
    """
    for word, level in LEVEL_WORDS:
        if name.endswith(word):
            stem = name[: -len(word)]
            return (stem if len(stem) >= 2 else name), level
    return name, ""


def name_key(text: object) -> tuple[str, Level]:
    """Key and level of any name: offices stripped, then the level word."""
    place, office_level = strip_offices(normalise(text))
    key, word_level = place_key(place)
    return key, office_level or word_level
