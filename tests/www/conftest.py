import datetime as dt

import pytest

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training
from tests.factories import HabilitationFactory, TraineeFactory, TrainerCertificationFactory, TrainingFactory, today


@pytest.fixture(autouse=True)
def empty_cache():
    """The statistics (10-minute cache) and sign-in throttling live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login(client, user):
    # The factories set the password without saving it (skip_postgeneration_save): save it, or the session's
    # auth hash would not match the database and the client would be signed out at once.
    user.save(update_fields=["password"])
    client.force_login(user)
    return client


@pytest.fixture
def member_client(client, member):
    return login(client, member)


@pytest.fixture
def other_member_client(client, other_member):
    return login(client, other_member)


@pytest.fixture
def trainer_client(client, trainer):
    return login(client, trainer.user)


@pytest.fixture
def other_trainer_client(client, other_trainer):
    return login(client, other_trainer.user)


@pytest.fixture
def admin_client_(client, network_admin):
    return login(client, network_admin)


@pytest.fixture
def rules(organisation, trainer):
    """The organisation holds an SST habilitation and the trainer an SST certification, both current."""
    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer)


def set_state(training: Training, state: str, **fields) -> Training:
    """Test helper: put a session in a state directly (the workflow itself is tested in tests/trainings)."""
    from django.utils import timezone

    now = timezone.now()
    defaults = {
        TrainingState.SUBMITTED: {"submitted_at": now - dt.timedelta(days=3)},
        TrainingState.RETURNED: {
            "submitted_at": now - dt.timedelta(days=3),
            "return_reason": "Il manque un stagiaire.",
        },
        TrainingState.VALIDATED: {"submitted_at": now - dt.timedelta(days=3), "validated_at": now},
        TrainingState.CLOSED: {"submitted_at": now - dt.timedelta(days=3), "validated_at": now, "closed_at": now},
    }.get(state, {})
    Training.objects.filter(pk=training.pk).update(state=state, **{**defaults, **fields})
    training.refresh_from_db()
    return training


def make_sessions(organisation, trainer, count: int, *, state: str = TrainingState.DRAFT, trainees: int = 2):
    sessions = []
    for i in range(count):
        training = TrainingFactory(
            organisation=organisation,
            trainer=trainer,
            rules=(i == 0),
            start_date=today() - dt.timedelta(days=2 + i % 5),
            end_date=today() - dt.timedelta(days=1 + i % 5),
        )
        if trainees:
            TraineeFactory.create_batch(trainees, training=training)
        sessions.append(set_state(training, state) if state != TrainingState.DRAFT else training)
    return sessions


def results_of(training: Training) -> dict[str, tuple]:
    return {t.last_name: (t.present, t.passed) for t in Trainee.objects.filter(training=training)}


def text_of(response) -> str:
    """The page's text as a person reads it: tags removed, spaces collapsed."""
    import html
    import re

    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    # Collapse the spaces a page's layout adds, but keep the non-breaking ones of French typography (" :").
    text = re.sub(r"[ \t\n\r\f\v]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content))).strip()
    return text.replace(" )", ")").replace("( ", "(")


# --- Certificates ---------------------------------------------------------------------------------------------


@pytest.fixture
def close_session(signing_key_dir, member, trainer, organisation, django_capture_on_commit_callbacks):
    """`close_session(trainees=6, failed=(), absent=(), **training fields)`: closed by the member, certificates
    issued by the real task (run on commit)."""
    from tests.certificates.helpers import closed_session

    def make(**kwargs):
        kwargs.setdefault("organisation", organisation)
        kwargs.setdefault("trainer", trainer)
        return closed_session(member=member, capture=django_capture_on_commit_callbacks, **kwargs)

    return make


def certificate_record(trainee: Trainee, **fields):
    """A certificate record written directly (no key, no file): for pages that only read records."""
    from certiprev.certificates.models import Certificate

    training = trainee.training
    defaults = {
        "kind": training.kind,
        "scheme": training.scheme,
        "training": training,
        "trainee": trainee,
        "organisation": training.organisation,
        "holder_last_name": trainee.last_name,
        "holder_first_names": trainee.first_names,
        "holder_birth_date": trainee.birth_date,
        "certified_on": training.end_date,
        "valid_until": training.end_date + dt.timedelta(days=729),
        "organisation_name": training.organisation.name,
        "trainer_name": training.trainer.full_name,
        "revocation_id": f"{trainee.pk:016x}",
    }
    return Certificate.objects.create(**{**defaults, **fields})
