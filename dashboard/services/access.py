"""Who is using this session: the store, accounts on or off, login, logout, the acting user.

The account logic is :mod:`analysis.accounts`; this module keeps one store object
(:func:`store`: ``$COVERAGE_PLANNER_STORE``, a GeoPackage file or a PostgreSQL URL) and one
:class:`~analysis.accounts.service.Accounts` over it per server process, and the session's
token in ``st.session_state[state.AUTH_TOKEN]``. Users, sessions, failed-login counts and
upload quotas are records of the store, so every server of one store shares them. Accounts
are on when the store holds a user or ``COVERAGE_PLANNER_ACCOUNTS=1``
(:mod:`analysis.accounts.settings`).
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import TYPE_CHECKING

import streamlit as st

from analysis.accounts import settings
from analysis.accounts.service import Accounts, problem
from analysis.workspace.records import UserRecord
from dashboard import state

if TYPE_CHECKING:
    from analysis.workspace.api import Store


def store_setting() -> str:
    """The store in use: ``$COVERAGE_PLANNER_STORE`` (a file or a ``postgresql://`` URL),
    else ``$COVERAGE_PLANNER_WORKSPACE``, else the default workspace file."""
    from analysis.workspace.setting import store_setting as setting

    return setting()


@st.cache_resource(show_spinner=False)
def _accounts(setting: str) -> Accounts:
    from analysis.workspace.api import open_store

    return Accounts(open_store(setting))


def accounts() -> Accounts:
    """The account logic of this process over the store in use."""
    return _accounts(store_setting())


def store_for(setting: str) -> Store:
    """The store object of ``setting`` (one per setting and process)."""
    return _accounts(setting).store


def store() -> Store:
    """The store in use: scenarios, datasets, users, audit log, sessions (one per process)."""
    return store_for(store_setting())


def enabled() -> bool:
    """True when everyone must log in (users exist, or the setting forces it).

    A GeoPackage workspace's accounts are counted with sqlite3 alone
    (:func:`analysis.workspace.setting.quick_user_count`): every page's run asks, and the
    map page's first run then needs neither the store nor its libraries (pandas,
    geopandas: they load after the first map, :mod:`dashboard.warmup`).
    """
    from analysis.workspace.setting import quick_user_count

    count = quick_user_count(store_setting())
    if count is None:  # PostgreSQL, or a file only the store can read (or report)
        count = len(store().list_users())
    return settings.accounts_on(count)


def session_user() -> UserRecord | None:
    """The logged-in user of this session (``None``: nobody, or the session expired)."""
    token = st.session_state.get(state.AUTH_TOKEN)
    return accounts().current(str(token)) if token else None


def acting_user() -> UserRecord | None:
    """The user on whose behalf a service acts; ``None`` in single-user mode.

    Raises
    ------
    analysis.errors.AnalysisError
        ``not_logged_in`` when accounts are on and the session has no live login (the
        service functions refuse rather than act as nobody).
    """
    if not enabled():
        return None
    user = session_user()
    if user is None:
        raise problem("not_logged_in", "Log in first (or the session has expired).")
    return user


def peer_address() -> str:
    """The address of the connection's other end (``""`` outside a request)."""
    with contextlib.suppress(AttributeError, RuntimeError):
        if st.context.headers is not None:  # inside a request; Streamlit hides localhost
            return str(st.context.ip_address or "127.0.0.1")
    return ""


def client_address() -> str:
    """The browser's address: the peer, or what a trusted proxy says (``X-Forwarded-For``).

    Behind a reverse proxy every peer is the proxy; counting failed logins per proxy
    address would lock out everyone, so the proxy's ``X-Forwarded-For`` (its last entry,
    the one the proxy itself added) is believed from the trusted proxies only.
    """
    peer = peer_address()
    if peer in settings.trusted_proxies():
        forwarded = client_headers().get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return peer


def client_headers() -> dict[str, str]:
    """The request headers of this session (empty outside a request)."""
    with contextlib.suppress(AttributeError, RuntimeError):
        return {str(k): str(v) for k, v in st.context.headers.items()}
    return {}


def login(username: str, password: str) -> UserRecord:
    """Log in; keep the token in the session. Raises the domain errors of ``Accounts.login``."""
    user, token = accounts().login(username, password, client_address())
    st.session_state[state.AUTH_TOKEN] = token
    return user


def login_from_header() -> UserRecord | None:
    """Trusted-header mode: log in the user a trusted proxy names (``None``: mode off)."""
    mode = settings.trusted_header()
    if mode is None:
        return None
    name = mode.username(client_headers(), peer_address())
    if name is None:
        return None
    user, token = accounts().login_from_header(name, peer_address())
    st.session_state[state.AUTH_TOKEN] = token
    return user


def charge_upload(data: bytes) -> None:
    """Count an upload against the user's quota (none in single-user mode).

    Raises
    ------
    analysis.errors.AnalysisError
        ``upload_quota_exceeded``; ``not_logged_in``.
    """
    user = acting_user()
    if user is not None:
        digest = hashlib.sha256(data).hexdigest()[:16]
        accounts().quota.charge(user.username, digest, len(data))


def logout() -> None:
    """End the session's login."""
    token = st.session_state.pop(state.AUTH_TOKEN, None)
    accounts().logout(str(token) if token else None, None)
