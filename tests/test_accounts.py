"""Accounts (#15): hashes, policy, login limits, sessions, quotas, the command.

Tests taking ``accounts`` or ``any_store`` run against both stores (a GeoPackage file and a
PostGIS schema, conftest.py); "two servers" are two store objects of one store, each with
its own :class:`Accounts`, as two app processes have.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.accounts import passwords, policy
from analysis.accounts.policy import ScenarioAccess
from analysis.accounts.ratelimit import LoginLimiter
from analysis.accounts.service import Accounts
from analysis.accounts.sessions import SessionManager
from analysis.accounts.settings import TrustedHeader, accounts_on, is_local_address
from analysis.errors import AnalysisError
from analysis.workspace.api import Store
from analysis.workspace.records import UserRecord
from analysis.workspace.store import WorkspaceStore

GOOD = "Gr8-planning-2026"
REPO = Path(__file__).resolve().parents[1]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def codes(exc: pytest.ExceptionInfo[AnalysisError]) -> set[str]:
    return {p.code for p in exc.value.problems}


def server(store: Store, clock: Clock) -> Accounts:
    """The account logic of one app server over ``store`` (short limits, the test's clock)."""
    return Accounts(
        store,
        LoginLimiter(store, clock, free_failures=3, first_wait_s=10),
        SessionManager(store, clock, idle_s=60, absolute_s=300),
    )


@pytest.fixture
def accounts(any_store: Store) -> Accounts:
    clock = Clock()
    acc = server(any_store, clock)
    acc.clock = clock  # type: ignore[attr-defined]
    return acc


def user(name: str, role: str, **kw: object) -> UserRecord:
    return UserRecord(name, name, role, "", **kw)  # type: ignore[arg-type]


# --- passwords ------------------------------------------------------------------------------


def test_hash_is_argon2_and_verifies() -> None:
    h = passwords.hash_password(GOOD)
    assert h.startswith("$argon2id$") and GOOD not in h
    assert passwords.verify_password(h, GOOD) == (True, None)
    assert passwords.verify_password(h, GOOD + "x")[0] is False
    assert passwords.verify_password("garbage", GOOD)[0] is False
    assert passwords.verify_password("", "")[0] is False


def test_outdated_hash_is_rehashed() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(GOOD)
    ok, new = passwords.verify_password(weak, GOOD)
    assert ok and new is not None and new != weak
    assert passwords.verify_password(new, GOOD) == (True, None)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "password_too_short"),
        ("aaaaaaaaaaaa", "password_too_simple"),
        ("password123", "password_common"),
        ("zhang-san-2026", "password_common"),  # contains the username
    ],
)
def test_weak_passwords_refused(password: str, code: str) -> None:
    with pytest.raises(AnalysisError) as exc:
        passwords.check_password(password, "zhang-san")
    assert code in codes(exc)


# --- policy ---------------------------------------------------------------------------------


def test_policy_by_role_owner_published() -> None:
    viewer, alice, bob = user("v", "viewer"), user("alice", "planner"), user("bob", "planner")
    admin = user("root", "admin")
    mine = ScenarioAccess("A", owner="alice")
    shown = ScenarioAccess("B", owner="alice", published=True)
    assert not policy.can_view(viewer, mine) and policy.can_view(viewer, shown)
    assert not policy.can_edit(viewer, shown) and not policy.can_create(viewer)
    assert not policy.can_copy(viewer, shown) and not policy.can_upload(viewer)
    assert policy.can_edit(alice, mine) and policy.can_publish(alice, mine)
    assert policy.can_delete(alice, mine)
    assert not policy.can_view(bob, mine) and policy.can_view(bob, shown)
    assert not policy.can_edit(bob, shown) and not policy.can_delete(bob, shown)
    assert policy.can_copy(bob, shown) and not policy.can_copy(bob, mine)
    assert all(f(admin, mine) for f in (policy.can_edit, policy.can_delete, policy.can_view))
    assert policy.can_manage_users(admin) and not policy.can_manage_users(alice)
    assert not policy.can_manage_users(None)  # single-user mode has no accounts to manage
    assert policy.can_edit(None, mine)  # the embedded single-user mode may do everything
    gone = replace(alice, active=False)
    assert not policy.can_view(gone, mine) and not policy.can_edit(gone, mine)


