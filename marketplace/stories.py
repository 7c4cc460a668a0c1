"""Success stories: what a collaboration produced, told publicly once both of its parties consented.

Who may do what: Department staff write a story (and edit it) for a collaboration that reached an agreement
(`STORY_STAGES`), and ask the parties to consent, which tells the managers of each party organization
(`memberships.managers_of`), in the app and by mail in their language. A manager of either party gives or refuses
consent to the exact text they read (the form carries the story's `version`, so a consent never covers a text
edited meanwhile). Any edit clears both consents. The story is published when both parties consented, and either
party's manager or staff may withdraw it at any time: it then disappears from the public pages. Every step is
audited against the collaboration. Nobody who may not see the collaboration learns that a draft exists. A step the
story's state makes pointless (asking twice, consenting twice, withdrawing a draft, saving the same text) changes
nothing and raises Conflict with the reason.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from marketplace import audit, validation
from marketplace.collaboration_notices import followers
from marketplace.collaborations import can_view, check_version, claim
from marketplace.db import Paging, paginate
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.i18n import N_, Msg
from marketplace.labels import sector_options
from marketplace.memberships import is_manager, managers_of
from marketplace.models import Collaboration, CollaborationStory, Organization, Stage, StoryStatus, User
from marketplace.models._base import aware, ident, utcnow
from marketplace.notifications import tell

HEADLINE_MAX, TEXT_MAX, REASON_MAX = 200, 3000, 1000
STORY_STAGES = (Stage.AGREEMENT_SIGNED.value, Stage.IMPLEMENTING.value, Stage.COMMERCIALIZED.value)
PER_PAGE = 10
S = StoryStatus
STATUS_LABELS = {
    S.DRAFT.value: N_("Draft"),
    S.AWAITING_CONSENT.value: N_("Waiting for the parties' consent"),
    S.PUBLISHED.value: N_("Published"),
    S.WITHDRAWN.value: N_("Withdrawn"),
}
WRITTEN, EDITED, ASKED, CONSENTED, REFUSED, PUBLISHED, WITHDRAWN = (
    f"collaboration.story_{step}" for step in ("write", "edit", "ask", "consent", "refuse", "publish", "withdraw")
)
ASK = (
    N_("%(name)s asks your consent to publish the success story of the collaboration “%(title)s”."),
    N_("Your consent is asked: success story of “%(title)s”"),
    N_("%(name)s of the Department of Science and Technology wrote a success story about the collaboration "
       "“%(title)s” and asks your organization's consent to publish it on the exchange's public results page.\n\n"
       "%(headline)s\n\n%(text)s\n\nContract value shown: %(value)s\n\nRead it on the collaboration's page and "
       "give or refuse your consent there. Nothing is published until both parties consent."),
)  # fmt: skip
PUBLISHED_NOTICE = N_("The success story of the collaboration “%(title)s” is published.")
REFUSED_NOTICE = N_("%(name)s refused to publish the success story of the collaboration “%(title)s”.")
WITHDRAWN_NOTICE = N_("%(name)s withdrew the success story of the collaboration “%(title)s”.")
NOT_AT_THIS_STAGE = Msg("A success story can be written once an agreement is signed.")
STAFF_ONLY = Msg("Only Department staff write success stories.")
MANAGERS_ONLY = Msg("Only a manager of one of the two organizations can answer for it.")
# A step the story's state makes pointless changes nothing and says why (a 409 with the section as it is now).
UNCHANGED = Msg("Nothing was saved: the text is the same as before, so the consents already given stand.")
ALREADY_ASKED = Msg("Both organizations have already been asked and their consent is awaited; nothing was sent again.")
ALREADY_PUBLISHED = Msg("This story is already published with both organizations' consent; nobody was asked again.")
NOT_ASKED = Msg("This story is not waiting for anyone's consent, so there is nothing to answer.")
ALREADY_CONSENTED = Msg("Your organization has already consented to this text; nothing was recorded again.")
PUBLISHED_ALREADY = Msg("This story is already published. To take it off the public pages, withdraw it.")
NOT_PUBLIC = Msg("This story is a draft: it is not on the public pages, so there is nothing to withdraw.")
ALREADY_WITHDRAWN = Msg("This story has already been withdrawn from the public pages.")


@dataclass(frozen=True)
class Shown:
    """A published story as the public pages show it."""

    story: CollaborationStory
    collaboration: Collaboration
    provider: Organization | None
    seeker: Organization | None


def story_of(session: Session, collab: Collaboration) -> CollaborationStory | None:
    return session.exec(select(CollaborationStory).where(CollaborationStory.collaboration_id == collab.id)).first()


def party_of(session: Session, user: User | None, collab: Collaboration) -> str | None:
    """ "provider" or "seeker" when `user` manages that party organization, else None."""
    if user is None or not is_manager(session, user):
        return None
    if user.organization_id == collab.provider_org_id:
        return "provider"
    return "seeker" if user.organization_id == collab.seeker_org_id else None


def may_write(user: User | None, collab: Collaboration) -> bool:
    return user is not None and user.is_staff and collab.stage in STORY_STAGES


def parties_without_manager(session: Session, collab: Collaboration) -> list[Organization]:
    """The party organizations nobody manages on the exchange: nobody can consent for them yet."""
    found = [session.get(Organization, i) for i in (collab.provider_org_id, collab.seeker_org_id)]
    return [o for o in found if o is not None and not managers_of(session, ident(o))]


def form_values(story: CollaborationStory | None) -> dict[str, Any]:
    if story is None:
        return {"headline": "", "text": "", "show_value": ""}
    return {"headline": story.headline, "text": story.text, "show_value": "1" if story.show_value else "",
            "version": story.version}  # fmt: skip


def save(session: Session, collab: Collaboration, *, actor: User, data: Mapping[str, Any]) -> CollaborationStory:
    """Write the collaboration's story, or edit it (staff, once an agreement is signed); a change clears both
    consents, and a story that was waiting or published waits again for both parties."""
    if not can_view(actor, collab):
        raise NotFound()
    if not actor.is_staff:
        raise Forbidden(STAFF_ONLY)
    if collab.stage not in STORY_STAGES:
        raise Forbidden(NOT_AT_THIS_STAGE)
    story = story_of(session, collab)
    errors: validation.Errors = {}
    version = check_version(errors, data, story) if story is not None else 0
    values: dict[str, Any] = {
        "headline": validation.text(errors, data, "headline", max_len=HEADLINE_MAX, min_len=10, single_line=True),
        "text": validation.text(errors, data, "text", max_len=TEXT_MAX, min_len=50),
        "show_value": str(data.get("show_value", "")) in ("1", "on", "true"),
    }
    validation.raise_if(errors)
    now = utcnow()
    if story is None:
        story = CollaborationStory(collaboration_id=ident(collab), written_by_id=actor.id, created_at=now, **values)
        session.add(story)
        session.flush()
        _record(session, story, actor, WRITTEN)
        session.commit()
        return story
    if all(getattr(story, field) == value for field, value in values.items()):
        raise Conflict(UNCHANGED, current=story)
    claim(session, story, version)
    for field, value in values.items():
        setattr(story, field, value)
    _clear_consents(story)
    if story.status in (S.PUBLISHED, S.AWAITING_CONSENT):
        story.status = S.AWAITING_CONSENT.value
        _ask(session, story, collab, actor)
    else:
        story.status = S.DRAFT.value
    story.updated_at = now
    session.add(story)
    _record(session, story, actor, EDITED)
    session.commit()
    return story


def ask_consent(session: Session, story: CollaborationStory, *, actor: User, data: Mapping[str, Any]) -> None:
    """Send a draft (or withdrawn) story to both parties' managers for their consent (staff)."""
    collab = collaboration_of(session, story, actor)
    if not actor.is_staff:
        raise Forbidden(STAFF_ONLY)
    errors: validation.Errors = {}
    version = check_version(errors, data, story)
    validation.raise_if(errors)
    if story.status not in (S.DRAFT, S.WITHDRAWN):
        raise Conflict(ALREADY_PUBLISHED if story.status == S.PUBLISHED else ALREADY_ASKED, current=story)
    claim(session, story, version)
    _clear_consents(story)
    story.status, story.updated_at = S.AWAITING_CONSENT.value, utcnow()
    session.add(story)
    _ask(session, story, collab, actor)
    _record(session, story, actor, ASKED)
    session.commit()


