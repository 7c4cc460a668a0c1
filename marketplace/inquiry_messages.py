"""Questions and answers on a pending inquiry, before its owner accepts or declines it.

A listing's owner usually asks first ("what volume of cajeput leaves a month?", "do you hold GACP
certification?") and the sender answers. Who reads the thread: the inquiry's two sides and Department staff,
who broker (`may_read`, which also decides who reads the message that opened it). Who writes: the same
people, while the inquiry waits for an answer; staff write as the Department (`author_org_id` None). Once the
inquiry is accepted, declined or withdrawn its thread is kept, read-only (after acceptance the conversation
goes on in the collaboration's notes). Contact details are not stripped from messages: the form says they
are shared by themselves on acceptance.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace import audit, mail, validation
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import N_, Msg, gettext
from marketplace.inquiries import can_view, org_name, path_of, recipients_of, subject_of
from marketplace.models import Collaboration, Inquiry, InquiryMessage, InquiryStatus, Organization, User
from marketplace.notifications import tell

BODY_MAX = 2000
BROKER = N_("Department of Science and Technology (broker)")
CLOSED = Msg("This inquiry has been answered or withdrawn: its messages can be read but no longer added to.")
NOT_ALLOWED = Msg("Only the two organizations of the inquiry and the Department can write here.")

MESSAGE_NOTICE = N_("%(org)s wrote a message on the inquiry about “%(title)s”.")
MESSAGE_SUBJECT = N_("New message on the inquiry about “%(title)s”")
MESSAGE_BODY = N_(
    "%(name)s (%(org)s) wrote on the inquiry about “%(title)s”:\n\n%(message)s\n\nAnswer on the inquiry's page."
)


@dataclass(frozen=True)
class ThreadEntry:
    """One message as the thread shows it: who wrote it and for which side."""

    message: InquiryMessage
    author_name: str
    side: str  # "sender", "recipient" or "broker"
    organization: Organization | None


def may_read(user: User | None, inquiry: Inquiry) -> bool:
    """The inquiry's two sides, and Department staff, who broker: its opening message and its thread."""
    return user is not None and (user.is_staff or can_view(user, inquiry))


def may_write(user: User | None, inquiry: Inquiry) -> bool:
    """The same people, while the inquiry waits for an answer."""
    return inquiry.status == InquiryStatus.PENDING and may_read(user, inquiry)


def get_readable(session: Session, inquiry_id: int, user: User | None) -> Inquiry:
    """The inquiry if this reader may read its thread, else NotFound (its existence is not revealed)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or not may_read(user, inquiry):
        raise NotFound()
    return inquiry


def _side(inquiry: Inquiry, author_org_id: int | None) -> str:
    if author_org_id is None:
        return "broker"
    return "sender" if author_org_id == inquiry.sender_org_id else "recipient"


def thread(session: Session, inquiry: Inquiry) -> list[ThreadEntry]:
    """The inquiry's messages, oldest first (the reader's right to see them is checked by the caller)."""
    messages = session.exec(
        select(InquiryMessage).where(InquiryMessage.inquiry_id == inquiry.id).order_by(col(InquiryMessage.id))
    ).all()
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_({m.author_id for m in messages})))}
    org_ids = {m.author_org_id for m in messages if m.author_org_id}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(org_ids)))}
    return [
        ThreadEntry(
            m,
            people[m.author_id].full_name if m.author_id in people else "",
            _side(inquiry, m.author_org_id),
            orgs.get(m.author_org_id) if m.author_org_id else None,
        )
        for m in messages
    ]


def collaboration_of(session: Session, inquiry: Inquiry) -> int | None:
    """The collaboration an accepted inquiry opened, where the conversation goes on."""
    if inquiry.status != InquiryStatus.ACCEPTED:
        return None
    return session.exec(select(Collaboration.id).where(Collaboration.inquiry_id == inquiry.id)).first()


def counts(session: Session, inquiry_ids: Iterable[int | None]) -> dict[int, int]:
    """How many messages each inquiry's thread holds (absent: none), in one query."""
    ids = {i for i in inquiry_ids if i is not None}
    if not ids:
        return {}
    query = (
        select(InquiryMessage.inquiry_id, func.count())
        .where(col(InquiryMessage.inquiry_id).in_(ids))
        .group_by(col(InquiryMessage.inquiry_id))
    )
    return {inquiry_id: n for inquiry_id, n in session.exec(query).all()}


