"""``python -m analysis accounts ...``: first administrator and accounts, on the server.

``create-admin --username U``  first run: the first administrator (refused when one exists)
``add-user --username U --role viewer|planner|admin [--counties A,B]``
``list``                        every account (no hashes)
``disable --username U`` / ``enable --username U``
``set-password --username U``

Passwords are read from a hidden prompt, or from standard input when it is not a terminal
(one line, for scripts: ``printf '%s\\n' "$PW" | python -m analysis accounts ...``); never
from an argument, which other users of the machine could read in the process list. Weak
passwords are refused. The accounts live in the store (``--workspace``: a GeoPackage path or a
``postgresql://`` URL; default ``$COVERAGE_PLANNER_STORE``, else the app's workspace file);
once one exists, the dashboard asks everyone to log in, on every server of that store.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from analysis.errors import AnalysisError

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_parser(subparsers: Any) -> None:
    """Register the ``accounts`` sub-command."""
    p = subparsers.add_parser(
        "accounts",
        help="create the first administrator, add, list, disable accounts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--workspace",
        "--store",
        dest="workspace",
        help="the store: GeoPackage path or postgresql:// URL (default: the app's)",
    )
    sub = p.add_subparsers(dest="accounts_command", required=True)
    admin = sub.add_parser("create-admin", help="create the first administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--display-name", default="")
    add = sub.add_parser("add-user", help="add an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=("viewer", "planner", "admin"))
    add.add_argument("--display-name", default="")
    add.add_argument("--counties", default="", help="comma-separated counties (planners)")
    sub.add_parser("list", help="list accounts")
    for name in ("disable", "enable", "set-password"):
        one = sub.add_parser(name, help=f"{name.replace('-', ' ')} an account")
        one.add_argument("--username", required=True)


def read_password(prompt: str = "Password: ") -> str:
    """A password from a hidden prompt (asked twice), or one line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise AnalysisError([_mismatch()])
    return first


def _mismatch() -> Any:
    from geodata.errors import Problem

    return Problem("password_mismatch", "The two passwords differ.")


def run(args: argparse.Namespace) -> int:
    """Run one accounts command; return the exit status."""
    from analysis.accounts.service import Accounts
    from analysis.workspace.api import open_store

    command = args.accounts_command
    try:
        store = open_store(args.workspace)
        path = store.location
        accounts = Accounts(store)
        if command == "list":
            for user in accounts.store.list_users():
                counties = ",".join(user.counties) or "-"
                state = "active" if user.active else "disabled"
                print(f"{user.username}\t{user.role}\t{state}\t{counties}\t{user.display_name}")
            return EXIT_OK
        if command in ("create-admin", "add-user"):
            password = read_password()
            if command == "create-admin":
                user = accounts.create_admin(args.username, password, args.display_name)
            else:
                user = accounts.add_user(
                    None,
                    args.username,
                    password,
                    args.role,
                    args.display_name,
                    args.counties.split(","),
                )
            print(f"Created {user.role} {user.username!r} in {path}.")
            return EXIT_OK
        if command == "set-password":
            user = accounts.update_user(None, args.username, password=read_password())
        else:
            user = accounts.update_user(None, args.username, active=command == "enable")
        print(f"Updated {user.username!r} ({'active' if user.active else 'disabled'}).")
        return EXIT_OK
    except AnalysisError as exc:
        for problem in exc.problems:
            print(f"error: {problem.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
