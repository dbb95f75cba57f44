"""Failed-login limits per username and per client address, counted in the store.

After :data:`FREE_FAILURES` failures in a row a key (a username, an address) must wait
:data:`FIRST_WAIT_S` seconds before the next attempt is even checked; every further failure
doubles the wait, up to :data:`MAX_WAIT_S`. A success clears the username's failures (not
the address's: one right password from an address does not reopen guessing others). A
count whose last failure is older than :data:`FORGET_S` starts again.

An attempt is counted as a failure *before* its password is checked (:meth:`LoginLimiter.begin`)
and taken back when it turns out right: attempts that arrive while earlier ones are still being
verified (the slow password hash) see those in the count, so a burst of wrong passwords gets no
more than :data:`FREE_FAILURES` checks, however many arrive at once.

The counts live in the store (:class:`analysis.workspace.records.LoginFailures`), each
failure added atomically, so every app server of one store counts the same attempts: five
wrong passwords spread over two servers block the sixth on either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
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

    def begin(self, username: str, address: str = "") -> Attempt:
        """Count an attempt before its password is checked.

        Returns the :class:`Attempt`; its ``wait_s`` > 0 refuses it (not counted). Otherwise
        check the password, then call :meth:`still_waits`, and :meth:`failed`,
        :meth:`succeeded` or :meth:`withdraw`.
        """
        wait = self.wait_s(username, address)
        if wait > 0:
            return Attempt(username, address, wait)
        now = self._clock()
        held: list[tuple[str, float, float]] = []
        before = {
            e.login_key: e.blocked_until for e in self.store.login_failures(keys(username, address))
        }
        counted = [
            self.store.add_login_failure(k, now, now - FORGET_S) for k in keys(username, address)
        ]
        attempt = Attempt(username, address, 0.0)
        beyond = [e for e in counted if e.failures > self.free_failures]
        if any(before.get(e.login_key, 0.0) == 0.0 for e in beyond):
            # Past the free failures but no wait was ever started: the earlier attempts
            # are still being checked (a burst). They decide; this one waits.
            self.withdraw(attempt)
            return Attempt(username, address, self.first_wait_s)
        if beyond:
            # Past the free failures, one attempt per elapsed wait: it holds the wait its
            # failure would start, so attempts arriving while it is checked are refused.
            for entry in counted:
                extra = entry.failures - self.free_failures
                if extra > 0:
                    until = now + self._wait_for(extra)
                    self.store.block_login(entry.login_key, until)
                    held.append((entry.login_key, until, before.get(entry.login_key, 0.0)))
            attempt = Attempt(username, address, 0.0, tuple(held))
            if self.still_waits(attempt) > 0:  # another server's attempt got there first
                self.withdraw(attempt)
                return Attempt(username, address, self.wait_s(username, address))
        return attempt

    def still_waits(self, attempt: Attempt) -> float:
        """Seconds of a wait started by *other* attempts since ``attempt`` began (0: none)."""
        own = {key: until for key, until, _ in attempt.held}
        now = self._clock()
        waits = [
            e.blocked_until - now
            for e in self.store.login_failures(keys(attempt.username, attempt.address))
            if e.blocked_until > own.get(e.login_key, 0.0)
        ]
        return max([0.0, *waits])

    def failed(self, attempt: Attempt) -> float:
        """The attempt was wrong: its count stays; return the wait it starts (0: none)."""
        now = self._clock()
        longest = 0.0
        for entry in self.store.login_failures(keys(attempt.username, attempt.address)):
            extra = entry.failures - self.free_failures
            if extra >= 0:
                wait = self._wait_for(extra)
                self.store.block_login(entry.login_key, now + wait)
                longest = max(longest, wait)
        return longest

    def withdraw(self, attempt: Attempt) -> None:
        """Take back the attempt's count and the waits it held (it was refused after all)."""
        held = {key: (until, previous) for key, until, previous in attempt.held}
        for key in keys(attempt.username, attempt.address):
            self.store.undo_login_failure(key, *held.get(key, (0.0, 0.0)))

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt was right: forget the username's failures; the address keeps its
        earlier failures but not this attempt's count nor the wait it held."""
        user_key = keys(attempt.username)[0]
        self.store.clear_login_failures(user_key)
        held = {key: (until, previous) for key, until, previous in attempt.held}
        for key in keys(attempt.username, attempt.address)[1:]:
            self.store.undo_login_failure(key, *held.get(key, (0.0, 0.0)))

    def _wait_for(self, extra: int) -> float:
        return min(self.first_wait_s * 2**extra, self.max_wait_s)


@dataclass(frozen=True)
class Attempt:
    """One login attempt counted by :meth:`LoginLimiter.begin`.

    Parameters
    ----------
    username, address
        Who tries, from where.
    wait_s
        > 0: refused, wait this long (the attempt was not counted).
    held
        ``(key, until, previous_until)`` of each wait the attempt set for itself.
    """

    username: str
    address: str
    wait_s: float
    held: tuple[tuple[str, float, float], ...] = ()
