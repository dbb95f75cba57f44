"""Password hashes (argon2id through argon2-cffi), verification, rehash and strength rules.

Only hashes are stored: the PHC string (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``)
carries its own parameters, so raising them later rehashes each password at its next
successful login (:func:`verify_password` returns the new hash).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analysis.errors import AnalysisError, Problem

#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 10
#: Passwords refused whatever their length (lower-cased comparison).
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "administrator",
        "admin12345",
        "admin123456",
        "changeme123",
        "iloveyou123",
        "a1234567890",
        "0123456789",
        "abcdefghij",
        "abc1234567",
        "woaini1314",
        "1q2w3e4r5t",
        "qwerty12345",
    }
)

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """Return the argon2id hash (PHC string) of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, str | None]:
    """Check ``password`` against ``password_hash``.

    Returns
    -------
    (ok, new_hash)
        ``ok`` is False for a wrong password or an unreadable hash; ``new_hash`` is a fresh
        hash to store when the stored one uses outdated parameters (else ``None``).
    """
    if not password_hash:
        return False, None
    try:
        _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if _HASHER.check_needs_rehash(password_hash):
        return True, hash_password(password)
    return True, None


def password_problems(password: str, username: str = "") -> list[Problem]:
    """Every reason ``password`` is too weak (empty when it is acceptable)."""
    problems: list[Problem] = []
    lowered = password.lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Problem(
                "password_too_short",
                f"The password has {len(password)} characters; at least "
                f"{MIN_PASSWORD_LENGTH} are needed; use a few words with digits.",
                params={"length": len(password), "minimum": MIN_PASSWORD_LENGTH},
            )
        )
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if password and (kinds < 2 or len(set(password)) < 5):
        problems.append(
            Problem(
                "password_too_simple",
                "The password uses one kind of character or repeats a few characters; "
                "mix letters with digits or signs.",
            )
        )
    if lowered in COMMON_PASSWORDS or (username and username.lower() in lowered):
        problems.append(
            Problem(
                "password_common",
                "The password is a common one or contains the user name; choose one "
                "nobody would guess.",
            )
        )
    return problems


def check_password(password: str, username: str = "") -> None:
    """Raise :class:`AnalysisError` with every reason ``password`` is too weak."""
    problems = password_problems(password, username)
    if problems:
        raise AnalysisError(problems)
