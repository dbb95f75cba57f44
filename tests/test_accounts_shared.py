"""Accounts shared by two app servers through one store (#15), on both stores.

"Server A" and "server B" are two store objects of one store (a GeoPackage file, or one
PostGIS schema opened twice with its own connections), each with its own
:class:`~analysis.accounts.service.Accounts`, as two app processes behind one address have.
Also: the interim account tables of older workspace files are moved into the store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analysis.accounts.quota import UploadQuota
from analysis.accounts.ratelimit import LoginLimiter
from analysis.accounts.service import Accounts
from analysis.accounts.sessions import SessionManager, token_hash
from analysis.errors import AnalysisError
from analysis.plan.scenarios import baseline_scenario
from analysis.workspace.api import Store, open_store
from analysis.workspace.store import WorkspaceStore
from tests.support.scenario_city import HOSTILE, make_city

GOOD = "Gr8-planning-2026"


class Clock:
    """A wall clock the test moves by hand (both servers read the same one)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def server(store: Store, clock: Clock) -> Accounts:
    return Accounts(
        store,
        LoginLimiter(store, clock),  # the standard limits: five free failures
        SessionManager(store, clock, idle_s=600, absolute_s=3600),
        UploadQuota(store, limit_mb=1, clock=clock),
    )


@pytest.fixture
def two(any_store: Store) -> tuple[Accounts, Accounts, Clock]:
    """Servers A and B over one store, an administrator and a planner."""
    clock = Clock()
    a = server(any_store, clock)
    b = server(open_store(any_store.location), clock)  # the test URLs carry no password
    a.create_admin("root", GOOD)
    a.add_user(None, "alice", GOOD, "planner")
    return a, b, clock


def codes(exc: pytest.ExceptionInfo[AnalysisError]) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_a_session_from_server_a_is_valid_on_server_b(
    two: tuple[Accounts, Accounts, Clock],
) -> None:
    a, b, clock = two
    user, token = a.login("alice", GOOD, "10.0.0.5")
    assert b.current(token) == user  # the same token, the other server
    stored = b.store.list_sessions()
    assert [s.username for s in stored] == ["alice"]
    assert stored[0].token_hash == token_hash(token) and token not in repr(stored)
    clock.now += 500
    assert b.current(token) is not None  # used on B: its idle clock restarts for A too
    clock.now += 500
    assert a.current(token) is not None
    b.logout(token, user)  # logging out on B ends it on A
    assert a.current(token) is None
    _, token = b.login("alice", GOOD)
    a.update_user(None, "alice", active=False)  # disabled on A: B's session ends
    assert b.current(token) is None and b.store.list_sessions() == []


def test_sessions_expire_on_every_server(two: tuple[Accounts, Accounts, Clock]) -> None:
    a, b, clock = two
    _, token = a.login("alice", GOOD)
    clock.now += 601  # idle longer than allowed
    assert b.current(token) is None and a.current(token) is None
    _, token = a.login("alice", GOOD)
    for i in range(7):  # used every 500 s, on either server, up to 3,500 s after login
        clock.now += 500
        assert (a if i % 2 else b).current(token) is not None
    clock.now += 200
    assert b.current(token) is None  # past the absolute limit (3,600 s) though used
    assert a.current(token) is None


def test_five_wrong_passwords_count_across_both_servers(
    two: tuple[Accounts, Accounts, Clock],
) -> None:
    a, b, clock = two
    for i in range(5):
        with pytest.raises(AnalysisError) as exc:
            (a if i % 2 == 0 else b).login("alice", f"wrong-password-{i}", "10.0.0.9")
        assert codes(exc) == {"login_failed"}
    for accounts in (a, b):  # the fifth started a wait on both servers
        with pytest.raises(AnalysisError) as exc:
            accounts.login("alice", GOOD, "10.0.0.8")
        assert codes(exc) == {"login_rate_limited"}
        assert exc.value.problems[0].params["wait_s"] == 30
    with pytest.raises(AnalysisError) as exc:  # the address too, for another name
        b.login("root", GOOD, "10.0.0.9")
    assert codes(exc) == {"login_rate_limited"}
    clock.now += 31
    with pytest.raises(AnalysisError):
        b.login("alice", "wrong-password-6", "10.0.0.7")
    assert a.limiter.wait_s("alice") == 60  # the sixth failure, on B, doubled A's wait
    clock.now += 61
    assert a.login("alice", GOOD, "10.0.0.7")[0].username == "alice"
    assert b.limiter.wait_s("alice") == 0  # the success on A cleared B's count
    log = a.store.list_audit()
    assert list(log["action"]).count("login_failed") == 6


