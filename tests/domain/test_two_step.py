"""Two-step verification's rules: codes of the right step only once, recovery codes, throttling, turning it off,
an administrator's reset, and what the personal data download says."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import Session, col, select

from marketplace import personal_data, two_step
from marketplace.errors import Forbidden, Invalid, TooManyAttempts
from marketplace.models import AuditLog, Notification, OutboxMail, RecoveryCode, TwoStep, User
from tests.builders import PASSWORD, make_user

NOON = datetime(2026, 12, 3, 5, 0, 10, tzinfo=UTC)  # 12:00:10 in Huế, ten seconds into a 30-second step


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(two_step, "utcnow", lambda: NOON)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def turned_on(db: Session, user: User) -> tuple[str, list[str]]:
    """Two-step set up for `user` with the code of the step before now; its secret and recovery codes."""
    secret = two_step.pending_secret(db, user)
    codes = two_step.turn_on(db, user, {"code": code_at(secret, NOON - timedelta(seconds=30))})
    return secret, codes


def test_the_set_up_keeps_one_secret_until_a_code_confirms_it(db: Session) -> None:
    user = make_user(db, full_name="Hồ Thị Thu Hà")
    first = two_step.pending_secret(db, user)
    assert two_step.pending_secret(db, user) == first
    assert two_step.enabled(db, user) is None
    uri = two_step.authenticator_uri(user, first)
    assert uri.startswith("otpauth://totp/") and "issuer=S%C3%A0n%20C%C3%B4ng%20ngh%E1%BB%87%20Hu%E1%BA%BF" in uri
    assert two_step.qr_svg(uri).startswith("<svg")


def test_the_code_from_the_app_turns_it_on_with_ten_recovery_codes_stored_as_hashes(db: Session) -> None:
    user = make_user(db, role="staff", full_name="Nguyễn Văn Bình")
    secret = two_step.pending_secret(db, user)
    codes = two_step.turn_on(db, user, {"code": code_at(secret, NOON)})
    assert two_step.enabled(db, user) is not None
    assert len(set(codes)) == 10 and all(len(code) == 11 and code[5] == "-" for code in codes)
    hashes = db.exec(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert db.exec(select(AuditLog.action).where(AuditLog.entity_id == user.id)).all() == ["two_step.on"]


def test_a_wrong_code_leaves_it_off_and_the_secret_unchanged(db: Session) -> None:
    user = make_user(db)
    secret = two_step.pending_secret(db, user)
    with pytest.raises(Invalid) as refused:
        two_step.turn_on(db, user, {"code": "000000" if code_at(secret, NOON) != "000000" else "111111"})
    assert "code" in refused.value.errors
    assert two_step.enabled(db, user) is None
    assert two_step.pending_secret(db, user) == secret


def test_a_code_of_the_next_step_is_accepted_but_not_one_two_steps_away(db: Session) -> None:
    user = make_user(db)
    secret, _ = turned_on(db, user)
    with pytest.raises(Invalid):
        two_step.check_login(db, user, {"code": code_at(secret, NOON + timedelta(seconds=60))})
    assert two_step.check_login(db, user, {"code": code_at(secret, NOON + timedelta(seconds=30))}).recovery_left is None


def test_a_code_cannot_be_used_twice(db: Session) -> None:
    user = make_user(db)
    secret, _ = turned_on(db, user)
    two_step.check_login(db, user, {"code": code_at(secret, NOON)})
    with pytest.raises(Invalid):
        two_step.check_login(db, user, {"code": code_at(secret, NOON)})


def test_a_code_older_than_the_last_accepted_is_refused_even_within_the_drift(db: Session) -> None:
    user = make_user(db)
    secret, _ = turned_on(db, user)
    two_step.check_login(db, user, {"code": code_at(secret, NOON + timedelta(seconds=30))})
    with pytest.raises(Invalid):
        two_step.check_login(db, user, {"code": code_at(secret, NOON)})


def test_a_recovery_code_logs_in_once_and_says_how_many_remain(db: Session) -> None:
    user = make_user(db, full_name="Lê Quang Minh")
    _, codes = turned_on(db, user)
    assert two_step.check_login(db, user, {"code": codes[3].upper().replace("-", " ")}).recovery_left == 9
    with pytest.raises(Invalid):
        two_step.check_login(db, user, {"code": codes[3]})
    assert two_step.recovery_left(db, user) == 9
    used = db.exec(select(AuditLog.action).where(AuditLog.action == "two_step.recovery_code")).all()
    assert used == ["two_step.recovery_code"]


def test_the_right_code_is_refused_after_too_many_wrong_ones(db: Session) -> None:
    user = make_user(db)
    secret, _ = turned_on(db, user)
    for _ in range(5):  # LOGIN_MAX_FAILURES
        with pytest.raises(Invalid):
            two_step.check_login(db, user, {"code": "12345"})
    with pytest.raises(TooManyAttempts):
        two_step.check_login(db, user, {"code": code_at(secret, NOON)})


def test_turning_it_off_needs_the_password_and_a_code(db: Session) -> None:
    user = make_user(db)
    secret, _ = turned_on(db, user)
    with pytest.raises(Invalid) as wrong_password:
        two_step.turn_off(db, user, {"password": "không-phải-mật-khẩu", "code": code_at(secret, NOON)})
    assert "password" in wrong_password.value.errors
    with pytest.raises(Invalid) as no_code:
        two_step.turn_off(db, user, {"password": PASSWORD, "code": ""})
    assert "code" in no_code.value.errors
    assert two_step.enabled(db, user) is not None
    two_step.turn_off(db, user, {"password": PASSWORD, "code": code_at(secret, NOON)})
    assert two_step.enabled(db, user) is None and two_step.recovery_left(db, user) == 0
    assert db.get(TwoStep, user.id) is None


def test_new_recovery_codes_replace_the_old_ones(db: Session) -> None:
    user = make_user(db)
    secret, old = turned_on(db, user)
    new = two_step.renew_recovery_codes(db, user, {"code": code_at(secret, NOON)})
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(Invalid):
        two_step.check_login(db, user, {"code": old[0]})


def test_an_administrator_resets_it_for_someone_who_lost_their_phone(db: Session) -> None:
    admin = make_user(db, role="admin", full_name="Nguyễn Đức Hòa")
    user = make_user(db, role="staff", full_name="Trương Thị Mai")
    turned_on(db, user)
    epoch = user.session_epoch
    two_step.reset(db, admin, user.id)
    assert two_step.enabled(db, user) is None and user.session_epoch == epoch + 1
    reset = db.exec(select(AuditLog).where(AuditLog.action == "two_step.reset")).one()
    assert (reset.actor_id, reset.entity_id) == (admin.id, user.id)
    assert db.exec(select(Notification).where(Notification.user_id == user.id)).one().link == "/account/two-step"
    assert db.exec(select(OutboxMail).where(OutboxMail.to == user.email)).one().subject == (
        "Xác minh hai bước của bạn đã được tắt"
    )


def test_only_an_administrator_resets_it_and_never_their_own(db: Session) -> None:
    admin = make_user(db, role="admin")
    staff = make_user(db, role="staff")
    turned_on(db, admin)
    with pytest.raises(Forbidden):
        two_step.reset(db, staff, admin.id)
    with pytest.raises(Forbidden):
        two_step.reset(db, admin, admin.id)
    assert two_step.enabled(db, admin) is not None


def test_the_personal_data_download_says_whether_it_is_on_never_the_secret(db: Session) -> None:
    user = make_user(db)
    assert personal_data.export(db, user)["account"]["two_step_verification"] is False
    secret, _ = turned_on(db, user)
    exported = personal_data.export(db, user)
    assert exported["account"]["two_step_verification"] is True
    assert secret not in str(exported)


def test_deleting_an_account_deletes_its_secret_and_recovery_codes(db: Session) -> None:
    user = make_user(db)
    turned_on(db, user)
    personal_data.delete_account(db, user, {"password": PASSWORD})
    assert db.get(TwoStep, user.id) is None
    assert db.exec(select(RecoveryCode).where(col(RecoveryCode.user_id) == user.id)).all() == []
