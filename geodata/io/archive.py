"""Inspect and extract zip archives (zipped Shapefiles, KMZ, XLSX) without trusting them.

Every entry is checked before anything is written: no absolute paths or ``..`` parts
(zip slip), a bounded number of entries, a bounded total size and compression ratio
(zip bombs). Extraction streams and stops at the cap even if the declared sizes lie.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from geodata.errors import GeodataError, Problem
from geodata.io.limits import (
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    RATIO_CHECK_MIN_BYTES,
)

_CHUNK = 1024 * 1024


def _fail(code: str, message: str, source: str, value: str | None = None) -> GeodataError:
    return GeodataError([Problem(code, message, source=source, value=value)])


def open_checked_zip(path: Path, *, source: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip and check every entry; raise :class:`GeodataError` if unsafe."""
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _fail(
            "corrupt_archive",
            f"The archive cannot be opened ({type(exc).__name__}: it is damaged or truncated). "
            "Create the .zip again and upload it once more.",
            source,
        ) from None
    try:
        check_entries(infos, source=source)
    except GeodataError:
        archive.close()
        raise
    return archive


def check_entries(infos: list[zipfile.ZipInfo], *, source: str) -> None:
    """Raise :class:`GeodataError` listing every unsafe entry of an archive."""
    problems: list[Problem] = []
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        problems.append(
            Problem(
                "archive_too_many_entries",
                f"The archive holds {len(infos)} entries; at most {MAX_ARCHIVE_ENTRIES} are "
                "accepted. Zip only the files of one layer.",
                source=source,
                value=str(len(infos)),
            )
        )
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            problems.append(
                Problem(
                    "unsafe_archive_entry",
                    f"The archive entry {name!r} points outside the archive's folder "
                    "(absolute path or '..'). It was not extracted; zip the files again "
                    "from inside their folder.",
                    source=source,
                    value=name,
                )
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            problems.append(
                Problem(
                    "archive_bomb",
                    f"The archive entry {name!r} expands {ratio:.0f} times "
                    f"(limit {MAX_COMPRESSION_RATIO:.0f}); this looks like a zip bomb and was "
                    "not extracted.",
                    source=source,
                    value=name,
                    params={"ratio": round(ratio)},
                )
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        problems.append(
            Problem(
                "archive_too_large",
                f"The archive expands to {total / 2**20:.0f} MB; at most "
                f"{MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MB are accepted.",
                source=source,
                value=str(total),
            )
        )
    if problems:
        raise GeodataError(problems)


def extract_checked(archive: zipfile.ZipFile, target: Path, *, source: str) -> list[Path]:
    """Extract every file entry into ``target`` (flat names kept), streaming under the cap.

    Returns
    -------
    list of Path
        The extracted files.
    """
    written = 0
    paths: list[Path] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        relative = PurePosixPath(info.filename.replace("\\", "/"))
        out = target.joinpath(*relative.parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as src, out.open("wb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > MAX_UNCOMPRESSED_BYTES:
                        raise _fail(
                            "archive_too_large",
                            "The archive expands beyond "
                            f"{MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MB (its declared sizes are "
                            "wrong); it was not extracted.",
                            source,
                        )
                    dst.write(chunk)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise _fail(
                "corrupt_archive",
                f"The archive entry {info.filename!r} cannot be extracted "
                f"({type(exc).__name__}); the archive is damaged. Create it again.",
                source,
                value=info.filename,
            ) from None
        paths.append(out)
    return paths
