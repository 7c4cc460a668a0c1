"""Two-step verification: an account's TOTP secret and its single-use recovery codes (`marketplace.two_step`)."""

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from marketplace.models._base import moment_field, now_field


class TwoStep(SQLModel, table=True):
    """An account's authenticator secret, encrypted (`marketplace.encryption`: a Fernet token of the base32 secret,
    never the secret itself; `two_step.secret_of` reads it). A row without `enabled_at` is a set-up in progress:
    the secret shown on the set-up page, kept here rather than in the browser until a code confirms it."""

    __tablename__ = "two_step"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    encrypted_secret: str = Field(max_length=255, repr=False)
    created_at: datetime = now_field()
    enabled_at: datetime | None = moment_field()
    # The 30-second time step of the last code accepted: a code is never accepted twice.
    last_step: int | None = Field(default=None, sa_type=BigInteger, nullable=True)


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code, kept only as an Argon2 hash."""

    __tablename__ = "recovery_code"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=200, repr=False)
    created_at: datetime = now_field()
    used_at: datetime | None = moment_field()
