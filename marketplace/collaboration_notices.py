"""Who hears of what happens to a collaboration: its parties, its broker, or the Department when it has none.

Every notice links to the collaboration's page; opening the page marks it read. Notices are added to
the caller's unit of work (the use case commits once). Labels inside a notice are written in the
recipient's language, as organization names are for inquiry notices.
"""

from collections.abc import Iterable

from sqlmodel import Session, col, or_, select

from marketplace.i18n import N_
from marketplace.labels import label
from marketplace.mail import in_language
from marketplace.models import Collaboration, User
from marketplace.notifications import notify

MOVED_NOTICE = N_("The collaboration “%(title)s” moved to “%(stage)s”.")
NOTE_NOTICE = N_("%(name)s added a note to the collaboration “%(title)s”.")
UNASSIGNED_NOTICE = N_("The collaboration “%(title)s” was opened without a broker: please assign one.")
ASSIGNED_NOTICE = N_("%(name)s made you the broker of the collaboration “%(title)s”.")
TAKEN_OFF_NOTICE = N_("%(name)s took you off the collaboration “%(title)s”: you are no longer its broker.")
NO_BROKER_NOTICE = N_("%(name)s left the collaboration “%(title)s” without a broker: please assign one.")
DOCUMENT_NOTICE = N_("%(name)s added the document “%(document)s” to the collaboration “%(title)s”.")


def path_of(collab: Collaboration) -> str:
    """The collaboration's page, for notices (domain code has no request to build URLs from)."""
    return f"/collaborations/{collab.id}"


def followers(session: Session, collab: Collaboration, *, actor: User | None) -> list[User]:
    """The active members of both parties and the broker, without the one who acted."""
    query = select(User).where(
        col(User.is_active).is_(True),
        or_(
            col(User.organization_id).in_((collab.provider_org_id, collab.seeker_org_id)),
            col(User.id) == collab.broker_id,
        ),
    )
    people = session.exec(query.order_by(col(User.id))).all()
    return [u for u in people if actor is None or u.id != actor.id]


def _tell(users: Iterable[User], session: Session, collab: Collaboration, message: str, **params: object) -> None:
    for user in users:
        assert user.id is not None
        notify(session, user.id, message, path_of(collab), title=collab.title, **params)


def tell_moved(session: Session, collab: Collaboration, *, actor: User) -> None:
    """Tell the parties and the broker that the collaboration entered its current stage."""
    for user in followers(session, collab, actor=actor):
        with in_language(user.language):
            stage = label("stage", collab.stage)
        _tell([user], session, collab, MOVED_NOTICE, stage=stage)


def tell_note(session: Session, collab: Collaboration, *, author: User) -> None:
    """Tell the parties and the broker that someone wrote a note."""
    _tell(followers(session, collab, actor=author), session, collab, NOTE_NOTICE, name=author.full_name)


def tell_document(session: Session, collab: Collaboration, *, actor: User, document: str) -> None:
    """Tell the other party and the broker that someone added a document (the actor's own colleagues share it
    already; when staff add one, both parties are the other party)."""
    own = None if actor.is_staff else actor.organization_id
    others = [u for u in followers(session, collab, actor=actor) if own is None or u.organization_id != own]
    _tell(others, session, collab, DOCUMENT_NOTICE, name=actor.full_name, document=document)


def tell_unassigned(session: Session, collab: Collaboration, *, staff: Iterable[User]) -> None:
    """Ask the Department to take on a collaboration that opened without a broker."""
    _tell(staff, session, collab, UNASSIGNED_NOTICE)


def tell_broker_cleared(
    session: Session, collab: Collaboration, *, actor: User, previous_id: int | None, staff: Iterable[User]
) -> None:
    """Ask the Department to assign a broker again, as when a collaboration opens without one (not the
    staff member who cleared it, nor the broker taken off, `previous_id`, who is told apart)."""
    others = [u for u in staff if u.id not in (actor.id, previous_id)]
    _tell(others, session, collab, NO_BROKER_NOTICE, name=actor.full_name)


def tell_broker_changed(session: Session, collab: Collaboration, *, actor: User, previous_id: int | None) -> None:
    """Tell the new broker and the one taken off (`previous_id`), unless they made the change themselves."""
    if previous_id == collab.broker_id:
        return
    for broker_id, message in ((collab.broker_id, ASSIGNED_NOTICE), (previous_id, TAKEN_OFF_NOTICE)):
        broker = session.get(User, broker_id) if broker_id else None
        if broker is not None and broker.is_active and broker.id != actor.id:
            _tell([broker], session, collab, message, name=actor.full_name)
