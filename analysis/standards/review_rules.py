"""The ``[review]`` standards: when a point's role is "not evident" and when it earns praise.

The speech asks for a 动态调整机制: commend the points that work well, adjust those whose role
is not evident (作用发挥不明显). It names the evidence (opinions collected and adopted, two-way
feedback, monthly study and a quarterly reception day at representative homes, homes whose
activities lean on study rather than governance) but not the thresholds: those are the
ASSUMPTIONS documented in ``standards.toml`` and ``docs/method.md``, read and checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from analysis.errors import AnalysisProblems


@dataclass(frozen=True)
class ReviewRules:
    """Thresholds of the performance review (``[review]`` and ``[review.commend]``).

    Parameters
    ----------
    window_quarters
        Quarters the review looks back on (the latest period's quarter and those before).
    silent_quarters
        A contact point with no opinion collected in this many latest quarters is silent.
    adoption_ratio_below
        Adoption rate below this share of the city's rate is "far below".
    min_opinions_for_rate
        Opinions a point must have collected before its adoption rate is judged.
    feedback_share_below
        Answered / collected below this share: feedback not given.
    home_study_per_month, home_reception_per_quarter
        The speech's minimums for representative homes.
    home_study_share_above, home_governance_share_below
        A home whose last-year activities are more study than this share, or less
        governance/mediation than that share, leans on study.
    standards_on_adjustment_list
        Room, staff and activity shortfalls put a point on the adjustment list (as things to
        make good) besides the standards table.
    commend_adoption_ratio_above, commend_min_opinions, commend_active_quarters,
    commend_feedback_share
        A contact point is commended when its adoption rate is at least this multiple of the
        city's, it collected at least this many opinions, collected some in each of the
        latest ``commend_active_quarters`` quarters, answered this share, and has no reason
        to be adjusted.
    commend_home_min_activities, commend_home_governance_share
        A home is commended with at least this many activities last year, at least this
        governance share, and no reason to be adjusted.
    """

    window_quarters: int = 8
    silent_quarters: int = 2
    adoption_ratio_below: float = 0.5
    min_opinions_for_rate: int = 5
    feedback_share_below: float = 0.9
    home_study_per_month: int = 1
    home_reception_per_quarter: int = 1
    home_study_share_above: float = 0.6
    home_governance_share_below: float = 0.25
    standards_on_adjustment_list: bool = True
    commend_adoption_ratio_above: float = 1.0
    commend_min_opinions: int = 20
    commend_active_quarters: int = 4
    commend_feedback_share: float = 0.95
    commend_home_min_activities: int = 12
    commend_home_governance_share: float = 0.3

    def to_dict(self) -> dict[str, Any]:
        """Plain copy of every value."""
        return asdict(self)


#: Fields that are shares (0-1).
_SHARES = (
    "feedback_share_below",
    "home_study_share_above",
    "home_governance_share_below",
    "commend_feedback_share",
    "commend_home_governance_share",
)
_POSITIVE_INTS = ("window_quarters", "silent_quarters", "commend_active_quarters")


def review_fields(
    table: Mapping[str, Any], source: str, problems: AnalysisProblems
) -> dict[str, Any]:
    """Flatten a ``[review]`` TOML table (with its ``[review.commend]`` part) to field values."""
    names = {f.name for f in fields(ReviewRules)}
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "commend" and isinstance(value, Mapping):
            for sub, sub_value in value.items():
                _put(out, f"commend_{sub}", sub_value, names, source, problems, "review.commend")
        else:
            _put(out, str(key), value, names, source, problems, "review")
    return out


def _put(
    out: dict[str, Any],
    name: str,
    value: Any,
    names: set[str],
    source: str,
    problems: AnalysisProblems,
    section: str,
) -> None:
    if name in names:
        out[name] = value
    else:
        key = name.removeprefix("commend_") if section == "review.commend" else name
        problems.add(
            "standards_unknown_key", f"Unknown setting [{section}] {key!r}.", source=source
        )


def checked_review(
    base: ReviewRules | Mapping[str, Any],
    changes: Mapping[str, Any] | ReviewRules,
    source: str,
    problems: AnalysisProblems,
) -> ReviewRules:
    """``base`` with ``changes`` (field values, or a ``[review]`` table) applied and checked.

    ``base`` may still be the field values read from TOML (not yet checked): they are
    checked with the changes.
    """
    pending: dict[str, Any] = {}
    if not isinstance(base, ReviewRules):
        pending, base = dict(base), ReviewRules()
    if isinstance(changes, ReviewRules):
        values = changes.to_dict()
    elif "commend" in changes:
        values = review_fields(changes, source, problems)
    else:
        values = dict(changes)
    values = {**pending, **values}
    known = {f.name: f for f in fields(ReviewRules)}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            problems.add(
                "standards_unknown_key", f"Unknown setting [review] {name!r}.", source=source
            )
            continue
        default = getattr(ReviewRules(), name)
        ok = _valid(name, value, default)
        if not ok:
            problems.add(
                "standards_bad_value",
                f"review.{name} must be {_expected(name, default)}, got {value!r}.",
                source=source,
                value=str(value),
            )
            continue
        clean[name] = value if isinstance(default, bool) else type(default)(value)
    return replace(base, **clean)


def _valid(name: str, value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return False
    if isinstance(default, int) and (not float(value).is_integer() or value < 0):
        return False
    if name in _POSITIVE_INTS and value < 1:
        return False
    if name in _SHARES and not 0 <= value <= 1:
        return False
    return bool(0 <= value < 1e6)


def _expected(name: str, default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if name in _SHARES:
        return "a share from 0 to 1"
    if name in _POSITIVE_INTS:
        return "a whole number >= 1"
    return "a whole number >= 0" if isinstance(default, int) else "a number >= 0"
