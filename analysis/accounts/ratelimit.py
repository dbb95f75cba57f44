"""Failed-login limits per username and per client address.

After :data:`FREE_FAILURES` failures in a row a key (a username, an address) must wait
:data:`FIRST_WAIT_S` seconds before the next attempt is even checked; every further failure
doubles the wait, up to :data:`MAX_WAIT_S`. A success clears the username's failures (not
the address's: one right password from an address does not reopen guessing others).
Kept in the server's memory: with two app servers each counts its own attempts, so an
attacker gets at most twice the tries (the audit log keeps every failed login).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Failures allowed before waits begin.
FREE_FAILURES = 5
#: First wait after :data:`FREE_FAILURES` failures, doubled with every further failure.
FIRST_WAIT_S = 30.0
#: Longest wait.
MAX_WAIT_S = 15 * 60.0


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0


class LoginLimiter:
    """Counts failed logins and says how long a username or address must wait.

    Parameters
    ----------
    clock
        Seconds (monotonic); injectable so tests need not wait.
    free_failures, first_wait_s, max_wait_s
        See the module constants.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        free_failures: int = FREE_FAILURES,
        first_wait_s: float = FIRST_WAIT_S,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        self._clock = clock
        self.free_failures = free_failures
        self.first_wait_s = first_wait_s
        self.max_wait_s = max_wait_s
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> list[str]:
        keys = [f"user:{username.strip().lower()}"]
        if address:
            keys.append(f"addr:{address}")
        return keys

    def wait_s(self, username: str, address: str = "") -> float:
        """Seconds ``username`` from ``address`` must still wait (0: may try now)."""
        now = self._clock()
        with self._lock:
            waits = [
                entry.blocked_until - now
                for key in self._keys(username, address)
                if (entry := self._entries.get(key)) is not None
            ]
        return max([0.0, *waits])

    def failed(self, username: str, address: str = "") -> float:
        """Record a failed attempt; return the wait it starts (0: none yet)."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            for key in self._keys(username, address):
                entry = self._entries.setdefault(key, _Entry())
                entry.failures += 1
                extra = entry.failures - self.free_failures
                if extra >= 0:
                    wait = min(self.first_wait_s * 2**extra, self.max_wait_s)
                    entry.blocked_until = now + wait
                    longest = max(longest, wait)
        return longest

    def succeeded(self, username: str) -> None:
        """Forget the username's failures after a right password."""
        with self._lock:
            self._entries.pop(self._keys(username, "")[0], None)
