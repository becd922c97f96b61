import pytest
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from tests.certificates.helpers import KEY_ENV, make_keys


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path, monkeypatch, db):
    """Every certificate test gets its own root key, K_rev and active signing key in a temporary directory."""
    for name in KEY_ENV:
        monkeypatch.delenv(name, raising=False)
    for kid in range(1, 10):
        monkeypatch.delenv(f"CERTIPREV_SIGNING_KEY_{kid}", raising=False)
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    # A fresh in-memory storage per test: files of one test never satisfy another.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    make_keys(settings.SIGNING_KEYS_DIR)
    return settings.SIGNING_KEYS_DIR


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
