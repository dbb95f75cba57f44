"""Locate the Simplified Chinese face of Noto Sans CJK for PDF and map rendering.

Debian's ``fonts-noto-cjk`` ships ``NotoSansCJK-Regular.ttc``, a collection of several
faces; index 0 is Japanese, index 2 Simplified Chinese (SC). The PDF (fpdf2) is given the
file and ``collection_font_number=2``; matplotlib is given the family ``Noto Sans CJK SC``,
which its font manager maps to the same face of the collection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import AnalysisError
from geodata.errors import Problem

#: Index of the Simplified Chinese face inside the Noto Sans CJK collections.
SC_FACE_INDEX = 2
#: matplotlib family name of that face.
SC_FAMILY = "Noto Sans CJK SC"
#: Environment variable that may point at the folder holding the .ttc files.
FONT_DIR_ENV = "COVERAGE_PLANNER_CJK_FONT_DIR"
_SEARCH_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/truetype/noto",
    "/usr/local/share/fonts",
)


@dataclass(frozen=True)
class CJKFont:
    """The regular and bold Noto Sans CJK collections and the SC face index."""

    regular: Path
    bold: Path | None
    index: int = SC_FACE_INDEX


def find_cjk_font() -> CJKFont:
    """Find Noto Sans CJK (``.ttc``) on this machine.

    Returns
    -------
    CJKFont
        Paths of the regular (and, when present, bold) collection.

    Raises
    ------
    AnalysisError
        ``missing_cjk_font`` when no collection is found (install ``fonts-noto-cjk``).
    """
    dirs = [os.environ[FONT_DIR_ENV]] if os.environ.get(FONT_DIR_ENV) else []
    for folder in [*dirs, *_SEARCH_DIRS]:
        regular = Path(folder) / "NotoSansCJK-Regular.ttc"
        if regular.is_file():
            bold = Path(folder) / "NotoSansCJK-Bold.ttc"
            return CJKFont(regular=regular, bold=bold if bold.is_file() else None)
    raise AnalysisError(
        [
            Problem(
                "missing_cjk_font",
                "The Chinese font Noto Sans CJK (NotoSansCJK-Regular.ttc) was not found; "
                "install the Debian package fonts-noto-cjk (scripts/start.sh does) or set "
                f"{FONT_DIR_ENV} to the folder that holds it.",
            )
        ]
    )
