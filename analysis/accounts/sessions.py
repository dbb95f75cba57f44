"""Session tokens with an idle and an absolute expiry.

A token is 32 random bytes (URL-safe text) standing for one logged-in user in one browser
tab. It ends after :data:`IDLE_S` without use, :data:`ABSOLUTE_S` after login whatever the
use, at logout, or when the user is disabled (:meth:`SessionManager.revoke_user`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: A session unused this long ends (seconds).
IDLE_S = 30 * 60.0
#: A session ends this long after login, used or not (seconds).
ABSOLUTE_S = 12 * 3600.0


@dataclass
class Session:
    """One logged-in session."""

    token: str
    username: str
    started: float
    last_seen: float


class SessionManager:
    """Issues, checks and ends session tokens (thread-safe; one per server process).

    Parameters
    ----------
    clock
        Seconds (monotonic); injectable so tests need not wait.
    idle_s, absolute_s
        Expiries, see the module constants.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        idle_s: float = IDLE_S,
        absolute_s: float = ABSOLUTE_S,
    ) -> None:
        self._clock = clock
        self.idle_s = idle_s
        self.absolute_s = absolute_s
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, username: str) -> str:
        """Start a session for ``username``; return its token."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            self._sessions[token] = Session(token, username, now, now)
        return token

    def check(self, token: str | None) -> str | None:
        """The username of a live session (its idle clock restarts), else ``None``."""
        if not token:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[token]
                return None
            session.last_seen = now
            return session.username

    def end(self, token: str | None) -> None:
        """End one session (logout)."""
        with self._lock:
            self._sessions.pop(token or "", None)

    def revoke_user(self, username: str) -> int:
        """End every session of ``username``; return how many ended."""
        with self._lock:
            gone = [t for t, s in self._sessions.items() if s.username == username]
            for token in gone:
                del self._sessions[token]
        return len(gone)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_s or now - session.started > self.absolute_s

    def _drop_expired(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[token]
