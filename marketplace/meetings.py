"""Meetings of a collaboration: the broker or one of the parties arranges them, then records what came of them.

Who may do what: everyone who may see the collaboration (`collaborations.can_view`: Department staff, the
members of its two parties) schedules a meeting, changes a planned one, marks it held with its outcome once it
has started, and cancels it with a reason; nobody else learns that it exists (NotFound). Times are typed and
shown in Huế time and kept as aware UTC. Each change bumps the meeting's `version` (a stale form is a
`Conflict`, as on collaborations), goes into the audit log, which the collaboration's timeline also reads
(`board.timeline`), and is told to the collaboration's other followers in their own language, in the app and
by mail. `send-meeting-reminders` (daily) reminds every follower of a planned meeting a day or two before it.
Held meetings are counted among the Department's indicators (`indicators.py`).
"""

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlmodel import Session, col, or_, select

from marketplace import audit, validation
from marketplace.cli import command
from marketplace.collaboration_notices import followers
from marketplace.collaborations import can_view, check_version, claim
from marketplace.config import get_settings
from marketplace.errors import Forbidden, NotFound
from marketplace.i18n import N_, TIMEZONE, Msg, format_datetime, local_time
from marketplace.mail import in_language
from marketplace.models import Collaboration, CollaborationMeeting, MeetingStatus, User
from marketplace.models._base import aware, utcnow
from marketplace.notifications import tell

DURATION_MIN, DURATION_MAX, DURATION_DEFAULT = 15, 480, 60
PLACE_MAX, LINK_MAX, AGENDA_MAX, OUTCOME_MAX, REASON_MAX = 300, 500, 2000, 2000, 1000
# The reminder goes to meetings starting between REMIND_FROM and REMIND_UNTIL from the run: run daily, each
# planned meeting falls in one run's window (a day or two ahead, time to prepare or to ask for another date).
REMIND_FROM, REMIND_UNTIL = timedelta(hours=24), timedelta(hours=48)
UPCOMING_LIMIT = 20

SCHEDULED, CHANGED, HELD, CANCELLED = (
    "collaboration.meeting_schedule",
    "collaboration.meeting_edit",
    "collaboration.meeting_held",
    "collaboration.meeting_cancel",
)
NOTICES: dict[str, tuple[str, str, str]] = {  # audit action: (notice, mail subject, mail body)
    SCHEDULED: (
        N_("%(name)s arranged a meeting for the collaboration “%(title)s” at %(when)s."),
        N_("Meeting at %(when)s: “%(title)s”"),
        N_("%(name)s arranged a meeting for the collaboration “%(title)s”.\n\nWhen: %(when)s (Huế time), "
           "%(minutes)s minutes\nWhere: %(where)s\nAgenda: %(agenda)s\n\nThe page of the collaboration has a calendar "
           "file to add it to your calendar."),
    ),
    CHANGED: (
        N_("%(name)s changed the meeting of the collaboration “%(title)s”: it is now at %(when)s."),
        N_("Meeting changed: “%(title)s”, %(when)s"),
        N_("%(name)s changed the meeting of the collaboration “%(title)s”.\n\nWhen: %(when)s (Huế time), "
           "%(minutes)s minutes\nWhere: %(where)s\nAgenda: %(agenda)s"),
    ),
    HELD: (
        N_("%(name)s wrote what came of the meeting of %(when)s on the collaboration “%(title)s”."),
        N_("Outcome of the meeting of %(when)s: “%(title)s”"),
        N_("%(name)s wrote what came of the meeting of %(when)s on the collaboration “%(title)s”:\n\n%(outcome)s"),
    ),
    CANCELLED: (
        N_("%(name)s cancelled the meeting of %(when)s on the collaboration “%(title)s”."),
        N_("Meeting cancelled: “%(title)s”, %(when)s"),
        N_("%(name)s cancelled the meeting of %(when)s on the collaboration “%(title)s”.\n\nReason: %(reason)s"),
    ),
}  # fmt: skip
REMINDER_NOTICE = N_("Reminder: the collaboration “%(title)s” has a meeting at %(when)s.")
REMINDER_SUBJECT = N_("Reminder: meeting at %(when)s, “%(title)s”")
REMINDER_BODY = N_(
    "The collaboration “%(title)s” has a meeting soon.\n\nWhen: %(when)s (Huế time), %(minutes)s minutes\n"
    "Where: %(where)s\nAgenda: %(agenda)s\n\nIf you cannot come, tell the others on the collaboration's page."
)
ONLY_PLANNED = Msg("Only a planned meeting can be changed, marked held or cancelled.")


