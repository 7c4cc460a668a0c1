"""Settings: every one is documented, and production refuses unsafe defaults."""

import re

import pytest
from pydantic import ValidationError

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