def test_failures_recorded_while_a_password_is_verified_block_it(
    two: tuple[Accounts, Accounts, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right password on A, while five wrong ones arrive on B during its verification
    (the slow argon2 step): A's login is refused, not let through on its early check."""
    from analysis.accounts import passwords

    a, b, _ = two
    real = passwords.verify_password
    guessed: list[int] = []

    def verify_while_guessing(password_hash: str, password: str) -> tuple[bool, str | None]:
        if password == GOOD and not guessed:
            for i in range(5):
                guessed.append(i)
                with pytest.raises(AnalysisError):
                    b.login("alice", f"wrong-password-{i}", "10.0.0.9")
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", verify_while_guessing)
    with pytest.raises(AnalysisError) as exc:
        a.login("alice", GOOD, "10.0.0.9")
    assert codes(exc) == {"login_rate_limited"} and len(guessed) == 5
    assert a.store.list_sessions() == []


def test_a_burst_of_wrong_passwords_gets_five_checks(
    two: tuple[Accounts, Accounts, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eleven wrong passwords and then the right one arrive on both servers from twelve
    addresses, each while the earlier ones are still being verified: five are checked,
    the rest wait (the right one too), and the five failures start the first wait."""
    from analysis.accounts import passwords

    a, b, _ = two
    real = passwords.verify_password
    checked: list[str] = []
    answers: list[str] = []
    pending = [f"wrong-password-{i}" for i in range(1, 11)] + [GOOD]

    def arrive(i: int, password: str) -> None:
        with pytest.raises(AnalysisError) as exc:
            (a if i % 2 else b).login("alice", password, f"10.0.1.{i}")
        answers.extend(codes(exc))

    def verify_during_burst(password_hash: str, password: str) -> tuple[bool, str | None]:
        checked.append(password)
        while pending:  # the next attempts arrive before this check is done
            arrive(12 - len(pending), pending.pop(0))
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", verify_during_burst)
    arrive(0, "wrong-password-0")
    assert len(checked) == 5 and GOOD not in checked
    assert answers.count("login_failed") == 5 and answers.count("login_rate_limited") == 7
    assert a.limiter.wait_s("alice") == b.limiter.wait_s("alice") == 30
    assert a.store.list_sessions() == []


def test_the_upload_quota_is_one_for_both_servers(two: tuple[Accounts, Accounts, Clock]) -> None:
    a, b, _ = two
    a.quota.charge("alice", "file-1", 700_000)
    b.quota.charge("alice", "file-1", 700_000)  # the same file on the other server: once
    with pytest.raises(AnalysisError) as exc:
        b.quota.charge("alice", "file-2", 400_000)
    assert codes(exc) == {"upload_quota_exceeded"}
    assert a.quota.used_bytes("alice") == b.quota.used_bytes("alice") == 700_000


def test_ownership_lives_in_the_scenario_columns(any_store: Store) -> None:
    """Owner and published flag are the scenario's own columns, seen by every server."""
    saved = any_store.save(baseline_scenario(make_city(), "t1", name=HOSTILE), saved_by="alice")
    other = open_store(any_store.location)
    assert other.scenario_info(HOSTILE) is not None
    any_store.set_published(HOSTILE, True, saved_by="alice")
    info = other.scenario_info(HOSTILE)
    assert info is not None and info.published and info.version == saved.version + 1
    assert info.updated_by == "alice" and other.scenario_info("nothing") is None


# --- workspace files with the interim account tables ----------------------------------------

_INTERIM = (
    """CREATE TABLE accounts_users (
        username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
        password_hash TEXT NOT NULL, counties TEXT NOT NULL, active INTEGER NOT NULL,
        version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE accounts_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
        action TEXT NOT NULL, object_type TEXT NOT NULL, object_name TEXT NOT NULL,
        detail TEXT NOT NULL, extra TEXT NOT NULL)""",
    """CREATE TABLE accounts_scenario_access (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, published INTEGER NOT NULL,
        counties TEXT NOT NULL)""",
)


def _interim_workspace(path: Path) -> None:
    """A workspace as the interim account tables left it (their exact layout)."""
    store = WorkspaceStore(path)
    city = make_city()
    store.save(baseline_scenario(city, "t1", name="甲"))
    store.save(baseline_scenario(city, "t1", name=HOSTILE))
    with sqlite3.connect(path) as conn:
        for ddl in _INTERIM:
            conn.execute(ddl)
        conn.executemany(
            "INSERT INTO accounts_users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("root", "管理员", "admin", "$argon2id$r", "[]", 1, 2, "2026-01-01T00:00:00Z",
                 "2026-01-02T00:00:00Z"),
                ("alice", HOSTILE, "planner", "$argon2id$a", '["东城县"]', 0, 1,
                 "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO accounts_audit (at, username, action, object_type, object_name,"
            " detail, extra) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(f"2026-01-0{i}T00:00:00Z", "alice", "create", "scenario", HOSTILE, f"v{i}", "{}")
             for i in range(1, 4)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO accounts_scenario_access VALUES (?, ?, ?, ?)",
            [("甲", "alice", 1, "[]"), (HOSTILE, "root", 0, "[]"), ("deleted", "x", 1, "[]")],
        )


def test_interim_account_tables_are_moved_into_the_store_once(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    _interim_workspace(path)
    store = WorkspaceStore(path)  # a new store object: opening the file moves the rows
    users = {u.username: u for u in store.list_users()}
    assert set(users) == {"root", "alice"}
    assert users["alice"].display_name == HOSTILE and users["alice"].counties == ("东城县",)
    assert not users["alice"].active and users["root"].version == 2
    log = store.list_audit()
    assert list(log["detail"]) == ["v3", "v2", "v1"] and set(log["object_name"]) == {HOSTILE}
    jia, hostile = store.scenario_info("甲"), store.scenario_info(HOSTILE)
    assert jia is not None and (jia.owner, jia.published) == ("alice", True)
    assert hostile is not None and (hostile.owner, hostile.published) == ("root", False)
    with sqlite3.connect(path) as conn:
        left = conn.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'accounts_%'"
        ).fetchall()
    assert left == []
    again = WorkspaceStore(path)  # opened again: nothing moved twice
    assert len(again.list_users()) == 2 and len(again.list_audit()) == 3
    assert again.integrity_check() == ["ok"]
    acc = Accounts(again)
    with pytest.raises(AnalysisError) as exc:  # the moved hash is the one checked
        acc.login("root", GOOD)
    assert codes(exc) == {"login_failed"}
