"""Safety limits applied to every input file (one place; documented in docs/data-formats.md).

They keep a hostile or broken upload from filling the disk or memory or hanging the
server: a file over :data:`MAX_INPUT_BYTES` is refused before it is opened, and an
archive is inspected entry by entry before anything is extracted.
"""

from __future__ import annotations

#: Largest input file accepted, in MB (MiB: 1 MB = 1,048,576 bytes, as Streamlit counts).
#: The dashboard's uploaders and ``server.maxUploadSize`` in ``dashboard/config.toml`` use
#: this number too (a test keeps them equal).
MAX_INPUT_MB: int = 100
#: Largest input file accepted (bytes).
MAX_INPUT_BYTES: int = MAX_INPUT_MB * 1024 * 1024
#: Largest total uncompressed size of an archive's entries (bytes): 200 MB.
MAX_UNCOMPRESSED_BYTES: int = 200 * 1024 * 1024
#: Largest compression ratio of one archive entry bigger than :data:`RATIO_CHECK_MIN_BYTES`.
MAX_COMPRESSION_RATIO: float = 100.0
#: Entries smaller than this are not ratio-checked (tiny files compress oddly).
RATIO_CHECK_MIN_BYTES: int = 1024 * 1024
#: Most entries an archive may hold.
MAX_ARCHIVE_ENTRIES: int = 1000
#: Most features (rows) one layer may hold.
MAX_FEATURES: int = 2_000_000
#: Largest population accepted for one township or village (people).
MAX_UNIT_POPULATION: int = 5_000_000
#: Largest count accepted in the other integer columns (opinions, staff ...).
MAX_COUNT: int = 10_000_000
#: Largest room area accepted (m²).
MAX_AREA_M2: float = 1_000_000.0
#: Townships whose villages sum to a population differing by more than this share warn.
POPULATION_MISMATCH_SHARE: float = 0.05
#: A population raster whose people inside the townships differ from the township table
#: by more than this share is reported (``raster_total_mismatch``, a warning).
RASTER_MISMATCH_SHARE: float = 0.05
