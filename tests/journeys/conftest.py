"""Fixtures of the journey tests: the two parties of an inquiry and a second browser."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.journeys.helpers import Parties, make_parties


@pytest.fixture
def parties(db: Session) -> Parties:
    return make_parties(db)


@pytest.fixture
def other_client(app: FastAPI) -> Iterator[TestClient]:
    """A second browser, for the other side of the inquiry."""
    with TestClient(app, raise_server_exceptions=False) as second:
        yield second
