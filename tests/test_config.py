"""Settings: every one is documented, and production refuses unsafe defaults."""

import re

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from marketplace import encryption
from marketplace.config import ROOT, Settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert set(Settings.model_fields) - documented == set()


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(ENVIRONMENT="production")


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(ENVIRONMENT="production", SECRET_KEY="ngắn-quá")


def test_production_accepts_a_long_random_secret_key() -> None:
    assert Settings(ENVIRONMENT="production", SECRET_KEY="k" * 48).ENVIRONMENT == "production"


def test_sqlite_connections_map_the_file_and_keep_a_larger_page_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from marketplace.db import SQLITE_CACHE_KIB, SQLITE_MMAP_BYTES, make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as conn:
        settings = [
            conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("mmap_size", "cache_size", "journal_mode")
        ]
    engine.dispose()
    assert settings == [SQLITE_MMAP_BYTES, -SQLITE_CACHE_KIB, "wal"]


def test_a_data_encryption_key_that_is_not_a_fernet_key_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="DATA_ENCRYPTION_KEYS: key 2 is not a Fernet key"):
        Settings(DATA_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},khoá-bí-mật")


def test_production_starts_without_data_encryption_keys_deriving_one_from_the_secret_key() -> None:
    settings = Settings(ENVIRONMENT="production", SECRET_KEY="k" * 48)
    assert encryption.keys(settings) == [encryption.derived_key("k" * 48)]
