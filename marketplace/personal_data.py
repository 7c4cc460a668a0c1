"""A person's rights over the data the exchange holds about them (Vietnam's Law on Personal Data
Protection, 2025): a copy of it to download, and deleting their account.

Deleting an account keeps the records other people and organizations rely on (the inquiries they sent and
the messages they wrote on them, their organization's listings, the pipeline's history, the audit log) but
nothing that says who they were:
the name becomes "Người dùng đã xóa", the e-mail an address that cannot receive mail, the phone and
password go, and their expertise profile, proposals naming them as an expert, memberships, saved searches,
saved listings, notifications and unsent mail are deleted. Staff and administrator accounts are closed by an
administrator (deactivated on /users), as the Department's records must say who acted.
"""

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, delete, select

from marketplace import attachments, audit, listings, saved_listings, saved_searches
from marketplace.errors import Forbidden, Invalid
from marketplace.i18n import Msg
from marketplace.models import (
    AuditLog,
    Collaboration,
    CollaborationDocument,
    CollaborationMeeting,
    EventMeetingRequest,
    ExpertiseProfile,
    Inquiry,
    InquiryMessage,
    ListingAttachment,
    LoginAttempt,
    MatchProposal,
    Membership,
    Need,
    Notification,
    Offer,
    Organization,
    OutboxMail,
    ProposalStatus,
    RecoveryCode,
    SavedListing,
    SavedSearch,
    TwoStep,
    User,
)
from marketplace.notifications import text_of
from marketplace.security import verify_password

DELETED_NAME = "Người dùng đã xóa"
DELETED_DOMAIN = "deleted.invalid"  # .invalid never resolves: no mail can reach such an address


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _title(session: Session, kind: str, listing_id: int) -> str | None:
    listing = session.get(Offer, listing_id) if kind == "offer" else session.get(Need, listing_id)
    return listing.title if listing else None