def test_county_limited_planner() -> None:
    alice = user("alice", "planner", counties=("东城县",))
    assert policy.can_edit(alice, ScenarioAccess("A", "alice", counties=("东城县",)))
    assert not policy.can_edit(alice, ScenarioAccess("A", "alice", counties=("西城县",)))
    assert not policy.can_create(alice, ["西城县"]) and policy.can_create(alice, ["东城县"])


# --- login, limits, sessions ----------------------------------------------------------------


def test_login_rate_limited_per_user_and_address(accounts: Accounts) -> None:
    accounts.add_user(None, "alice", GOOD, "planner")
    for _ in range(3):
        with pytest.raises(AnalysisError) as exc:
            accounts.login("alice", "wrong-password-1", "10.0.0.9")
        assert codes(exc) == {"login_failed"}
    # Now even the right password waits: it is not checked at all.
    with pytest.raises(AnalysisError) as exc:
        accounts.login("alice", GOOD, "10.0.0.8")
    assert codes(exc) == {"login_rate_limited"}
    assert exc.value.problems[0].params["wait_s"] == 10
    # The address is blocked too, for other usernames.
    with pytest.raises(AnalysisError) as exc:
        accounts.login("nobody", GOOD, "10.0.0.9")
    assert codes(exc) == {"login_rate_limited"}
    accounts.clock.now += 11  # type: ignore[attr-defined]
    with pytest.raises(AnalysisError):
        accounts.login("alice", "wrong-password-1", "10.0.0.7")
    # The fourth failure doubles the wait.
    assert accounts.limiter.wait_s("alice") == 20
    accounts.clock.now += 21  # type: ignore[attr-defined]
    me, token = accounts.login("alice", GOOD, "10.0.0.7")
    assert me.username == "alice" and accounts.current(token) == me
    assert accounts.limiter.wait_s("alice") == 0
    actions = list(accounts.store.list_audit()["action"])
    assert actions.count("login_failed") == 4 and actions[0] == "login"


def test_unknown_user_and_disabled_user_get_the_same_answer(accounts: Accounts) -> None:
    accounts.add_user(None, "bob", GOOD, "viewer")
    accounts.update_user(None, "bob", active=False)
    for name in ("bob", "ghost"):
        with pytest.raises(AnalysisError) as exc:
            accounts.login(name, GOOD)
        assert codes(exc) == {"login_failed"}


def test_sessions_expire_idle_and_absolute(accounts: Accounts) -> None:
    accounts.add_user(None, "alice", GOOD, "planner")
    clock = accounts.clock  # type: ignore[attr-defined]
    _, token = accounts.login("alice", GOOD)
    clock.now += 59
    assert accounts.current(token) is not None  # used: the idle clock restarts
    clock.now += 61
    assert accounts.current(token) is None  # idle too long
    _, token = accounts.login("alice", GOOD)
    for _ in range(6):
        clock.now += 50
        assert accounts.current(token) is not None
    clock.now += 10  # 310 s after login: past the absolute limit although used
    assert accounts.current(token) is None
    assert accounts.current("forged-token") is None and accounts.current(None) is None


def test_disabling_ends_sessions(accounts: Accounts) -> None:
    accounts.add_user(None, "alice", GOOD, "planner")
    _, token = accounts.login("alice", GOOD)
    accounts.update_user(None, "alice", active=False)
    assert accounts.current(token) is None


def test_user_management_rules(accounts: Accounts) -> None:
    root = accounts.create_admin("root", GOOD)
    with pytest.raises(AnalysisError) as exc:
        accounts.create_admin("root2", GOOD)
    assert codes(exc) == {"admin_exists"}
    alice = accounts.add_user(root, "alice", GOOD, "planner", counties=["东城县"])
    assert alice.counties == ("东城县",) and alice.version == 1
    with pytest.raises(AnalysisError) as exc:
        accounts.add_user(alice, "eve", GOOD, "admin")
    assert codes(exc) == {"not_allowed"}
    with pytest.raises(AnalysisError) as exc:
        accounts.add_user(root, "alice", GOOD, "viewer")
    assert codes(exc) == {"user_exists"}
    with pytest.raises(AnalysisError) as exc:
        accounts.update_user(root, "root", role="viewer")
    assert codes(exc) == {"last_admin"}
    with pytest.raises(AnalysisError) as exc:
        accounts.add_user(root, "bad name", GOOD, "viewer")
    assert codes(exc) == {"bad_username"}
    with pytest.raises(AnalysisError) as exc:
        accounts.add_user(root, "x", GOOD, "boss")
    assert codes(exc) == {"bad_role"}


