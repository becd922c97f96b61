from contextlib import contextmanager

import pytest

from tests.trainings.helpers import snapshot


@pytest.fixture
def db_unchanged(db):
    """`with db_unchanged():` asserts that the block leaves the database as it found it."""

    @contextmanager
    def check():
        before = snapshot()
        yield
        assert snapshot() == before

    return check
