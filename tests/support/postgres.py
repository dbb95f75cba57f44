"""A throw-away PostgreSQL + PostGIS cluster for the tests (no mock of the database).

``initdb`` into a temporary folder, ``pg_ctl start`` listening only on a Unix socket in that
folder (no TCP port, so no clash with another run or a real server), PostGIS enabled in a
template database and in one shared database where each test gets a fresh schema
(:meth:`Cluster.new_store_url`: milliseconds, where a database copy takes a second), and
``pg_ctl stop`` plus the folder removed at the end (also when tests fail; an ``atexit`` hook
covers an interrupted run). ``initdb`` refuses to run as root: as root (CI) the cluster runs
as the ``postgres`` system user (``runuser``), the folder owned by it; as anyone else, as that
user.

Debian packages: ``postgresql-15`` and ``postgresql-15-postgis-3`` (scripts/test.sh installs
them). When the cluster cannot start, :func:`start_cluster` raises
:class:`PostgresUnavailableError` with the reason and the fixture fails the tests that need it:
they are never skipped.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg

#: Where Debian puts the server programs; PG_BINDIR overrides.
BINDIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")
#: Role the tests connect as (trust authentication on the private socket only).
ROLE = "planner_test"
TEMPLATE = "planner_template"
#: The database holding one schema per test.
SHARED = "planner_tests"


class PostgresUnavailableError(RuntimeError):
    """The throw-away cluster could not be started (the message says why and what to install)."""


def _bindir() -> Path:
    candidates = [os.environ.get("PG_BINDIR", ""), *BINDIRS]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise PostgresUnavailableError(
        "PostgreSQL server programs (initdb, pg_ctl) not found: install the Debian packages "
        "postgresql-15 and postgresql-15-postgis-3 (bash scripts/test.sh does), or set PG_BINDIR."
    )


@dataclass
class Cluster:
    """A running throw-away cluster."""

    root: Path
    bindir: Path
    port: int
    run_as: str | None
    databases: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        """libpq URL of ``database`` over the private Unix socket."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{ROLE}@/{database}?host={host}&port={self.port}"

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        """Run a server program (as the cluster's user); its output."""
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root, check=False
        )
        if check and done.returncode != 0:
            raise PostgresUnavailableError(
                f"{' '.join(args[:2])} failed: {done.stderr or done.stdout}"
            )
        return done.stdout

    def start(self) -> None:
        """Start the server (waits until it accepts connections)."""
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "server.log"),
                 "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: sessions are ended; ``immediate``: like a crash)."""
        self.run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", check=False)

    def psql_exec(self, database: str, *statements: str) -> None:
        """Run SQL statements (each in its own transaction) as the test role."""
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]  # our literal SQL

    def new_store_url(self, prefix: str = "t") -> str:
        """The URL of a fresh, empty schema (first on the search path) of the shared database."""
        name = f"{prefix}_{len(self.schemas) + 1}"
        self.psql_exec(SHARED, f'CREATE SCHEMA "{name}"')
        self.schemas.append(name)
        return self.url(SHARED) + "&options=" + quote(f"-csearch_path={name},public", safe="")

    def new_database(self, prefix: str = "t") -> str:
        """A fresh database with PostGIS (a copy of the template); its URL."""
        name = f"{prefix}_{len(self.databases) + 1}"
        self.psql_exec("postgres", f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        self.databases.append(name)
        return self.url(name)

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server log (for failure messages)."""
        try:
            return "\n".join(
                (self.root / "server.log").read_text(errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return ""


def start_cluster() -> Cluster:
    """Create and start a cluster in a new temporary folder; raise PostgresUnavailableError."""
    bindir = _bindir()
    run_as: str | None = None
    root = Path(tempfile.mkdtemp(prefix="cp-pg-"))
    if os.geteuid() == 0:
        run_as = os.environ.get("PG_TEST_USER", "postgres")
        try:
            user = pwd.getpwnam(run_as)
        except KeyError:
            root.rmdir()
            raise PostgresUnavailableError(
                f"Running as root, and there is no {run_as!r} user to run PostgreSQL as "
                "(initdb refuses root): install postgresql-15 (it creates the user)."
            ) from None
        os.chown(root, user.pw_uid, user.pw_gid)
        root.chmod(0o755)
    (root / "socket").mkdir()
    if run_as:
        user = pwd.getpwnam(run_as)
        os.chown(root / "socket", user.pw_uid, user.pw_gid)
    # The port only names the socket file (.s.PGSQL.PORT) in a folder that is ours alone.
    cluster = Cluster(root, bindir, 54329, run_as)
    atexit.register(stop_cluster, cluster)
    try:
        cluster.run("initdb", "-D", str(cluster.data_dir), "-U", ROLE, "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        cluster.start()
        cluster.psql_exec("postgres", f"CREATE DATABASE {TEMPLATE}")
        cluster.psql_exec(TEMPLATE, "CREATE EXTENSION postgis")
        cluster.psql_exec("postgres", f"CREATE DATABASE {SHARED} TEMPLATE {TEMPLATE}")
    except (PostgresUnavailableError, OSError, subprocess.SubprocessError) as exc:
        log = cluster.log_tail()
        stop_cluster(cluster)
        raise PostgresUnavailableError(f"{exc}\n{log}") from None
    except psycopg.Error as exc:
        log = cluster.log_tail()
        stop_cluster(cluster)
        raise PostgresUnavailableError(
            f"PostgreSQL started but PostGIS could not be enabled ({exc}); install "
            f"postgresql-15-postgis-3.\n{log}"
        ) from None
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop the server and remove its folder (safe to call twice)."""
    if cluster.root.exists():
        with contextlib.suppress(PostgresUnavailableError, OSError, subprocess.SubprocessError):
            cluster.stop("immediate")
        shutil.rmtree(cluster.root, ignore_errors=True)


def wait_until_accepting(cluster: Cluster, timeout_s: float = 30) -> None:
    """Wait until the server answers (after a restart)."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        out = subprocess.run(
            [str(cluster.bindir / "pg_isready"), "-h", str(cluster.socket_dir),
             "-p", str(cluster.port)],
            capture_output=True, check=False,
        )  # fmt: skip
        if out.returncode == 0:
            return
        time.sleep(0.1)
    raise PostgresUnavailableError("the server did not come back")
