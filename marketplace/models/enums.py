"""Fixed vocabularies of the domain, stored as their string values.

User-facing labels live in `marketplace.labels`, behind the translation catalog.
"""

from enum import StrEnum


class OrgKind(StrEnum):
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    ACADEMY_INSTITUTE = "academy_institute"
    HOSPITAL = "hospital"
    ENTERPRISE = "enterprise"
    COOPERATIVE = "cooperative"
    STARTUP = "startup"
    GOVERNMENT = "government"
    INTERMEDIARY = "intermediary"


class Role(StrEnum):
    RESEARCHER = "researcher"
    ENTERPRISE = "enterprise"
    STAFF = "staff"
    ADMIN = "admin"


class MembershipStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"


class IPStatus(StrEnum):
    NONE = "none"
    FILED = "filed"
    PATENT = "patent"
    UTILITY_SOLUTION = "utility_solution"
    TRADE_SECRET = "trade_secret"  # noqa: S105 (an IP status, not a password)
    EXPIRED = "expired"


class CollaborationType(StrEnum):
    LICENCE = "licence"
    TRANSFER = "transfer"
    JOINT_DEVELOPMENT = "joint_development"
    CONSULTING = "consulting"
    CAPITAL_CONTRIBUTION = "capital_contribution"
    RESEARCH_CONTRACT = "research_contract"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    EXPIRED = "expired"


class ListingKind(StrEnum):
    OFFER = "offer"
    NEED = "need"


class Stage(StrEnum):
    PROPOSED = "proposed"
    CONTACTED = "contacted"
    NEGOTIATING = "negotiating"
    AGREEMENT_SIGNED = "agreement_signed"
    IMPLEMENTING = "implementing"
    COMMERCIALIZED = "commercialized"
    CLOSED = "closed"


class TaskLevel(StrEnum):
    NATIONAL = "national"
    MINISTERIAL = "ministerial"
    CITY = "city"
    INSTITUTIONAL = "institutional"


class ProposalStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class InquiryStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class DeclineReason(StrEnum):
    NOT_RELEVANT = "not_relevant"
    WRONG_STAGE = "wrong_stage"
    NO_BUDGET = "no_budget"
    ALREADY_PARTNERED = "already_partnered"
    IP_CONSTRAINTS = "ip_constraints"
    TIMING = "timing"
    TOO_VAGUE = "too_vague"
    OTHER = "other"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class StoryStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_CONSENT = "awaiting_consent"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