def test_hostile_names_are_kept_as_text(accounts: Accounts) -> None:
    name = "x');DROP_TABLE_accounts_users;--<script>alert(1)</script>"
    accounts.add_user(None, name, GOOD, "viewer", display_name="<img src=x onerror=alert(1)>")
    got = accounts.store.get_user(name)
    assert got is not None and got.display_name == "<img src=x onerror=alert(1)>"
    assert [u.username for u in accounts.store.list_users()] == [name]
    assert accounts.store.list_audit(username="")["object_name"].iloc[0] == name


def test_stale_user_save_is_refused(any_store: Store) -> None:
    tables = any_store
    first = tables.save_user(user("a", "viewer"), 0)
    tables.save_user(replace(first, display_name="A"), first.version)
    with pytest.raises(AnalysisError) as exc:
        tables.save_user(replace(first, display_name="B"), first.version)
    assert codes(exc) == {"user_changed_elsewhere"}


def test_audit_filters(any_store: Store) -> None:
    from analysis.workspace.records import AuditEvent

    tables = any_store
    for i, who in enumerate(["a", "b", "a"]):
        tables.append_audit(AuditEvent(f"2026-01-0{i + 1}T00:00:00Z", who, "create", "s", "n"))
    assert len(tables.list_audit(username="a")) == 2
    assert list(tables.list_audit(since="2026-01-02T00:00:00Z")["username"]) == ["a", "b"]
    assert len(tables.list_audit(until="2026-01-01T23:00:00Z")) == 1
    assert len(tables.list_audit(limit=1)) == 1


def test_settings() -> None:
    assert not accounts_on(0) and accounts_on(1)
    th = TrustedHeader("X-Remote-User", frozenset({"10.0.0.1"}))
    assert th.username({"x-remote-user": "alice"}, "10.0.0.1") == "alice"
    assert th.username({"X-Remote-User": "alice"}, "10.0.0.2") is None  # not the proxy
    assert is_local_address("127.0.0.1") and not is_local_address("0.0.0.0")


# --- command line ---------------------------------------------------------------------------


def _cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "accounts", "--workspace", str(tmp_path / "w"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_cli_create_admin_reads_stdin_refuses_weak(tmp_path: Path) -> None:
    weak = _cli(tmp_path, "create-admin", "--username", "root", stdin="123456\n")
    assert weak.returncode == 2 and "characters" in weak.stderr
    ok = _cli(tmp_path, "create-admin", "--username", "root", stdin=GOOD + "\n")
    assert ok.returncode == 0, ok.stderr
    again = _cli(tmp_path, "create-admin", "--username", "root2", stdin=GOOD + "\n")
    assert again.returncode == 2
    add = _cli(tmp_path, "add-user", "--username", "v", "--role", "viewer", stdin=GOOD + "\n")
    assert add.returncode == 0, add.stderr
    assert _cli(tmp_path, "disable", "--username", "v").returncode == 0
    listing = _cli(tmp_path, "list").stdout
    assert "root\tadmin\tactive" in listing and "v\tviewer\tdisabled" in listing
    assert "$argon2" not in listing
    stored = WorkspaceStore(tmp_path / "w").get_user("root")
    assert stored is not None and GOOD not in stored.password_hash
    # No password argument exists.
    assert _cli(tmp_path, "create-admin", "--username", "x", "--password", GOOD).returncode == 2


def test_upload_quota_per_user(any_store: Store) -> None:
    from analysis.accounts.quota import WINDOW_S, UploadQuota

    clock = Clock()
    quota = UploadQuota(any_store, limit_mb=1, clock=clock)
    quota.charge("alice", "a", 700_000)
    quota.charge("alice", "a", 700_000)  # the same file again (a rerun): counted once
    quota.charge("bob", "b", 700_000)  # per user
    with pytest.raises(AnalysisError) as exc:
        quota.charge("alice", "c", 400_000)
    assert codes(exc) == {"upload_quota_exceeded"}
    quota.charge("", "big", 10**9)  # single-user mode: no quota
    clock.now += WINDOW_S
    quota.charge("alice", "c", 400_000)  # the window moved on
    assert quota.used_bytes("alice") == 400_000
