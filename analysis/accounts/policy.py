"""Who may do what: pure functions of a user and a scenario's access record.

Roles (:data:`analysis.workspace.records.ROLES`): ``viewer`` (查看) reads published
scenarios; ``planner`` (规划) creates scenarios, changes, publishes and deletes their own,
reads their own and the published ones, copies what they can read; ``admin`` (管理) may do
everything, and manages users, datasets and standards. A planner limited to some counties
(``UserRecord.counties``) only edits scenarios in those counties. An inactive user may do
nothing. ``user=None`` is the embedded single-user mode (no accounts): everything allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.workspace.records import UserRecord


@dataclass(frozen=True)
class ScenarioAccess:
    """What the policy needs to know of a scenario.

    Parameters
    ----------
    name
        Scenario name.
    owner
        Username of its owner (``""``: made before accounts, owned by administrators).
    published
        True: visible to viewers and every planner.
    counties
        Counties the scenario's points lie in (for county-limited planners; empty: unknown).
    """

    name: str
    owner: str = ""
    published: bool = False
    counties: tuple[str, ...] = ()


def _active(user: UserRecord | None) -> bool:
    return user is None or user.active


def is_admin(user: UserRecord | None) -> bool:
    """True in single-user mode and for an active administrator."""
    return user is None or (user.active and user.role == "admin")


def is_owner(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """True when ``user`` owns ``scenario``."""
    return user is not None and bool(scenario.owner) and user.username == scenario.owner


def in_counties(user: UserRecord | None, counties: Iterable[str]) -> bool:
    """True when ``user`` is not county-limited or every one of ``counties`` is theirs."""
    if user is None or not user.counties:
        return True
    return set(counties) <= set(user.counties)


def can_view(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Read (open, present, compare, export) a scenario."""
    if not _active(user):
        return False
    return is_admin(user) or scenario.published or is_owner(user, scenario)


def can_create(user: UserRecord | None, counties: Iterable[str] = ()) -> bool:
    """Create (or save as new, or copy into) a scenario."""
    if is_admin(user):
        return True
    assert user is not None  # is_admin covers None
    return user.active and user.role == "planner" and in_counties(user, counties)


def can_edit(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Change (save over, rename) a scenario."""
    if is_admin(user):
        return True
    assert user is not None
    return (
        user.active
        and user.role == "planner"
        and is_owner(user, scenario)
        and in_counties(user, scenario.counties)
    )


def can_publish(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Publish or withdraw a scenario (same rule as changing it)."""
    return can_edit(user, scenario)


def can_delete(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Delete a scenario (same rule as changing it)."""
    return can_edit(user, scenario)


def can_copy(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Open a copy of a scenario as one's own (复制为我的方案)."""
    return can_view(user, scenario) and can_create(user)


def can_export(user: UserRecord | None, scenario: ScenarioAccess) -> bool:
    """Download a scenario's files (anyone who can read it)."""
    return can_view(user, scenario)


def can_upload(user: UserRecord | None) -> bool:
    """Upload data (planners and administrators)."""
    return can_create(user)


def can_manage_users(user: UserRecord | None) -> bool:
    """Add, change and disable accounts; read the audit log."""
    return is_admin(user) and user is not None


def can_manage_data(user: UserRecord | None) -> bool:
    """Change datasets and the planning standards (administrators)."""
    return is_admin(user)
