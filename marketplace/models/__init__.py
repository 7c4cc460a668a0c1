"""The domain model (DESIGN.md §2); import tables from here."""

from marketplace.models.deals import Collaboration, CollaborationNote, Inquiry, MatchProposal, StageChange
from marketplace.models.enums import (
    CollaborationType,
    DeclineReason,
    InquiryStatus,
    IPStatus,
    ListingKind,
    ListingStatus,
    MembershipStatus,
    OrgKind,
    ProposalStatus,
    Role,
    Stage,
    TaskLevel,
)
from marketplace.models.listings import ListingEvent, ListingRevision, Need, Offer
from marketplace.models.people import ExpertiseProfile, LoginAttempt, Membership, Organization, Sector, User
from marketplace.models.records import AuditLog, GlossaryTerm, Notification, OutboxMail, SearchOutbox, SubmittedForm

__all__ = [
    "AuditLog",
    "Collaboration",
    "CollaborationNote",
    "CollaborationType",
    "DeclineReason",
    "GlossaryTerm",
    "ExpertiseProfile",
    "IPStatus",
    "Inquiry",
    "InquiryStatus",
    "ListingEvent",
    "ListingKind",
    "ListingRevision",
    "ListingStatus",
    "LoginAttempt",
    "MatchProposal",
    "Membership",
    "MembershipStatus",
    "Need",
    "Notification",
    "Offer",
    "OrgKind",
    "Organization",
    "OutboxMail",
    "ProposalStatus",
    "Role",
    "SearchOutbox",
    "Sector",
    "Stage",
    "StageChange",
    "SubmittedForm",
    "TaskLevel",
    "User",
]
