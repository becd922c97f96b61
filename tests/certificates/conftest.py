import pytest
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished


@pytest.fixture(autouse=True)
def _signing_keys(db, signing_key_dir):
    """Every certificate test gets its own keys (tests/conftest.py `signing_key_dir`).

    `db` named here, not only requested inside `signing_key_dir`: pytest-django orders the database tests before
    the transactional ones (browser tests empty the tables) by the fixtures a test names."""
    return signing_key_dir


@pytest.fixture(autouse=True)
def failed_tasks():
    """A task that fails in the immediate backend is only logged there: make it fail the test instead."""
    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result)

    task_finished.connect(record)
    yield failures
    task_finished.disconnect(record)
    assert not [f.errors[0].traceback for f in failures if not getattr(f, "expected", False)]


@pytest.fixture
def close(member, trainer, organisation, django_capture_on_commit_callbacks):
    """`close(trainees=6, failed=(), absent=(), **training fields)`: a closed session, certificates issued."""
    from tests.certificates.helpers import closed_session

    def make(**kwargs):
        kwargs.setdefault("organisation", organisation)
        return closed_session(member=member, trainer=trainer, capture=django_capture_on_commit_callbacks, **kwargs)

    return make
