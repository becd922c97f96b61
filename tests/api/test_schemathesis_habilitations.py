"""Schemathesis over the habilitation endpoints (issue 9), on the demo data, as each habilitation role.

The operations whose path names habilitations, the network's staff, the caisses, the directory or the
organisations, fuzzed with schema-valid and schema-invalid inputs (the latter include calls without the token),
as the demo's correspondent, instructor, CNH member and national administrator, and without a token. Checks: no
5xx, documented status codes and content types, bodies that conform to the schema. Half the path ids are the demo's
real ones, so real requests in every state get fuzzed.

Run by `.ci/run` (stanza "Schemathesis", CERTIPREV_SCHEMATHESIS=1, on PostgreSQL; ~80 s of CPU, a few minutes of
wall time on 2 cores; SCHEMATHESIS_MAX_EXAMPLES, 25 by default, examples per operation, role and mode), skipped
otherwise: the whole API is already fuzzed in the ordinary suite (tests/api/test_schemathesis.py).
"""

import hashlib
import io
import logging
import os

import pytest
import schemathesis
from django.core.management import call_command

from certiprev.accounts.api_tokens import api_token_create
from certiprev.accounts.models import User
from certiprev.catalog.models import Scheme
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.organisations.models import Habilitation, Organisation
from certiprev.trainers.models import Trainer
from tests.api.fuzzing import fuzz_operations, use_known_ids

pytestmark = [
    pytest.mark.schemathesis,
    pytest.mark.skipif(
        os.environ.get("CERTIPREV_SCHEMATHESIS") != "1", reason="run by .ci/run (CERTIPREV_SCHEMATHESIS=1)"
    ),
]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
# The same examples on every run, unless SCHEMATHESIS_EXPLORE=1 (new ones each time, to hunt for more).
DERANDOMIZE = os.environ.get("SCHEMATHESIS_EXPLORE") != "1"
PATH_WORDS = ("habilitation", "network/staff", "caisses", "directory", "organisations")
ROLES = {
    "correspondent": "claire.martin@secours-rhone.demo",
    "instructor": "paul.girard@carsat-rhone-alpes.demo",
    "cnh": "luc.bernard@cnh.demo",
    "admin": "admin@certiprev.demo",
    "anonymous": "",  # the public directory and every refusal without a token
}


@pytest.fixture
def wsgi_app():
    """The real WSGI application, minus the per-request connection closing (as Django's test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(wsgi_app, settings, db, caplog):
    """The demo data (a request in every state, its staff), the real ids to aim at, and a token per role."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.API_RATE_LIMIT = 0
    settings.API_VERIFY_RATE_LIMIT = 0
    settings.API_ANONYMOUS_RATE_LIMIT = 0
    caplog.set_level(logging.ERROR, logger="django.request")  # 4xx are expected by the thousand; 5xx still show
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    call_command("demo", "--no-logins", stdout=io.StringIO())
    known = {
        "habilitation-requests": [str(i) for i in HabilitationRequest.objects.values_list("public_id", flat=True)],
        "organisations": [str(i) for i in Organisation.objects.values_list("public_id", flat=True)],
        "doc_id": [str(i) for i in RequestDocument.objects.values_list("public_id", flat=True)],
        "hid": [str(i) for i in Habilitation.objects.values_list("pk", flat=True)],
        "schemes": list(Scheme.objects.order_by("code").values_list("code", flat=True)),
        "trainers": list(Trainer.objects.order_by("number").values_list("number", flat=True)),
    }
    assert all(known.values()), known
    tokens = {
        role: api_token_create(by=user, user=user)[1]
        for role, user in ((role, User.objects.get(email=email)) for role, email in ROLES.items() if email)
    }
    return known, tokens, wsgi_app


def _use_known_body(case, known: dict[str, list[str]]) -> None:
    """Likewise in JSON bodies: a real organisation, real schemes and trainers, so creations get past the look-ups."""
    body = case.body
    if not isinstance(body, dict):
        return
    digest = hashlib.sha256(repr(body).encode()).digest()
    if digest[0] % 2:
        return
    if "organisation" in body:
        body["organisation"] = known["organisations"][digest[1] % len(known["organisations"])]
    if "schemes" in body:
        body["schemes"] = [known["schemes"][digest[2] % len(known["schemes"])]]
    if "trainer_numbers" in body:
        body["trainer_numbers"] = known["trainers"][: 1 + digest[3] % 2]


def fuzz(world, role: str) -> None:
    known, tokens, application = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if any(word in operation.path for word in PATH_WORDS)
    ]
    assert len(operations) >= 20, [operation.label for operation in operations]

    def prepare(case) -> None:
        use_known_ids(case, known, {"doc_id": "doc_id", "hid": "hid"})
        _use_known_body(case, known)

    statuses = fuzz_operations(
        operations,
        headers={"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {},
        prepare=prepare,
        max_examples=MAX_EXAMPLES,
        derandomize=DERANDOMIZE,
    )
    print(f"{role}: {len(operations)} operations, {sorted(statuses.items())}")


@pytest.mark.parametrize("role", ROLES)
def test_the_habilitation_endpoints_conform_to_their_schema(world, role):
    fuzz(world, role)
