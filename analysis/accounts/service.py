"""Log in, manage accounts and write the audit log: the account logic over a store.

Every function raises :class:`analysis.errors.AnalysisError` (codes ``login_failed``,
``login_rate_limited``, ``not_allowed``, ``bad_username``, ``bad_role``, ``user_exists``,
``user_not_found``, ``admin_exists``, ``last_admin`` and the password codes of
:mod:`analysis.accounts.passwords`), which the UI shows in Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.accounts import passwords, policy
from analysis.accounts.quota import UploadQuota
from analysis.accounts.ratelimit import LoginLimiter
from analysis.accounts.sessions import SessionManager
from analysis.errors import AnalysisError, Problem
from analysis.localtime import utc_now_iso
from analysis.workspace.records import ROLES, AuditEvent, Role, UserRecord

if TYPE_CHECKING:
    from analysis.workspace.api import Store

#: Longest username accepted.
MAX_USERNAME_LENGTH = 64
#: Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = passwords.hash_password("not-a-password-of-anyone-0")


def problem(code: str, message: str, **kwargs: object) -> AnalysisError:
    """An :class:`AnalysisError` carrying one problem."""
    return AnalysisError([Problem(code, message, **kwargs)])  # type: ignore[arg-type]


def audit(
    store: Store,
    actor: UserRecord | None,
    action: str,
    object_type: str,
    object_name: str,
    detail: str = "",
) -> None:
    """Append one audit line (``actor=None``: the embedded single-user mode, ``""``)."""
    name = actor.username if actor is not None else ""
    store.append_audit(AuditEvent(utc_now_iso(), name, action, object_type, object_name, detail))


def check_username(username: str) -> str:
    """Return ``username`` stripped, or raise ``bad_username`` (empty, too long, control)."""
    name = username.strip()
    bad = (
        not name
        or len(name) > MAX_USERNAME_LENGTH
        or any(unicodedata.category(c).startswith("C") or c.isspace() for c in name)
    )
    if bad:
        raise problem(
            "bad_username",
            f"The username {username!r} is empty, longer than {MAX_USERNAME_LENGTH} characters "
            "or contains spaces or control characters.",
            value=username,
        )
    return name


def check_role(role: str) -> Role:
    """Return ``role`` or raise ``bad_role``."""
    if role not in ROLES:
        raise problem(
            "bad_role", f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", value=role
        )
    return role


class Accounts:
    """The account logic over one store (every server of the store shares its state).

    Parameters
    ----------
    store
        Where users, the audit log, sessions, failed-login counts and uploads are kept
        (:class:`analysis.workspace.api.Store`: a GeoPackage file or PostgreSQL/PostGIS).
    limiter, sessions, quota
        Failed-login limits, session tokens and the upload quota (default: over ``store``
        with the standard limits; tests pass their own clocks and limits).
    """

    def __init__(
        self,
        store: Store,
        limiter: LoginLimiter | None = None,
        sessions: SessionManager | None = None,
        quota: UploadQuota | None = None,
    ) -> None:
        self.store = store
        self.limiter = limiter or LoginLimiter(store)
        self.sessions = sessions or SessionManager(store)
        self.quota = quota or UploadQuota(store)

    # --- logging in -------------------------------------------------------------------------

    def login(self, username: str, password: str, address: str = "") -> tuple[UserRecord, str]:
        """Check a password; return the user and a new session token.

        Raises ``login_rate_limited`` (``params["wait_s"]``) while the username or the
        address must wait, and ``login_failed`` for a wrong name or password or a disabled
        account (the same answer, so names cannot be probed).
        """
        name = username.strip()
        attempt = self.limiter.begin(name, address)
        self._refuse(name, attempt.wait_s)
        user = self.store.get_user(name) if name else None
        ok, new_hash = passwords.verify_password(
            user.password_hash if user is not None else _DUMMY_HASH, password
        )
        if user is None or not ok or not user.active:
            self.limiter.failed(attempt)
            audit(self.store, None, "login_failed", "session", name, address)
            raise problem("login_failed", "Wrong username or password.")
        # Again after the (slow) verification: an attempt of the same name or address that
        # failed meanwhile, on this server or another, may have started a wait; it holds.
        wait = self.limiter.still_waits(attempt)
        if wait > 0:
            self.limiter.withdraw(attempt)
            self._refuse(name, wait)
        if new_hash is not None:
            user = self.store.save_user(replace(user, password_hash=new_hash), user.version)
        self.limiter.succeeded(attempt)
        audit(self.store, user, "login", "session", name, address)
        return user, self.sessions.start(user.username)

    def _refuse(self, name: str, wait: float) -> None:
        if wait > 0:
            audit(self.store, None, "login_blocked", "session", name, f"wait {wait:.0f} s")
            raise problem(
                "login_rate_limited",
                f"Too many failed logins; try again in {wait:.0f} seconds.",
                params={"wait_s": int(wait + 0.999)},
            )

    def login_from_header(self, username: str, address: str = "") -> tuple[UserRecord, str]:
        """Log in a user named by a trusted proxy's header (no password)."""
        user = self.store.get_user(username.strip())
        if user is None or not user.active:
            audit(self.store, None, "login_failed", "session", username, f"header {address}")
            raise problem("login_failed", "The single sign-on user has no active account here.")
        audit(self.store, user, "login", "session", user.username, f"header {address}")
        return user, self.sessions.start(user.username)

    def current(self, token: str | None) -> UserRecord | None:
        """The active user of a live session token, else ``None`` (expired, disabled)."""
        name = self.sessions.check(token)
        user = self.store.get_user(name) if name else None
        if user is None or not user.active:
            self.sessions.end(token)
            return None
        return user

    def logout(self, token: str | None, user: UserRecord | None) -> None:
        """End a session."""
        self.sessions.end(token)
        if user is not None:
            audit(self.store, user, "logout", "session", user.username)

    # --- managing accounts ------------------------------------------------------------------

    def _require_admin(self, actor: UserRecord | None) -> None:
        if not policy.can_manage_users(actor):
            raise problem("not_allowed", "Only an administrator may manage accounts.")

    def create_admin(self, username: str, password: str, display_name: str = "") -> UserRecord:
        """First run: create the first administrator (refused when one exists)."""
        if any(u.role == "admin" and u.active for u in self.store.list_users()):
            raise problem(
                "admin_exists",
                "An administrator exists already; they add further accounts "
                "(accounts add-user --role admin).",
            )
        return self._add(None, username, password, "admin", display_name, ())

    def add_user(
        self,
        actor: UserRecord | None,
        username: str,
        password: str,
        role: str,
        display_name: str = "",
        counties: Iterable[str] = (),
    ) -> UserRecord:
        """Add an account (administrators; ``actor=None``: the command line on the server)."""
        if actor is not None:
            self._require_admin(actor)
        return self._add(actor, username, password, role, display_name, counties)

    def _add(
        self,
        actor: UserRecord | None,
        username: str,
        password: str,
        role: str,
        display_name: str,
        counties: Iterable[str],
    ) -> UserRecord:
        name = check_username(username)
        checked_role = check_role(role)
        passwords.check_password(password, name)
        if self.store.get_user(name) is not None:
            raise problem("user_exists", f"The account {name!r} exists already.", value=name)
        record = UserRecord(
            username=name,
            display_name=display_name.strip() or name,
            role=checked_role,
            password_hash=passwords.hash_password(password),
            counties=tuple(c.strip() for c in counties if c.strip()),
        )
        saved = self.store.save_user(record, 0)
        audit(self.store, actor, "user_add", "user", name, checked_role)
        return saved

    def _get(self, username: str) -> UserRecord:
        user = self.store.get_user(username)
        if user is None:
            raise problem("user_not_found", f"No account {username!r}.", value=username)
        return user

    def update_user(
        self,
        actor: UserRecord | None,
        username: str,
        *,
        role: str | None = None,
        active: bool | None = None,
        display_name: str | None = None,
        counties: Iterable[str] | None = None,
        password: str | None = None,
    ) -> UserRecord:
        """Change an account; disabling ends its sessions. The last administrator stays."""
        if actor is not None:
            self._require_admin(actor)
        user = self._get(username)
        changes: dict[str, object] = {}
        if role is not None:
            changes["role"] = check_role(role)
        if active is not None:
            changes["active"] = active
        if display_name is not None:
            changes["display_name"] = display_name.strip() or user.username
        if counties is not None:
            changes["counties"] = tuple(c.strip() for c in counties if c.strip())
        if password is not None:
            passwords.check_password(password, user.username)
            changes["password_hash"] = passwords.hash_password(password)
        new = replace(user, **changes)  # type: ignore[arg-type]
        if user.role == "admin" and user.active and not (new.role == "admin" and new.active):
            admins = [u for u in self.store.list_users() if u.role == "admin" and u.active]
            if len(admins) <= 1:
                raise problem("last_admin", "The last active administrator must stay one.")
        saved = self.store.save_user(new, user.version)
        if not saved.active or password is not None:
            self.sessions.revoke_user(saved.username)
        detail = ", ".join(k for k in changes if k != "password_hash") or ""
        if password is not None:
            detail = ", ".join(filter(None, [detail, "password"]))
        audit(self.store, actor, "user_change", "user", saved.username, detail)
        return saved