def post_message(session: Session, *, inquiry_id: int, user: User, data: Mapping[str, Any]) -> InquiryMessage:
    """Add `user`'s message to a pending inquiry's thread, tell the other side; commits."""
    inquiry = get_readable(session, inquiry_id, user)
    errors: validation.Errors = {}
    body = validation.text(errors, data, "body", max_len=BODY_MAX)
    validation.raise_if(errors)
    if inquiry.status != InquiryStatus.PENDING:
        raise Conflict(CLOSED, current=inquiry)
    party = can_view(user, inquiry)
    if not party and not user.is_staff:  # pragma: no cover - get_readable already refused them
        raise Forbidden(NOT_ALLOWED)
    assert user.id is not None
    message = InquiryMessage(
        inquiry_id=inquiry_id, author_id=user.id, author_org_id=user.organization_id if party else None, body=body
    )
    session.add(message)
    session.flush()
    audit.record(session, actor_id=user.id, action="inquiry.message", entity="inquiry", entity_id=inquiry_id,
                 message_id=message.id)  # fmt: skip
    _tell_others(session, inquiry, message, user)
    session.commit()
    return message


def audience(session: Session, inquiry: Inquiry, message: InquiryMessage) -> list[User]:
    """Who hears of a new message: the side(s) the author did not write for — the sender (or, if they left,
    their organization's members) and the people an inquiry is addressed to — plus whoever already wrote in
    the thread for such a side, and the staff who wrote in it; never the author."""
    side = _side(inquiry, message.author_org_id)
    subject = subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    people: dict[int | None, User] = {}
    if side != "sender" and inquiry.sender_org_id is not None:
        sender = session.get(User, inquiry.sender_id)
        if sender is not None and sender.is_active and sender.organization_id == inquiry.sender_org_id:
            people[sender.id] = sender
        else:
            members = select(User).where(User.organization_id == inquiry.sender_org_id, col(User.is_active))
            people |= {u.id: u for u in session.exec(members)}
    if side != "recipient":
        people |= {u.id: u for u in recipients_of(session, inquiry, subject)}
    writers = select(User).join(InquiryMessage, col(InquiryMessage.author_id) == col(User.id))
    for user in session.exec(writers.where(InquiryMessage.inquiry_id == inquiry.id, col(User.is_active))):
        if (party := _party_of(user, inquiry)) is not None and party != side:
            people[user.id] = user
    people.pop(message.author_id, None)
    return sorted(people.values(), key=lambda u: u.id or 0)


def _party_of(user: User, inquiry: Inquiry) -> str | None:
    """The side a person would write for now: "sender", "recipient", "broker" (staff), None (neither any more)."""
    if can_view(user, inquiry):
        return "sender" if user.organization_id == inquiry.sender_org_id else "recipient"
    return "broker" if user.is_staff else None


def _tell_others(session: Session, inquiry: Inquiry, message: InquiryMessage, author: User) -> None:
    subject = subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    org = session.get(Organization, message.author_org_id) if message.author_org_id else None
    for user in audience(session, inquiry, message):
        with mail.in_language(user.language):
            writer_org = org_name(org, user.language) if org is not None else gettext(BROKER)
        tell(session, user, notice=MESSAGE_NOTICE, link=path_of(inquiry), mail_subject=MESSAGE_SUBJECT,
             mail_body=MESSAGE_BODY, mail_params={"message": message.body, "name": author.full_name},
             title=subject.title, org=writer_org)  # fmt: skip
