"""E-mail through the outbox: written with the change, in the recipient's language, sent over SMTP to a real
(local, aiosmtpd) server, and kept when that server is down until it answers again."""

import email
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from marketplace import inquiries, inquiry_answers, mail
from marketplace.config import ROOT, Settings
from marketplace.models import OutboxMail
from tests.journeys.helpers import MESSAGE, Parties


class Inbox:
    """An aiosmtpd handler keeping what it receives; it refuses mailboxes starting with "bounce"."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


def mail_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(
        update={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "MAIL_FROM": "san-cong-nghe@khcn.hue.gov.vn"}
    )


def outbox(db: Session) -> list[OutboxMail]:
    db.expire_all()
    return list(db.exec(select(OutboxMail).order_by(col(OutboxMail.id))).all())


def ask(db: Session, parties: Parties) -> None:
    inquiries.express_interest(
        db, sender=parties.buyer, listing_kind="offer", listing_id=parties.offer.id, message=MESSAGE
    )


def test_a_new_inquiry_writes_a_mail_to_the_owner_in_the_same_transaction(db: Session, parties: Parties) -> None:
    ask(db, parties)
    [queued] = outbox(db)
    assert queued.to == "dieulinh@vien.hue.vn" and queued.sent_at is None
    assert queued.subject == f"Bày tỏ quan tâm mới về “{parties.offer.title}”"
    assert queued.body.startswith("Kính gửi TS. Nguyễn Thị Diệu Linh,")
    assert MESSAGE in queued.body and "/inquiries/" in queued.body


def test_the_mail_is_written_in_the_recipients_language(db: Session, parties: Parties) -> None:
    parties.researcher.language = "en"
    db.add(parties.researcher)
    db.commit()
    ask(db, parties)
    [queued] = outbox(db)
    assert queued.subject == f"New inquiry about “{parties.offer.title}”"
    assert queued.body.startswith("Dear TS. Nguyễn Thị Diệu Linh,\n\nHue Green Pharma JSC is interested in")


def test_the_decline_mail_gives_the_reason_in_the_askers_language(db: Session, parties: Parties) -> None:
    ask(db, parties)
    inquiry = inquiries.pending_from(db, parties.company.id, "offer", parties.offer.id)
    assert inquiry is not None and inquiry.id is not None
    inquiry_answers.decline_inquiry(
        db,
        inquiry_id=inquiry.id,
        user=parties.researcher,
        data={"reason": "ip_constraints", "note": "Bằng sáng chế đang chờ cấp."},
    )
    answer_mail = outbox(db)[-1]
    assert answer_mail.to == "phuoc@huexanh.vn"
    assert "Lý do: Vướng mắc về sở hữu trí tuệ. Bằng sáng chế đang chờ cấp." in answer_mail.body


def test_a_refused_answer_writes_no_mail(db: Session, parties: Parties) -> None:
    ask(db, parties)
    inquiry = inquiries.pending_from(db, parties.company.id, "offer", parties.offer.id)
    assert inquiry is not None and inquiry.id is not None
    with pytest.raises(Exception, match="highlighted"):
        inquiry_answers.decline_inquiry(db, inquiry_id=inquiry.id, user=parties.researcher, data={"reason": "other"})
    assert len(outbox(db)) == 1


def test_pending_mail_is_delivered_over_smtp(
    db: Session, parties: Parties, settings: Settings, inbox: Inbox, smtp_port: int
) -> None:
    ask(db, parties)
    report = mail.send_pending(db, mail_settings(settings, smtp_port))
    assert (report.sent, report.failed, report.waiting) == (1, 0, 0)
    [received] = inbox.messages
    assert received["To"] == "dieulinh@vien.hue.vn" and received["From"] == "san-cong-nghe@khcn.hue.gov.vn"
    assert received["Subject"] == f"Bày tỏ quan tâm mới về “{parties.offer.title}”"
    assert MESSAGE in received.get_content()
    [sent] = outbox(db)
    assert sent.sent_at is not None and sent.attempts == 1 and sent.last_error is None


def test_nothing_is_lost_while_the_server_is_down_and_it_is_sent_once_it_is_back(
    db: Session, parties: Parties, settings: Settings, smtp_port: int
) -> None:
    ask(db, parties)
    mail.queue_mail(db, "ban.giam.doc@huexanh.vn", "Báo cáo tuần", "Nội dung báo cáo.")
    db.commit()
    down = mail.send_pending(db, mail_settings(settings, smtp_port))  # nothing listens on the port yet
    assert (down.sent, down.failed, down.waiting) == (0, 2, 2)
    assert [(m.attempts, m.sent_at) for m in outbox(db)] == [(1, None), (1, None)]
    assert all(m.last_error and "Connection" in m.last_error for m in outbox(db))
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        back = mail.send_pending(db, mail_settings(settings, smtp_port))
    finally:
        controller.stop()
    assert (back.sent, back.failed, back.waiting) == (2, 0, 0)
    assert sorted(m["To"] for m in handler.messages) == ["ban.giam.doc@huexanh.vn", "dieulinh@vien.hue.vn"]
    assert [(m.attempts, m.last_error) for m in outbox(db)] == [(2, None), (2, None)]


def test_a_refused_address_stays_queued_with_the_error_while_the_rest_goes(
    db: Session, settings: Settings, inbox: Inbox, smtp_port: int
) -> None:
    mail.queue_mail(db, "bounce@khong-ton-tai.vn", "Thư thử", "Nội dung.")
    mail.queue_mail(db, "hop.tac@huexanh.vn", "Thư thử", "Nội dung.")
    db.commit()
    report = mail.send_pending(db, mail_settings(settings, smtp_port))
    assert (report.sent, report.failed, report.waiting) == (1, 1, 1)
    refused, delivered = outbox(db)
    assert refused.sent_at is None and "550" in (refused.last_error or "")
    assert delivered.sent_at is not None and [m["To"] for m in inbox.messages] == ["hop.tac@huexanh.vn"]


def test_the_send_mail_command_delivers_the_outbox(
    db: Session, database_url: str, inbox: Inbox, smtp_port: int
) -> None:
    mail.queue_mail(db, "phuoc@huexanh.vn", "Bày tỏ quan tâm đã được chấp nhận", "Xin chúc mừng.")
    db.commit()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
    }
    result = subprocess.run(
        [sys.executable, "-m", "marketplace", "send-mail"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"sent": 1, "failed": 0, "waiting": 0}
    assert [m["Subject"] for m in inbox.messages] == ["Bày tỏ quan tâm đã được chấp nhận"]
