"""Connections to the PostgreSQL store: a small pool, and driver errors as domain errors.

Every store operation borrows one connection for one transaction. A connection coming back
from the pool is checked with one round trip first, so after a database restart the store
simply opens new connections: it recovers by itself once the server is back. While the
server cannot be reached, operations raise :class:`~analysis.errors.AnalysisError`
``store_unavailable`` (never a psycopg traceback); a write waiting too long for another
server's save raises ``workspace_busy``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from analysis.errors import AnalysisError
from analysis.workspace.tables import problem

#: Connections kept open between operations (per store object, i.e. per server process).
MAX_IDLE = 4


def safe_url(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class Pool:
    """Connections to one database, borrowed one at a time per thread.

    Parameters
    ----------
    url
        libpq connection URL.
    connect_timeout_s
        How long to wait for the server to answer a new connection.
    idle_in_transaction_s
        The server ends a session that holds a transaction open this long without a
        statement (a hung server process must not hold the write lock for ever).
    """

    def __init__(
        self, url: str, *, connect_timeout_s: float = 5.0, idle_in_transaction_s: float = 60.0
    ) -> None:
        self.url = url
        self.location = safe_url(url)
        self.connect_timeout_s = connect_timeout_s
        self.idle_in_transaction_s = idle_in_transaction_s
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _new(self) -> psycopg.Connection[Any]:
        params = conninfo_to_dict(self.url)
        idle_ms = int(self.idle_in_transaction_s * 1000)
        # Added to the URL's own options (e.g. a search_path), never replacing them.
        options = f"{params.get('options') or ''} -c idle_in_transaction_session_timeout={idle_ms}"
        params.setdefault("connect_timeout", max(1, round(self.connect_timeout_s)))
        params.setdefault("application_name", "coverage-planner")
        params["options"] = options.strip()
        # autocommit: transactions are explicit BEGIN ... COMMIT
        return psycopg.connect(make_conninfo("", **params), autocommit=True)

    def _borrow(self) -> psycopg.Connection[Any]:
        if os.getpid() != self._pid:
            # A forked child: the idle connections are the parent's sockets. Forget them
            # (closing would end the parent's sessions) and open its own.
            self._idle, self._lock, self._pid = [], threading.Lock(), os.getpid()
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._new()
            try:
                conn.execute("SELECT 1")  # alive? (the server may have restarted meanwhile)
                return conn
            except psycopg.Error:
                conn.close()

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        healthy = (
            not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        )
        with self._lock:
            if healthy and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle connections (borrowed ones close when given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection; psycopg errors become :class:`AnalysisError` (see the module)."""
        conn: psycopg.Connection[Any] | None = None
        try:
            conn = self._borrow()
            yield conn
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
                conn = None
            raise self.domain_error(exc) from exc
        finally:
            if conn is not None:
                self._give_back(conn)

    def domain_error(self, exc: psycopg.Error) -> AnalysisError:
        """The :class:`AnalysisError` telling the user what ``exc`` means."""
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.LockNotAvailable):
            return problem(
                "workspace_busy",
                f"The store {self.location} is busy (another save did not finish in time).",
                source=self.location,
                value=detail,
            )
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            self.close()  # the others are probably dead too
            return problem(
                "store_unavailable",
                f"The database {self.location} cannot be reached ({detail}); the planner works"
                " again as soon as it is back.",
                source=self.location,
                value=detail,
            )
        return problem(
            "workspace_error",
            f"The store {self.location} cannot be read or written: {detail}.",
            source=self.location,
            value=detail,
        )