def consent(session: Session, story: CollaborationStory, *, actor: User, data: Mapping[str, Any]) -> None:
    """A party's manager consents to the text they read; with both consents the story is published."""
    collab = collaboration_of(session, story, actor)
    party = _answering_party(session, story, collab, actor)
    if getattr(story, f"{party}_consent_at") is not None:
        raise Conflict(ALREADY_CONSENTED, current=story)
    errors: validation.Errors = {}
    version = check_version(errors, data, story)
    validation.raise_if(errors)
    claim(session, story, version)
    now = utcnow()
    setattr(story, f"{party}_consent_by_id", actor.id)
    setattr(story, f"{party}_consent_at", now)
    story.updated_at = now
    _record(session, story, actor, CONSENTED, party=party)
    if story.provider_consent_at is not None and story.seeker_consent_at is not None:
        story.status, story.published_at = S.PUBLISHED.value, now
        _record(session, story, actor, PUBLISHED)
        for user in followers(session, collab, actor=None):
            tell(session, user, notice=PUBLISHED_NOTICE, link=_link(collab), title=collab.title)
    session.add(story)
    session.commit()


def refuse(session: Session, story: CollaborationStory, *, actor: User, data: Mapping[str, Any]) -> None:
    """A party's manager refuses: the story goes back to draft, both consents cleared, and staff are told why."""
    collab = collaboration_of(session, story, actor)
    party = _answering_party(session, story, collab, actor)
    errors: validation.Errors = {}
    version = check_version(errors, data, story)
    reason = validation.text(errors, data, "reason", max_len=REASON_MAX, required=False)
    validation.raise_if(errors)
    claim(session, story, version)
    _clear_consents(story)
    story.status, story.updated_at = S.DRAFT.value, utcnow()
    session.add(story)
    _record(session, story, actor, REFUSED, party=party, reason=reason)
    for user in followers(session, collab, actor=actor):
        tell(session, user, notice=REFUSED_NOTICE, link=_link(collab), title=collab.title, name=actor.full_name)
    session.commit()


