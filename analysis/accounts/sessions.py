"""Session tokens with an idle and an absolute expiry, kept in the store.

A token is 32 random bytes (URL-safe text) standing for one logged-in user in one browser
tab. It ends after :data:`IDLE_S` without use, :data:`ABSOLUTE_S` after login whatever the
use, at logout, or when the user is disabled (:meth:`SessionManager.revoke_user`).

The sessions live in the store (:class:`analysis.workspace.records.SessionRecord`), so every
app server of one store knows them: a token issued by server A is valid on server B behind
the same address, and a logout or a disabled account ends it on both. Only the token's
SHA-256 is stored. The idle clock is moved on at most every :data:`TOUCH_EVERY_S` (or a tenth
of the idle limit if shorter), so a page run does not write to the store each time; an idle
session may thus end up to that much before :data:`IDLE_S`, never after.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from analysis.workspace.records import SessionRecord

if TYPE_CHECKING:
    from analysis.workspace.api import Store

#: A session unused this long ends (seconds).
IDLE_S = 30 * 60.0
#: A session ends this long after login, used or not (seconds).
ABSOLUTE_S = 12 * 3600.0
#: The idle clock of a session is written at most this often (seconds).
TOUCH_EVERY_S = 60.0


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token's session is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionManager:
    """Issues, checks and ends session tokens in ``store`` (thread- and process-safe).

    Parameters
    ----------
    store
        The store shared by every server (:class:`analysis.workspace.api.Store`).
    clock
        Seconds since the epoch (a wall clock: servers compare each other's times);
        injectable so tests need not wait.
    idle_s, absolute_s
        Expiries, see the module constants.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        *,
        idle_s: float = IDLE_S,
        absolute_s: float = ABSOLUTE_S,
    ) -> None:
        self.store = store
        self._clock = clock
        self.idle_s = idle_s
        self.absolute_s = absolute_s
        self.touch_every_s = min(TOUCH_EVERY_S, idle_s / 10)

    def start(self, username: str) -> str:
        """Start a session for ``username``; return its token."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self.store.delete_sessions(
            last_seen_before=now - self.idle_s, started_before=now - self.absolute_s
        )
        self.store.save_session(SessionRecord(token_hash(token), username, now, now))
        return token

    def check(self, token: str | None) -> str | None:
        """The username of a live session (its idle clock restarts), else ``None``."""
        if not token:
            return None
        key = token_hash(token)
        session = self.store.get_session(key)
        if session is None:
            return None
        now = self._clock()
        if self._expired(session, now):
            self.store.delete_sessions(token_hash=key)
            return None
        if now - session.last_seen_at >= self.touch_every_s:
            self.store.save_session(SessionRecord(key, session.username, session.started_at, now))
        return session.username

    def end(self, token: str | None) -> None:
        """End one session (logout)."""
        if token:
            self.store.delete_sessions(token_hash=token_hash(token))

    def revoke_user(self, username: str) -> int:
        """End every session of ``username``; return how many ended."""
        return self.store.delete_sessions(username=username)

    def _expired(self, session: SessionRecord, now: float) -> bool:
        # last_seen_at lags the last use by less than touch_every_s: an idle session may end
        # up to that much early (a minute of 30), never late.
        return (
            now - session.last_seen_at > self.idle_s or now - session.started_at > self.absolute_s
        )
