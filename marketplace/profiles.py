"""Public profiles: researchers' expertise (the expert directory) and organizations' track record."""

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from marketplace.errors import NotFound
from marketplace.models import Collaboration, ExpertiseProfile, Organization, Stage, User
from matching.text import fold, normalize

QUERY_MAX = 100
# Only deals that reached an agreement are shown publicly: earlier talks are the parties' business.
TRACK_RECORD_STAGES = (Stage.AGREEMENT_SIGNED.value, Stage.IMPLEMENTING.value, Stage.COMMERCIALIZED.value)


@dataclass(frozen=True)
class Expert:
    """A researcher with an expertise profile, and their organization."""

    user: User
    profile: ExpertiseProfile
    organization: Organization | None


@dataclass(frozen=True)
class PastDeal:
    """A collaboration an organization took part in, seen from its side."""

    collaboration: Collaboration
    partner: Organization | None
    provided: bool


def _experts(session: Session) -> list[Expert]:
    query = (
        select(User, ExpertiseProfile, Organization)
        .join(ExpertiseProfile, col(ExpertiseProfile.user_id) == User.id)
        .join(Organization, col(Organization.id) == User.organization_id, isouter=True)
        .where(col(User.is_active).is_(True))
        .order_by(col(User.full_name))
    )
    return [Expert(u, p, o) for u, p, o in session.exec(query).all()]


def _haystack(expert: Expert) -> str:
    org = expert.organization
    parts = [expert.user.full_name, expert.profile.summary, *expert.profile.keywords, *expert.profile.projects]
    if org is not None:
        parts += [org.name_vi, org.name_en]
    return fold(normalize(" ".join(parts)))


def expert_directory(session: Session, query: str = "") -> list[Expert]:
    """Researchers with an expertise profile whose name, keywords, projects or organization contain every word
    of `query`, with or without accents."""
    words = fold(normalize(query)).split()
    experts = _experts(session)
    if not words:
        return experts
    return [e for e in experts if all(w in _haystack(e) for w in words)]


def get_expert(session: Session, user_id: int) -> Expert:
    """One researcher's public profile; NotFound if they have none."""
    user = session.get(User, user_id)
    profile = session.exec(select(ExpertiseProfile).where(ExpertiseProfile.user_id == user_id)).first()
    if user is None or profile is None or not user.is_active:
        raise NotFound()
    org = session.get(Organization, user.organization_id) if user.organization_id else None
    return Expert(user, profile, org)


def past_collaborations(session: Session, organization_id: int) -> list[PastDeal]:
    """The organization's collaborations that reached an agreement, most recent first."""
    query = (
        select(Collaboration)
        .where(
            or_(Collaboration.provider_org_id == organization_id, Collaboration.seeker_org_id == organization_id),
            col(Collaboration.stage).in_(TRACK_RECORD_STAGES),
        )
        .order_by(col(Collaboration.signed_at).desc().nulls_last(), col(Collaboration.id).desc())
    )
    deals = list(session.exec(query).all())
    partner_ids = {d.seeker_org_id if d.provider_org_id == organization_id else d.provider_org_id for d in deals}
    partners = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(partner_ids)))}
    result = []
    for deal in deals:
        provided = deal.provider_org_id == organization_id
        result.append(PastDeal(deal, partners.get(deal.seeker_org_id if provided else deal.provider_org_id), provided))
    return result