def withdraw(session: Session, story: CollaborationStory, *, actor: User, data: Mapping[str, Any]) -> None:
    """Take a story off the public pages (staff, or a manager of either party), at any time."""
    collab = collaboration_of(session, story, actor)
    if not actor.is_staff and party_of(session, actor, collab) is None:
        raise Forbidden(MANAGERS_ONLY)
    if story.status not in (S.PUBLISHED, S.AWAITING_CONSENT):
        raise Conflict(ALREADY_WITHDRAWN if story.status == S.WITHDRAWN else NOT_PUBLIC, current=story)
    errors: validation.Errors = {}
    version = check_version(errors, data, story)
    validation.raise_if(errors)
    claim(session, story, version)
    _clear_consents(story)
    story.status, story.published_at, story.updated_at = S.WITHDRAWN.value, None, utcnow()
    session.add(story)
    _record(session, story, actor, WITHDRAWN)
    for user in followers(session, collab, actor=actor):
        tell(session, user, notice=WITHDRAWN_NOTICE, link=_link(collab), title=collab.title, name=actor.full_name)
    session.commit()


def _answering_party(session: Session, story: CollaborationStory, collab: Collaboration, actor: User) -> str:
    party = party_of(session, actor, collab)
    if party is None:
        raise Forbidden(MANAGERS_ONLY)
    if story.status != S.AWAITING_CONSENT:
        raise Conflict(PUBLISHED_ALREADY if story.status == S.PUBLISHED else NOT_ASKED, current=story)
    return party


def _clear_consents(story: CollaborationStory) -> None:
    story.provider_consent_by_id = story.seeker_consent_by_id = None
    story.provider_consent_at = story.seeker_consent_at = None


def _link(collab: Collaboration) -> str:
    return f"/collaborations/{collab.id}#story"


def _ask(session: Session, story: CollaborationStory, collab: Collaboration, actor: User) -> None:
    """Tell the managers of both parties that their consent is asked, with the text itself."""
    notice, subject, body = ASK
    for organization_id in (collab.provider_org_id, collab.seeker_org_id):
        for user in managers_of(session, organization_id):
            value = Msg("yes") if story.show_value and collab.contract_value_vnd else Msg("no")
            tell(session, user, notice=notice, link=_link(collab), mail_subject=subject, mail_body=body,
                 title=collab.title, name=actor.full_name,
                 mail_params={"headline": story.headline, "text": story.text, "value": value})  # fmt: skip


