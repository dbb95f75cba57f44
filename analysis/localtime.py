"""Times as people read them: local time of the office (Asia/Shanghai unless configured).

Stored times stay ISO 8601 UTC (:func:`utc_now_iso`); everything shown
to a user (the dashboard, Excel sheets, the brief) goes through :func:`local_text`. The zone
comes from the environment variable ``COVERAGE_PLANNER_TZ`` (an IANA name such as
``Asia/Urumqi``), else :data:`DEFAULT_TZ`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Environment variable naming the display time zone.
TZ_ENV_VAR = "COVERAGE_PLANNER_TZ"
#: Display time zone when none is configured: China Standard Time.
DEFAULT_TZ = "Asia/Shanghai"


def utc_now_iso() -> str:
    """Current time as ISO 8601 UTC with microseconds, e.g. ``2026-11-29T06:05:59.123456Z``.

    Microseconds (not seconds) so that two saves within one second still get different,
    increasing ``updated_at`` values (the store uses them to detect concurrent edits).
    """
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def display_zone() -> ZoneInfo:
    """The configured display zone (an unknown name falls back to :data:`DEFAULT_TZ`)."""
    name = os.environ.get(TZ_ENV_VAR, "").strip() or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def to_local(value: str | datetime | None) -> datetime | None:
    """An ISO 8601 text or a datetime (naive = UTC) in the display zone; ``None`` if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        moment = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(display_zone())


def local_text(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a stored time for people, e.g. ``2026-12-07 18:16``; ``""`` when unreadable."""
    moment = to_local(value)
    return moment.strftime(fmt) if moment is not None else ""


def local_now_text(fmt: str = "%Y-%m-%d %H:%M") -> str:
    """The current time in the display zone."""
    return local_text(datetime.now(UTC), fmt)
