"""Whether accounts are on, and the trusted-header (single sign-on) settings.

Accounts are on when the store holds at least one user (the first-run command
``python -m analysis accounts create-admin`` creates one), or when
``COVERAGE_PLANNER_ACCOUNTS=1`` forces them on (a server that must never start without a
login; with no user yet its login page says to run the first-run command). Otherwise the
dashboard is the embedded single-user tool: no login, and it listens on localhost only.

Trusted-header mode (off by default) is for a reverse proxy that does single sign-on and
passes the logged-in username in a header: ``COVERAGE_PLANNER_TRUSTED_HEADER`` names the
header (e.g. ``X-Remote-User``) and ``COVERAGE_PLANNER_TRUSTED_PROXIES`` lists the proxy
addresses (comma-separated) whose header is believed. The username must be an active
account of the store (its role comes from there); from any other address the header is
ignored and the login page is shown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ACCOUNTS_ENV_VAR = "COVERAGE_PLANNER_ACCOUNTS"
TRUSTED_HEADER_ENV_VAR = "COVERAGE_PLANNER_TRUSTED_HEADER"
TRUSTED_PROXIES_ENV_VAR = "COVERAGE_PLANNER_TRUSTED_PROXIES"
#: Addresses that are this machine (listening there needs no accounts).
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})


def forced_on() -> bool:
    """True when ``$COVERAGE_PLANNER_ACCOUNTS`` is ``1`` (or ``true``/``yes``/``on``)."""
    return os.environ.get(ACCOUNTS_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def accounts_on(user_count: int) -> bool:
    """True when logins are required: users exist, or the setting forces it."""
    return user_count > 0 or forced_on()


@dataclass(frozen=True)
class TrustedHeader:
    """Trusted-header mode: ``header`` is believed from ``proxies`` only."""

    header: str
    proxies: frozenset[str]

    def username(self, headers: dict[str, str], client_address: str) -> str | None:
        """The username the proxy passed, or ``None`` (no header, or not from a proxy)."""
        if client_address not in self.proxies:
            return None
        wanted = self.header.lower()
        for name, value in headers.items():
            if name.lower() == wanted and value.strip():
                return value.strip()
        return None


def trusted_proxies() -> frozenset[str]:
    """Addresses of the reverse proxies (``$COVERAGE_PLANNER_TRUSTED_PROXIES``), maybe none.

    Their ``X-Forwarded-For`` names the browser's address for the login limits, and in
    trusted-header mode their header names the user.
    """
    value = os.environ.get(TRUSTED_PROXIES_ENV_VAR, "")
    return frozenset(p.strip() for p in value.split(",") if p.strip())


def trusted_header() -> TrustedHeader | None:
    """The trusted-header settings, ``None`` when the mode is off (the default)."""
    header = os.environ.get(TRUSTED_HEADER_ENV_VAR, "").strip()
    proxies = trusted_proxies()
    if not header or not proxies:
        return None
    return TrustedHeader(header, proxies)


def is_local_address(address: str) -> bool:
    """True for an address that only this machine can reach."""
    return address.strip().strip("[]") in LOCAL_ADDRESSES