def _record(session: Session, story: CollaborationStory, actor: User, action: str, **detail: Any) -> None:
    audit.record(session, actor_id=actor.id, action=action, entity="collaboration", entity_id=story.collaboration_id,
                 story=story.id, status=story.status, **detail)  # fmt: skip


def collaboration_of(session: Session, story: CollaborationStory, viewer: User | None) -> Collaboration:
    collab = session.get(Collaboration, story.collaboration_id)
    if collab is None or not can_view(viewer, collab):
        raise NotFound()
    return collab


def get_of(session: Session, collab: Collaboration, viewer: User | None) -> CollaborationStory:
    """The story of `collab` for a reader who may see the collaboration, else NotFound."""
    story = story_of(session, collab)
    if story is None or not can_view(viewer, collab):
        raise NotFound()
    return story


# The public side: published stories only.


def _published_where(sector: str | None = None, organization_id: int | None = None) -> list[Any]:
    where: list[Any] = [CollaborationStory.status == S.PUBLISHED]
    if sector:
        where.append(Collaboration.sector_code == sector)
    if organization_id:
        where.append(or_(Collaboration.provider_org_id == organization_id,
                         Collaboration.seeker_org_id == organization_id))  # fmt: skip
    return where


def check_sector(sector: str | None) -> str | None:
    """The sector filter if it is one of the taxonomy's codes, else None (an unknown one shows every story)."""
    return sector if sector in {code for code, _name in sector_options()} else None


def count_published(session: Session, *, sector: str | None = None, organization_id: int | None = None) -> int:
    query = select(func.count()).select_from(CollaborationStory)
    query = query.join(Collaboration, col(Collaboration.id) == CollaborationStory.collaboration_id)
    return session.exec(query.where(*_published_where(sector, organization_id))).one()


def published(session: Session, *, sector: str | None = None, organization_id: int | None = None,
              limit: int = PER_PAGE, offset: int = 0) -> list[Shown]:  # fmt: skip
    """Published stories, newest first, with their collaborations and both organizations."""
    query = (
        select(CollaborationStory, Collaboration)
        .join(Collaboration, col(Collaboration.id) == CollaborationStory.collaboration_id)
        .where(*_published_where(sector, organization_id))
        .order_by(col(CollaborationStory.published_at).desc(), col(CollaborationStory.id).desc())
    )
    rows = list(session.exec(query.offset(offset).limit(limit)).all())
    ids = {c.provider_org_id for _s, c in rows} | {c.seeker_org_id for _s, c in rows}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids)))} if ids else {}
    return [Shown(s, c, orgs.get(c.provider_org_id), orgs.get(c.seeker_org_id)) for s, c in rows]


def published_page(session: Session, *, sector: str | None, page: int) -> tuple[list[Shown], Paging, int]:
    total = count_published(session, sector=sector)
    paging = paginate(total, page, PER_PAGE)
    return published(session, sector=sector, offset=paging.offset), paging, total


def published_changes(session: Session) -> list[tuple[int, datetime]]:
    """(id, last change) of every published story, for the sitemap."""
    query = select(CollaborationStory.id, CollaborationStory.updated_at).where(CollaborationStory.status == S.PUBLISHED)
    return [(i, aware(at)) for i, at in session.exec(query.order_by(col(CollaborationStory.id))) if i is not None]


def get_published(session: Session, story_id: int) -> Shown:
    """One published story, or NotFound (a draft, one waiting for consent, a withdrawn one alike)."""
    story = session.get(CollaborationStory, story_id)
    if story is None or story.status != S.PUBLISHED:
        raise NotFound()
    collab = session.get_one(Collaboration, story.collaboration_id)
    return Shown(story, collab, session.get(Organization, collab.provider_org_id),
                 session.get(Organization, collab.seeker_org_id))  # fmt: skip


def shown_value(shown: Shown) -> int | None:
    """The contract value the public may read: only when the story's parties consented to show it."""
    return shown.collaboration.contract_value_vnd if shown.story.show_value else None
