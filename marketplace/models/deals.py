"""From proposal to contract: match proposals, inquiries, collaborations and their history."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from marketplace.models._base import json_list, long_text, moment_field, now_field, short_code, vnd
from marketplace.models.enums import InquiryStatus, MeetingStatus, ProposalStatus, Stage, StoryStatus


class MatchProposal(SQLModel, table=True):
    """A proposed partner for a need: an offer, or a researcher (expert); explained by its terms."""

    __table_args__ = (UniqueConstraint("need_id", "offer_id", "expert_id", name="uq_proposal_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id", index=True)
    expert_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    score: float = Field(default=0.0, sa_type=Float)
    terms: list[str] = json_list()
    trl_below_minimum: bool = False
    matcher_version: str = Field(default="", max_length=40)
    scored_from: str = short_code(default="need")  # which side's ranking gave the score shown
    status: str = short_code(default=ProposalStatus.NEW.value, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    dismiss_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class Inquiry(SQLModel, table=True):
    """An expression of interest (bày tỏ quan tâm) in an offer or need, answered by its owner."""

    # One organization has at most one inquiry waiting about a listing: a form sent twice at once cannot make two.
    __table_args__ = (
        Index("uq_inquiry_pending", "sender_org_id", "listing_kind", "listing_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    listing_kind: str = short_code(default="offer", index=True)
    listing_id: int = Field(index=True)
    sender_id: int = Field(foreign_key="user.id", index=True)
    sender_org_id: int | None = Field(default=None, foreign_key="organization.id")
    recipient_org_id: int = Field(foreign_key="organization.id", index=True)
    proposal_id: int | None = Field(default=None, foreign_key="matchproposal.id")
    message: str = long_text()
    status: str = short_code(default=InquiryStatus.PENDING.value, index=True)
    decline_reason: str | None = short_code()
    decline_note: str | None = Field(default=None, max_length=1000)
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()
    answered_at: datetime | None = moment_field()


class InquiryMessage(SQLModel, table=True):
    """A message in the thread of a pending inquiry: a question of the listing's owner, the sender's answer,
    or a word of the Department's broker (`author_org_id` is None for staff) — `marketplace.inquiry_messages`."""

    __tablename__ = "inquiry_message"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    author_org_id: int | None = Field(default=None, foreign_key="organization.id")
    body: str = long_text()
    created_at: datetime = now_field()


class Collaboration(SQLModel, table=True):
    """A deal in the pipeline between a provider and a seeker organization, brokered by staff."""

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=60, unique=True, index=True)
    title: str = Field(max_length=200)
    provider_org_id: int = Field(foreign_key="organization.id", index=True)
    seeker_org_id: int = Field(foreign_key="organization.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    need_id: int | None = Field(default=None, foreign_key="need.id")
    inquiry_id: int | None = Field(default=None, foreign_key="inquiry.id")
    broker_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    sector_code: str | None = Field(default=None, foreign_key="sector.code", max_length=30)
    stage: str = short_code(default=Stage.PROPOSED.value, index=True)
    stage_entered_at: datetime = now_field()
    contract_type: str | None = short_code()
    contract_value_vnd: int | None = vnd()
    signed_at: datetime | None = moment_field()
    next_action: str | None = Field(default=None, max_length=300)
    next_action_due: date | None = Field(default=None, sa_type=Date)
    closed_reason: str | None = Field(default=None, max_length=1000)
    st_task_code: str | None = Field(default=None, max_length=60)
    st_task_level: str | None = short_code()
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
    version: int = 1


class StageChange(SQLModel, table=True):
    """One move of a collaboration through the pipeline: who, when, from, to, why."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = now_field()
    from_stage: str | None = short_code()
    to_stage: str = short_code(default=Stage.PROPOSED.value)
    note: str | None = Field(default=None, max_length=2000)


class CollaborationNote(SQLModel, table=True):
    """A note on a collaboration, by staff or one of the parties."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = now_field()
    text: str = long_text()


class CollaborationDocument(SQLModel, table=True):
    """A file kept with a collaboration: the NDA, the signed contract, meeting minutes, the acceptance report,
    an invoice (`marketplace.collaboration_documents`). The bytes live in the database, in this table apart
    from the collaboration, which the pipeline pages load often."""

    __tablename__ = "collaboration_document"
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    kind: str = short_code(default="other")
    title: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()
    content: bytes = Field(sa_type=LargeBinary, nullable=False, repr=False)
    thumbnail: bytes | None = Field(default=None, sa_type=LargeBinary, nullable=True, repr=False)


class CollaborationMeeting(SQLModel, table=True):
    """A meeting of a collaboration's parties arranged by the Department's broker or one of the parties
    (`marketplace.meetings`): planned, then held (with its outcome) or cancelled (with a reason). The
    Department's indicators count the held ones; `reminded_at` marks the reminder sent a day or two before."""

    __tablename__ = "collaboration_meeting"
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    starts_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False, index=True)
    duration_minutes: int = 60
    place: str | None = Field(default=None, max_length=300)
    online_link: str | None = Field(default=None, max_length=500)
    agenda: str = long_text()
    status: str = short_code(default=MeetingStatus.PLANNED.value, index=True)
    outcome: str | None = Field(default=None, max_length=2000)
    cancel_reason: str | None = Field(default=None, max_length=1000)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    reminded_at: datetime | None = moment_field()
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
    version: int = 1


class CollaborationStory(SQLModel, table=True):
    """The public success story of a collaboration that reached an agreement (`marketplace.stories`): written by
    Department staff, published only once a manager of each party consented to this very text (and to whether
    the contract value is shown); an edit clears both consents, and either party or staff may withdraw it."""

    __tablename__ = "collaboration_story"
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", unique=True)
    headline: str = Field(max_length=200)
    text: str = Field(max_length=3000)
    show_value: bool = False
    provider_consent_by_id: int | None = Field(default=None, foreign_key="user.id")
    provider_consent_at: datetime | None = moment_field()
    seeker_consent_by_id: int | None = Field(default=None, foreign_key="user.id")
    seeker_consent_at: datetime | None = moment_field()
    status: str = short_code(default=StoryStatus.DRAFT.value, index=True)
    written_by_id: int | None = Field(default=None, foreign_key="user.id")
    published_at: datetime | None = moment_field(index=True)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
    version: int = 1
