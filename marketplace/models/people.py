"""Sectors, organizations, users and researchers' expertise profiles."""

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from marketplace.models._base import json_list, long_text, moment_field, now_field, short_code
from marketplace.models.enums import MembershipStatus, Role


class Sector(SQLModel, table=True):
    """One entry of the fixed bilingual sector taxonomy."""

    code: str = Field(primary_key=True, max_length=30, sa_type=String(30))
    name_vi: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    position: int = 0


class Organization(SQLModel, table=True):
    """A university, institute, hospital, enterprise, cooperative, agency…"""

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=60, unique=True, index=True)
    name_vi: str = Field(max_length=200, index=True)
    name_en: str = Field(default="", max_length=200)
    kind: str = short_code(default="enterprise", index=True)
    parent_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    ward: str = Field(default="", max_length=80)
    website: str | None = Field(default=None, max_length=200)
    description_vi: str = long_text()
    description_en: str = long_text()
    verified: bool = False
    is_demo: bool = False
    created_at: datetime = now_field()


class OrganizationLogo(SQLModel, table=True):
    """An organization's logo, shown on its page and in the directory (`marketplace.logos`): a square PNG
    of at most 256 pixels, kept apart so that loading organizations never loads pictures."""

    __tablename__ = "organization_logo"
    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    content: bytes = Field(sa_type=LargeBinary, nullable=False, repr=False)
    updated_at: datetime = now_field()
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class User(SQLModel, table=True):
    """A person who signs in; staff and admin accounts come from the command line or an administrator (/users)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=200)
    full_name: str = Field(max_length=120)
    role: str = short_code(default=Role.RESEARCHER.value, index=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    phone: str | None = Field(default=None, max_length=30)
    language: str = Field(default="vi", max_length=5)
    is_active: bool = True
    session_epoch: int = 0
    created_at: datetime = now_field()
    last_login_at: datetime | None = moment_field()
    # When the person opened the link mailed to this address; until then no other mail goes there.
    email_confirmed_at: datetime | None = moment_field()
    # How notices that matter reach them by e-mail: "each" at once, "daily" in one digest, "none" (`mail_notices`).
    mail_notices: str = short_code(length=10, default="each")

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)


class Membership(SQLModel, table=True):
    """A user's request to belong to an organization, and its answer.

    `User.organization_id` is what every permission check reads; it is set only when a membership is approved
    (or when the user registers a new organization), so a request gives no rights over the organization.
    An approved membership marked `manager` may approve others' requests to join (never for a government body).
    """

    # One request per person waits at a time: a form sent twice at once cannot make two.
    __table_args__ = (
        Index("uq_membership_pending", "user_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    status: str = short_code(default=MembershipStatus.PENDING.value, index=True)
    manager: bool = False
    reason: str | None = Field(default=None, max_length=1000)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = now_field()
    decided_at: datetime | None = moment_field()


class ExpertiseProfile(SQLModel, table=True):
    """What a researcher knows: keywords, publications and past projects, used for expert ↔ need matching."""

    __table_args__ = (UniqueConstraint("user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    summary: str = long_text()
    keywords: list[str] = json_list()
    publications: list[str] = json_list()
    projects: list[str] = json_list()
    updated_at: datetime = now_field()


class LoginAttempt(SQLModel, table=True):
    """A failed log-in, kept to throttle guessing (by e-mail and by client address)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    at: datetime = now_field()
