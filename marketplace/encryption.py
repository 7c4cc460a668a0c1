"""Values kept encrypted at rest, so that a copy of the database (a backup, a stolen disk) does not give them away.
Today: the authenticator secrets of two-step verification (`marketplace.two_step`).

Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) under the keys of `DATA_ENCRYPTION_KEYS`,
comma-separated: the first encrypts, every one decrypts (MultiFernet), so a new key is put first and the old one
kept after it until `reencrypt-secrets` has rewritten every value. Unset, one key derived from `SECRET_KEY` (HKDF-SHA256
with a fixed label) is used, so development, the demo and the tests need nothing; that derived key also decrypts,
last, once keys are set, so an installation moves to keys of its own without a step where values cannot be read.
The keys live in the environment, never in the database.
"""

import argparse
import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from marketplace.cli import command
from marketplace.config import Settings, fernet_keys, get_settings

# Changing the label changes the derived key: every value encrypted under it would become unreadable.
DERIVATION_LABEL = b"hue-innovation-exchange: data encryption key v1"


class Unreadable(Exception):
    """A stored value that no configured key decrypts: a key was lost, or SECRET_KEY changed while
    DATA_ENCRYPTION_KEYS was unset."""


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from SECRET_KEY, used while DATA_ENCRYPTION_KEYS is unset."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_LABEL).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


def keys(settings: Settings | None = None) -> list[bytes]:
    """Every key that decrypts, the one that encrypts first."""
    settings = settings or get_settings()
    return list(_keys(settings.DATA_ENCRYPTION_KEYS, settings.SECRET_KEY))


@lru_cache(maxsize=8)
def _keys(configured: str | None, secret_key: str) -> tuple[bytes, ...]:
    derived = derived_key(secret_key)
    return (*[key for key in fernet_keys(configured) if key != derived], derived)


def _fernet(settings: Settings | None) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys(settings)])


def encrypt(plain: str, settings: Settings | None = None) -> str:
    """`plain` encrypted under the first key (a different token each time)."""
    return _fernet(settings).encrypt(plain.encode()).decode()


def decrypt(token: str, settings: Settings | None = None) -> str:
    """The value `token` holds; `Unreadable` when no configured key decrypts it."""
    try:
        return _fernet(settings).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable() from exc


def readable(token: str, settings: Settings | None = None) -> bool:
    """True when a configured key decrypts `token`."""
    try:
        decrypt(token, settings)
    except Unreadable:
        return False
    return True


def under_first_key(token: str, settings: Settings | None = None) -> bool:
    """True when `token` was encrypted under the key that encrypts now (nothing to rewrite after a rotation)."""
    try:
        Fernet(keys(settings)[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str, settings: Settings | None = None) -> str:
    """`token`'s value encrypted again under the first key; `Unreadable` when no configured key decrypts it."""
    try:
        return _fernet(settings).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable() from exc


@command("new-encryption-key", "print a new random key for DATA_ENCRYPTION_KEYS")
def new_key_command(args: argparse.Namespace) -> int:
    print(Fernet.generate_key().decode())
    return 0
