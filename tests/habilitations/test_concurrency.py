"""Two CNH members deciding the same request at the same instant: one wins, the other gets a conflict.

Each thread has its own connection; a barrier releases them together. These tests commit for real.
"""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from certiprev.accounts.models import NetworkRole, User
from certiprev.habilitations import services
from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.enums import Region
from certiprev.organisations.models import Habilitation
from tests.factories import OrganisationFactory, UserFactory, scheme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _seed_schemes() -> None:
    importlib.import_module("certiprev.catalog.migrations.0002_seed_schemes").seed(apps, None)


@pytest.fixture(autouse=True)
def schemes(transactional_db):
    _seed_schemes()


@pytest.fixture(scope="module", autouse=True)
def schemes_for_the_next_tests(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _seed_schemes()


def test_two_simultaneous_decisions_decide_once():
    organisation = OrganisationFactory(region=Region.RHONE_ALPES)
    request = HabilitationRequest.objects.create(
        organisation=organisation, kind="initial", state=RequestState.OPINION_GIVEN, state_changed_at=timezone.now()
    )
    request.schemes.set([scheme("SST")])
    members = [UserFactory(network_role=NetworkRole.CNH).pk for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index: int, user_pk: int) -> None:
        try:
            user = User.objects.get(pk=user_pk)
            target = HabilitationRequest.objects.get(pk=request.pk)
            barrier.wait(timeout=10)
            services.habilitation_request_decide(by=user, request=target, granted=index == 0, reason="Motif.")
            outcomes[index] = "ok"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, pk)) for i, pk in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1, outcomes
    (loser,) = [o for o in outcomes if o != "ok"]
    assert isinstance(loser, WorkflowError) and loser.status == 409
    request.refresh_from_db()
    winner = outcomes.index("ok")
    assert request.state == (RequestState.GRANTED if winner == 0 else RequestState.REFUSED)
    assert Habilitation.objects.filter(organisation=organisation).count() == (1 if winner == 0 else 0)
    assert request.events.count() == 1
