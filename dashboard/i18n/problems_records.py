"""Translations of the records sheet's problems (``geodata.records.read``), by ``code``.

Part of :data:`dashboard.i18n.problems.PROBLEM_TEXT` (kept apart for the module size limit);
with the review's own analysis code ``unknown_point``.
"""

from __future__ import annotations

RECORDS_PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "records_format": (
        "运行记录必须是 Excel（.xlsx）或 CSV 文件。",
        "A records sheet must be an Excel (.xlsx) or CSV file.",
    ),
    "records_bad_period": (
        "期间无法识别：月份写 2025-03 或 2025年3月，季度写 2025-Q1 或 2025年第1季度。",
        "Period not recognised: write a month as 2025-03 or a quarter as 2025-Q1.",
    ),
    "records_unknown_point": (
        "编号不是当前数据中的联系点或代表之家，请核对编号，或先上传该点位。",
        "The id names no contact point or home of the data in use; check it or load the point.",
    ),
    "records_duplicate_period": (
        "同一点位同一期间有多行（或同时填了季度和其中的月份），每个点位每期只留一行。",
        "A point has several rows for one period (or a quarter and one of its months); keep one.",
    ),
    "records_answered_exceeds_collected": (
        "反馈意见数多于本期收集意见数（如为前期意见的反馈可忽略）。",
        "More opinions answered than collected in the period (fine for earlier opinions).",
    ),
    # analysis.review.relocate
    "unknown_point": (
        "没有这个编号的联系点。",
        "No contact point has this id.",
    ),
}
