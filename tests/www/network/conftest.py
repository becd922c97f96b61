"""Personas of the network's request pages (the habilitation workflow's, shared with tests/habilitations)."""

import pytest

from tests.habilitations.conftest import (  # noqa: F401 - fixtures
    PDF,
    _documents_in_memory,
    caisse_organisation,
    certified_trainer,
    cnh_member,
    correspondent,
    instructor,
    make_request,
    other_instructor,
)
from tests.www.conftest import login


@pytest.fixture
def as_user(client):
    """`as_user(user)`: the test client signed in as that user."""
    return lambda user: login(client, user)
