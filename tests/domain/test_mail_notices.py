"""Members choose how the exchange e-mails them about notices: each at once, one digest a day, or none; mails
about the account's security go whatever they chose."""

import pyotp
import pytest
from sqlmodel import Session, col, select

from marketplace import inquiries, mail, mail_notices, membership_review, password_reset, personal_data, two_step
from marketplace.errors import Invalid
from marketplace.models import AuditLog, Notification, OutboxMail, User
from marketplace.notifications import mark_read_at, tell
from tests.builders import make_user

CHOICE_LINE_VI = "Bạn có thể chọn cách Sàn gửi thư cho bạn trên trang tài khoản: " + mail.absolute_url("/account")
CHOICE_LINE_EN = "You can choose how the exchange e-mails you on your account page: " + mail.absolute_url("/account")


def tell_inquiry(db: Session, user: User, title: str, inquiry_id: int) -> None:
    """What the exchange tells an owner when an organization is interested in their listing."""
    tell(db, user, notice=inquiries.NEW_NOTICE, link=f"/inquiries/{inquiry_id}", mail_subject=inquiries.NEW_SUBJECT,
         mail_body=inquiries.NEW_BODY, mail_params={"message": "Chúng tôi muốn đặt hàng 200 lít."},
         title=title, org="Công ty TNHH Dược liệu Phong Điền")  # fmt: skip
    db.commit()


def mails_to(db: Session, user: User) -> list[OutboxMail]:
    return list(db.exec(select(OutboxMail).where(OutboxMail.to == user.email).order_by(col(OutboxMail.id))).all())


def test_a_member_on_each_gets_a_mail_per_notice_saying_where_to_choose(db: Session) -> None:
    owner = make_user(db, full_name="Lê Văn Tràm")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    tell_inquiry(db, owner, "Chè vằng Quảng Điền", 2)
    sent = mails_to(db, owner)
    assert len(sent) == 2
    assert sent[0].body.splitlines()[-4] == CHOICE_LINE_VI  # before the signature
    assert not db.exec(select(Notification).where(col(Notification.digest_pending).is_(True))).all()


