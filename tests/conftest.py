import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TraineeFactory,
    TrainerFactory,
    TrainingFactory,
    UserFactory,
)
from tests.guards import randomly_ordered_pairs


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _unordered_queries_randomly_ordered():
    """A query without ORDER BY comes back in random order (tests/guards.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SQLCompiler, "_order_by_pairs", randomly_ordered_pairs(SQLCompiler._order_by_pairs))
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (API, password reset) live in the per-process test cache, verification keys and revocations
    in process: each test starts afresh."""
    from django.core.cache import cache

    from certiprev.certificates.verification_state import verification_state

    cache.clear()
    verification_state.forget()  # keys and revocations held in process: each test reads its own
    yield
    cache.clear()
    verification_state.forget()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Secours Formation Rhône")


@pytest.fixture
def member(organisation):
    """Persona: a member of the organisation."""
    return MembershipFactory(organisation=organisation, user__email="membre@secours-rhone.fr").user


@pytest.fixture
def other_member(db):
    """Persona: a member of another organisation."""
    return MembershipFactory(user__email="membre@autre-of.fr").user


@pytest.fixture
def trainer(db):
    """Persona: the trainer named on the sessions."""
    return TrainerFactory(number="ABC12345", first_name="Hélène", last_name="Lefèvre")


@pytest.fixture
def other_trainer(db):
    """Persona: another trainer."""
    return TrainerFactory(number="XYZ54321", first_name="Éric", last_name="Moreau")


@pytest.fixture
def network_admin(db):
    """Persona: a network administrator (INRS / Carsat)."""
    return UserFactory(email="admin@carsat.fr", network_admin=True)


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def training(organisation, trainer):
    return TrainingFactory(organisation=organisation, trainer=trainer)


@pytest.fixture
def training_with_trainees(training):
    TraineeFactory.create_batch(6, training=training)
    return training


@pytest.fixture
def session_in(organisation, trainer):
    """`session_in(state, **fields)`: a session of the organisation and the trainer, with 6 trainees, in that state."""

    def make(state, **kwargs):
        kwargs.setdefault("with_trainees", 6)
        kwargs.setdefault("organisation", organisation)
        kwargs.setdefault("trainer", trainer)
        return TrainingFactory(state=state, **kwargs)

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus a clean hang-up before it is dropped on PostgreSQL.

    The browser tests' live server answers from threads that may still hold a connection when the session ends;
    PostgreSQL refuses to drop a database somebody is connected to, which failed the run after every test passed.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def signing_key_dir(request, settings, tmp_path, monkeypatch):
    """Certificate keys (root, K_rev, an active signing key) in a temporary directory, and a fresh in-memory
    storage: files of one test never satisfy another. Returns the key directory.

    Browser tests run the live server in another thread of this process: it reads the same settings, key files
    and storage (their transactional database is already there; the other tests get `db`). A test that needs the
    database and names no other database fixture must name `db` too: pytest-django orders tests by the fixtures
    they name, and a database test placed after the browser tests would find the seeded tables emptied.
    """
    from tests.certificates.helpers import KEY_ENV, make_keys

    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("db")
    for name in KEY_ENV:
        monkeypatch.delenv(name, raising=False)
    for kid in range(1, 10):
        monkeypatch.delenv(f"CERTIPREV_SIGNING_KEY_{kid}", raising=False)
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    make_keys(settings.SIGNING_KEYS_DIR)
    return settings.SIGNING_KEYS_DIR
