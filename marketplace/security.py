"""Password hashing (Argon2) and CSRF tokens."""

import hmac
import secrets
from dataclasses import replace
from typing import Any

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommended profile (Argon2id, 64 MiB, three passes, four lanes), argon2-cffi's default.
PASSWORD_PROFILE: Parameters = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(PASSWORD_PROFILE)
# A real hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always spends the time of one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Recovery codes are random (about 50 bits), not chosen by people: the slow password profile would guard
# nothing more, and checking a typed code against ten hashes at log-in would take seconds. Argon2id still,
# with OWASP's minimum parameters (19 MiB, two passes).
CODE_PROFILE = replace(PASSWORD_PROFILE, time_cost=2, memory_cost=19456, parallelism=1)
_code_hasher = PasswordHasher.from_parameters(CODE_PROFILE)


def use_profiles(password: Parameters, code: Parameters) -> None:
    """Hash passwords and codes with these parameters from now on; hashes made before still verify (each
    hash names its parameters). For the test suite only, which logs in over a thousand times: at ~140 ms a
    verification with PASSWORD_PROFILE on a 2-core machine that was minutes of every run."""
    global _hasher, _DUMMY_HASH, _code_hasher
    _hasher = PasswordHasher.from_parameters(password)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")
    _code_hasher = PasswordHasher.from_parameters(code)


def hash_code(code: str) -> str:
    """An Argon2id hash of a random single-use code (two-step recovery codes)."""
    return _code_hasher.hash(code)


def verify_code(code_hash: str, code: str) -> bool:
    """True when `code` matches `code_hash` (a hash from `hash_code`)."""
    try:
        return _code_hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def csrf_token(session: dict[str, Any]) -> str:
    """The CSRF token of this browser session, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return str(token)


def csrf_matches(session: dict[str, Any], submitted: str | None) -> bool:
    """True when `submitted` is this session's CSRF token."""
    expected = session.get(CSRF_SESSION_KEY)
    # Compared as bytes: compare_digest refuses non-ASCII str, and a forged token may hold any text.
    return bool(expected and submitted and hmac.compare_digest(str(expected).encode(), submitted.encode()))