def test_a_member_on_daily_gets_no_mail_now_and_the_notice_waits_for_the_digest(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    assert mails_to(db, owner) == []
    assert db.exec(select(Notification.digest_pending).where(Notification.user_id == owner.id)).one() is True


def test_a_member_on_none_gets_the_notice_in_the_app_only(db: Session) -> None:
    owner = make_user(db, mail_notices="none")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    assert mails_to(db, owner) == []
    assert db.exec(select(Notification.digest_pending).where(Notification.user_id == owner.id)).one() is False


def test_a_notice_without_a_mail_is_never_put_in_a_digest(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell(db, owner, notice=membership_review.APPROVED_NOTICE, link="/", organization="Viện Công nghệ sinh học")
    db.commit()
    assert db.exec(select(Notification.digest_pending).where(Notification.user_id == owner.id)).one() is False


def test_an_administrators_two_step_reset_is_mailed_even_to_a_member_on_none(db: Session) -> None:
    admin = make_user(db, role="admin", full_name="Nguyễn Đức Hòa")
    user = make_user(db, role="staff", full_name="Trương Thị Mai", mail_notices="none")
    secret = two_step.pending_secret(db, user)
    two_step.turn_on(db, user, {"code": pyotp.TOTP(secret).now()})
    two_step.reset(db, admin, user.id)
    (sent,) = mails_to(db, user)
    assert sent.subject == "Xác minh hai bước của bạn đã được tắt"
    assert CHOICE_LINE_VI not in sent.body  # it cannot be turned off, so it does not say so


def test_a_password_reset_is_mailed_to_a_member_on_daily_at_once(db: Session) -> None:
    user = make_user(db, email="quen.matkhau@demo.hue.vn", mail_notices="daily")
    password_reset.request_reset(db, user.email)
    (sent,) = mails_to(db, user)
    assert "/password/reset/" in sent.body and CHOICE_LINE_VI not in sent.body


def test_the_digest_lists_the_days_notices_in_one_mail_in_vietnamese(db: Session) -> None:
    owner = make_user(db, full_name="Lê Văn Tràm", mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 11)
    tell_inquiry(db, owner, "Chè vằng Quảng Điền", 12)
    report = mail_notices.send_digests(db)
    assert (report.users, report.notices) == (1, 2)
    (sent,) = mails_to(db, owner)
    assert sent.subject == "2 thông báo mới trên Sàn"
    lines = sent.body.splitlines()
    assert "• Công ty TNHH Dược liệu Phong Điền bày tỏ quan tâm đến “Tinh dầu tràm gió Phú Lộc”." in lines
    assert "  " + mail.absolute_url("/inquiries/11") in lines
    assert lines.index("• Công ty TNHH Dược liệu Phong Điền bày tỏ quan tâm đến “Chè vằng Quảng Điền”.") > lines.index(
        "  " + mail.absolute_url("/inquiries/11")
    )
    assert CHOICE_LINE_VI in lines
    assert "Chúng tôi muốn đặt hàng 200 lít." not in sent.body  # the digest lists notices, not whole mails


def test_the_digest_is_in_english_for_a_member_who_reads_english(db: Session) -> None:
    owner = make_user(db, full_name="Anna Schmidt", language="en", mail_notices="daily")
    tell_inquiry(db, owner, "Cajeput oil from Phú Lộc", 21)
    mail_notices.send_digests(db)
    (sent,) = mails_to(db, owner)
    assert sent.subject == "1 new notice on the exchange"
    lines = sent.body.splitlines()
    assert lines[0] == "Dear Anna Schmidt,"
    assert "• New inquiry about “Cajeput oil from Phú Lộc” from Công ty TNHH Dược liệu Phong Điền." in lines
    assert CHOICE_LINE_EN in lines


def test_running_the_digest_twice_sends_nothing_more(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    mail_notices.send_digests(db)
    again = mail_notices.send_digests(db)
    assert (again.users, again.notices) == (0, 0)
    assert len(mails_to(db, owner)) == 1


def test_each_member_gets_their_own_digest(db: Session) -> None:
    first, second = make_user(db, mail_notices="daily"), make_user(db, mail_notices="daily")
    tell_inquiry(db, first, "Tinh dầu tràm gió Phú Lộc", 1)
    tell_inquiry(db, second, "Chè vằng Quảng Điền", 2)
    tell_inquiry(db, second, "Mè xửng Huế ít đường", 3)
    assert mail_notices.send_digests(db).users == 2
    assert [len(mails_to(db, first)), len(mails_to(db, second))] == [1, 1]
    assert mails_to(db, second)[0].subject == "2 thông báo mới trên Sàn"


def test_a_notice_already_read_in_the_app_is_left_out_of_the_digest(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    tell_inquiry(db, owner, "Chè vằng Quảng Điền", 2)
    mark_read_at(db, user=owner, link="/inquiries/1")
    mail_notices.send_digests(db)
    (sent,) = mails_to(db, owner)
    assert sent.subject == "1 thông báo mới trên Sàn" and "Tinh dầu tràm" not in sent.body


def test_choosing_none_drops_the_notices_waiting_for_a_digest(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    mail_notices.choose(db, owner, {"mail_notices": "none"})
    assert mail_notices.send_digests(db).users == 0
    assert mails_to(db, owner) == []


def test_the_choice_is_saved_and_audited(db: Session) -> None:
    owner = make_user(db)
    mail_notices.choose(db, owner, {"mail_notices": "daily"})
    db.refresh(owner)
    assert owner.mail_notices == "daily"
    entry = db.exec(select(AuditLog).where(AuditLog.action == "update_mail_notices")).one()
    assert entry.detail == {"before": "each", "after": "daily"}


def test_an_unknown_choice_is_refused(db: Session) -> None:
    owner = make_user(db)
    with pytest.raises(Invalid) as refused:
        mail_notices.choose(db, owner, {"mail_notices": "hourly"})
    assert str(refused.value.errors["mail_notices"]) == "Vui lòng chọn một trong các mục có sẵn."
    db.refresh(owner)
    assert owner.mail_notices == "each"


def test_the_personal_data_download_holds_the_choice(db: Session) -> None:
    owner = make_user(db, mail_notices="none")
    assert personal_data.export(db, owner)["account"]["mail_notices"] == "none"


def test_notices_waiting_for_a_digest_still_go_in_it_after_moving_back_to_each(db: Session) -> None:
    owner = make_user(db, mail_notices="daily")
    tell_inquiry(db, owner, "Tinh dầu tràm gió Phú Lộc", 1)
    mail_notices.choose(db, owner, {"mail_notices": "each"})
    assert mail_notices.send_digests(db).notices == 1
    assert [m.subject for m in mails_to(db, owner)] == ["1 thông báo mới trên Sàn"]
