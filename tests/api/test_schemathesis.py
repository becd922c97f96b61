"""Property-based fuzzing of the whole API against its own OpenAPI schema, authenticated as each role.

Checks: no 5xx, documented status codes and content types, bodies conforming to the schema. Business refusals
(4xx on schema-valid data) are expected and not checked here. Bounded: a few examples per operation and role.
"""

import datetime as dt

import pytest
import schemathesis

from certiprev.accounts.api_tokens import api_token_create
from certiprev.trainings import services
from certiprev.webhooks.services import webhook_endpoint_create
from tests.api.fuzzing import fuzz_operations, use_known_ids
from tests.factories import TrainingFactory, results_for, today

MAX_EXAMPLES = 8


@pytest.fixture
def wsgi_app():
    """The real WSGI application, minus the per-request connection closing (as Django's test client does): the
    test's transaction must survive the requests (on PostgreSQL closing would lose it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(wsgi_app, settings, member, organisation, trainer, other_member, network_admin):
    """Sessions in every state, a webhook endpoint, and a token per role."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.API_RATE_LIMIT = 0
    settings.API_VERIFY_RATE_LIMIT = 0
    settings.API_ANONYMOUS_RATE_LIMIT = 0
    trainings = [TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=5) for _ in range(4)]
    services.training_submit(by=member, training=trainings[1])
    for training in trainings[2:]:
        services.training_submit(by=member, training=training)
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
    services.training_close(by=member, training=trainings[3])
    TrainingFactory(
        organisation=organisation, trainer=trainer, start_date=today(), end_date=today() + dt.timedelta(days=2)
    )
    endpoint = webhook_endpoint_create(by=member, organisation=organisation, url="https://127.0.0.1:9/closed")
    known = {
        "trainings": [str(t.public_id) for t in trainings],
        "trainees": [str(t.public_id) for t in trainings[0].trainees.all()],
        "organisations": [str(organisation.public_id)],
        "webhooks": [str(endpoint.public_id)],
        "trainers": [trainer.number],
    }
    tokens = {
        "member": api_token_create(by=member, user=member)[1],
        "trainer": api_token_create(by=trainer.user, user=trainer.user)[1],
        "admin": api_token_create(by=network_admin, user=network_admin)[1],
        "other_member": api_token_create(by=other_member, user=other_member)[1],
    }
    return known, tokens, wsgi_app


def fuzz(world, role: str) -> None:
    """Every operation of the API, as this role."""
    known, tokens, application = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    statuses = fuzz_operations(
        operations,
        headers={"Authorization": f"Bearer {tokens[role]}"},
        prepare=lambda case: use_known_ids(case, known, {"trainee_id": "trainees", "number": "trainers"}),
        max_examples=MAX_EXAMPLES,
        derandomize=True,
    )
    print(f"{role}: {sorted(statuses.items())}")


def test_the_api_conforms_to_its_schema_as_a_member(world):
    fuzz(world, "member")


def test_the_api_conforms_to_its_schema_as_a_trainer(world):
    fuzz(world, "trainer")


def test_the_api_conforms_to_its_schema_as_a_network_administrator(world):
    fuzz(world, "admin")


def test_the_api_conforms_to_its_schema_as_a_member_of_another_organisation(world):
    fuzz(world, "other_member")