def _two_step_on(session: Session, user: User) -> bool:
    row = session.get(TwoStep, user.id)
    return row is not None and row.enabled_at is not None


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything the exchange holds about `user`, as plain data (the "download my data" file)."""
    org = session.get(Organization, user.organization_id) if user.organization_id else None
    profile = session.exec(select(ExpertiseProfile).where(ExpertiseProfile.user_id == user.id)).first()
    memberships = session.exec(
        select(Membership).where(Membership.user_id == user.id).order_by(col(Membership.id))
    ).all()
    orgs = listings.organizations_by_id(session, {m.organization_id for m in memberships})
    inquiries = session.exec(select(Inquiry).where(Inquiry.sender_id == user.id).order_by(col(Inquiry.id)))
    written = session.exec(
        select(InquiryMessage).where(InquiryMessage.author_id == user.id).order_by(col(InquiryMessage.id))
    )
    notices = session.exec(select(Notification).where(Notification.user_id == user.id).order_by(col(Notification.id)))
    actions = session.exec(select(AuditLog).where(AuditLog.actor_id == user.id).order_by(col(AuditLog.id)))
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "mail_notices": user.mail_notices,  # each, daily or none: how notices reach them by e-mail
            "role": user.role,
            "organization": org.name_vi if org else None,
            "created_at": _moment(user.created_at),
            "last_login_at": _moment(user.last_login_at),
            "two_step_verification": _two_step_on(session, user),  # on or off; never the secret
        },
        "expertise_profile": None
        if profile is None
        else {
            "summary": profile.summary,
            "keywords": profile.keywords,
            "publications": profile.publications,
            "projects": profile.projects,
            "updated_at": _moment(profile.updated_at),
        },
        "memberships": [
            {
                "organization": orgs[m.organization_id].name_vi if m.organization_id in orgs else None,
                "status": m.status,
                "manager": m.manager,
                "asked_at": _moment(m.created_at),
                "decided_at": _moment(m.decided_at),
            }
            for m in memberships
        ],
        "saved_searches": [
            {
                "search": saved_searches.describe(s),
                "parameters": s.params,
                "frequency": s.frequency,
                "followed_since": _moment(s.created_at),
            }
            for s in saved_searches.saved_of(session, user)
        ],
        "saved_listings": [
            {
                "listing": f"{s.listing_kind} {s.listing_id}",
                "title": _title(session, s.listing_kind, s.listing_id),
                "note": s.note,
                "saved_at": _moment(s.created_at),
            }
            for s in saved_listings.saved_of(session, user)
        ],
        "inquiries_sent": [
            {
                "listing": f"{i.listing_kind} {i.listing_id}",
                "title": _title(session, i.listing_kind, i.listing_id),
                "message": i.message,
                "status": i.status,
                "sent_at": _moment(i.created_at),
                "answered_at": _moment(i.answered_at),
            }
            for i in inquiries
        ],
        "inquiry_messages_written": [
            {"inquiry": f"inquiry {m.inquiry_id}", "message": m.body, "written_at": _moment(m.created_at)}
            for m in written
        ],
        **_files_added(session, user),
        "meetings_scheduled": [
            {
                "collaboration": f"collaboration {m.collaboration_id}",
                "starts_at": _moment(m.starts_at),
                "place": m.place,
                "online_link": m.online_link,
                "agenda": m.agenda,
                "status": m.status,
            }
            for m in session.exec(
                select(CollaborationMeeting)
                .where(CollaborationMeeting.created_by_id == user.id)
                .order_by(col(CollaborationMeeting.id))
            )
        ],
        "event_meetings_requested": [
            {
                "event": f"event {r.event_id}",
                "slot_at": _moment(r.slot_at),
                "message": r.message,
                "status": r.status,
                "answer_note": r.answer_note,
            }
            for r in session.exec(
                select(EventMeetingRequest)
                .where(EventMeetingRequest.requester_id == user.id)
                .order_by(col(EventMeetingRequest.id))
            )
        ],
        "notifications": [{"at": _moment(n.at), "text": text_of(n), "link": n.link} for n in notices],
        "actions": [
            {"at": _moment(a.at), "action": a.action, "record": f"{a.entity} {a.entity_id or ''}".strip()}
            for a in actions
        ],
    }


def _file(d: ListingAttachment | CollaborationDocument) -> dict[str, Any]:
    return {"title": d.title, "file": d.filename, "type": d.media_type, "size_bytes": d.size,
            "added_at": _moment(d.created_at)}  # fmt: skip


def _files_added(session: Session, user: User) -> dict[str, list[dict[str, Any]]]:
    """What is known of the files `user` added to listings and to collaborations, oldest first; never their bytes."""
    files = session.exec(
        attachments.without_bytes(ListingAttachment)
        .where(ListingAttachment.uploaded_by_id == user.id)
        .order_by(col(ListingAttachment.id))
    ).all()
    documents = session.exec(
        attachments.without_bytes(CollaborationDocument)
        .where(CollaborationDocument.uploaded_by_id == user.id)
        .order_by(col(CollaborationDocument.id))
    ).all()
    ids = {d.collaboration_id for d in documents}
    deals = {c.id: c.title for c in session.exec(select(Collaboration).where(col(Collaboration.id).in_(ids)))}
    return {
        "listing_files_added": [
            _file(f)
            | {
                "listing": f"{f.listing_kind} {f.listing_id}",
                "listing_title": _title(session, f.listing_kind, f.listing_id),
                "shown_to": f.audience,
                "approved": f.approved,
            }
            for f in files
        ],
        "collaboration_documents_added": [
            _file(d)
            | {
                "kind": d.kind,
                "collaboration": f"collaboration {d.collaboration_id}",
                "collaboration_title": deals.get(d.collaboration_id),
            }
            for d in documents
        ],
    }


def delete_account(session: Session, user: User, form: Mapping[str, Any]) -> None:
    """Delete `user`'s account after they confirmed with their password; commits. Their sessions end."""
    if user.is_staff:
        raise Forbidden(Msg("Department staff accounts are closed by an administrator, on the Accounts page."))
    if not verify_password(user.password_hash, str(form.get("password") or "")):
        problem = Msg("This is not your password. Your account is kept.")
        raise Invalid({"password": problem}, problem)
    user_id, email = user.id, user.email
    owned: tuple[Any, ...] = (
        ExpertiseProfile,
        Membership,
        SavedSearch,
        SavedListing,
        Notification,
        RecoveryCode,
        TwoStep,
    )
    for model in owned:
        session.execute(delete(model).where(col(model.user_id) == user_id))
    naming = (col(MatchProposal.expert_id) == user_id, col(MatchProposal.status) == ProposalStatus.NEW)
    session.execute(delete(MatchProposal).where(*naming))
    session.execute(delete(OutboxMail).where(col(OutboxMail.to) == email, col(OutboxMail.sent_at).is_(None)))
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.key).contains(email, autoescape=True)))
    user.full_name, user.email, user.phone = DELETED_NAME, f"deleted-{user_id}@{DELETED_DOMAIN}", None
    user.password_hash, user.is_active, user.organization_id = "!", False, None  # no password matches "!"
    user.session_epoch += 1
    session.add(user)
    audit.record(session, actor_id=user_id, action="user.delete", entity="user", entity_id=user_id)
    session.commit()
