"""Property-based fuzzing of the whole API against its own OpenAPI schema, authenticated as each role.

Checks: no 5xx, documented status codes and content types, bodies conforming to the schema. Business refusals
(4xx on schema-valid data) are expected and not checked here. Bounded: a few examples per operation and role.
"""

import datetime as dt
import hashlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from certiprev.accounts.api_tokens import api_token_create
from certiprev.trainings import services
from certiprev.webhooks.services import webhook_endpoint_create
from tests.factories import TrainingFactory, results_for, today

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
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


def _use_known_ids(case, known: dict[str, list[str]]) -> None:
    """Half of the generated ids are swapped for real ones (deterministically), so real objects get fuzzed too."""
    parameters = case.path_parameters or {}
    collection = case.path.split("/")[3] if case.path.count("/") >= 3 else ""
    for name, choices in (
        ("id", known.get(collection)),
        ("trainee_id", known["trainees"]),
        ("number", known["trainers"]),
    ):
        if name in parameters and choices:
            digest = hashlib.sha256(repr(parameters[name]).encode()).digest()
            if digest[0] % 2 == 0:
                parameters[name] = choices[digest[1] % len(choices)]


def fuzz(world, role: str) -> None:
    """Every operation, with schema-valid and schema-invalid inputs; fails listing every operation that broke."""
    known, tokens, application = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                _use_known_ids(case, known)
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            try:
                check()
            except Exception as exc:  # collect them all: one report for the whole API
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    # The fuzzing really ran: many calls, some accepted, some refused, none above 499.
    assert sum(statuses.values()) >= 4 * len(operations), statuses
    assert any(200 <= status < 300 for status in statuses) and any(400 <= status < 500 for status in statuses)
    print(f"{role}: {sorted(statuses.items())}")


def test_the_api_conforms_to_its_schema_as_a_member(world):
    fuzz(world, "member")


def test_the_api_conforms_to_its_schema_as_a_trainer(world):
    fuzz(world, "trainer")


def test_the_api_conforms_to_its_schema_as_a_network_administrator(world):
    fuzz(world, "admin")


def test_the_api_conforms_to_its_schema_as_a_member_of_another_organisation(world):
    fuzz(world, "other_member")
