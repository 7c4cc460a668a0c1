"""Two-step secrets encrypted at rest: what the database holds, codes still checked, key rotation and
`reencrypt-secrets`, and a secret no configured key decrypts (a message and an administrator's reset, never a 500)."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import Session, select

from marketplace import encryption, two_step
from marketplace.config import ROOT, Settings, get_settings
from marketplace.errors import Invalid
from marketplace.models import LoginAttempt, TwoStep, User
from tests.builders import make_user

NOON = datetime(2026, 12, 3, 5, 0, 10, tzinfo=UTC)  # 12:00:10 in Huế, ten seconds into a 30-second step
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()

Configure = Callable[..., None]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(two_step, "utcnow", lambda: NOON)


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """Change the server's settings as an operator would between two restarts."""

    def change(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield change
    get_settings.cache_clear()  # (monkeypatch puts the environment back)


def turned_on(db: Session, user: User) -> tuple[str, list[str]]:
    """Two-step set up for `user` (no code of this step used yet); its secret and recovery codes."""
    secret = two_step.pending_secret(db, user)
    codes = two_step.turn_on(db, user, {"code": pyotp.TOTP(secret).at(NOON - timedelta(seconds=30))})
    return secret, codes


def stored(db: Session, user: User) -> str:
    """What the database holds for the account, read as a copy of it would be."""
    query = text("SELECT encrypted_secret FROM two_step WHERE user_id = :id")
    return str(db.execute(query, {"id": user.id}).scalar_one())


def reencrypt_command(database_url: str, keys: str) -> subprocess.CompletedProcess[str]:
    """`python -m marketplace reencrypt-secrets` run as an operator would, with DATA_ENCRYPTION_KEYS set to `keys`."""
    env = os.environ | {"DATABASE_URL": database_url, "ENVIRONMENT": "test", "DATA_ENCRYPTION_KEYS": keys}
    command = [sys.executable, "-m", "marketplace", "reencrypt-secrets"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def logs_in(db: Session, user: User, secret: str) -> bool:
    try:
        two_step.check_login(db, user, {"code": pyotp.TOTP(secret).at(NOON)})
    except Invalid:
        return False
    return True


def test_the_database_holds_neither_the_secret_nor_anything_containing_it(db: Session) -> None:
    user = make_user(db, role="staff", full_name="Nguyễn Văn Bình")
    secret, _ = turned_on(db, user)
    kept = stored(db, user)
    assert kept != secret and secret not in kept and secret.lower() not in kept.lower()
    assert encryption.decrypt(kept) == secret


def test_a_set_up_not_yet_confirmed_is_encrypted_too(db: Session) -> None:
    user = make_user(db, full_name="Hồ Thị Thu Hà")
    secret = two_step.pending_secret(db, user)
    assert secret not in stored(db, user) and two_step.pending_secret(db, user) == secret


def test_codes_from_the_app_are_still_accepted(db: Session) -> None:
    user = make_user(db, role="staff", full_name="Lê Quang Minh")
    secret, _ = turned_on(db, user)
    assert logs_in(db, user, secret)


def test_a_secret_under_the_old_key_still_verifies_once_a_new_key_comes_first(
    db: Session, configure: Configure
) -> None:
    configure(DATA_ENCRYPTION_KEYS=OLD_KEY)
    user = make_user(db, role="staff", full_name="Phan Thị Ngọc Ánh")
    secret, _ = turned_on(db, user)
    configure(DATA_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}")
    assert logs_in(db, user, secret)


def test_reencrypting_rewrites_each_secret_under_the_new_key_once(db: Session, configure: Configure) -> None:
    configure(DATA_ENCRYPTION_KEYS=OLD_KEY)
    users = [make_user(db, role="staff", full_name=name) for name in ("Trương Thị Mai", "Võ Đình Khoa")]
    secrets = [turned_on(db, user)[0] for user in users]
    configure(DATA_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}")
    assert two_step.reencrypt_secrets(db) == two_step.Reencrypted(rewritten=2, unchanged=0, unreadable=[])
    assert two_step.reencrypt_secrets(db) == two_step.Reencrypted(rewritten=0, unchanged=2, unreadable=[])
    configure(DATA_ENCRYPTION_KEYS=NEW_KEY)  # the old key taken out of the list
    assert [Fernet(NEW_KEY).decrypt(stored(db, user)).decode() for user in users] == secrets
    assert logs_in(db, users[0], secrets[0])


def test_the_key_derived_from_the_secret_key_still_decrypts_once_keys_are_set(
    db: Session, configure: Configure
) -> None:
    user = make_user(db, role="staff", full_name="Đặng Thị Thu Hương")
    secret, _ = turned_on(db, user)  # no DATA_ENCRYPTION_KEYS: the key derived from SECRET_KEY
    configure(DATA_ENCRYPTION_KEYS=NEW_KEY)
    assert two_step.reencrypt_secrets(db).rewritten == 1
    assert Fernet(NEW_KEY).decrypt(stored(db, user)).decode() == secret


def test_a_secret_no_key_decrypts_is_refused_with_the_message_and_no_failure_counted(
    db: Session, configure: Configure
) -> None:
    user = make_user(db, role="staff", full_name="Nguyễn Đức Hòa")
    secret, _ = turned_on(db, user)
    configure(SECRET_KEY="một-khoá-bí-mật-khác-" + "k" * 32)
    with pytest.raises(Invalid) as refused:
        two_step.check_login(db, user, {"code": pyotp.TOTP(secret).at(NOON)})
    assert refused.value.errors == {"code": two_step.UNREADABLE}
    assert db.exec(select(LoginAttempt)).all() == []


def test_a_recovery_code_still_logs_in_when_the_secret_cannot_be_read(db: Session, configure: Configure) -> None:
    user = make_user(db, role="staff", full_name="Huỳnh Văn Lộc")
    _, codes = turned_on(db, user)
    configure(SECRET_KEY="một-khoá-bí-mật-khác-" + "k" * 32)
    assert two_step.check_login(db, user, {"code": codes[0]}).recovery_left == 9


def test_an_administrator_still_resets_a_secret_no_key_decrypts(db: Session, configure: Configure) -> None:
    admin = make_user(db, role="admin", full_name="Tôn Nữ Minh Châu")
    user = make_user(db, role="staff", full_name="Lê Văn Tám")
    turned_on(db, user)
    configure(SECRET_KEY="một-khoá-bí-mật-khác-" + "k" * 32)
    two_step.reset(db, admin, user.id)
    assert two_step.enabled(db, user) is None
    secret, _ = turned_on(db, user)  # set up again under the key in force
    assert logs_in(db, user, secret)


def test_a_set_up_whose_secret_cannot_be_read_starts_again_with_a_new_one(db: Session, configure: Configure) -> None:
    user = make_user(db, full_name="Cao Thị Thanh Thủy")
    first = two_step.pending_secret(db, user)
    configure(DATA_ENCRYPTION_KEYS=NEW_KEY, SECRET_KEY="một-khoá-bí-mật-khác-" + "k" * 32)
    again = two_step.pending_secret(db, user)
    assert again != first and two_step.pending_secret(db, user) == again
    assert encryption.under_first_key(db.get(TwoStep, user.id).encrypted_secret)  # type: ignore[union-attr]


def test_the_command_reports_how_many_secrets_it_rewrote(db: Session, database_url: str, configure: Configure) -> None:
    configure(DATA_ENCRYPTION_KEYS=OLD_KEY)
    user = make_user(db, role="staff", full_name="Ngô Bảo Châu")
    secret, _ = turned_on(db, user)
    done = reencrypt_command(database_url, f"{NEW_KEY},{OLD_KEY}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"rewritten": 1, "unchanged": 0, "unreadable": []}
    assert Fernet(NEW_KEY).decrypt(stored(db, user)).decode() == secret


def test_the_command_names_the_accounts_no_key_decrypts(db: Session, database_url: str, configure: Configure) -> None:
    configure(DATA_ENCRYPTION_KEYS=OLD_KEY)
    user = make_user(db, role="staff", full_name="Trịnh Công Sơn")
    turned_on(db, user)
    done = reencrypt_command(database_url, NEW_KEY)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert json.loads(done.stdout) == {"rewritten": 0, "unchanged": 0, "unreadable": [user.id]}


def test_the_key_the_command_prints_is_accepted_as_the_setting() -> None:
    made = subprocess.run(
        [sys.executable, "-m", "marketplace", "new-encryption-key"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    key = made.stdout.strip()
    assert encryption.keys(Settings(DATA_ENCRYPTION_KEYS=key))[0] == key.encode()
