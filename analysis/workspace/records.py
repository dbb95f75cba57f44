"""What a store keeps besides scenarios and datasets: accounts and the audit log.

Shared by every store (the embedded GeoPackage and PostgreSQL/PostGIS) and by the account
logic (:mod:`analysis.accounts`), which decides who may do what; stores only keep records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Roles: 查看 (leaders: read and present published scenarios), 规划 (planners: own
#: scenarios, publish, copy others'), 管理 (administrators: users, datasets, standards).
Role = Literal["viewer", "planner", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "planner", "admin")


@dataclass(frozen=True)
class UserRecord:
    """One account.

    Parameters
    ----------
    username
        Login name (unique).
    display_name
        Name shown in the app and written as a scenario's author.
    role
        One of :data:`ROLES`.
    password_hash
        Hash from a kept library (argon2 or bcrypt, with its parameters); never a password.
    counties
        Counties a planner is limited to (empty: all).
    active
        False: the account cannot log in.
    version
        Incremented on every save (concurrent edits are detected, never overwritten).
    created_at, updated_at
        ISO 8601 UTC timestamps.
    """

    username: str
    display_name: str
    role: Role
    password_hash: str
    counties: tuple[str, ...] = ()
    active: bool = True
    version: int = 0
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log: who did what to which object, when.

    Parameters
    ----------
    at
        ISO 8601 UTC timestamp (shown in local time).
    username
        Who (``""`` for the embedded single-user mode).
    action
        ``"create"``, ``"change"``, ``"publish"``, ``"unpublish"``, ``"export"``,
        ``"delete"``, ``"copy"``, ``"login"``, ``"login_failed"``, ``"user_change"`` ...
    object_type
        ``"scenario"``, ``"dataset"``, ``"user"``, ``"standards"`` or ``"session"``.
    object_name
        The scenario name, dataset id or username concerned.
    detail
        Free text (e.g. the export format, the new version number).
    """

    at: str
    username: str
    action: str
    object_type: str
    object_name: str
    detail: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved scenario's metadata without its points (who owns it, whether published).

    Parameters
    ----------
    name, owner, published, version, updated_at, updated_by, author, dataset_id
        The scenario's columns of these names (:class:`analysis.plan.scenarios.Scenario`).
    """

    name: str
    owner: str
    published: bool
    version: int
    updated_at: str
    updated_by: str = ""
    author: str = ""
    dataset_id: str = ""


@dataclass(frozen=True)
class SessionRecord:
    """One logged-in browser session, shared by every app server of the store.

    Parameters
    ----------
    token_hash
        SHA-256 (hex) of the session token; the token itself is only in the browser
        session, so reading the store does not give anyone a session.
    username
        Whose session.
    started_at, last_seen_at
        Seconds since the epoch (wall clock: several servers compare them).
    """

    token_hash: str
    username: str
    started_at: float
    last_seen_at: float


@dataclass(frozen=True)
class LoginFailures:
    """Failed logins in a row of one username or address (``login_key``).

    Parameters
    ----------
    login_key
        ``user:<name>`` or ``addr:<address>``.
    failures
        Failures since the last success (or since the count was forgotten).
    last_failed_at, blocked_until
        Seconds since the epoch.
    """

    login_key: str
    failures: int
    last_failed_at: float
    blocked_until: float = 0.0


@dataclass(frozen=True)
class UploadRecord:
    """One uploaded file counted against its user's quota.

    Parameters
    ----------
    username, digest, size_bytes
        Who uploaded which content (a digest: the same file counts once) of what size.
    at
        Seconds since the epoch.
    """

    username: str
    digest: str
    size_bytes: int
    at: float