@dataclass(frozen=True)
class Listed:
    """A meeting as the collaboration's page lists it."""

    meeting: CollaborationMeeting
    organizer: str  # the name of whoever scheduled it ("" when unknown)
    started: bool  # its start has passed: it may be marked held


@dataclass(frozen=True)
class Upcoming:
    """A planned meeting on My exchange: when, and which collaboration."""

    meeting: CollaborationMeeting
    collaboration: Collaboration


def ends_at(meeting: CollaborationMeeting) -> datetime:
    return aware(meeting.starts_at) + timedelta(minutes=meeting.duration_minutes)


def local_value(moment: datetime) -> str:
    """`moment` as the form's datetime-local field holds it, in Huế time."""
    return local_time(moment).strftime("%Y-%m-%dT%H:%M")


def form_values(meeting: CollaborationMeeting) -> dict[str, Any]:
    """The edit form's starting values: what the meeting holds now."""
    return {
        "starts_at": local_value(meeting.starts_at), "duration_minutes": meeting.duration_minutes,
        "place": meeting.place or "", "online_link": meeting.online_link or "", "agenda": meeting.agenda,
        "version": meeting.version,
    }  # fmt: skip


def _details(
    errors: validation.Errors, data: Mapping[str, Any], now: datetime, current: CollaborationMeeting | None = None
) -> dict[str, Any]:
    """The when, how long, where and what of a meeting; a new start must be in the future (an edit may keep a
    start that has passed since)."""
    unchanged = current is not None and validation.nfc(data.get("starts_at")) == local_value(current.starts_at)
    starts_at = (
        aware(current.starts_at) if current is not None and unchanged
        else validation.moment(errors, data, "starts_at", zone=TIMEZONE, after=now)
    )  # fmt: skip
    values = {
        "starts_at": starts_at,
        "duration_minutes": validation.integer(errors, data, "duration_minutes", low=DURATION_MIN, high=DURATION_MAX),
        "place": validation.text(errors, data, "place", max_len=PLACE_MAX, required=False, single_line=True) or None,
        "online_link": validation.web_link(errors, data, "online_link", max_len=LINK_MAX) or None,
        "agenda": validation.text(errors, data, "agenda", max_len=AGENDA_MAX, required=False),
    }
    if not values["place"] and not values["online_link"] and not {"place", "online_link"} & errors.keys():
        errors["place"] = Msg("Give a place (a room or an address), an online meeting link, or both.")
    return values


def _require_viewer(user: User, collab: Collaboration) -> None:
    if not can_view(user, collab):
        raise NotFound()


