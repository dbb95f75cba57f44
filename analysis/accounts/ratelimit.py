"""Failed-login limits per username and per client address, counted in the store.

After :data:`FREE_FAILURES` failures in a row a key (a username, an address) must wait
:data:`FIRST_WAIT_S` seconds before the next attempt is even checked; every further failure
doubles the wait, up to :data:`MAX_WAIT_S`. A success clears the username's failures (not
the address's: one right password from an address does not reopen guessing others). A
count whose last failure is older than :data:`FORGET_S` starts again.

The counts live in the store (:class:`analysis.workspace.records.LoginFailures`), each
failure added atomically, so every app server of one store counts the same attempts: five
wrong passwords spread over two servers block the sixth on either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.workspace.api import Store

#: Failures allowed before waits begin.
FREE_FAILURES = 5
#: First wait after :data:`FREE_FAILURES` failures, doubled with every further failure.
FIRST_WAIT_S = 30.0
#: Longest wait.
MAX_WAIT_S = 15 * 60.0
#: A count not raised for this long is forgotten.
FORGET_S = 24 * 3600.0


def keys(username: str, address: str = "") -> list[str]:
    """The store keys of a username (case-insensitive) and, if known, an address."""
    found = [f"user:{username.strip().lower()}"]
    if address:
        found.append(f"addr:{address}")
    return found


class LoginLimiter:
    """Counts failed logins and says how long a username or address must wait.

    Parameters
    ----------
    store
        The store shared by every server (:class:`analysis.workspace.api.Store`).
    clock
        Seconds since the epoch (a wall clock, shared by the servers); injectable for tests.
    free_failures, first_wait_s, max_wait_s
        See the module constants.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        *,
        free_failures: int = FREE_FAILURES,
        first_wait_s: float = FIRST_WAIT_S,
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        self.store = store
        self._clock = clock
        self.free_failures = free_failures
        self.first_wait_s = first_wait_s
        self.max_wait_s = max_wait_s

    def wait_s(self, username: str, address: str = "") -> float:
        """Seconds ``username`` from ``address`` must still wait (0: may try now)."""
        now = self._clock()
        waits = [e.blocked_until - now for e in self.store.login_failures(keys(username, address))]
        return max([0.0, *waits])

    def failed(self, username: str, address: str = "") -> float:
        """Record a failed attempt; return the wait it starts (0: none yet)."""
        now = self._clock()
        longest = 0.0
        for key in keys(username, address):
            entry = self.store.add_login_failure(key, now, now - FORGET_S)
            extra = entry.failures - self.free_failures
            if extra >= 0:
                wait = min(self.first_wait_s * 2**extra, self.max_wait_s)
                self.store.block_login(key, now + wait)
                longest = max(longest, wait)
        return longest

    def succeeded(self, username: str) -> None:
        """Forget the username's failures after a right password."""
        self.store.clear_login_failures(keys(username)[0])
