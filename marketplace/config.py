"""Settings, read once from the environment (and an optional .env file) and validated at start-up."""

import base64
import binascii
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 (refused in production)


class Settings(BaseSettings):
    """Every setting the application reads; each one is documented in README.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    DATABASE_URL: str = f"sqlite:///{ROOT / 'var' / 'exchange.db'}"
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    # Fernet keys, comma-separated: the first encrypts values kept encrypted at rest (two-step secrets), all decrypt;
    # unset, a key derived from SECRET_KEY (`marketplace.encryption`)
    DATA_ENCRYPTION_KEYS: str | None = None
    SESSION_MAX_AGE_DAYS: int = Field(default=14, ge=1, le=365)
    COOKIE_SECURE: bool = False
    MEILI_URL: str | None = None
    MEILI_API_KEY: str | None = None
    MEILI_INDEX_PREFIX: str = "hue_exchange"
    MEILI_TIMEOUT_SECONDS: float = Field(
        default=2.0, gt=0, le=60
    )  # how long one Meilisearch call may take before the database answers instead
    MEILI_RETRY_SECONDS: int = Field(
        default=30, ge=1, le=3600
    )  # after Meilisearch failed, search the database this long before trying it again
    SMTP_HOST: str | None = None
    SMTP_PORT: int = 25
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS: bool = False
    MAIL_FROM: str = "san-cong-nghe@localhost"
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    LISTING_FRESHNESS_DAYS: int = Field(default=180, ge=7, le=3650)
    LISTING_GRACE_DAYS: int = Field(default=30, ge=1, le=365)
    MAX_REQUEST_BYTES: int = Field(default=1_000_000, ge=10_000)
    LOGIN_MAX_FAILURES: int = Field(default=5, ge=1)
    LOGIN_LOCKOUT_MINUTES: int = Field(default=15, ge=1)
    REQUIRE_TWO_STEP_FOR_STAFF: bool = False  # staff and admins without two-step verification must set it up
    SEED_DIR: Path = ROOT / "seed_data"
    LOG_LEVEL: str = "INFO"

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        if self.ENVIRONMENT == "production" and self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise ValueError("SECRET_KEY must be set to a long random value when ENVIRONMENT=production")
        if self.ENVIRONMENT == "production" and len(self.SECRET_KEY) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters when ENVIRONMENT=production")
        fernet_keys(self.DATA_ENCRYPTION_KEYS)  # a key that is not one is refused in every environment
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")


def fernet_keys(value: str | None) -> list[bytes]:
    """The keys of a DATA_ENCRYPTION_KEYS value, in order; ValueError naming one that is not a Fernet key."""
    keys = [part.strip().encode() for part in (value or "").split(",") if part.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key)) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ValueError(
                f"DATA_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes in url-safe base64); "
                "make one with `python -m marketplace new-encryption-key`"
            )
    return keys


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