def _require_planned(meeting: CollaborationMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise Forbidden(ONLY_PLANNED)


def schedule(
    session: Session, collab: Collaboration, *, actor: User, data: Mapping[str, Any], now: datetime | None = None
) -> CollaborationMeeting:
    """Arrange a meeting starting in the future (staff, or a member of either party)."""
    _require_viewer(actor, collab)
    now = now or utcnow()
    errors: validation.Errors = {}
    values = _details(errors, data, now)
    validation.raise_if(errors)
    assert collab.id is not None
    meeting = CollaborationMeeting(collaboration_id=collab.id, created_by_id=actor.id, created_at=now, updated_at=now,
                                   **values)  # fmt: skip
    collab.updated_at = now
    session.add_all([meeting, collab])
    session.flush()
    _changed(session, collab, meeting, actor, SCHEDULED)
    session.commit()
    return meeting


def edit(
    session: Session, meeting: CollaborationMeeting, *, actor: User, data: Mapping[str, Any],
    now: datetime | None = None,
) -> CollaborationMeeting:  # fmt: skip
    """Change a planned meeting's time, length, place or agenda (the same people who may schedule one)."""
    collab = collaboration_of(session, meeting, actor)
    _require_planned(meeting)
    now = now or utcnow()
    errors: validation.Errors = {}
    version = check_version(errors, data, meeting)
    values = _details(errors, data, now, current=meeting)
    validation.raise_if(errors)
    if values["starts_at"] != aware(meeting.starts_at):
        values["reminded_at"] = None  # a new date gets its own reminder
    return _save(session, collab, meeting, actor, version, CHANGED, now, **values)


def mark_held(
    session: Session, meeting: CollaborationMeeting, *, actor: User, data: Mapping[str, Any],
    now: datetime | None = None,
) -> CollaborationMeeting:  # fmt: skip
    """Record that a planned meeting took place, with what came of it; only once its start has passed."""
    collab = collaboration_of(session, meeting, actor)
    _require_planned(meeting)
    now = now or utcnow()
    errors: validation.Errors = {}
    version = check_version(errors, data, meeting)
    outcome = validation.text(errors, data, "outcome", max_len=OUTCOME_MAX, min_len=5)
    if aware(meeting.starts_at) > now:
        errors["outcome"] = Msg("This meeting has not started yet: write its outcome once it has taken place.")
    validation.raise_if(errors)
    return _save(session, collab, meeting, actor, version, HELD, now, status=MeetingStatus.HELD.value, outcome=outcome)


def cancel(
    session: Session, meeting: CollaborationMeeting, *, actor: User, data: Mapping[str, Any],
    now: datetime | None = None,
) -> CollaborationMeeting:  # fmt: skip
    """Cancel a planned meeting, saying why."""
    collab = collaboration_of(session, meeting, actor)
    _require_planned(meeting)
    now = now or utcnow()
    errors: validation.Errors = {}
    version = check_version(errors, data, meeting)
    reason = validation.text(errors, data, "cancel_reason", max_len=REASON_MAX, min_len=5)
    validation.raise_if(errors)
    return _save(
        session, collab, meeting, actor, version, CANCELLED, now,
        status=MeetingStatus.CANCELLED.value, cancel_reason=reason,
    )  # fmt: skip


def _save(
    session: Session, collab: Collaboration, meeting: CollaborationMeeting, actor: User, version: int, action: str,
    now: datetime, **fields: Any,
) -> CollaborationMeeting:  # fmt: skip
    """Write `fields` to a meeting claimed at `version`, touch its collaboration, record and tell (`_changed`), commit."""
    claim(session, meeting, version)
    for field, value in fields.items():
        setattr(meeting, field, value)
    meeting.updated_at = collab.updated_at = now
    session.add_all([meeting, collab])
    _changed(session, collab, meeting, actor, action)
    session.commit()
    return meeting


def _changed(session: Session, collab: Collaboration, meeting: CollaborationMeeting, actor: User, action: str) -> None:
    """The audit entry (the timeline reads it) and the word to the collaboration's other followers."""
    audit.record(
        session, actor_id=actor.id, action=action, entity="collaboration", entity_id=collab.id,
        meeting=meeting.id, starts_at=aware(meeting.starts_at).isoformat(), status=meeting.status,
    )  # fmt: skip
    notice, subject, body = NOTICES[action]
    for user in followers(session, collab, actor=actor):
        _tell(session, user, collab, meeting, notice, subject, body, name=actor.full_name)


def _tell(session: Session, user: User, collab: Collaboration, meeting: CollaborationMeeting, notice: str,
          subject: str, body: str, **params: Any) -> None:  # fmt: skip
    """A notice and a mail to `user`, the meeting's time written in their language."""
    with in_language(user.language):
        when = format_datetime(meeting.starts_at)
    where = " · ".join(p for p in (meeting.place, meeting.online_link) if p)
    tell(
        session, user, notice=notice, link=f"/collaborations/{collab.id}#meetings", mail_subject=subject,
        mail_body=body, title=collab.title, when=when, mail_params={
            "minutes": meeting.duration_minutes, "where": where, "agenda": meeting.agenda or "—",
            "outcome": meeting.outcome or "", "reason": meeting.cancel_reason or "",
        }, **params,
    )  # fmt: skip


def collaboration_of(session: Session, meeting: CollaborationMeeting, viewer: User | None) -> Collaboration:
    """The meeting's collaboration if this reader may see it, else NotFound."""
    collab = session.get(Collaboration, meeting.collaboration_id)
    if collab is None or not can_view(viewer, collab):
        raise NotFound()
    return collab


def get_visible(session: Session, collab: Collaboration, meeting_id: int, viewer: User | None) -> CollaborationMeeting:
    """A meeting of `collab` that this reader may see, else NotFound."""
    meeting = session.get(CollaborationMeeting, meeting_id)
    if meeting is None or meeting.collaboration_id != collab.id or not can_view(viewer, collab):
        raise NotFound()
    return meeting


def of_collaboration(
    session: Session, collab: Collaboration, now: datetime | None = None
) -> tuple[list[Listed], list[Listed]]:
    """The meetings of `collab` (the caller checked `can_view`): planned ones still to come, soonest first, and
    the others (held, cancelled, or planned and started, waiting for their outcome), latest first."""
    now = now or utcnow()
    query = select(CollaborationMeeting).where(CollaborationMeeting.collaboration_id == collab.id)
    found = list(session.exec(query.order_by(col(CollaborationMeeting.starts_at), col(CollaborationMeeting.id))))
    ids = {m.created_by_id for m in found if m.created_by_id}
    names = {u.id: u.full_name for u in session.exec(select(User).where(col(User.id).in_(ids)))} if ids else {}
    listed = [Listed(m, names.get(m.created_by_id, ""), aware(m.starts_at) <= now) for m in found]
    upcoming = [x for x in listed if x.meeting.status == MeetingStatus.PLANNED and not x.started]
    return upcoming, [x for x in reversed(listed) if x not in upcoming]


def upcoming_for(session: Session, user: User, now: datetime | None = None,
                 limit: int = UPCOMING_LIMIT) -> list[Upcoming]:  # fmt: skip
    """The planned meetings to come of a member's organization's collaborations (for staff: those they broker),
    soonest first."""
    now = now or utcnow()
    if user.is_staff:
        mine = col(Collaboration.broker_id) == user.id
    elif user.organization_id is not None:
        org = user.organization_id
        mine = or_(col(Collaboration.provider_org_id) == org, col(Collaboration.seeker_org_id) == org)
    else:
        return []
    query = (
        select(CollaborationMeeting, Collaboration)
        .join(Collaboration, col(Collaboration.id) == CollaborationMeeting.collaboration_id)
        .where(mine, CollaborationMeeting.status == MeetingStatus.PLANNED, col(CollaborationMeeting.starts_at) >= now)
        .order_by(col(CollaborationMeeting.starts_at), col(CollaborationMeeting.id))
        .limit(limit)
    )
    return [Upcoming(m, c) for m, c in session.exec(query)]


def calendar_file(meeting: CollaborationMeeting, collab: Collaboration) -> bytes:
    """The meeting as an iCalendar file (RFC 5545): the same UID for its whole life, SEQUENCE rising with each
    change (so a calendar that imported it takes the newer one), times in UTC, cancelled when it is."""
    base = get_settings().PUBLIC_BASE_URL.rstrip("/")
    cal = Calendar()
    cal.add("prodid", "-//Hue Innovation Exchange//meetings//VI")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{urlsplit(base).hostname or 'localhost'}")
    event.add("sequence", meeting.version - 1)
    event.add("dtstamp", aware(meeting.updated_at))
    event.add("dtstart", aware(meeting.starts_at))
    event.add("dtend", ends_at(meeting))
    event.add("summary", collab.title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", meeting.online_link or f"{base}/collaborations/{collab.id}")
    description = [meeting.agenda, meeting.online_link or "", meeting.outcome or "", meeting.cancel_reason or ""]
    event.add("description", "\n\n".join(d for d in description if d) or collab.title)
    event.add("status", {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}[meeting.status])
    cal.add_component(event)
    return bytes(cal.to_ical())


@dataclass(frozen=True)
class Reminded:
    meetings: int
    people: int


def send_reminders(session: Session, now: datetime | None = None) -> Reminded:
    """Remind every follower of each planned meeting starting 24 to 48 hours from `now`, once per meeting."""
    now = now or utcnow()
    query = select(CollaborationMeeting).where(
        CollaborationMeeting.status == MeetingStatus.PLANNED,
        col(CollaborationMeeting.reminded_at).is_(None),
        col(CollaborationMeeting.starts_at) >= now + REMIND_FROM,
        col(CollaborationMeeting.starts_at) < now + REMIND_UNTIL,
    )
    meetings = people = 0
    for meeting in session.exec(query.order_by(col(CollaborationMeeting.starts_at))).all():
        collab = session.get(Collaboration, meeting.collaboration_id)
        if collab is None:
            continue
        for user in followers(session, collab, actor=None):
            _tell(session, user, collab, meeting, REMINDER_NOTICE, REMINDER_SUBJECT, REMINDER_BODY)
            people += 1
        meeting.reminded_at = now
        session.add(meeting)
        session.commit()  # one meeting at a time: a failure later leaves the earlier ones reminded, never twice
        meetings += 1
    return Reminded(meetings, people)


@command(
    "send-meeting-reminders",
    "remind the parties and the broker of each planned meeting that starts between 24 and 48 hours from now, "
    "once per meeting (in the app and by mail); run it once a day",
)
def send_reminders_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    with session_scope() as session:
        report = send_reminders(session)
    print(json.dumps({"meetings": report.meetings, "people": report.people}))
    return 0
