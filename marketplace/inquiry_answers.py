"""Answering an inquiry: accept (contacts shown to both, a collaboration opens), decline with a reason, withdraw.

An inquiry is answered once: every answer moves it on from "pending" with a conditional update, so a
second tab, a second worker or a withdrawal in the meantime gets a `Conflict`, never a second deal.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from marketplace import audit, collaborations, mail, validation
from marketplace.collaboration_notices import tell_unassigned
from marketplace.errors import Conflict, Forbidden
from marketplace.i18n import N_, Msg, gettext
from marketplace.inquiries import Subject, get_for_party, is_recipient, org_name, path_of, recipients_of, subject_of
from marketplace.labels import label
from marketplace.models import DeclineReason, Inquiry, InquiryStatus, MatchProposal, Organization, Stage, User
from marketplace.models._base import utcnow
from marketplace.notifications import notify, tell

NOTE_MAX = 1000
DECLINE_REASONS = tuple(r.value for r in DeclineReason)
ALREADY_ANSWERED = Msg("This inquiry has already been answered or withdrawn; here is where it stands now.")

ACCEPTED_NOTICE = N_("%(org)s accepted your inquiry about “%(title)s”; you can now see each other's contact details.")
ACCEPTED_SUBJECT = N_("Your inquiry about “%(title)s” was accepted")
ACCEPTED_BODY = N_(
    "%(org)s accepted your inquiry about “%(title)s”. You can now see each other's contact details; "
    "the Department of Science and Technology follows the collaboration."
)
DECLINED_NOTICE = N_("%(org)s declined your inquiry about “%(title)s”.")
DECLINED_SUBJECT = N_("Answer to your inquiry about “%(title)s”")
DECLINED_BODY = N_("%(org)s declined your inquiry about “%(title)s”. Reason: %(reason)s")
WITHDRAWN_NOTICE = N_("%(org)s withdrew its inquiry about “%(title)s”.")
EXPERT_DEAL_TITLE = N_("Expertise of %(name)s for %(org)s")


def _claim(session: Session, inquiry: Inquiry, **values: Any) -> None:
    """Move a pending inquiry on, only if nobody answered or withdrew it in the meantime (safe across workers)."""
    statement = (
        update(Inquiry)
        .where(col(Inquiry.id) == inquiry.id, col(Inquiry.status) == InquiryStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        session.refresh(inquiry)
        raise Conflict(ALREADY_ANSWERED, current=inquiry)
    for field, value in values.items():
        setattr(inquiry, field, value)


def _answerable(session: Session, inquiry_id: int, user: User) -> Inquiry:
    inquiry = get_for_party(session, inquiry_id, user)
    if not is_recipient(user, inquiry):
        raise Forbidden(Msg("Only the organization the inquiry was sent to can answer it."))
    return inquiry


def _tell_sender(
    session: Session, inquiry: Inquiry, subject: Subject, messages: tuple[str, str, str], **mail_params: Any
) -> None:
    """Notify the asker of the answer, in the app and by e-mail, naming the answering organization."""
    sender = session.get(User, inquiry.sender_id)
    if sender is None:
        return
    org = org_name(session.get(Organization, inquiry.recipient_org_id), sender.language)
    notice, mail_subject, mail_body = messages
    tell(session, sender, notice=notice, link=path_of(inquiry), mail_subject=mail_subject, mail_body=mail_body,
         mail_params=mail_params, title=subject.title, org=org)  # fmt: skip


def accept_inquiry(session: Session, *, inquiry_id: int, user: User) -> Inquiry:
    """Accept: contact details become visible to both sides and a collaboration opens at "contacted"; commits."""
    inquiry = _answerable(session, inquiry_id, user)
    _claim(session, inquiry, status=InquiryStatus.ACCEPTED.value, answered_by_id=user.id, answered_at=utcnow())
    subject = subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    _open_collaboration(session, inquiry, subject, user)
    audit.record(session, actor_id=user.id, action="accept_inquiry", entity="inquiry", entity_id=inquiry.id)
    _tell_sender(session, inquiry, subject, (ACCEPTED_NOTICE, ACCEPTED_SUBJECT, ACCEPTED_BODY))
    session.commit()
    return inquiry


def _open_collaboration(session: Session, inquiry: Inquiry, subject: Subject, actor: User) -> None:
    """The deal in the pipeline: the offer (or expert) side provides, the need side seeks; staff pick a broker."""
    kind, sender_org, recipient_org = inquiry.listing_kind, inquiry.sender_org_id, inquiry.recipient_org_id
    assert sender_org is not None
    provider, seeker = (sender_org, recipient_org) if kind == "need" else (recipient_org, sender_org)
    offer_id = inquiry.listing_id if kind == "offer" else None
    need_id = inquiry.listing_id if kind == "need" else None
    proposal = session.get(MatchProposal, inquiry.proposal_id) if inquiry.proposal_id else None
    if proposal is not None:
        offer_id, need_id = offer_id or proposal.offer_id, need_id or proposal.need_id
    title = subject.title
    if kind == "expert":
        with mail.in_language("vi"):  # the Department keeps its pipeline in Vietnamese
            seeker_name = org_name(session.get(Organization, seeker), "vi")
            title = gettext(EXPERT_DEAL_TITLE, name=subject.title, org=seeker_name)
    collab = collaborations.open_collaboration(
        session, provider_org_id=provider, seeker_org_id=seeker, title=title, stage=Stage.CONTACTED.value,
        actor_id=actor.id, offer_id=offer_id, need_id=need_id, inquiry_id=inquiry.id, sector_code=subject.sector_code,
    )  # fmt: skip
    tell_unassigned(session, collab, staff=collaborations.staff_members(session))


def decline_inquiry(session: Session, *, inquiry_id: int, user: User, data: Mapping[str, Any]) -> Inquiry:
    """Decline with a reason from the fixed list ("other" needs a few words); the asker sees it; commits."""
    inquiry = _answerable(session, inquiry_id, user)
    errors: validation.Errors = {}
    reason = validation.choice(errors, data, "reason", DECLINE_REASONS)
    note = validation.text(errors, data, "note", max_len=NOTE_MAX, required=False)
    if reason == DeclineReason.OTHER and not note and "note" not in errors:
        errors["note"] = Msg("Please explain the other reason in a few words.")
    validation.raise_if(errors)
    _claim(session, inquiry, status=InquiryStatus.DECLINED.value, answered_by_id=user.id, answered_at=utcnow(),
           decline_reason=reason, decline_note=note or None)  # fmt: skip
    audit.record(session, actor_id=user.id, action="decline_inquiry", entity="inquiry", entity_id=inquiry.id,
                 reason=reason)  # fmt: skip
    subject = subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    _tell_sender(session, inquiry, subject, (DECLINED_NOTICE, DECLINED_SUBJECT, DECLINED_BODY),
                 reason=_ReasonText(reason or "", note))  # fmt: skip
    session.commit()
    return inquiry


class _ReasonText:
    """The reason's label and the decliner's own words, written out in the language of the mail being composed."""

    def __init__(self, reason: str, note: str) -> None:
        self.reason, self.note = reason, note

    def __str__(self) -> str:
        text = label("decline_reason", self.reason)
        return f"{text}. {self.note}" if self.note else text


def withdraw_inquiry(session: Session, *, inquiry_id: int, user: User) -> Inquiry:
    """The sender takes back an inquiry that has not been answered; commits."""
    inquiry = get_for_party(session, inquiry_id, user)
    if inquiry.sender_id != user.id:
        raise Forbidden(Msg("Only the person who sent the inquiry can withdraw it."))
    _claim(session, inquiry, status=InquiryStatus.WITHDRAWN.value, answered_at=utcnow())
    audit.record(session, actor_id=user.id, action="withdraw_inquiry", entity="inquiry", entity_id=inquiry.id)
    subject = subject_of(session, inquiry.listing_kind, inquiry.listing_id, open_only=False)
    sender_org = session.get(Organization, inquiry.sender_org_id) if inquiry.sender_org_id else None
    for recipient in recipients_of(session, inquiry, subject):
        assert recipient.id is not None
        notify(session, recipient.id, WITHDRAWN_NOTICE, path_of(inquiry), title=subject.title,
               org=org_name(sender_org, recipient.language))  # fmt: skip
    session.commit()
    return inquiry
